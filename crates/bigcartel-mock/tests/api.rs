//! The wire contract: headers, errors, CRUD with state checks, filters,
//! search, sort, pagination, OAuth, canned responses and determinism.

mod common;

use bigcartel_mock::{CannedResponse, MEDIA_TYPE, MockConfig};
use common::*;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn ids(doc: &Value) -> Vec<String> {
    doc["data"]
        .as_array()
        .expect("data list")
        .iter()
        .map(|r| r["id"].as_str().expect("string id").to_string())
        .collect()
}

/// No JSON number in the document has a fraction or exponent: money and
/// coordinates are strings, everything else is an integer.
fn assert_no_floats(v: &Value) {
    match v {
        Value::Number(n) => {
            let s = n.to_string();
            assert!(!s.contains(['.', 'e', 'E']), "float {s} in response");
        }
        Value::Array(a) => a.iter().for_each(assert_no_floats),
        Value::Object(o) => o.values().for_each(assert_no_floats),
        _ => {}
    }
}

fn cents(s: &Value) -> i64 {
    bigcartel_mock::money::parse(s).unwrap_or_else(|| panic!("money string, got {s}"))
}

// ------------------------------------------------------------ headers & errors

#[tokio::test]
async fn identification_negotiation_and_auth_are_enforced() {
    let server = start().await;
    let api = Api::new(&server);
    let url = format!("{}{}", api.url, api.acct("/orders"));

    // No User-Agent: 400 with an error document.
    let r = send(
        api.http
            .get(&url)
            .header(ACCEPT, MEDIA_TYPE)
            .header(AUTHORIZATION, "Bearer mock-token"),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.header("content-type"), Some(MEDIA_TYPE));
    assert_eq!(r.error()["status"], "400");
    assert_eq!(r.error()["title"], "Bad Request");
    assert!(r.error()["detail"].as_str().unwrap().contains("User-Agent"));

    // Blank User-Agent counts as missing.
    let r = send(
        api.req(Method::GET, &api.acct("/orders"))
            .header(USER_AGENT, "  "),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    // Accept missing or not JSON:API: 406. (reqwest always sends
    // `Accept: */*`, so the missing case goes over raw TCP.)
    let raw = raw_http(
        server.addr(),
        &format!(
            "GET {} HTTP/1.1\r\nHost: x\r\nUser-Agent: t\r\nAuthorization: Bearer mock-token\r\nConnection: close\r\n\r\n",
            api.acct("/orders")
        ),
    )
    .await;
    assert!(raw.starts_with("HTTP/1.1 406"), "{raw}");
    assert!(raw.contains(r#""status":"406""#), "{raw}");
    let r = send(
        api.req(Method::GET, &api.acct("/orders"))
            .header(ACCEPT, "text/html"),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_ACCEPTABLE);
    for ok in [
        "*/*",
        "application/json, application/vnd.api+json",
        "application/*",
    ] {
        let r = send(
            api.req(Method::GET, &api.acct("/orders"))
                .header(ACCEPT, ok),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "Accept: {ok}");
    }

    // Credentials.
    let r = send(
        api.http
            .get(&url)
            .header(USER_AGENT, UA)
            .header(ACCEPT, MEDIA_TYPE),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.error()["title"], "Unauthorized");
    assert!(r.header("www-authenticate").is_some());
    let r = send(
        api.req(Method::GET, &api.acct("/orders"))
            .header(AUTHORIZATION, "Bearer nope"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = send(
        api.req(Method::GET, &api.acct("/orders"))
            .header(AUTHORIZATION, "Basic bW9ja3Nob3A6bW9jay1wYXNzd29yZA=="), // mockshop:mock-password
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = send(
        api.req(Method::GET, &api.acct("/orders"))
            .header(AUTHORIZATION, "Basic bW9ja3Nob3A6d3Jvbmc="), // mockshop:wrong
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = send(
        api.req(Method::GET, &api.acct("/orders"))
            .header(AUTHORIZATION, "Basic !!!"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // JSON bodies need the JSON:API media type.
    let body = json!({"data": {"type": "artists", "attributes": {"name": "X"}}});
    let r = send(
        api.req(Method::POST, &api.acct("/artists"))
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_string()),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(r.error()["status"], "415");
    assert_eq!(server.counters().writes_for("artists").creates, 0);
    let r = send(
        api.req(Method::POST, &api.acct("/artists"))
            .body(body.to_string()),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn unknown_routes_ids_accounts_and_methods() {
    let server = start().await;
    let api = Api::new(&server);

    let r = api.get("/v1/nothing").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        r.json,
        json!({"errors": [{"status": "404", "title": "Not Found", "detail": "No such endpoint."}]})
    );

    for path in [
        "/orders/999999",
        "/artists/abc",
        "/products/0",
        "/discounts/18446744073709551616",
        "/categories/-1",
    ] {
        let r = api.get(&api.acct(path)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(r.error()["status"], "404");
    }
    let r = api.get("/v1/accounts/999/orders").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let r = send(api.req(Method::PUT, &api.acct("/orders/1001"))).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.header("allow"), Some("GET, PATCH"));
    assert_eq!(r.error()["status"], "405");
}

#[tokio::test]
async fn cors_preflight_and_headers() {
    let server = start().await;
    let api = Api::new(&server);
    let r = send(
        api.http
            .request(
                Method::OPTIONS,
                format!("{}{}", api.url, api.acct("/artists")),
            )
            .header("Origin", "http://localhost:3000")
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "authorization, content-type",
            ),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    let allowed = r
        .header("access-control-allow-headers")
        .unwrap()
        .to_ascii_lowercase();
    for h in [
        "authorization",
        "content-type",
        "accept",
        "user-agent",
        "x-requested-with",
    ] {
        assert!(allowed.contains(h), "{h} not allowed: {allowed}");
    }
    assert!(
        r.header("access-control-allow-methods")
            .unwrap()
            .contains("PATCH")
    );

    let r = api
        .post(
            &api.acct("/artists"),
            &json!({"data": {"type": "artists", "attributes": {"name": "Cors"}}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert!(
        r.header("access-control-expose-headers")
            .unwrap()
            .contains("Location")
    );
    // Errors carry CORS headers too, so browsers can read them.
    let r = api.get("/v1/nothing").await;
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test]
async fn malformed_bodies_and_queries_get_error_documents() {
    let server = start().await;
    let api = Api::new(&server);
    let path = api.acct("/artists");
    let bad_bodies: Vec<(&[u8], &str)> = vec![
        (b"", ""),
        (b"{", ""),
        (b"[]", "/data"),
        (b"{\"data\": []}", "/data"),
        (b"{\"data\": {\"type\": \"categories\", \"attributes\": {\"name\": \"X\"}}}", "/data/type"),
        (b"{\"data\": {\"attributes\": {\"name\": \"X\"}}}", "/data/type"),
        (b"{\"data\": {\"type\": \"artists\", \"attributes\": {}}}", "/data/attributes/name"),
        (b"{\"data\": {\"type\": \"artists\", \"attributes\": {\"name\": \"   \"}}}", "/data/attributes/name"),
        (b"{\"data\": {\"type\": \"artists\", \"attributes\": {\"name\": 5}}}", "/data/attributes/name"),
        (b"{\"data\": {\"type\": \"artists\", \"attributes\": {\"name\": \"X\", \"colour\": \"red\"}}}", "/data/attributes/colour"),
        (b"{\"data\": {\"type\": \"artists\", \"id\": \"9\", \"attributes\": {\"name\": \"X\"}}}", "/data/id"),
        (b"\xff\xfe", ""),
    ];
    for (body, pointer) in bad_bodies {
        let r = send(
            api.req(Method::POST, &path)
                .header(CONTENT_TYPE, MEDIA_TYPE)
                .body(body.to_vec()),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "{}",
            String::from_utf8_lossy(body)
        );
        assert_eq!(r.error()["status"], "400");
        if !pointer.is_empty() {
            assert_eq!(
                r.error()["source"]["pointer"],
                pointer,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }
    // Deeply nested JSON is refused, not a crash.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let r = send(
        api.req(Method::POST, &path)
            .header(CONTENT_TYPE, MEDIA_TYPE)
            .body(deep),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // Oversized bodies: 413.
    let huge = vec![b' '; bigcartel_mock::MAX_BODY_BYTES + 10];
    let r = send(
        api.req(Method::POST, &path)
            .header(CONTENT_TYPE, MEDIA_TYPE)
            .body(huge),
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(server.counters().writes_for("artists").creates, 0);
    assert_eq!(server.artists().len(), 4);

    for q in [
        "page%5Blimit%5D=abc",
        "page%5Blimit%5D=0",
        "page%5Blimit%5D=-3",
        "page%5Boffset%5D=99999999999999999999999",
        // One past the spec's int64.
        "page%5Boffset%5D=9223372036854775808",
        "page%5Blimit%5D=9223372036854775808",
        "page%5Boffset%5D=-1",
        "sort=price",
        "sort=--created_at",
        "filter%5Bshipping_status%5D=lost",
        "filter%5Bcolour%5D=red",
        "filter=shipped",
    ] {
        let r = api.get(&format!("{}?{q}", api.acct("/orders"))).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}");
        assert!(
            r.error()["source"]["parameter"].is_string(),
            "{q}: {}",
            r.json
        );
    }
    for q in ["filter%5Bcategory_id%5D=1,x", "filter%5Bstatus%5D=deleted"] {
        let r = api.get(&format!("{}?{q}", api.acct("/products"))).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}");
    }
    // Garbage percent-encoding is just text.
    let r = api
        .get(&format!("{}?search=%ZZ%FF", api.acct("/orders")))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json["meta"]["count"], 0);
}

// ------------------------------------------------------------ accounts & countries

#[tokio::test]
async fn accounts_and_countries() {
    let server = start().await;
    let api = Api::new(&server);
    let r = api.get(&api.acct("")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type"), Some(MEDIA_TYPE));
    assert_eq!(r.json["data"]["id"], "12345");
    assert_eq!(r.json["data"]["type"], "accounts");
    assert_eq!(r.json["data"]["attributes"]["subdomain"], "mockshop");
    assert_eq!(
        r.json["data"]["relationships"]["currency"]["data"],
        json!({"type": "currencies", "id": "USD"})
    );
    assert_linkage_resolves(&r.json, &[]);
    let plan = r.json["included"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["type"] == "plans")
        .unwrap();
    assert_eq!(plan["attributes"]["monthly_rate"], "15.0");
    assert_no_floats(&r.json);

    let list = api.get("/v1/accounts").await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.json["data"], json!([r.json["data"].clone()]));

    let c = api.get("/v1/countries").await;
    assert_eq!(c.status, StatusCode::OK);
    let data = c.json["data"].as_array().unwrap();
    assert_eq!(data.len(), 249);
    assert!(
        data.iter()
            .all(|x| x["type"] == "countries" && x["id"].as_str().unwrap().len() == 2)
    );
    let names: Vec<&str> = data
        .iter()
        .map(|x| x["attributes"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names[0], "Afghanistan");
    assert!(
        data.iter()
            .any(|x| x["id"] == "US" && x["attributes"]["name"] == "United States")
    );
    let folded: Vec<String> = names
        .iter()
        .map(|n| n.replace('Å', "A").to_lowercase())
        .collect();
    let mut sorted = folded.clone();
    sorted.sort();
    assert_eq!(folded.first(), sorted.first());
    let r = send(
        api.req(Method::GET, "/v1/countries")
            .header(AUTHORIZATION, "Bearer nope"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

// ------------------------------------------------------------ artists & categories

#[tokio::test]
async fn artist_and_category_crud_round_trips() {
    let server = start().await;
    let api = Api::new(&server);
    for kind in ["artists", "categories"] {
        let before = api.get(&api.acct(&format!("/{kind}"))).await;
        let n = before.json["data"].as_array().unwrap().len();
        assert!(n >= 4);

        let r = api
            .post(
                &api.acct(&format!("/{kind}")),
                &json!({"data": {"type": kind, "attributes": {"name": "Night Market Co."}}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
        let id = r.json["data"]["id"].as_str().unwrap().to_string();
        let location = r.header("location").unwrap().to_string();
        assert_eq!(
            location,
            format!("{}{}", api.url, api.acct(&format!("/{kind}/{id}")))
        );
        assert_eq!(r.json["data"]["attributes"]["permalink"], "night-market-co");
        assert_eq!(r.json["data"]["attributes"]["position"], n + 1);
        let got = send(api.req(Method::GET, location.trim_start_matches(&api.url))).await;
        assert_eq!(got.json, r.json, "Location serves the same body");

        // Same name again gets a unique permalink.
        let r2 = api
            .post(
                &api.acct(&format!("/{kind}")),
                &json!({"data": {"type": kind, "attributes": {"name": "Night Market Co."}}}),
            )
            .await;
        assert_eq!(
            r2.json["data"]["attributes"]["permalink"],
            "night-market-co-2"
        );
        let id2 = r2.json["data"]["id"].as_str().unwrap().to_string();

        let r = api
            .patch(
                &api.acct(&format!("/{kind}/{id}")),
                &json!({"data": {"id": id, "type": kind, "attributes": {"name": "Day Market"}}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        assert_eq!(r.json["data"]["attributes"]["name"], "Day Market");
        assert_eq!(r.json["data"]["attributes"]["permalink"], "day-market");
        let nid: u64 = id.parse().unwrap();
        let stored = if kind == "artists" {
            server.artist(nid)
        } else {
            server.category(nid)
        };
        assert_eq!(stored.unwrap().name, "Day Market");

        // id mismatch (409 Conflict, as JSON:API requires and the spec declares), wrong type,
        // unknown id.
        let r = api
            .patch(
                &api.acct(&format!("/{kind}/{id}")),
                &json!({"data": {"id": "1", "type": kind, "attributes": {"name": "X"}}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.json);
        assert_eq!(r.error()["status"], "409");
        assert_eq!(r.error()["source"]["pointer"], "/data/id");
        let r = api
            .patch(
                &api.acct(&format!("/{kind}/{id}")),
                &json!({"data": {"id": id, "type": "orders", "attributes": {"name": "X"}}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        let r = api
            .patch(
                &api.acct(&format!("/{kind}/424242")),
                &json!({"data": {"id": "424242", "type": kind, "attributes": {"name": "X"}}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        // Reposition: the two new ones first, the rest keep their order.
        let r = api
            .patch(
                &api.acct(&format!("/relationships/{kind}")),
                &json!({"data": [{"type": kind, "id": id2}, {"type": kind, "id": id}]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert!(r.bytes.is_empty());
        let list = api.get(&api.acct(&format!("/{kind}"))).await;
        let order = ids(&list.json);
        assert_eq!(&order[..2], &[id2.clone(), id.clone()]);
        let positions: Vec<i64> = list.json["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["attributes"]["position"].as_i64().unwrap())
            .collect();
        assert_eq!(positions, (1..=n as i64 + 2).collect::<Vec<_>>());
        let r = api
            .patch(
                &api.acct(&format!("/relationships/{kind}")),
                &json!({"data": [{"type": kind, "id": "999"}]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = api
            .patch(
                &api.acct(&format!("/relationships/{kind}")),
                &json!({"data": [{"type": kind, "id": id}, {"type": kind, "id": id}]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);

        let r = api.delete(&api.acct(&format!("/{kind}/{id}"))).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert!(r.bytes.is_empty());
        assert_eq!(
            api.get(&api.acct(&format!("/{kind}/{id}"))).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            api.delete(&api.acct(&format!("/{kind}/{id}"))).await.status,
            StatusCode::NOT_FOUND
        );

        let w = server.counters().writes_for(kind);
        assert_eq!(
            (w.creates, w.updates, w.deletes, w.repositions),
            (2, 1, 1, 1),
            "{kind}"
        );
    }
    let c = server.counters();
    assert_eq!(c.requests_for("createArtist"), 2);
    assert_eq!(c.requests_for("deleteCategory"), 2);
}

#[tokio::test]
async fn deleting_an_artist_unlinks_it_from_products() {
    let server = start().await;
    let api = Api::new(&server);
    let product = server
        .products()
        .into_iter()
        .find(|p| !p.artist_ids.is_empty())
        .expect("a product with an artist");
    let artist = product.artist_ids[0];
    assert_eq!(
        api.delete(&api.acct(&format!("/artists/{artist}")))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let r = api
        .get(&api.acct(&format!("/products/{}", product.id)))
        .await;
    assert_eq!(
        r.json["data"]["relationships"]["artists"]["data"],
        json!([])
    );
    assert!(
        server
            .products()
            .iter()
            .all(|p| !p.artist_ids.contains(&artist))
    );
    let r = api
        .get(&format!(
            "{}?filter%5Bartist_id%5D={artist}",
            api.acct("/products")
        ))
        .await;
    assert_eq!(r.json["meta"]["count"], 0);
}

// ------------------------------------------------------------ products

#[tokio::test]
async fn products_filters_sort_and_included() {
    let server = start_with(MockConfig {
        products: 40,
        ..MockConfig::default()
    })
    .await;
    let api = Api::new(&server);
    let all = server.products();

    let r = api
        .get(&format!("{}?page%5Blimit%5D=100", api.acct("/products")))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json["meta"]["count"], 40);
    assert_linkage_resolves(&r.json, &[]);
    assert_no_floats(&r.json);
    let positions: Vec<i64> = r.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["attributes"]["position"].as_i64().unwrap())
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "default sort is position"
    );
    for p in r.json["data"].as_array().unwrap() {
        assert!(p["attributes"]["default_price"].is_string());
        for rel in [
            "options",
            "artists",
            "categories",
            "shipping_options",
            "images",
        ] {
            assert!(p["relationships"][rel]["data"].is_array(), "{rel}");
        }
    }
    for inc in r.json["included"].as_array().unwrap() {
        match inc["type"].as_str().unwrap() {
            "product_options" => assert!(inc["attributes"]["price"].is_string()),
            "shipping_options" => {
                assert!(inc["attributes"]["price_alone"].is_string());
                assert!(inc["attributes"]["price_with_others"].is_string());
                assert_eq!(inc["relationships"]["country"]["data"]["type"], "countries");
            }
            _ => {}
        }
    }
    // Descriptions carry SKUs for most products, none for some.
    let with_sku = all
        .iter()
        .filter(|p| p.description.contains("SKU:"))
        .count();
    assert!((30..40).contains(&with_sku), "{with_sku}");
    assert!(
        all.iter()
            .filter(|p| p.description.contains("SKU:"))
            .all(|p| p.description.ends_with('-'))
    );

    let want = all
        .iter()
        .filter(|p| p.status == "active" || p.status == "sold_out")
        .count();
    let r = api
        .get(&format!(
            "{}?filter%5Bstatus%5D=active,sold_out&page%5Blimit%5D=100",
            api.acct("/products")
        ))
        .await;
    assert_eq!(r.json["meta"]["count"], want);
    assert!(
        r.json["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["attributes"]["status"] == "active"
                || p["attributes"]["status"] == "sold_out")
    );

    let want = all
        .iter()
        .filter(|p| p.category_ids.contains(&1) || p.category_ids.contains(&3))
        .count();
    let r = api
        .get(&format!(
            "{}?filter%5Bcategory_id%5D=1,3&page%5Blimit%5D=100",
            api.acct("/products")
        ))
        .await;
    assert_eq!(r.json["meta"]["count"], want);
    assert!(want > 0);

    let r = api
        .get(&format!(
            "{}?sort=-created_at&page%5Blimit%5D=100",
            api.acct("/products")
        ))
        .await;
    let created: Vec<String> = r.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["attributes"]["created_at"].as_str().unwrap().to_string())
        .collect();
    assert!(created.windows(2).all(|w| w[0] >= w[1]));

    // Reposition products.
    let last = all.last().unwrap().id.to_string();
    let r = api
        .patch(
            &api.acct("/relationships/products"),
            &json!({"data": [{"type": "products", "id": last}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = api
        .get(&format!("{}?page%5Blimit%5D=1", api.acct("/products")))
        .await;
    assert_eq!(ids(&r.json), vec![last.clone()]);
    assert_eq!(server.product(last.parse().unwrap()).unwrap().position, 1);
    let r = api
        .patch(
            &api.acct("/relationships/products"),
            &json!({"data": [{"type": "artists", "id": last}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    let r = api.get(&api.acct(&format!("/products/{last}"))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json["data"]["id"], last);
    assert_linkage_resolves(&r.json, &[]);
}

// ------------------------------------------------------------ orders

#[tokio::test]
async fn orders_pagination_walks_every_order_once() {
    let server = start_with(MockConfig {
        orders: 53,
        ..MockConfig::default()
    })
    .await;
    let api = Api::new(&server);
    let mut seen = Vec::new();
    let mut next = Some(format!(
        "{}{}?filter%5Bshipping_status%5D=unshipped&page%5Blimit%5D=7",
        api.url,
        api.acct("/orders")
    ));
    let mut pages = 0;
    let mut count = None;
    while let Some(url) = next {
        let r = send(api.req(Method::GET, url.trim_start_matches(&api.url))).await;
        assert_eq!(r.status, StatusCode::OK);
        pages += 1;
        let c = r.json["meta"]["count"]
            .as_u64()
            .expect("count is a JSON number");
        assert_eq!(*count.get_or_insert(c), c);
        seen.extend(ids(&r.json));
        assert!(
            r.json["links"]["last"]
                .as_str()
                .unwrap()
                .contains("page%5Blimit%5D=7")
        );
        next = r.json["links"]["next"].as_str().map(str::to_string);
        if let Some(n) = &next {
            assert!(n.starts_with(&api.url), "absolute next link: {n}");
            assert!(n.contains("filter%5Bshipping_status%5D=unshipped"), "{n}");
            assert!(n.contains("page%5Blimit%5D=7&page%5Boffset%5D="), "{n}");
        }
        assert!(pages < 20);
    }
    let want: Vec<u64> = server
        .orders()
        .iter()
        .filter(|o| o.shipping_status == "unshipped")
        .map(|o| o.id)
        .collect();
    assert_eq!(count, Some(want.len() as u64));
    assert_eq!(seen.len(), want.len());
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), seen.len(), "no order twice");
    assert_eq!(pages, want.len().div_ceil(7).max(1));

    // Past the end: empty page, still counted, no next.
    let r = api
        .get(&format!("{}?page%5Boffset%5D=1000", api.acct("/orders")))
        .await;
    assert_eq!(r.json["data"], json!([]));
    assert_eq!(r.json["meta"]["count"], 53);
    assert!(r.json["links"].get("next").is_none());
    // Default page size 20; limits above 100 are clamped.
    let r = api.get(&api.acct("/orders")).await;
    assert_eq!(r.json["data"].as_array().unwrap().len(), 20);
    assert!(
        r.json["links"]["next"]
            .as_str()
            .unwrap()
            .ends_with("page%5Blimit%5D=20&page%5Boffset%5D=20")
    );
    assert!(
        r.json["links"]["last"]
            .as_str()
            .unwrap()
            .ends_with("page%5Blimit%5D=20&page%5Boffset%5D=40")
    );
    let r = api
        .get(&format!("{}?page%5Blimit%5D=5000", api.acct("/orders")))
        .await;
    assert_eq!(r.json["data"].as_array().unwrap().len(), 53);
}

#[tokio::test]
async fn orders_search_filter_sort_and_totals() {
    let server = start_with(MockConfig {
        orders: 60,
        ..MockConfig::default()
    })
    .await;
    let api = Api::new(&server);
    let orders = server.orders();
    let target = &orders[17];

    let by_email = api
        .get(&format!(
            "{}?search={}",
            api.acct("/orders"),
            target.customer_email.to_uppercase()
        ))
        .await;
    assert!(ids(&by_email.json).contains(&target.id.to_string()));
    let full_name = format!(
        "{} {}",
        target.customer_first_name, target.customer_last_name
    );
    let by_name = api
        .get(&format!(
            "{}?search={}&page%5Blimit%5D=100",
            api.acct("/orders"),
            full_name.replace(' ', "+")
        ))
        .await;
    let want = orders
        .iter()
        .filter(|o| {
            format!("{} {}", o.customer_first_name, o.customer_last_name)
                .to_lowercase()
                .contains(&full_name.to_lowercase())
                || o.customer_email.contains(&full_name.to_lowercase())
        })
        .count();
    assert_eq!(by_name.json["meta"]["count"], want);
    let by_id = api
        .get(&format!("{}?search={}", api.acct("/orders"), target.id))
        .await;
    assert_eq!(ids(&by_id.json), vec![target.id.to_string()]);

    let shipped = api
        .get(&format!(
            "{}?filter%5Bshipping_status%5D=shipped",
            api.acct("/orders")
        ))
        .await;
    let unshipped = api
        .get(&format!(
            "{}?filter%5Bshipping_status%5D=unshipped",
            api.acct("/orders")
        ))
        .await;
    let (s, u) = (
        shipped.json["meta"]["count"].as_u64().unwrap(),
        unshipped.json["meta"]["count"].as_u64().unwrap(),
    );
    assert!(s > 0 && u > 0);
    assert_eq!(s + u, 60);

    let asc = api
        .get(&format!(
            "{}?sort=created_at&page%5Blimit%5D=100",
            api.acct("/orders")
        ))
        .await;
    let desc = api
        .get(&format!(
            "{}?sort=-created_at&page%5Blimit%5D=100",
            api.acct("/orders")
        ))
        .await;
    let mut reversed = ids(&desc.json);
    reversed.reverse();
    assert_eq!(ids(&asc.json), reversed);
    let default = api
        .get(&format!("{}?page%5Blimit%5D=100", api.acct("/orders")))
        .await;
    assert_eq!(
        ids(&default.json),
        ids(&desc.json),
        "default is newest first"
    );
    let upd = api
        .get(&format!(
            "{}?sort=updated_at&page%5Blimit%5D=100",
            api.acct("/orders")
        ))
        .await;
    let times: Vec<&str> = upd.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["attributes"]["updated_at"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
    let comp = api
        .get(&format!(
            "{}?sort=-completed_at&page%5Blimit%5D=100",
            api.acct("/orders")
        ))
        .await;
    let c: Vec<&Value> = comp.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| &o["attributes"]["completed_at"])
        .collect();
    let first_null = c.iter().position(|v| v.is_null()).unwrap_or(c.len());
    assert!(
        c[first_null..].iter().all(|v| v.is_null()),
        "unpaid orders last"
    );
    assert!(
        c[..first_null]
            .windows(2)
            .all(|w| w[0].as_str() >= w[1].as_str())
    );

    // Totals are consistent decimal strings; line items include options, not products.
    assert_no_floats(&asc.json);
    assert_linkage_resolves(&asc.json, &["products"]);
    let included = asc.json["included"].as_array().unwrap();
    assert!(included.iter().all(|r| r["type"] != "products"));
    for o in asc.json["data"].as_array().unwrap() {
        let a = &o["attributes"];
        assert_eq!(
            cents(&a["total"]),
            cents(&a["item_total"]) - cents(&a["discount_total"])
                + cents(&a["shipping_total"])
                + cents(&a["tax_total"])
        );
        let items = o["relationships"]["items"]["data"].as_array().unwrap();
        assert!(!items.is_empty());
        let mut sum = 0;
        let mut count = 0;
        for link in items {
            let item = included
                .iter()
                .find(|r| r["type"] == "order_line_items" && r["id"] == link["id"])
                .unwrap();
            let ia = &item["attributes"];
            assert_eq!(
                cents(&ia["total"]),
                cents(&ia["price"]) * ia["quantity"].as_i64().unwrap()
            );
            sum += cents(&ia["total"]);
            count += ia["quantity"].as_i64().unwrap();
            assert_eq!(item["relationships"]["product"]["data"]["type"], "products");
        }
        assert_eq!(sum, cents(&a["item_total"]));
        assert_eq!(count, a["item_count"].as_i64().unwrap());
        assert!(a["shipping_latitude"].is_string());
    }
    assert!(
        asc.json["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["relationships"]["shipping_country"]["data"]["id"] != "US")
    );
}

#[tokio::test]
async fn update_order_changes_state_and_validates() {
    let server = start().await;
    let api = Api::new(&server);
    let order = server
        .orders()
        .into_iter()
        .find(|o| o.shipping_status == "unshipped")
        .unwrap();
    let id = order.id.to_string();
    let path = api.acct(&format!("/orders/{id}"));
    let r = api
        .patch(
            &path,
            &json!({"data": {"id": id, "type": "orders", "attributes": {
                "shipping_status": "shipped",
                "customer_first_name": "Robin",
                "shipping_address_2": null,
                "shipping_country_id": "ca",
                "shipping_zip": "M5V 2T6"
            }}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let a = &r.json["data"]["attributes"];
    assert_eq!(a["shipping_status"], "shipped");
    assert_eq!(a["customer_first_name"], "Robin");
    assert_eq!(a["shipping_address_2"], Value::Null);
    assert_eq!(
        r.json["data"]["relationships"]["shipping_country"]["data"]["id"],
        "CA"
    );
    assert_ne!(
        a["updated_at"],
        bigcartel_mock::time::format(order.updated_at)
    );
    let stored = server.order(order.id).unwrap();
    assert_eq!(stored.shipping_status, "shipped");
    assert_eq!(stored.customer_first_name, "Robin");
    assert_eq!(
        stored.customer_last_name, order.customer_last_name,
        "untouched fields stay"
    );
    assert!(stored.updated_at > order.updated_at);
    assert_eq!(stored.events.last().unwrap().message, "Marked as shipped");
    assert_eq!(api.get(&path).await.json, r.json, "GET shows the update");

    for (attrs, pointer) in [
        (
            json!({"shipping_status": "lost"}),
            "/data/attributes/shipping_status",
        ),
        (
            json!({"shipping_country_id": "XX"}),
            "/data/attributes/shipping_country_id",
        ),
        (
            json!({"customer_email": "not-an-email"}),
            "/data/attributes/customer_email",
        ),
        (json!({"total": "1.0"}), "/data/attributes/total"),
        (
            json!({"customer_first_name": 7}),
            "/data/attributes/customer_first_name",
        ),
    ] {
        let r = api
            .patch(
                &path,
                &json!({"data": {"id": id, "type": "orders", "attributes": attrs}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{attrs}");
        assert_eq!(r.error()["source"]["pointer"], pointer);
    }
    assert_eq!(
        server.order(order.id).unwrap(),
        stored,
        "rejected updates change nothing"
    );
    assert_eq!(server.counters().writes_for("orders").updates, 1);
}

// ------------------------------------------------------------ discounts

#[tokio::test]
async fn discounts_crud_filters_and_rules() {
    let server = start().await;
    let api = Api::new(&server);
    let list = api.get(&api.acct("/discounts")).await;
    assert_eq!(list.json["meta"]["count"], 6);
    let active = api
        .get(&format!(
            "{}?filter%5Bstatus%5D=active",
            api.acct("/discounts")
        ))
        .await;
    let expired = api
        .get(&format!(
            "{}?filter%5Bstatus%5D=expired",
            api.acct("/discounts")
        ))
        .await;
    assert_eq!(
        active.json["meta"]["count"].as_u64().unwrap()
            + expired.json["meta"]["count"].as_u64().unwrap(),
        6
    );
    let codes: Vec<&str> = expired.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["attributes"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["HOLIDAY24", "FIRST100"]);
    assert_linkage_resolves(&list.json, &[]);
    assert_no_floats(&list.json);

    let create = json!({"data": {"type": "discounts", "attributes": {
        "name": "Summer prints", "code": "SUMMER5", "active_at": "2025-06-01T00:00:00Z",
        "expires_at": "2030-01-01T00:00:00Z",
        "requirement_type": "minimum_cart_total", "minimum_cart_total": "25.00",
        "expiration_type": "on_date", "reward_type": "flat_rate_discount", "flat_rate_discount": "5.5",
        "application_type": "category"
    }, "relationships": {"categories": {"data": [{"type": "categories", "id": "2"}]}}}});
    let r = api.post(&api.acct("/discounts"), &create).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    let id = r.json["data"]["id"].as_str().unwrap().to_string();
    assert_eq!(
        r.header("location").unwrap(),
        format!("{}{}", api.url, api.acct(&format!("/discounts/{id}")))
    );
    let a = &r.json["data"]["attributes"];
    assert_eq!(a["flat_rate_discount"], "5.50");
    assert_eq!(a["minimum_cart_total"], "25.0");
    assert_eq!(a["status"], "active");
    assert_eq!(a["use_count"], 0);
    assert_eq!(a["expires_at"], "2030-01-01T00:00:00.000Z");
    assert_eq!(
        r.json["data"]["relationships"]["categories"]["data"],
        json!([{"type": "categories", "id": "2"}])
    );
    assert_linkage_resolves(&r.json, &[]);
    let d = server.discount(id.parse().unwrap()).unwrap();
    assert_eq!(
        (d.flat_rate_discount_cents, d.category_ids.clone()),
        (Some(550), vec![2])
    );

    // Same code again: a conflict with the stored discounts (409), nothing created.
    let r = api.post(&api.acct("/discounts"), &create).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.json);
    assert_eq!(r.error()["source"]["pointer"], "/data/attributes/code");

    let base = create["data"]["attributes"].clone();
    let with = |patch: Value| {
        let mut attrs = base.clone();
        attrs["code"] = json!("OTHER");
        for (k, v) in patch.as_object().unwrap() {
            if v.is_null() {
                attrs.as_object_mut().unwrap().remove(k);
            } else {
                attrs[k] = v.clone();
            }
        }
        json!({"data": {"type": "discounts", "attributes": attrs, "relationships": create["data"]["relationships"].clone()}})
    };
    for (patch, pointer) in [
        (json!({"name": null}), "/data/attributes/name"),
        (json!({"code": null}), "/data/attributes/code"),
        (json!({"active_at": null}), "/data/attributes/active_at"),
        (
            json!({"active_at": "last tuesday"}),
            "/data/attributes/active_at",
        ),
        (
            json!({"reward_type": "percent_discount"}),
            "/data/attributes/percent_discount",
        ),
        (
            json!({"reward_type": "percent_discount", "percent_discount": 100}),
            "/data/attributes/percent_discount",
        ),
        (
            json!({"flat_rate_discount": 5.123}),
            "/data/attributes/flat_rate_discount",
        ),
        (
            json!({"expires_at": "2020-01-01T00:00:00Z"}),
            "/data/attributes/expires_at",
        ),
        (
            json!({"expiration_type": "on_limit"}),
            "/data/attributes/use_limit",
        ),
        (
            json!({"requirement_type": "minimum_cart_quantity"}),
            "/data/attributes/minimum_cart_quantity",
        ),
        (
            json!({"application_type": "sometimes"}),
            "/data/attributes/application_type",
        ),
        (json!({"use_count": 3}), "/data/attributes/use_count"),
        (
            json!({"use_limit": 99999999999999999999u128.to_string()}),
            "/data/attributes/use_limit",
        ),
    ] {
        let r = api
            .post(&api.acct("/discounts"), &with(patch.clone()))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{patch}: {}", r.json);
        assert_eq!(r.error()["source"]["pointer"], pointer, "{patch}");
    }
    let mut body = with(json!({}));
    body["data"]["relationships"]["categories"]["data"][0]["id"] = json!("77");
    assert_eq!(
        api.post(&api.acct("/discounts"), &body).await.status,
        StatusCode::NOT_FOUND
    );
    let mut body = with(json!({}));
    body["data"]["relationships"] = json!({"categories": {"data": []}});
    assert_eq!(
        api.post(&api.acct("/discounts"), &body).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(server.discounts().len(), 7, "nothing else created");

    // Update: a product discount.
    let pid = server.products()[0].id.to_string();
    let r = api
        .patch(
            &api.acct(&format!("/discounts/{id}")),
            &json!({"data": {"id": id, "type": "discounts", "attributes": {"application_type": "product", "reward_type": "percent_discount", "percent_discount": 15},
                "relationships": {"products": {"data": [{"type": "products", "id": pid}]}}}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["data"]["attributes"]["percent_discount"], 15);
    let inc = r.json["included"].as_array().unwrap();
    let product = inc.iter().find(|x| x["type"] == "products").unwrap();
    assert_eq!(product["id"], pid);
    assert!(
        product.get("relationships").is_none(),
        "included products carry no relations"
    );

    assert_eq!(
        api.delete(&api.acct(&format!("/discounts/{id}")))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert!(server.discount(id.parse().unwrap()).is_none());
    let w = server.counters().writes_for("discounts");
    assert_eq!((w.creates, w.updates, w.deletes), (1, 1, 1));
}

// ------------------------------------------------------------ OAuth

#[tokio::test]
async fn oauth_exchange_and_deauthorize() {
    let server = start().await;
    let api = Api::new(&server);
    let token_url = format!("{}/oauth/token", api.url);

    // Form body.
    let r = send(api.http.post(&token_url).header(USER_AGENT, UA).form(&[
        ("client_id", "mock-client-id"),
        ("client_secret", "mock-client-secret"),
        ("code", "mock-code"),
        ("redirect_uri", "https://example.com/callback"),
    ]))
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.json["token_type"], "bearer");
    assert_eq!(r.json["account_id"], json!(12345));
    assert!(r.json["account_id"].is_u64());
    let token = r.json["access_token"].as_str().unwrap().to_string();
    let as_token = |t: &str| {
        send(
            api.req(Method::GET, &api.acct(""))
                .header(AUTHORIZATION, format!("Bearer {t}")),
        )
    };
    assert_eq!(as_token(&token).await.status, StatusCode::OK);

    // JSON body, different token.
    let r = send(api.http.post(&token_url).header(USER_AGENT, UA).json(&json!({
        "client_id": "mock-client-id", "client_secret": "mock-client-secret", "code": "mock-code"
    })))
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let token2 = r.json["access_token"].as_str().unwrap().to_string();
    assert_ne!(token, token2);

    for (params, status, error) in [
        (
            vec![
                ("client_id", "mock-client-id"),
                ("client_secret", "wrong"),
                ("code", "mock-code"),
            ],
            401,
            "invalid_client_secret",
        ),
        (
            vec![
                ("client_id", "other"),
                ("client_secret", "mock-client-secret"),
                ("code", "mock-code"),
            ],
            401,
            "invalid_client_id",
        ),
        (
            vec![
                ("client_id", "mock-client-id"),
                ("client_secret", "mock-client-secret"),
                ("code", "stale"),
            ],
            400,
            "invalid_grant",
        ),
        (
            vec![("client_id", "mock-client-id")],
            400,
            "invalid_request",
        ),
    ] {
        let r = send(
            api.http
                .post(&token_url)
                .header(USER_AGENT, UA)
                .form(&params),
        )
        .await;
        assert_eq!(r.status.as_u16(), status, "{params:?}");
        assert_eq!(r.json["error"], error);
        assert!(
            !r.bytes.windows(18).any(|w| w == b"mock-client-secret"),
            "secret never echoed"
        );
    }
    let r = send(api.http.post(&token_url).form(&[("client_id", "x")])).await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "User-Agent required here too"
    );

    // Deauthorize needs the app's Basic credentials.
    let deauth = format!("{}/oauth/deauthorize/12345", api.url);
    let r = send(
        api.http
            .post(&deauth)
            .header(USER_AGENT, UA)
            .basic_auth("mock-client-id", Some("wrong")),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.json["error"], "invalid_client_secret");
    let r = send(api.http.post(&deauth).header(USER_AGENT, UA)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        as_token(&token).await.status,
        StatusCode::OK,
        "failed deauthorize changes nothing"
    );
    let r = send(
        api.http
            .post(format!("{}/oauth/deauthorize/999", api.url))
            .header(USER_AGENT, UA)
            .basic_auth("mock-client-id", Some("mock-client-secret")),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let r = send(
        api.http
            .post(&deauth)
            .header(USER_AGENT, UA)
            .basic_auth("mock-client-id", Some("mock-client-secret")),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    for t in [&token, &token2, &"mock-token".to_string()] {
        assert_eq!(
            as_token(t).await.status,
            StatusCode::UNAUTHORIZED,
            "token {t} revoked"
        );
    }
    assert!(server.snapshot().is_deauthorized());
    // Personal (Basic) access is not an OAuth grant and keeps working.
    let r = send(
        api.req(Method::GET, &api.acct(""))
            .header(AUTHORIZATION, "Basic bW9ja3Nob3A6bW9jay1wYXNzd29yZA=="),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    // Re-authorizing issues a working token again.
    let r = send(api.http.post(&token_url).header(USER_AGENT, UA).form(&[
        ("client_id", "mock-client-id"),
        ("client_secret", "mock-client-secret"),
        ("code", "mock-code"),
    ]))
    .await;
    let token3 = r.json["access_token"].as_str().unwrap().to_string();
    assert_eq!(as_token(&token3).await.status, StatusCode::OK);
    let w = server.counters().writes_for("tokens");
    assert_eq!((w.creates, w.deletes), (3, 1));
}

// ------------------------------------------------------------ determinism

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

// ------------------------------------------------------------ canned responses

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

// ------------------------------------------------------------ admin API

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

// ------------------------------------------------------------ beyond the docs

/// What the live API sends beyond the documented tables (the spec's `x-observed` facts), the
/// mock sends too: clients are tested against the data they will meet.
#[tokio::test]
async fn orders_carry_what_the_live_api_sends_beyond_the_docs() {
    let server = start_with(MockConfig {
        products: 30,
        orders: 45,
        ..MockConfig::default()
    })
    .await;
    let api = Api::new(&server);
    let r = api.get(&api.acct("/orders?page%5Blimit%5D=100")).await;
    assert_eq!(r.status, StatusCode::OK);
    let orders = r.json["data"].as_array().unwrap();
    let included = r.json["included"].as_array().unwrap();
    let mut phones = 0;
    for o in orders {
        let (a, rels) = (&o["attributes"], &o["relationships"]);
        match &a["customer_phone_number"] {
            Value::String(_) => phones += 1,
            Value::Null => {}
            other => panic!("customer_phone_number {other}"),
        }
        assert!(a["tax_remitted_by_big_cartel"].is_boolean(), "{a}");
        assert_eq!(
            a["shipping_country_id"],
            rels["shipping_country"]["data"]["id"]
        );
        assert!(!a["shipping_country_name"].as_str().unwrap().is_empty());
        assert_eq!(rels["warnings"], json!({ "data": [] }));
        for t in rels["transactions"]["data"].as_array().unwrap() {
            assert_eq!(t["type"], "order_transactions/payments");
        }
    }
    assert!(phones > 0, "some orders have a phone number");
    let of_type = |prefix: &str| -> Vec<&Value> {
        included
            .iter()
            .filter(|r| r["type"].as_str().unwrap().starts_with(prefix))
            .collect()
    };
    let adjustments = of_type("order_adjustments");
    let kinds: std::collections::BTreeSet<&str> = adjustments
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "order_adjustments/discount",
            "order_adjustments/shipping",
            "order_adjustments/tax"
        ]
        .into()
    );
    for a in adjustments {
        // Tax adjustments carry an amount and no label, as the live API sends them.
        let is_tax = a["type"] == "order_adjustments/tax";
        assert_eq!(a["attributes"].get("label").is_none(), is_tax, "{a}");
    }
    let events = of_type("order_events");
    assert!(
        events
            .iter()
            .any(|e| e["attributes"]["message"] == "Payment completed"
                && e["attributes"]["identifier"] == "payment_status")
    );
    assert!(
        events
            .iter()
            .all(|e| e["attributes"].get("identifier").is_some())
    );
    let options = of_type("product_options");
    assert!(!options.is_empty());
    assert!(
        options
            .iter()
            .all(|o| o["attributes"]["has_digital_file"] == json!(false))
    );
}
