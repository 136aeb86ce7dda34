//! Garbage in, JSON:API errors out: the mock never panics or hangs up on
//! bad input (only fault injection may drop a connection).

mod common;

use bigcartel_mock::MEDIA_TYPE;
use common::*;
use reqwest::Method;
use reqwest::header::CONTENT_TYPE;
use serde_json::Value;

const PATHS: &[&str] = &[
    "/v1/accounts/12345/artists",
    "/v1/accounts/12345/artists/1",
    "/v1/accounts/12345/categories/2",
    "/v1/accounts/12345/discounts",
    "/v1/accounts/12345/discounts/1",
    "/v1/accounts/12345/orders/1001",
    "/v1/accounts/12345/orders",
    "/v1/accounts/12345/products",
    "/v1/accounts/12345/relationships/products",
    "/v1/accounts/12345/relationships/artists",
    "/v1/accounts/%FF/orders",
    "/v1/accounts/99999999999999999999999/orders",
    "/oauth/token",
    "/oauth/deauthorize/12345",
    "/v1/countries",
];

const QUERIES: &[&str] = &[
    "",
    "?page%5Blimit%5D=18446744073709551616",
    "?page%5Boffset%5D=18446744073709551615&page%5Blimit%5D=100",
    "?page[limit]=1&page[limit]=2",
    "?filter%5Bstatus%5D=,,,",
    "?filter%5Bcategory_id%5D=99999999999999999999",
    "?sort=-",
    "?search=%00%01%02",
    "?%%%%",
];

fn random_body(rng: &mut fastrand::Rng) -> Vec<u8> {
    let pieces: &[&[u8]] = &[
        br#"{"data":{"type":"artists","attributes":{"name":"x"}}}"#,
        br#"{"data":{"id":"1","type":"artists","attributes":{"name":null}}}"#,
        br#"{"data":{"id":1001,"type":"orders","attributes":{"shipping_status":["shipped"]}}}"#,
        br#"{"data":[{"type":"products","id":"1e400"},{"type":"products","id":"-1"}]}"#,
        br#"{"data":{"type":"discounts","attributes":{"percent_discount":1e308,"use_limit":-5,"active_at":"9999-99-99"}}}"#,
        br#"{"data":{"type":"discounts","relationships":{"products":{"data":{"type":"products","id":"1"}}}}}"#,
        br#"{"data":null}"#,
        b"null",
        b"\"\xff\"",
        b"{\"data\":{\"type\":\"artists\",\"attributes\":{\"name\":\"\\ud800\"}}}",
        b"[[[[[[[[[[[[",
        b"client_id=mock-client-id&client_secret=%ZZ&code",
    ];
    let mut body = pieces[rng.usize(..pieces.len())].to_vec();
    if rng.bool() && !body.is_empty() {
        let cut = rng.usize(..body.len());
        body.truncate(cut);
    }
    body
}

#[tokio::test]
async fn random_bad_requests_always_get_an_answer() {
    let server = start().await;
    let api = Api::new(&server);
    let mut rng = fastrand::Rng::with_seed(1234);
    let methods = [
        Method::GET,
        Method::POST,
        Method::PATCH,
        Method::DELETE,
        Method::PUT,
    ];
    for i in 0..400 {
        let method = methods[rng.usize(..methods.len())].clone();
        let path = format!(
            "{}{}",
            PATHS[rng.usize(..PATHS.len())],
            QUERIES[rng.usize(..QUERIES.len())]
        );
        let mut rb = api.req(method.clone(), &path);
        if rng.bool() {
            let ct = [
                "application/x-www-form-urlencoded",
                "application/json",
                MEDIA_TYPE,
                "text/plain",
            ][rng.usize(..4)];
            rb = rb.header(CONTENT_TYPE, ct).body(random_body(&mut rng));
        }
        let resp = try_send(rb)
            .await
            .unwrap_or_else(|e| panic!("request {i} {method} {path} got no answer: {e}"));
        let status = resp.status().as_u16();
        let r = read(resp).await;
        assert!((200..600).contains(&status));
        if status >= 400 {
            let ok = r.json["errors"].is_array() || r.json["error"].is_string();
            assert!(
                ok,
                "request {i} {method} {path}: {status} without an error body: {}",
                String::from_utf8_lossy(&r.bytes)
            );
            assert!(
                status < 500,
                "request {i} {method} {path}: server error {status}"
            );
        } else if status != 204 {
            assert!(r.json.is_object(), "request {i}: {status} body is JSON");
        }
    }
    // Still healthy afterwards.
    let r = api.get("/v1/accounts/12345").await;
    assert_eq!(r.status.as_u16(), 200);
    assert!(matches!(r.json["data"], Value::Object(_)));
}
