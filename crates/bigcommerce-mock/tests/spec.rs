//! The mock follows `spec/bigcommerce-carts.v3.yaml`: every operation answers only statuses the
//! spec declares for it, every body matches the declared schema, and every declared response
//! (operation and status) is produced by some request here. Requests go over plain HTTP, without
//! the generated client, so the spec, not our client, is the reference.

use bigcommerce_mock::{MockConfig, MockServer};
use serde_json::{Map, Value, json};
use std::collections::{BTreeSet, HashMap};

struct Spec {
    doc: Value,
    defs: Value,
    /// operationId -> (path template, method)
    ops: HashMap<String, (String, String)>,
    seen: BTreeSet<(String, String)>,
}

/// OpenAPI 3.0 schema -> JSON Schema 2020-12 (`nullable`, `$ref`s into `$defs`).
fn convert(v: &Value) -> Value {
    match v {
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, child) in map {
                match k.as_str() {
                    "nullable" | "example" => {}
                    "$ref" => {
                        let name = child
                            .as_str()
                            .and_then(|r| r.strip_prefix("#/components/schemas/"))
                            .expect("local schema refs");
                        out.insert("$ref".into(), json!(format!("#/$defs/{name}")));
                    }
                    "properties" => {
                        let props: Map<String, Value> = child
                            .as_object()
                            .unwrap()
                            .iter()
                            .map(|(pk, pv)| (pk.clone(), convert(pv)))
                            .collect();
                        out.insert(k.clone(), Value::Object(props));
                    }
                    _ => {
                        out.insert(k.clone(), convert(child));
                    }
                }
            }
            if map.get("nullable") == Some(&json!(true))
                && let Some(t) = out.get("type").cloned()
            {
                out.insert("type".into(), json!([t, "null"]));
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(convert).collect()),
        other => other.clone(),
    }
}

impl Spec {
    fn load() -> Spec {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../spec/bigcommerce-carts.v3.yaml");
        let doc: Value = serde_norway::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let defs: Map<String, Value> = doc["components"]["schemas"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), convert(v)))
            .collect();
        let mut ops = HashMap::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                if let Some(id) = op["operationId"].as_str() {
                    ops.insert(id.to_string(), (path.clone(), method.clone()));
                }
            }
        }
        Spec {
            doc,
            defs: Value::Object(defs),
            ops,
            seen: BTreeSet::new(),
        }
    }

    fn deref<'a>(&'a self, v: &'a Value) -> &'a Value {
        match v["$ref"].as_str() {
            Some(r) => r
                .trim_start_matches("#/")
                .split('/')
                .fold(&self.doc, |node, part| &node[part]),
            None => v,
        }
    }

    fn op(&self, id: &str) -> &Value {
        let (path, method) = &self.ops[id];
        &self.doc["paths"][path][method]
    }

    fn validate(&self, schema: &Value, instance: &Value, what: &str) {
        let mut root = match convert(schema) {
            Value::Object(m) => m,
            other => panic!("not a schema: {other}"),
        };
        root.insert("$defs".into(), self.defs.clone());
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&Value::Object(root))
            .unwrap_or_else(|e| panic!("the schema for {what} compiles: {e}"));
        let errors: Vec<String> = validator
            .iter_errors(instance)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{what} does not match the spec:\n{}\n{instance}",
            errors.join("\n")
        );
    }

    /// Sends one request (checking its body against the spec first) and checks the answer.
    async fn call(
        &mut self,
        http: &reqwest::Client,
        server: &MockServer,
        token: &str,
        op_id: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let (_, method) = self.ops[op_id].clone();
        let op = self.op(op_id).clone();
        let mut request = http
            .request(
                method.to_uppercase().parse().unwrap(),
                format!("{}{path}", server.api_url()),
            )
            .header("x-auth-token", token)
            .header("accept", "application/json");
        if let Some(b) = &body {
            // Requests meant to be valid must be; the invalid ones are marked by a `_invalid` key,
            // and a string is sent as it is (not JSON, say).
            let text = match b {
                Value::String(raw) => raw.clone(),
                _ => {
                    let mut b = b.clone();
                    let invalid = b
                        .as_object_mut()
                        .and_then(|m| m.remove("_invalid"))
                        .is_some();
                    if !invalid {
                        let schema = &op["requestBody"]["content"]["application/json"]["schema"];
                        self.validate(schema, &b, &format!("{op_id} request"));
                    }
                    b.to_string()
                }
            };
            request = request
                .header("content-type", "application/json")
                .body(text);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        let declared = op["responses"].get(status.to_string()).unwrap_or_else(|| {
            panic!("{op_id} answered {status}, which the spec does not declare: {text}")
        });
        let declared = self.deref(declared).clone();
        match declared["content"]["application/json"]["schema"].as_object() {
            Some(_) => {
                let value: Value = serde_json::from_str(&text)
                    .unwrap_or_else(|e| panic!("{op_id} {status}: not JSON ({e}): {text}"));
                self.validate(
                    &declared["content"]["application/json"]["schema"],
                    &value,
                    &format!("{op_id} {status}"),
                );
                self.seen.insert((op_id.to_string(), status.to_string()));
                (status, value)
            }
            None => {
                assert!(
                    text.is_empty(),
                    "{op_id} {status} has a body the spec does not declare"
                );
                self.seen.insert((op_id.to_string(), status.to_string()));
                (status, Value::Null)
            }
        }
    }

    fn declared(&self) -> BTreeSet<(String, String)> {
        let mut out = BTreeSet::new();
        for id in self.ops.keys() {
            for code in self.op(id)["responses"].as_object().unwrap().keys() {
                out.insert((id.clone(), code.clone()));
            }
        }
        out
    }
}

