//! `cache_reads`: repeated reads answered from memory are the bytes a fresh render gives, and no
//! change to the shop (a PATCH, a buyer's new order, a reset) is ever hidden by one.

mod common;

use bigcartel_mock::MockConfig;
use common::{Api, start_with};
use serde_json::json;

fn config(cache_reads: bool) -> MockConfig {
    MockConfig {
        cache_reads,
        orders: 30,
        public_base_url: Some("https://api.example.test".into()),
        ..MockConfig::default()
    }
}

#[tokio::test]
async fn remembered_reads_match_fresh_ones_and_never_hide_a_change() {
    let cached = start_with(config(true)).await;
    let fresh = start_with(config(false)).await;
    let (c, f) = (Api::new(&cached), Api::new(&fresh));
    let list = c.acct("/orders?page%5Blimit%5D=10&page%5Boffset%5D=10");

    // The same answer as a mock that renders every time, the first time and the second.
    let want = f.get(&list).await.bytes;
    assert_eq!(c.get(&list).await.bytes, want);
    assert_eq!(c.get(&list).await.bytes, want);

    // A PATCH is seen by the next read of the order and of the list.
    let id = c.get(&list).await.json["data"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let one = c.acct(&format!("/orders/{id}"));
    assert_eq!(
        c.get(&one).await.json["data"]["attributes"]["customer_first_name"],
        f.get(&one).await.json["data"]["attributes"]["customer_first_name"]
    );
    let r = c
        .patch(
            &one,
            &json!({"data": {"id": id, "type": "orders", "attributes": {"customer_first_name": "Robin"}}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(
        c.get(&one).await.json["data"]["attributes"]["customer_first_name"],
        "Robin"
    );
    assert_eq!(
        c.get(&list).await.json["data"][0]["attributes"]["customer_first_name"],
        "Robin"
    );

    // A buyer's new order (made outside any request) is counted by the next list read.
    let count = |doc: &serde_json::Value| doc["meta"]["count"].as_u64().unwrap();
    let before = count(&c.get(&list).await.json);
    cached.place_order();
    assert_eq!(count(&c.get(&list).await.json), before + 1);

    // A reset brings back the seeded shop, the bytes a fresh mock sends.
    cached.reset();
    assert_eq!(c.get(&list).await.bytes, want);
}
