//! The mock cannot drift from `spec/bigcartel.v1.yaml`: every operation is
//! routed as the spec says, and every response (successes and errors) is
//! validated against the spec's schema for its status, with the OpenAPI 3.0
//! schemas converted to JSON Schema 2020-12.
//!
//! Stricter than the spec in two ways, to catch drift in the mock:
//! `*Attributes` schemas get `additionalProperties: false` (the mock may not
//! invent attributes), and every resource in `data`/`included` is validated
//! against the model schema of its `type`, with relationship names and
//! linkage types checked against `x-relationships`.

mod common;

use std::collections::{BTreeSet, HashMap};

use bigcartel_mock::{MEDIA_TYPE, MockConfig, Operation};
use common::*;
use reqwest::header::{ACCEPT, AUTHORIZATION, USER_AGENT};
use reqwest::{Method, StatusCode};
use serde_json::{Map, Value, json};

struct Spec {
    doc: Value,
    /// Converted `components.schemas`, as `$defs`.
    defs: Value,
    /// operationId -> (path, method)
    ops: HashMap<String, (String, String)>,
    /// JSON:API type -> model schema name
    type_schema: HashMap<String, String>,
    /// model name (x-model) -> JSON:API type
    model_type: HashMap<String, String>,
    validators: HashMap<String, jsonschema::Validator>,
    /// (operationId, status) pairs seen
    seen: BTreeSet<(String, String)>,
}

fn load_yaml() -> Value {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec/bigcartel.v1.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_norway::from_str(&text).expect("spec is YAML")
}

/// OpenAPI 3.0 schema -> JSON Schema 2020-12.
fn convert(v: &Value, strict: bool) -> Value {
    match v {
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, child) in map {
                match k.as_str() {
                    "nullable" | "example" | "discriminator" | "xml" | "externalDocs" => {}
                    k if k.starts_with("x-") => {}
                    "$ref" => {
                        let r = child.as_str().unwrap_or_default();
                        let name = r
                            .strip_prefix("#/components/schemas/")
                            .unwrap_or_else(|| panic!("unsupported $ref {r}"));
                        out.insert("$ref".into(), json!(format!("#/$defs/{name}")));
                    }
                    "properties" => {
                        let props: Map<String, Value> = child
                            .as_object()
                            .map(|p| {
                                p.iter()
                                    .map(|(pk, pv)| (pk.clone(), convert(pv, false)))
                                    .collect()
                            })
                            .unwrap_or_default();
                        out.insert(k.into(), Value::Object(props));
                    }
                    _ => {
                        out.insert(k.clone(), convert(child, false));
                    }
                }
            }
            if strict && map.contains_key("properties") {
                out.insert("additionalProperties".into(), json!(false));
            }
            if map.get("nullable") == Some(&json!(true)) {
                if let Some(t) = out.get("type").cloned() {
                    out.insert("type".into(), json!([t, "null"]));
                    if let Some(Value::Array(e)) = out.get_mut("enum") {
                        e.push(Value::Null);
                    }
                } else if out.contains_key("oneOf")
                    || out.contains_key("anyOf")
                    || out.contains_key("$ref")
                    || out.contains_key("allOf")
                {
                    return json!({"anyOf": [Value::Object(out), {"type": "null"}]});
                }
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| convert(x, false)).collect()),
        other => other.clone(),
    }
}

fn is_decimal(s: &str) -> bool {
    bigcartel_mock::money::parse_str(s).is_some() || {
        let t = s.strip_prefix('-').unwrap_or(s);
        let (i, f) = t.split_once('.').unwrap_or((t, "0"));
        !i.is_empty() && !f.is_empty() && i.bytes().chain(f.bytes()).all(|b| b.is_ascii_digit())
    }
}

