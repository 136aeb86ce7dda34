//! Nothing the server sends is lost: the shared "unknown things" vectors
//! (`tests/vectors/unknown-things.json`, documents shaped like the live API's real responses) and
//! generated documents, through the typed decoders and the table-driven ones alike.

use bigcartel::dynamic;
use bigcartel::jsonapi::{Model, decode_list};
use bigcartel::models::{Order, Product};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::path::PathBuf;

fn vectors() -> Value {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/unknown-things.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The items of a list document, decoded by the typed models and by the table, as JSON; the two
/// must agree exactly.
fn decode_both<T: Model + serde::Serialize>(model: &str, body: &[u8]) -> Value {
    let typed = decode_list::<T>(body).unwrap();
    let typed = serde_json::to_string(&typed.items).unwrap();
    let table = dynamic::decode_list(dynamic::model(model).unwrap(), body).unwrap();
    let table = format!("[{}]", table.items.join(","));
    assert_eq!(typed, table, "typed and table-driven decoding differ");
    serde_json::from_str(&typed).unwrap()
}

fn decode(kind: &str, body: &[u8]) -> Value {
    match kind {
        "orders" => decode_both::<Order>("Order", body),
        "products" => decode_both::<Product>("Product", body),
        other => panic!("no decoder for {other}"),
    }
}

fn walk<'a>(mut v: &'a Value, path: &[Value]) -> Option<&'a Value> {
    for step in path {
        v = match step {
            Value::Number(n) => v.get(n.as_u64()? as usize)?,
            Value::String(k) => v.get(k.as_str())?,
            _ => return None,
        };
    }
    Some(v)
}

#[test]
fn the_shared_vectors_decode_with_nothing_lost() {
    let vectors = vectors();
    let cases = vectors["cases"].as_array().unwrap();
    assert!(cases.len() >= 2);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let body = serde_json::to_vec(&case["document"]).unwrap();
        let decoded = decode(case["decode"].as_str().unwrap(), &body);
        for check in case["checks"].as_array().unwrap() {
            let path = check["path"].as_array().unwrap();
            let found = walk(&decoded, path);
            assert_eq!(
                found,
                Some(&check["equals"]),
                "{name}: {path:?} in {decoded:#}"
            );
        }
        every_attribute_is_reachable(name, &case["document"], &decoded);
    }
}

/// Every attribute of every resource in the document (primary and included) is in the decoded
/// result: under its own key when the spec declares it, else in `extra_attributes`, unchanged; or,
/// for a resource only an undeclared relationship names, whole in that relationship's `included`.
fn every_attribute_is_reachable(name: &str, document: &Value, decoded: &Value) {
    let mut found = Vec::new();
    let mut raw = Vec::new();
    collect_resources(decoded, &mut found, &mut raw);
    let resources = document["data"]
        .as_array()
        .unwrap()
        .iter()
        .chain(document["included"].as_array().into_iter().flatten());
    for r in resources {
        if raw.contains(&r) {
            continue;
        }
        let (t, id) = (r["type"].as_str().unwrap(), r["id"].as_str().unwrap());
        let Some(out) = found
            .iter()
            .find(|o| o["resource_type"] == t && o["id"] == id && o["resolved"] == true)
        else {
            panic!("{name}: {t}/{id} is not in the decoded result");
        };
        for (key, value) in r["attributes"].as_object().into_iter().flatten() {
            let declared = out.get(key);
            let extra = out["extra_attributes"].get(key);
            let kept = match (declared, extra) {
                (_, Some(e)) => e == value,
                // Declared attributes keep their value; a number where the spec says string is
                // kept as its text.
                (Some(d), None) => d == value || d.as_str() == Some(&value.to_string()),
                (None, None) => false,
            };
            assert!(kept, "{name}: {t}/{id} `{key}` = {value} was lost: {out}");
        }
    }
}

