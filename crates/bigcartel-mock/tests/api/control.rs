//! Determinism, canned responses and the admin API that drives the mock.

use super::*;

#[tokio::test]
async fn same_seed_same_bytes() {
    let cfg = || MockConfig {
        seed: 7,
        public_base_url: Some("https://api.example.test".into()),
        ..MockConfig::default()
    };
    let (a, b) = (start_with(cfg()).await, start_with(cfg()).await);
    let c = start_with(MockConfig { seed: 8, ..cfg() }).await;
    let (api_a, api_b, api_c) = (Api::new(&a), Api::new(&b), Api::new(&c));
    assert_ne!(a.url(), b.url());
    let paths = [
        api_a.acct(""),
        api_a.acct("/orders?page%5Blimit%5D=50"),
        api_a.acct("/products?page%5Blimit%5D=50&sort=-updated_at"),
        api_a.acct("/discounts"),
        api_a.acct("/artists"),
        "/v1/countries".to_string(),
    ];
    for p in &paths {
        let (ra, rb) = (api_a.get(p).await, api_b.get(p).await);
        assert_eq!(ra.status, StatusCode::OK);
        assert_eq!(ra.bytes, rb.bytes, "{p}");
        assert!(
            String::from_utf8_lossy(&ra.bytes).contains("https://api.example.test")
                || !p.contains("orders")
        );
    }
    // The same writes give the same bytes too (logical clock).
    let body = json!({"data": {"type": "artists", "attributes": {"name": "Same"}}});
    let (ra, rb) = (
        api_a.post(&api_a.acct("/artists"), &body).await,
        api_b.post(&api_b.acct("/artists"), &body).await,
    );
    assert_eq!(ra.bytes, rb.bytes);
    let oid = a.orders()[3].id;
    let patch = json!({"data": {"id": oid.to_string(), "type": "orders", "attributes": {"shipping_status": "shipped"}}});
    let path = api_a.acct(&format!("/orders/{oid}"));
    assert_eq!(
        api_a.patch(&path, &patch).await.bytes,
        api_b.patch(&path, &patch).await.bytes
    );

    let rc = api_c.get(&api_c.acct("/orders?page%5Blimit%5D=50")).await;
    assert_ne!(
        rc.bytes,
        api_a.get(&paths[1]).await.bytes,
        "another seed, another shop"
    );
}