impl Spec {
    fn load() -> Spec {
        let doc = load_yaml();
        let mut defs = Map::new();
        let mut type_schema = HashMap::new();
        let mut model_type = HashMap::new();
        for (name, schema) in doc["components"]["schemas"]
            .as_object()
            .expect("components.schemas")
        {
            defs.insert(name.clone(), convert(schema, name.ends_with("Attributes")));
            if let (Some(model), Some(t)) = (
                schema["x-model"].as_str(),
                schema["x-jsonapi-type"].as_str(),
            ) {
                type_schema.insert(t.to_string(), name.clone());
                model_type.insert(model.to_string(), t.to_string());
                // A subtyped wire type (`order_adjustments/tax`) is the same model.
                for sub in schema["x-jsonapi-subtypes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    let sub = sub.as_str().expect("subtypes are strings");
                    type_schema.insert(format!("{t}/{sub}"), name.clone());
                }
            }
        }
        let mut ops = HashMap::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().unwrap() {
                if let Some(id) = op["operationId"].as_str() {
                    ops.insert(id.to_string(), (path.clone(), method.to_uppercase()));
                }
            }
        }
        Spec {
            doc,
            defs: Value::Object(defs),
            ops,
            type_schema,
            model_type,
            validators: HashMap::new(),
            seen: BTreeSet::new(),
        }
    }

    fn op(&self, id: &str) -> &Value {
        let (path, method) = &self.ops[id];
        &self.doc["paths"][path][method.to_lowercase()]
    }

    fn deref<'a>(&'a self, v: &'a Value) -> &'a Value {
        match v["$ref"].as_str() {
            Some(r) => {
                let mut node = &self.doc;
                for part in r.trim_start_matches("#/").split('/') {
                    node = &node[part];
                }
                node
            }
            None => v,
        }
    }

    fn validate(&mut self, schema: &Value, instance: &Value, what: &str) {
        let key = schema.to_string();
        if !self.validators.contains_key(&key) {
            let mut root = match convert(schema, false) {
                Value::Object(m) => m,
                other => panic!("schema is not an object: {other}"),
            };
            root.insert("$defs".into(), self.defs.clone());
            let v = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .should_validate_formats(true)
                .with_format("decimal", is_decimal)
                .with_format("int64", |_: &str| true)
                .build(&Value::Object(root))
                .unwrap_or_else(|e| panic!("schema for {what} compiles: {e}"));
            self.validators.insert(key.clone(), v);
        }
        let errors: Vec<String> = self.validators[&key]
            .iter_errors(instance)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{what} does not match the spec:\n{}\n{}",
            errors.join("\n"),
            instance
        );
    }

    fn validate_request(&mut self, op_id: &str, media: &str, body: &Value) {
        let schema = self.op(op_id)["requestBody"]["content"][media]["schema"].clone();
        assert!(
            !schema.is_null(),
            "{op_id} has no {media} request body in the spec"
        );
        self.validate(&schema, body, &format!("{op_id} request body"));
    }

    /// Checks one response against the spec.
    fn check(&mut self, op_id: &str, r: &Resp) {
        let status = r.status.as_u16().to_string();
        let response = self.deref(&self.op(op_id)["responses"][&status]).clone();
        assert!(
            !response.is_null(),
            "{op_id} answered {status}, which the spec does not document: {}",
            r.json
        );
        self.seen.insert((op_id.to_string(), status.clone()));
        let Some(content) = response["content"].as_object().cloned() else {
            assert!(r.bytes.is_empty(), "{op_id} {status} must have no body");
            return;
        };
        let ct = r.header("content-type").unwrap_or_default();
        let base = ct.split(';').next().unwrap_or_default().trim().to_string();
        let schema = content.get(&base).unwrap_or_else(|| {
            panic!(
                "{op_id} {status}: content type {ct} not in the spec ({:?})",
                content.keys()
            )
        })["schema"]
            .clone();
        self.validate(&schema, &r.json, &format!("{op_id} {status}"));
        if base == MEDIA_TYPE && r.status.is_success() {
            self.check_resources(op_id, &r.json);
        }
    }

    /// Every resource validates as its model; relationships are declared.
    fn check_resources(&mut self, op_id: &str, doc: &Value) {
        let mut resources: Vec<Value> = match &doc["data"] {
            Value::Array(a) => a.clone(),
            v => vec![v.clone()],
        };
        resources.extend(doc["included"].as_array().cloned().unwrap_or_default());
        for res in resources {
            let t = res["type"].as_str().expect("type").to_string();
            let schema_name = self
                .type_schema
                .get(&t)
                .unwrap_or_else(|| panic!("{op_id}: type {t} has no model in the spec"))
                .clone();
            self.validate(
                &json!({"$ref": format!("#/components/schemas/{schema_name}")}),
                &res,
                &format!("{op_id}: a {t} resource"),
            );
            let declared =
                self.doc["components"]["schemas"][&schema_name]["x-relationships"].clone();
            for (name, rel) in res["relationships"]
                .as_object()
                .cloned()
                .unwrap_or_default()
            {
                let Some(model) = declared[&name]["model"].as_str() else {
                    // Declared as linkage only (no model to resolve to), as orders' `warnings`:
                    // the schema validation above has checked its shape.
                    let linkage_only = &self.doc["components"]["schemas"][&schema_name]["properties"]
                        ["relationships"]["properties"][&name];
                    assert!(
                        linkage_only.is_object(),
                        "{op_id}: {t}.{name} is not in {schema_name}'s x-relationships"
                    );
                    continue;
                };
                let want_type = &self.model_type[model];
                let want_schema = &self.type_schema[want_type];
                let many = declared[&name]["many"] == json!(true);
                let ids: Vec<Value> = match &rel["data"] {
                    Value::Array(a) => {
                        assert!(many, "{op_id}: {t}.{name} is to-one in the spec but a list");
                        a.clone()
                    }
                    Value::Null => vec![],
                    v => {
                        assert!(
                            !many,
                            "{op_id}: {t}.{name} is to-many in the spec but an object"
                        );
                        vec![v.clone()]
                    }
                };
                for id in ids {
                    // The model's type, or one of its declared subtypes.
                    let linked = id["type"].as_str().unwrap_or_default();
                    assert!(
                        linked == want_type
                            || (linked.starts_with(&format!("{want_type}/"))
                                && self.type_schema.get(linked) == Some(want_schema)),
                        "{op_id}: {t}.{name} links {id}"
                    );
                }
            }
        }
    }
}