/// The resolved resources in `v`, and the resource objects undeclared relationships hand over
/// as sent (`extra_relationships.*.included`).
fn collect_resources<'a>(v: &'a Value, out: &mut Vec<&'a Value>, raw: &mut Vec<&'a Value>) {
    match v {
        Value::Object(m) => {
            if m.contains_key("resource_type") {
                out.push(v);
            }
            for (k, child) in m {
                match k.as_str() {
                    "extra_attributes" | "links" | "meta" => {}
                    "extra_relationships" => {
                        for rel in child.as_object().into_iter().flatten().map(|(_, r)| r) {
                            raw.extend(rel["included"].as_array().into_iter().flatten());
                        }
                    }
                    _ => collect_resources(child, out, raw),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|c| collect_resources(c, out, raw)),
        _ => {}
    }
}

/// A JSON value of any shape, with keys unlike any declared attribute.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        "[a-zA-Z0-9 _é\\-]{0,12}".prop_map(Value::String),
        (-1_000_000i64..1_000_000, 0u32..4).prop_map(|(n, d)| {
            serde_json::from_str(&format!("{n}.{}", "5".repeat(d as usize + 1))).unwrap()
        }),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("x_[a-z]{1,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Undeclared attributes of any shape, on a product and on an included option of a subtype,
    /// come through both decoders unchanged; a linked category that is not included is a stub
    /// marked unresolved.
    #[test]
    fn undeclared_attributes_of_any_shape_survive(
        extra in prop::collection::btree_map("undeclared_[a-z]{1,8}", json_value(), 0..6),
        option_extra in prop::collection::btree_map("undeclared_[a-z]{1,8}", json_value(), 0..4),
        subtype in "[a-z]{1,10}",
    ) {
        let mut attributes = json!({"name": "Tee"});
        for (k, v) in &extra {
            attributes[k] = v.clone();
        }
        let mut option_attributes = json!({"name": "Large"});
        for (k, v) in &option_extra {
            option_attributes[k] = v.clone();
        }
        let option_type = format!("product_options/{subtype}");
        let document = json!({
            "data": [{"type": "products", "id": "1", "attributes": attributes,
                "relationships": {
                    "options": {"data": [{"type": option_type, "id": "2"}]},
                    "categories": {"data": [{"type": "categories", "id": "3"}]}
                }}],
            "included": [{"type": option_type, "id": "2", "attributes": option_attributes}]
        });
        let decoded = decode("products", &serde_json::to_vec(&document).unwrap());
        let product = &decoded[0];
        // Left out of the JSON when there are none.
        let extras = |v: &Value| v.get("extra_attributes").cloned().unwrap_or_else(|| json!({}));
        prop_assert_eq!(extras(product), Value::Object(extra.into_iter().collect()));
        let option = &product["options"][0];
        prop_assert_eq!(&option["resource_type"], &json!(option_type));
        prop_assert_eq!(extras(option), Value::Object(option_extra.into_iter().collect()));
        prop_assert_eq!(&product["categories"][0]["resolved"], &json!(false));
        every_attribute_is_reachable("generated", &document, &decoded);
    }
}

fn case(name: &str) -> Vec<u8> {
    let vectors = vectors();
    let case = vectors["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no case {name}"))
        .clone();
    serde_json::to_vec(&case["document"]).unwrap()
}

#[test]
fn subtypes_are_typed_and_an_unlisted_one_keeps_its_text() {
    use bigcartel::models::{OrderAdjustmentSubtype, OrderTransactionSubtype};
    let page = decode_list::<Order>(&case("relationships_links_and_meta_beyond_the_spec")).unwrap();
    let kinds: Vec<_> = page.items[0]
        .adjustments
        .iter()
        .map(|a| a.subtype.clone())
        .collect();
    assert_eq!(
        kinds,
        [
            Some(OrderAdjustmentSubtype::Other("gift_card".into())),
            None,
            Some(OrderAdjustmentSubtype::Discount),
        ]
    );
    let page = decode_list::<Order>(&case("orders_list_as_the_live_api_sends_it")).unwrap();
    let order = &page.items[0];
    assert_eq!(
        order.adjustments[1].subtype,
        Some(OrderAdjustmentSubtype::Tax)
    );
    assert_eq!(
        order.transactions[0].subtype,
        Some(OrderTransactionSubtype::Payments)
    );
    // The text round-trips: what was sent is what serializes.
    for a in &order.adjustments {
        let sub = a.subtype.as_ref().unwrap();
        assert_eq!(
            format!("{}/{sub}", bigcartel::models::OrderAdjustment::TYPE),
            a.resource_type
        );
        assert_eq!(serde_json::to_value(sub).unwrap(), json!(sub.as_str()));
    }
}

#[test]
fn a_pages_document_links_and_meta_are_kept_as_sent() {
    let body = case("relationships_links_and_meta_beyond_the_spec");
    let page = decode_list::<Order>(&body).unwrap();
    assert_eq!(
        page.total,
        Some(1),
        "meta.count as a string is still the count"
    );
    assert_eq!(
        page.meta,
        Some(json!({"count": "1", "request_id": "req-1"}))
    );
    assert_eq!(
        page.links.as_ref().and_then(|l| l.get("next")),
        Some(&Value::Null)
    );
    assert_eq!(page.next, None);
    // The table-driven page JSON carries the same.
    let table = dynamic::decode_list(dynamic::model("Order").unwrap(), &body).unwrap();
    let json: Value = serde_json::from_str(&dynamic::page_json(&table)).unwrap();
    assert_eq!(json["meta"], json!({"count": "1", "request_id": "req-1"}));
    assert_eq!(json["links"], serde_json::to_value(&page.links).unwrap());
}

#[test]
fn links_only_null_and_empty_relationships_stay_distinct() {
    let body = br#"{"data":{"type":"accounts","id":"1","attributes":{},"relationships":{
        "account_image":{"data":null},
        "currency":{"links":{"related":"https://api.example/currency"}},
        "country":{"data":{"type":"countries","id":"US"}}}}}"#;
    let typed = bigcartel::jsonapi::decode_one::<bigcartel::models::Account>(body).unwrap();
    assert_eq!(typed.account_image, None);
    assert_eq!(typed.currency, None);
    // Links-only: "not given", with its links, and no `data` member.
    let currency = &typed.extra_relationships["currency"];
    assert_eq!(currency.data, None);
    assert_eq!(
        currency.links,
        Some(json!({"related": "https://api.example/currency"}))
    );
    // `data: null` on a declared relationship is carried whole by its field: nothing extra.
    assert!(!typed.extra_relationships.contains_key("account_image"));
    assert!(!typed.extra_relationships.contains_key("country"));
    let table = dynamic::decode_one(dynamic::model("Account").unwrap(), body).unwrap();
    assert_eq!(table, serde_json::to_string(&typed).unwrap());
    let json: Value = serde_json::from_str(&table).unwrap();
    assert!(
        json["extra_relationships"]["currency"]
            .get("data")
            .is_none()
    );
}

