//! The shape of a document around its resources: malformed `included` entries are skipped
//! without breaking the others, a malformed primary resource is a shape error, and an
//! undeclared relationship hands over its included targets exactly as sent. Both decoders
//! (typed and table-driven) must agree on each.

use bigcartel::dynamic;
use bigcartel::jsonapi::{DecodeError, decode_list, decode_one};
use bigcartel::models::{Order, Product};
use serde_json::{Value, json};

fn both_list(body: &[u8]) -> Result<Value, (String, String)> {
    let typed = decode_list::<Product>(body);
    let table = dynamic::decode_list(dynamic::model("Product").unwrap(), body);
    match (typed, table) {
        (Ok(t), Ok(d)) => {
            let typed = serde_json::to_string(&t.items).unwrap();
            assert_eq!(typed, format!("[{}]", d.items.join(",")));
            Ok(serde_json::from_str(&typed).unwrap())
        }
        (Err(t), Err(d)) => Err((t.to_string(), d.to_string())),
        (t, d) => panic!("the decoders disagree: typed {t:?}, table {d:?}"),
    }
}

fn product_with_categories(included: &str) -> Vec<u8> {
    format!(
        r#"{{"data":[{{"type":"products","id":"1","attributes":{{"name":"Tee"}},
        "relationships":{{"categories":{{"data":[{{"type":"categories","id":"1"}},{{"type":"categories","id":"2"}}]}}}}}}],
        "included":[{included}]}}"#
    )
    .into_bytes()
}

#[test]
fn malformed_included_entries_are_skipped_and_the_others_resolve() {
    let good = r#"{"type":"categories","id":"2","attributes":{"name":"Prints"}}"#;
    for bad in [
        "5",
        "1.25",
        r#""categories""#,
        "null",
        "true",
        r#"["categories","1"]"#,
        r#"{"id":"1","attributes":{"name":"no type"}}"#,
        r#"{"type":"categories","attributes":{"name":"no id"}}"#,
        r#"{"type":"categories","id":null}"#,
        r#"{"type":"categories","id":true}"#,
        r#"{"type":"categories","id":{"a":1}}"#,
        r#"{"type":7,"id":"1"}"#,
        r#"{"type":"categories","type":"categories","id":"1"}"#,
        r#"{"type":"categories","id":"1","relationships":[1]}"#,
        r#"{"type":"categories","id":"1","relationships":{"x":5}}"#,
        r#"{"$serde_json::private::Number":"1","type":"categories","id":"1"}"#,
    ] {
        let body = product_with_categories(&format!("{bad},{good}"));
        let items = both_list(&body).unwrap_or_else(|e| panic!("{bad}: {e:?}"));
        let cats = &items[0]["categories"];
        assert_eq!(cats[0]["id"], "1", "{bad}");
        assert_eq!(
            cats[0]["resolved"], false,
            "{bad}: a skipped entry is not included"
        );
        assert_eq!(cats[1]["name"], "Prints", "{bad}");
        assert_eq!(cats[1]["resolved"], true, "{bad}");
    }
}

#[test]
fn numeric_ids_and_escaped_text_resolve() {
    let body = product_with_categories(
        r#"{"type":"categories","id":1,"attributes":{"name":"One"}},
           {"type":"categor\u0069es","id":"\u0032","attributes":{"name":"Two"}}"#,
    );
    let items = both_list(&body).unwrap();
    assert_eq!(items[0]["categories"][0]["name"], "One");
    assert_eq!(items[0]["categories"][1]["name"], "Two");
    assert_eq!(items[0]["categories"][1]["id"], "2");
    // Linkage may name its targets with numbers and escapes too.
    let body = br#"{"data":[{"type":"products","id":"1","relationships":{"categories":{"data":[
        {"type":"categories","id":1},{"type":"categor\u0069es","id":"\u0032"}]}}}],
        "included":[{"type":"categories","id":"1","attributes":{"name":"One"}},
                    {"type":"categories","id":"2","attributes":{"name":"Two"}}]}"#;
    let items = both_list(body).unwrap();
    assert_eq!(items[0]["categories"][0]["name"], "One");
    assert_eq!(items[0]["categories"][1]["name"], "Two");
}

#[test]
fn a_malformed_primary_resource_is_a_shape_error() {
    for (data, why) in [
        (r#"[5]"#, "a number"),
        (r#"[{"id":"1"}]"#, "no type"),
        (r#"[{"type":"products"}]"#, "no id"),
        (r#"[{"type":"products","id":null}]"#, "null id"),
        (
            r#"[{"type":"products","type":"products","id":"1"}]"#,
            "type twice",
        ),
        (
            r#"[{"type":"products","id":"1","relationships":"x"}]"#,
            "relationships not an object",
        ),
        (r#"{"type":"products","id":"1"}"#, "one resource for a list"),
        (r#""products""#, "a string"),
    ] {
        let body = format!(r#"{{"data":{data}}}"#);
        let (typed, table) = both_list(body.as_bytes()).expect_err(why);
        assert_eq!(typed, table, "{why}");
        let err = decode_list::<Product>(body.as_bytes()).unwrap_err();
        assert!(matches!(err, DecodeError::Shape(_)), "{why}: {err:?}");
    }
    // A list where one resource is expected.
    let err = decode_one::<Product>(br#"{"data":[{"type":"products","id":"1"}]}"#).unwrap_err();
    assert!(matches!(err, DecodeError::Shape(_)), "{err:?}");
    // `data: null` or none at all: no resource.
    for body in [&br#"{"data":null}"#[..], br#"{"meta":{}}"#] {
        let err = decode_one::<Product>(body).unwrap_err();
        assert!(matches!(err, DecodeError::Shape(_)), "{err:?}");
    }
}

#[test]
fn an_undeclared_relationship_hands_over_its_targets_as_sent() {
    let target = json!({
        "type": "order_notes", "id": 9, "attributes": {"text": "gift", "n": 1.50},
        "relationships": {"author": {"data": null, "custom": true}},
        "links": {"self": "https://x/9"}, "meta": null, "lid": "local-1"
    });
    let body = json!({
        "data": [{"type": "orders", "id": "1", "relationships": {
            "notes": {"data": [{"type": "order_notes", "id": "9"}, {"type": "order_notes", "id": "10"}]}
        }}],
        "included": [target]
    });
    let body = serde_json::to_vec(&body).unwrap();
    let typed = decode_list::<Order>(&body).unwrap();
    let notes = &typed.items[0].extra_relationships["notes"];
    assert_eq!(notes.included, vec![target.clone()]);
    let table = dynamic::decode_list(dynamic::model("Order").unwrap(), &body).unwrap();
    let table: Value = serde_json::from_str(&table.items[0]).unwrap();
    assert_eq!(
        table["extra_relationships"]["notes"]["included"],
        json!([target])
    );
}
