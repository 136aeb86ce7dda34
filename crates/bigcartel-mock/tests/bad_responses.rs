//! The shared corpus of broken responses (tests/vectors/bad-responses.json), replayed by the mock
//! and hit with the Rust client: each gives the expected typed outcome, never a panic or a hang.
//! The npm package and the Python binding run the same corpus in their own tests.

use bigcartel::{Client, Error, ListProductsParams, RetryPolicy};
use bigcartel_mock::{CannedResponse, MockConfig, MockServer};
use serde_json::Value;
use std::time::Duration;

#[tokio::test]
async fn every_broken_response_gives_its_typed_outcome() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/bad-responses.json"
    );
    let corpus: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let op = corpus["operation"].as_str().unwrap();
    assert_eq!(op, "listProducts");
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    let client = Client::builder("BadResponses (test@example.com)")
        .base_url(server.url())
        .bearer("mock-token")
        .account_id(server.account_id().to_string())
        .retry(RetryPolicy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let cases = corpus["cases"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let canned: CannedResponse = serde_json::from_value(case["canned"].clone()).unwrap();
        server.set_override(op, canned).unwrap();
        let result = client.list_products(&ListProductsParams::default()).await;
        let expect = &case["expect"];
        match (expect["outcome"].as_str().unwrap(), &result) {
            ("ok", Ok(page)) => {
                assert!(!page.items.is_empty(), "{name}: decoded nothing");
                if let Some(price) = expect["default_price"].as_str() {
                    assert_eq!(
                        page.items[0].default_price.as_deref(),
                        Some(price),
                        "{name}"
                    );
                }
            }
            ("api_error", Err(Error::Api(api))) => {
                assert_eq!(Some(api.status as u64), expect["status"].as_u64(), "{name}");
                if let Some(detail) = expect["detail"].as_str() {
                    assert_eq!(api.errors[0].detail.as_deref(), Some(detail), "{name}");
                }
            }
            ("decode_error", Err(Error::Decode { .. })) => {}
            (want, got) => panic!("{name}: expected {want}, got {got:?}"),
        }
    }
}