fn form(params: &[(&str, &str)]) -> Value {
    Value::Object(
        params
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect(),
    )
}

#[test]
fn every_spec_operation_is_routed_as_the_spec_says() {
    let spec = Spec::load();
    let in_spec: BTreeSet<&str> = spec.ops.keys().map(String::as_str).collect();
    let in_mock: BTreeSet<&str> = Operation::ALL.iter().map(|o| o.id()).collect();
    assert_eq!(in_spec, in_mock, "operation ids differ");
    for op in Operation::ALL {
        let (path, method) = &spec.ops[op.id()];
        assert_eq!(path, op.path(), "{op}");
        assert_eq!(method, op.method().as_str(), "{op}");
    }
    // Every JSON:API type the mock emits has a model in the spec.
    for t in [
        "accounts",
        "currencies",
        "countries",
        "account_images",
        "plans",
        "artists",
        "categories",
        "discounts",
        "orders",
        "order_line_items",
        "order_events",
        "order_transactions/payments",
        "order_adjustments/discount",
        "order_adjustments/tax",
        "order_adjustments/shipping",
        "products",
        "product_options",
        "shipping_options",
        "product_images",
    ] {
        assert!(
            spec.type_schema.contains_key(t),
            "no x-jsonapi-type {t} in the spec"
        );
    }
}