#[tokio::test]
async fn canned_responses_by_override_and_prefix() {
    let server = start().await;
    let api = Api::new(&server);
    let orders = api.acct("/orders");

    server
        .set_override("listOrders", CannedResponse::Html502)
        .unwrap();
    let r = api.get(&orders).await;
    assert_eq!(r.status, StatusCode::BAD_GATEWAY);
    assert_eq!(r.header("content-type"), Some("text/html"));
    assert!(String::from_utf8_lossy(&r.bytes).contains("502 Bad Gateway"));
    server.clear_override("listOrders");
    assert_eq!(api.get(&orders).await.status, StatusCode::OK);
    assert!(
        server
            .set_override("nope", CannedResponse::Empty200)
            .is_err()
    );

    let prefixed = |kind: &str, path: &str| format!("/__canned/{kind}{path}");
    let r = api.get(&prefixed("empty_200", &orders)).await;
    assert_eq!((r.status, r.bytes.len()), (StatusCode::OK, 0));

    let real = api.get(&orders).await;
    let r = api.get(&prefixed("truncated_json", &orders)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.bytes, real.bytes[..real.bytes.len() / 2]);
    assert!(serde_json::from_slice::<Value>(&r.bytes).is_err());

    let r = api.get(&prefixed("wrong_types", &orders)).await;
    assert!(r.json["data"][0]["id"].is_number());
    assert!(r.json["data"][0]["attributes"]["item_count"].is_string());
    assert!(r.json["data"][0]["attributes"]["customer_opted_in_to_marketing"].is_string());

    let r = api.get(&prefixed("data_object_for_list", &orders)).await;
    assert!(r.json["data"].is_object());
    let r = api
        .get(&prefixed("data_object_for_list", &api.acct("/orders/1001")))
        .await;
    assert!(r.json["data"].is_array());

    let r = api
        .get(&prefixed(
            "unknown_included_types",
            &api.acct("/products/1"),
        ))
        .await;
    let types: Vec<&str> = r.json["included"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["type"].as_str().unwrap())
        .collect();
    assert!(types.contains(&"mystery_widgets"));
    assert_eq!(
        r.json["data"]["relationships"]["widget"]["data"]["type"],
        "mystery_widgets"
    );

    let r = api.get(&prefixed("invalid_utf8", &orders)).await;
    assert!(std::str::from_utf8(&r.bytes).is_err());

    let r = api.get(&prefixed("bogus", &orders)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Overrides on writes never change state.
    server
        .set_override("createArtist", CannedResponse::TruncatedJson)
        .unwrap();
    let r = api
        .post(
            &api.acct("/artists"),
            &json!({"data": {"type": "artists", "attributes": {"name": "Ghost"}}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(server.artists().iter().all(|a| a.name != "Ghost"));
    server
        .set_override(
            "getAccount",
            CannedResponse::Custom {
                status: 418,
                content_type: "text/plain".into(),
                body: "teapot".into(),
            },
        )
        .unwrap();
    let r = api.get(&api.acct("")).await;
    assert_eq!(
        (r.status.as_u16(), r.bytes.as_slice()),
        (418, b"teapot".as_slice())
    );
    assert_eq!(server.counters().overrides_served, 10);
    assert_eq!(server.counters().writes_for("artists").creates, 0);
}

#[tokio::test]
async fn admin_api_drives_the_mock_from_any_language() {
    let server = start().await;
    let api = Api::new(&server);
    // Admin writes are JSON (a page cannot send that cross-origin without a preflight).
    let admin = |m: Method, p: &str| {
        api.http
            .request(m, format!("{}/__mock{p}", api.url))
            .header("Content-Type", "application/json")
    };

    let r = send(admin(Method::GET, "")).await;
    assert_eq!(r.json["account_id"], "12345");
    assert_eq!(r.json["operations"].as_array().unwrap().len(), 28);

    let r = send(
        admin(Method::PUT, "/faults")
            .json(&json!({"error_503_rate": 1.0, "max_faults": 1, "operations": ["getAccount"]})),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        api.get(&api.acct("")).await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(api.get(&api.acct("")).await.status, StatusCode::OK);
    let r = send(
        admin(Method::PUT, "/faults").json(&json!({"error_503_rate": 1.0, "operations": ["nope"]})),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = send(admin(Method::PUT, "/faults").json(&json!({"eror_rate": 1.0}))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "typos are reported");

    let r = send(admin(Method::PUT, "/overrides/listArtists").json(&json!({"canned": "html_502"})))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        api.get(&api.acct("/artists")).await.status,
        StatusCode::BAD_GATEWAY
    );
    let r = send(admin(Method::GET, "/overrides")).await;
    assert_eq!(r.json, json!({"listArtists": {"canned": "html_502"}}));
    let r = send(admin(Method::PUT, "/overrides/getAccount").json(
        &json!({"canned": "custom", "status": 418, "content_type": "text/plain", "body": "teapot"}),
    ))
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = api.get(&api.acct("")).await;
    assert_eq!(
        (r.status.as_u16(), r.bytes.as_slice()),
        (418, b"teapot".as_slice())
    );
    let r = send(admin(Method::PUT, "/overrides/getAccount").json(&json!({"canned": "nonsense"})))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        send(admin(Method::DELETE, "/overrides")).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(api.get(&api.acct("/artists")).await.status, StatusCode::OK);

    let before = server.orders().len();
    let r = send(admin(Method::POST, "/orders")).await;
    assert_eq!(r.status, StatusCode::CREATED);
    let id = r.json["id"].as_str().unwrap();
    assert_eq!(server.orders().len(), before + 1);
    let o = api.get(&api.acct(&format!("/orders/{id}"))).await;
    assert_eq!(o.json["data"]["attributes"]["shipping_status"], "unshipped");
    let newest = api
        .get(&format!("{}?page%5Blimit%5D=1", api.acct("/orders")))
        .await;
    assert_eq!(ids(&newest.json), vec![id.to_string()]);

    let r = send(admin(Method::GET, "/counters")).await;
    assert_eq!(r.json["faults"]["error_503"], 1);
    assert_eq!(r.json["writes"]["orders"]["creates"], 1);
    assert_eq!(r.json["requests"]["getAccount"], 3);
    assert_eq!(
        send(admin(Method::POST, "/reset")).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(server.orders().len(), before);
    assert_eq!(server.counters().total_requests, 0);
    assert_eq!(
        send(admin(Method::GET, "/nothing")).await.status,
        StatusCode::NOT_FOUND
    );
}