#[tokio::test]
async fn every_declared_response_and_nothing_else() {
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    let http = api_runtime::http_client_builder().build().unwrap();
    let token = server.token().to_string();
    let mut spec = Spec::load();
    let t = token.as_str();

    let tee = json!({ "product_id": 77, "variant_id": 102, "quantity": 2 });
    let gift = json!({ "name": "Card", "theme": "General", "amount": 25, "quantity": 1,
        "sender": { "name": "A", "email": "a@example.com" }, "recipient": { "name": "B", "email": "b@example.com" } });
    let (s, created) = spec
        .call(&http, &server, t, "createCart", "/carts?include=redirect_urls,line_items.physical_items.options",
            Some(json!({ "line_items": [tee, { "product_id": 107, "quantity": 1 }], "gift_certificates": [gift] })))
        .await;
    assert_eq!(s, 201);
    let cart = created["data"]["id"].as_str().unwrap().to_string();
    let tee_line = created["data"]["line_items"]["physical_items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let c = format!("/carts/{cart}");

    spec.call(
        &http,
        &server,
        t,
        "createCart",
        "/carts",
        Some(json!({ "line_items": [{ "product_id": 77, "quantity": 0 }] })),
    )
    .await;
    spec.call(
        &http,
        &server,
        t,
        "createCart",
        "/carts",
        Some(json!({ "_invalid": true, "line_items": "many" })),
    )
    .await;
    spec.call(
        &http,
        &server,
        t,
        "getCart",
        &format!("{c}?include=line_items.physical_items.options,line_items.digital_items.options"),
        None,
    )
    .await;
    spec.call(
        &http,
        &server,
        t,
        "updateCart",
        &c,
        Some(json!({ "customer_id": 3 })),
    )
    .await;
    spec.call(
        &http,
        &server,
        t,
        "updateCart",
        &c,
        Some(json!({ "customer_id": 3, "version": 1 })),
    )
    .await; // stale: 409
    spec.call(
        &http,
        &server,
        t,
        "updateCart",
        &c,
        Some(json!({ "_invalid": true, "customer_id": "me" })),
    )
    .await;
    spec.call(
        &http,
        &server,
        t,
        "updateCart",
        &c,
        Some(json!({ "_invalid": true, "customer_id": {"x":1}, "version": [] })),
    )
    .await;
    spec.call(
        &http,
        &server,
        t,
        "addCartLineItems",
        &format!("{c}/items"),
        Some(json!({ "line_items": [{ "product_id": 118, "quantity": 1 }] })),
    )
    .await;
    spec.call(
        &http,
        &server,
        t,
        "addCartLineItems",
        &format!("{c}/items"),
        Some(json!({ "line_items": [{ "product_id": 118, "quantity": 1 }], "version": 1 })),
    )
    .await;
    spec.call(
        &http,
        &server,
        t,
        "addCartLineItems",
        &format!("{c}/items"),
        Some(json!({ "line_items": [{ "product_id": 999, "quantity": 1 }] })),
    )
    .await;
    spec.call(
        &http,
        &server,
        t,
        "addCartLineItems",
        &format!("{c}/items"),
        Some(json!({ "_invalid": true, "line_items": 5 })),
    )
    .await;
    spec.call(
        &http,
        &server,
        t,
        "updateCartLineItem",
        &format!("{c}/items/{tee_line}"),
        Some(json!({ "line_item": { "product_id": 77, "variant_id": 102, "quantity": 5 } })),
    )
    .await;
    spec.call(
        &http,
        &server,
        t,
        "updateCartLineItem",
        &format!("{c}/items/{tee_line}"),
        Some(json!({ "line_item": { "product_id": 77, "variant_id": 103, "quantity": 5 } })),
    )
    .await;
    spec.call(
        &http,
        &server,
        t,
        "updateCartLineItem",
        &format!("{c}/items/{tee_line}"),
        Some(json!({ "line_item": { "product_id": 77, "quantity": -1 } })),
    )
    .await;
    spec.call(
        &http,
        &server,
        t,
        "updateCartLineItem",
        &format!("{c}/items/{tee_line}"),
        Some(json!({ "_invalid": true, "line_item": [] })),
    )
    .await;
    spec.call(
        &http,
        &server,
        t,
        "updateCartLineItem",
        &format!("{c}/items/nope"),
        Some(json!({ "line_item": { "product_id": 77, "quantity": 1 } })),
    )
    .await;
    spec.call(
        &http,
        &server,
        t,
        "createCartRedirectURL",
        &format!("{c}/redirect_urls"),
        None,
    )
    .await;

    // Every operation: 401 with a wrong token, 404 for a missing cart.
    let ids: Vec<String> = spec.ops.keys().cloned().collect();
    for id in &ids {
        let (template, _) = spec.ops[id].clone();
        let body = match id.as_str() {
            "createCart" | "addCartLineItems" => Some(json!({ "line_items": [tee] })),
            "updateCart" => Some(json!({ "customer_id": 1 })),
            "updateCartLineItem" => Some(json!({ "line_item": tee })),
            _ => None,
        };
        let missing = template
            .replace("{cartId}", "no-such-cart")
            .replace("{itemId}", "no-such-item");
        if body.is_some() {
            // Not JSON at all: 400.
            let path = template
                .replace("{cartId}", &cart)
                .replace("{itemId}", &tee_line);
            let (status, _) = spec
                .call(&http, &server, t, id, &path, Some(json!("{not json")))
                .await;
            assert_eq!(status, 400, "{id}");
        }
        let (status, _) = spec
            .call(&http, &server, "wrong-token", id, &missing, body.clone())
            .await;
        assert_eq!(status, 401, "{id}");
        if template.contains("{cartId}") {
            let (status, _) = spec.call(&http, &server, t, id, &missing, body).await;
            assert_eq!(status, 404, "{id}");
        }
    }

    // Remove every line: 200 with the cart, then 204 for the last; then the cart is gone.
    let (_, current) = spec.call(&http, &server, t, "getCart", &c, None).await;
    let li = &current["data"]["line_items"];
    let mut lines: Vec<String> = ["physical_items", "digital_items", "gift_certificates"]
        .iter()
        .flat_map(|k| li[k].as_array().cloned().unwrap_or_default())
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    let last = lines.pop().unwrap();
    for line in lines {
        let (status, _) = spec
            .call(
                &http,
                &server,
                t,
                "deleteCartLineItem",
                &format!("{c}/items/{line}"),
                None,
            )
            .await;
        assert_eq!(status, 200);
    }
    let (status, _) = spec
        .call(
            &http,
            &server,
            t,
            "deleteCartLineItem",
            &format!("{c}/items/{last}?include=line_items.physical_items.options"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = spec.call(&http, &server, t, "getCart", &c, None).await;
    assert_eq!(status, 404);

    // And a whole cart.
    let (_, other) = spec
        .call(
            &http,
            &server,
            t,
            "createCart",
            "/carts",
            Some(json!({ "line_items": [{ "product_id": 107, "quantity": 1 }] })),
        )
        .await;
    let other = other["data"]["id"].as_str().unwrap().to_string();
    let (status, _) = spec
        .call(
            &http,
            &server,
            t,
            "deleteCart",
            &format!("/carts/{other}"),
            None,
        )
        .await;
    assert_eq!(status, 204);

    let missing: Vec<_> = spec.declared().difference(&spec.seen).cloned().collect();
    assert!(
        missing.is_empty(),
        "declared responses the mock never produced here: {missing:?}"
    );
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_in_the_error_shape() {
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    let http = api_runtime::http_client_builder().build().unwrap();
    for (method, url, status) in [
        ("GET", format!("{}/carts", server.api_url()), 405),
        ("PATCH", format!("{}/carts/x", server.api_url()), 405),
        (
            "GET",
            format!("{}/stores/other/v3/carts/x", server.url()),
            404,
        ),
        ("GET", format!("{}/customers", server.api_url()), 404),
    ] {
        let response = http
            .request(method.parse().unwrap(), &url)
            .header("x-auth-token", server.token())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), status, "{method} {url}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["status"], status);
        assert!(body["title"].is_string());
    }
}