#[tokio::test]
async fn every_response_matches_the_spec() {
    let mut spec = Spec::load();
    let server = start_with(MockConfig {
        products: 30,
        orders: 45,
        ..MockConfig::default()
    })
    .await;
    let api = Api::new(&server);
    let a = |rest: &str| api.acct(rest);

    macro_rules! get {
        ($op:expr, $path:expr) => {{
            let path: String = $path.into();
            let r = api.get(&path).await;
            spec.check($op, &r);
            r
        }};
    }
    macro_rules! write {
        ($op:expr, $method:expr, $path:expr, $body:expr) => {{
            let body: Value = $body;
            spec.validate_request($op, MEDIA_TYPE, &body);
            let r = api.send_json($method, &$path, &body).await;
            spec.check($op, &r);
            r
        }};
    }

    // Reads, with every documented query parameter.
    get!("listAccounts", "/v1/accounts");
    get!("getAccount", a(""));
    get!("listCountries", "/v1/countries");
    get!("listArtists", a("/artists"));
    get!("getArtist", a("/artists/1"));
    get!("listCategories", a("/categories"));
    get!("getCategory", a("/categories/1"));
    get!("listDiscounts", a("/discounts"));
    get!(
        "listDiscounts",
        a("/discounts?filter%5Bstatus%5D=expired&page%5Blimit%5D=1&page%5Boffset%5D=1")
    );
    get!("getDiscount", a("/discounts/3"));
    get!("getDiscount", a("/discounts/6"));
    get!("listOrders", a("/orders?page%5Blimit%5D=100"));
    get!(
        "listOrders",
        a(
            "/orders?search=a&filter%5Bshipping_status%5D=unshipped&sort=-completed_at&page%5Blimit%5D=5"
        )
    );
    for o in server.orders().iter().take(10) {
        get!("getOrder", a(&format!("/orders/{}", o.id)));
    }
    get!("listProducts", a("/products?page%5Blimit%5D=100"));
    get!(
        "listProducts",
        a(
            "/products?filter%5Bstatus%5D=active,sold_out&filter%5Bcategory_id%5D=1,2&filter%5Bartist_id%5D=1,2,3&sort=-updated_at&page%5Blimit%5D=3&page%5Boffset%5D=1"
        )
    );
    get!("getProduct", a("/products/1"));

    // Writes.
    let r = write!(
        "createArtist",
        Method::POST,
        a("/artists"),
        json!({"data": {"type": "artists", "attributes": {"name": "Spec Artist"}}})
    );
    let artist = r.json["data"]["id"].as_str().unwrap().to_string();
    write!(
        "updateArtist",
        Method::PATCH,
        a(&format!("/artists/{artist}")),
        json!({"data": {"id": artist, "type": "artists", "attributes": {"name": "Spec Artist 2"}}})
    );
    write!(
        "repositionArtists",
        Method::PATCH,
        a("/relationships/artists"),
        json!({"data": [{"type": "artists", "id": artist}, {"type": "artists", "id": "1"}]})
    );
    let r = write!(
        "createCategory",
        Method::POST,
        a("/categories"),
        json!({"data": {"type": "categories", "attributes": {"name": "Spec Category"}}})
    );
    let category = r.json["data"]["id"].as_str().unwrap().to_string();
    write!(
        "updateCategory",
        Method::PATCH,
        a(&format!("/categories/{category}")),
        json!({"data": {"id": category, "type": "categories", "attributes": {"name": "Spec Category 2"}}})
    );
    write!(
        "repositionCategories",
        Method::PATCH,
        a("/relationships/categories"),
        json!({"data": [{"type": "categories", "id": category}]})
    );
    let discount_attrs = json!({
        "name": "Spec", "code": "SPEC10", "active_at": "2025-06-01T00:00:00Z", "expires_at": "2031-01-01T00:00:00Z",
        "requirement_type": "minimum_cart_quantity", "minimum_cart_quantity": 2, "expiration_type": "on_date",
        "reward_type": "percent_discount", "percent_discount": 10, "application_type": "product"
    });
    let r = write!(
        "createDiscount",
        Method::POST,
        a("/discounts"),
        json!({"data": {"type": "discounts", "attributes": discount_attrs.clone(),
        "relationships": {"products": {"data": [{"type": "products", "id": "1"}, {"type": "products", "id": "2"}]}}}})
    );
    let discount = r.json["data"]["id"].as_str().unwrap().to_string();
    let mut updated = discount_attrs.clone();
    updated["reward_type"] = json!("flat_rate_discount");
    updated["flat_rate_discount"] = json!("4.25");
    updated["application_type"] = json!("category");
    write!(
        "updateDiscount",
        Method::PATCH,
        a(&format!("/discounts/{discount}")),
        json!({"data": {"id": discount, "type": "discounts", "attributes": updated,
        "relationships": {"categories": {"data": [{"type": "categories", "id": category}]}}}})
    );
    let order = server.orders()[0].id.to_string();
    write!(
        "updateOrder",
        Method::PATCH,
        a(&format!("/orders/{order}")),
        json!({"data": {"id": order, "type": "orders", "attributes": {
        "customer_first_name": "Spec", "customer_last_name": "Check", "customer_email": "spec@example.com",
        "shipping_address_1": "1 Spec Way", "shipping_address_2": "Unit 2", "shipping_city": "Austin", "shipping_state": "TX",
        "shipping_zip": "78704", "shipping_country_id": "US", "shipping_status": "shipped"}}})
    );
    write!(
        "repositionProducts",
        Method::PATCH,
        a("/relationships/products"),
        json!({"data": [{"type": "products", "id": "3"}, {"type": "products", "id": "1"}]})
    );
    let r = api.delete(&a(&format!("/discounts/{discount}"))).await;
    spec.check("deleteDiscount", &r);
    let r = api.delete(&a(&format!("/artists/{artist}"))).await;
    spec.check("deleteArtist", &r);
    let r = api.delete(&a(&format!("/categories/{category}"))).await;
    spec.check("deleteCategory", &r);
    // A discount linked to a category, read back.
    get!("listDiscounts", a("/discounts?page%5Blimit%5D=100"));

    // Unknown ids and bad bodies.
    assert_eq!(
        get!("getOrder", a("/orders/1")).status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get!("getProduct", a("/products/999999")).status,
        StatusCode::NOT_FOUND
    );
    write!(
        "updateArtist",
        Method::PATCH,
        a("/artists/999"),
        json!({"data": {"id": "999", "type": "artists", "attributes": {"name": "X"}}})
    );
    let r = api
        .post(
            &a("/artists"),
            &json!({"data": {"type": "artists", "attributes": {}}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    spec.check("createArtist", &r);
    let r = api.get(&a("/orders?page%5Blimit%5D=zero")).await;
    spec.check("listOrders", &r);
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    // OAuth.
    let good = [
        ("client_id", "mock-client-id"),
        ("client_secret", "mock-client-secret"),
        ("code", "mock-code"),
        ("redirect_uri", "https://example.com/cb"),
    ];
    spec.validate_request(
        "createToken",
        "application/x-www-form-urlencoded",
        &form(&good),
    );
    let token_url = format!("{}/oauth/token", api.url);
    let r = send(api.http.post(&token_url).header(USER_AGENT, UA).form(&good)).await;
    spec.check("createToken", &r);
    assert_eq!(r.status, StatusCode::OK);
    let r = send(api.http.post(&token_url).header(USER_AGENT, UA).form(&[
        ("client_id", "mock-client-id"),
        ("client_secret", "nope"),
        ("code", "mock-code"),
    ]))
    .await;
    spec.check("createToken", &r);
    let r = send(
        api.http
            .post(&token_url)
            .header(USER_AGENT, UA)
            .form(&[("client_id", "mock-client-id")]),
    )
    .await;
    spec.check("createToken", &r);
    let r = send(api.http.post(&token_url).form(&good)).await;
    spec.check("createToken", &r);
    let deauth = format!("{}/oauth/deauthorize/{}", api.url, api.account);
    let r = send(
        api.http
            .post(&deauth)
            .header(USER_AGENT, UA)
            .basic_auth("mock-client-id", Some("nope")),
    )
    .await;
    spec.check("deauthorize", &r);
    let r = send(
        api.http
            .post(&deauth)
            .basic_auth("mock-client-id", Some("mock-client-secret")),
    )
    .await;
    spec.check("deauthorize", &r);
    let r = send(
        api.http
            .post(&deauth)
            .header(USER_AGENT, UA)
            .basic_auth("mock-client-id", Some("mock-client-secret")),
    )
    .await;
    spec.check("deauthorize", &r);
    assert_eq!(r.status, StatusCode::NO_CONTENT);

    // Errors for every JSON:API operation: 400 (no User-Agent), 401, 406,
    // and 404 for a wrong account id. Tokens are revoked now: use Basic.
    let basic = "Basic bW9ja3Nob3A6bW9jay1wYXNzd29yZA==";
    for op in Operation::ALL.into_iter().filter(|o| o.is_jsonapi()) {
        let path = op
            .path()
            .replace("{account_id}", &api.account.to_string())
            .replace("{artist_id}", "2")
            .replace("{category_id}", "2")
            .replace("{discount_id}", "2")
            .replace("{order_id}", &order)
            .replace("{product_id}", "2");
        let req = |method: Method, path: &str| {
            api.http
                .request(method, format!("{}{path}", api.url))
                .header(USER_AGENT, UA)
                .header(ACCEPT, MEDIA_TYPE)
                .header(AUTHORIZATION, basic)
        };
        let cases = [
            (req(op.method(), &path).header(USER_AGENT, ""), 400),
            (
                req(op.method(), &path).header(AUTHORIZATION, "Bearer wrong"),
                401,
            ),
            (req(op.method(), &path).header(ACCEPT, "text/html"), 406),
        ];
        for (rb, want) in cases {
            let r = send(rb).await;
            assert_eq!(r.status.as_u16(), want, "{op}: {}", r.json);
            spec.check(op.id(), &r);
        }
        if op.path().contains("{account_id}") {
            let other = path.replacen(&api.account.to_string(), "999", 1);
            let mut rb = req(op.method(), &other);
            if op.is_write() && op.method() != Method::DELETE {
                rb = rb.header("content-type", MEDIA_TYPE).body("{}");
            }
            let r = send(rb).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{op}");
            spec.check(op.id(), &r);
        }
    }
    // Coverage: every operation answered successfully at least once.
    for op in Operation::ALL {
        assert!(
            spec.seen
                .iter()
                .any(|(id, s)| id == op.id() && s.starts_with('2')),
            "{op} never succeeded in this test"
        );
    }
    assert!(spec.seen.len() >= 28 * 2, "{:?}", spec.seen);
}
