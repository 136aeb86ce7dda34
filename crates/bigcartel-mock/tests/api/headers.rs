//! Identification, content negotiation, auth, unknown routes, CORS and error documents.

use super::*;

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