#[test]
fn a_declared_attribute_sent_twice_is_refused_by_both_decoders() {
    let body =
        br#"{"data":[{"type":"orders","id":"1","attributes":{"total":"1.00","total":"2.00"}}]}"#;
    let typed = decode_list::<Order>(body).unwrap_err().to_string();
    let table = dynamic::decode_list(dynamic::model("Order").unwrap(), body)
        .unwrap_err()
        .to_string();
    assert!(typed.contains("duplicate field `total`"), "{typed}");
    assert!(table.contains("duplicate field `total`"), "{table}");
    // An undeclared one keeps its last value, in both.
    let body = br#"{"data":[{"type":"orders","id":"1","attributes":{"x":1,"x":2}}]}"#;
    let typed = decode_list::<Order>(body).unwrap();
    assert_eq!(typed.items[0].extra_attributes["x"], json!(2));
    assert_eq!(
        decode_both::<Order>("Order", body)[0]["extra_attributes"]["x"],
        json!(2)
    );
}

#[test]
fn documented_values_are_typed_and_an_unlisted_one_round_trips_byte_for_byte() {
    use bigcartel::models::{OrderPaymentStatus, OrderShippingStatus};
    let body = case("relationships_links_and_meta_beyond_the_spec");
    let order = &decode_list::<Order>(&body).unwrap().items[0];
    assert_eq!(order.shipping_status, Some(OrderShippingStatus::Shipped));
    assert_eq!(
        order.payment_status,
        Some(OrderPaymentStatus::Other("partially_refunded".into()))
    );
    // Decode, then encode: the text is what was sent, escapes and all.
    for text in [
        "completed",
        "partially_refunded",
        "caf\u{e9} \"q\" \\ \u{1}",
        "",
    ] {
        let body = serde_json::to_vec(&json!({"data": [{"type": "orders", "id": "1",
            "attributes": {"payment_status": text}}]}))
        .unwrap();
        let typed = decode_list::<Order>(&body).unwrap();
        let status = typed.items[0].payment_status.clone().unwrap();
        assert_eq!(status.as_str(), text);
        assert_eq!(
            serde_json::to_string(&status).unwrap(),
            serde_json::to_string(text).unwrap()
        );
        // And the table-driven decoder writes the same.
        assert_eq!(
            decode_both::<Order>("Order", &body)[0]["payment_status"],
            json!(text)
        );
    }
    assert_eq!(
        OrderPaymentStatus::from("completed"),
        OrderPaymentStatus::Completed
    );
}
