//! What the live API sends beyond the documented tables.

use super::*;

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
