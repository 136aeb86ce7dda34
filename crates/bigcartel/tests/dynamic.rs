//! `Client::call` (the spec as data, JSON in and out) against the typed methods, for every
//! operation of the spec: the same request on the wire (method, path, query, headers, body), the
//! same JSON out, and the same refusals of bad arguments.

use bigcartel::dynamic::{self, Args, BodySchema, Kind, OPERATIONS, OperationSchema, Output};
use bigcartel::{Client, Error};
use serde_json::{Map, Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const UA: &str = "DynamicTest (dyn@example.com)";

fn sample(kind: Kind, name: &str) -> Value {
    match kind {
        Kind::String => json!(format!("{name}-text")),
        Kind::Decimal => json!("12.50"),
        Kind::Int => json!(7),
        Kind::Bool => json!(true),
        Kind::StringList => json!(["a", "b"]),
    }
}

/// Every argument the operation takes, filled in from its table row.
fn full_args(op: &OperationSchema) -> Args {
    let mut args = Args {
        path: op.path_params.iter().map(|p| format!("{p}/1 ?")).collect(),
        ..Args::default()
    };
    if !op.query.is_empty() {
        let params: Map<String, Value> = op
            .query
            .iter()
            .map(|q| (q.field.to_string(), sample(q.kind, q.field)))
            .collect();
        args.params = Some(Value::Object(params));
    }
    match &op.body {
        BodySchema::None => {}
        BodySchema::Identifiers { .. } => args.ids = Some(json!(["3", "4"])),
        BodySchema::Resource {
            input,
            relationships,
            ..
        } => {
            let fields: Map<String, Value> = input
                .iter()
                .map(|f| (f.name.to_string(), sample(f.kind, f.name)))
                .collect();
            args.input = Some(Value::Object(fields));
            if let Some(rels) = relationships {
                let r: Map<String, Value> = rels
                    .iter()
                    .map(|(n, _)| (n.to_string(), json!(["1", "2"])))
                    .collect();
                args.relationships = Some(Value::Object(r));
            }
        }
    }
    args
}

/// A document the operation could answer, with attributes of every kind and a relationship.
fn answer(op: &OperationSchema) -> Option<Value> {
    let resource = |m: &dynamic::ModelSchema, id: &str| {
        let attributes: Map<String, Value> = m
            .fields
            .iter()
            .map(|f| {
                // Numbers sent as strings and decimals as numbers: the lenient rules apply.
                let v = match f.kind {
                    Kind::Int => json!("42"),
                    Kind::Decimal => serde_json::from_str("19.90").unwrap(),
                    k => sample(k, f.name),
                };
                (f.name.to_string(), v)
            })
            .collect();
        let relationships: Map<String, Value> = m
            .rels
            .iter()
            .map(|r| {
                let target = dynamic::MODELS[r.model].wire_type;
                let data = if r.many {
                    json!([{ "type": target, "id": "r1" }, { "type": target, "id": "missing" }])
                } else {
                    json!({ "type": target, "id": "r1" })
                };
                (r.name.to_string(), json!({ "data": data }))
            })
            .collect();
        json!({ "type": m.wire_type, "id": id, "attributes": attributes, "relationships": relationships })
    };
    let included = |m: &dynamic::ModelSchema| -> Vec<Value> {
        m.rels
            .iter()
            .map(|r| resource(&dynamic::MODELS[r.model], "r1"))
            .collect()
    };
    match op.returns {
        dynamic::Returns::Nothing => None,
        dynamic::Returns::One(i) => {
            let m = &dynamic::MODELS[i];
            Some(json!({ "data": resource(m, "9"), "included": included(m) }))
        }
        dynamic::Returns::Many(i) => {
            let m = &dynamic::MODELS[i];
            Some(json!({
                "data": [resource(m, "9"), resource(m, "10")],
                "included": included(m),
                "meta": { "count": 2 },
                "links": { "next": "https://api.bigcartel.com/next?page%5Boffset%5D=2" }
            }))
        }
    }
}

async fn server(op: &OperationSchema) -> MockServer {
    let server = MockServer::start().await;
    let t = match answer(op) {
        Some(body) => ResponseTemplate::new(200).set_body_raw(
            serde_json::to_vec(&body).unwrap(),
            "application/vnd.api+json",
        ),
        None => ResponseTemplate::new(204),
    };
    Mock::given(any()).respond_with(t).mount(&server).await;
    server
}

fn client(server: &MockServer) -> Client {
    Client::builder(UA)
        .base_url(server.uri())
        .bearer("tok-dyn")
        .account_id("77")
        .build()
        .unwrap()
}

async fn the_request(server: &MockServer) -> Request {
    let mut reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 1, "expected exactly one request");
    reqs.remove(0)
}

/// What must match: method, URL with its query, the headers the API reads, the body as JSON.
fn shape(r: &Request) -> (String, String, Vec<Option<String>>, Option<Value>) {
    let headers = [
        "accept",
        "content-type",
        "authorization",
        "user-agent",
        "api-version",
    ]
    .iter()
    .map(|h| {
        r.headers
            .get(*h)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    })
    .collect();
    let body = (!r.body.is_empty()).then(|| serde_json::from_slice(&r.body).unwrap());
    (
        r.method.to_string(),
        r.url[url::Position::BeforePath..].to_string(),
        headers,
        body,
    )
}

#[tokio::test]
async fn every_operation_sends_the_typed_request_and_answers_the_typed_json() {
    assert!(OPERATIONS.len() >= 26, "the table lists every operation");
    for op in OPERATIONS {
        let args = full_args(op);
        let typed_server = server(op).await;
        let typed = client(&typed_server).call_typed(op, &args).await;
        let dynamic_server = server(op).await;
        let dynamic = client(&dynamic_server).call(op, &args).await;
        let (typed, dynamic) = match (typed, dynamic) {
            (Ok(t), Ok(d)) => (t, d),
            (t, d) => panic!("{}: typed {t:?}, dynamic {d:?}", op.operation.id),
        };
        assert_eq!(typed, dynamic, "{}: different results", op.operation.id);
        if let Output::Page(p) = &dynamic {
            assert_eq!(p.items.len(), 2, "{}", op.operation.id);
            assert_eq!(p.total, Some(2));
        }
        let (t, d) = (
            shape(&the_request(&typed_server).await),
            shape(&the_request(&dynamic_server).await),
        );
        assert_eq!(t, d, "{}: different requests", op.operation.id);
        assert!(
            d.1.contains("%2F1%20%3F") || op.path_params.is_empty(),
            "{}: path parameters are percent-encoded: {}",
            op.operation.id,
            d.1
        );
    }
}

#[tokio::test]
async fn pages_serialize_like_typed_pages() {
    let op = dynamic::operation("listOrders").unwrap();
    let s = server(op).await;
    let c = client(&s);
    let typed = c.list_orders(&Default::default()).await.unwrap();
    let dynamic = c.call(op, &Args::default()).await.unwrap().into_json();
    assert_eq!(serde_json::to_string(&typed).unwrap(), dynamic);
    let paged = c.call_page(op, &Args::default(), 40, 20).await.unwrap();
    assert_eq!(paged.items.len(), 2);
    let last = s.received_requests().await.unwrap().pop().unwrap();
    assert_eq!(
        last.url.query(),
        Some("page%5Blimit%5D=20&page%5Boffset%5D=40")
    );
}

fn invalid(r: Result<Output, Error>) -> String {
    match r {
        Err(Error::InvalidInput { message, .. }) => message,
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

#[tokio::test]
async fn bad_arguments_are_refused_before_anything_is_sent() {
    let create = dynamic::operation("createDiscount").unwrap();
    let list = dynamic::operation("listProducts").unwrap();
    let get = dynamic::operation("getProduct").unwrap();
    let reposition = dynamic::operation("repositionProducts").unwrap();
    let s = server(create).await;
    let c = client(&s);

    let mut missing = full_args(create);
    missing.input.as_mut().unwrap()["name"] = Value::Null;
    let m = invalid(c.call(create, &missing).await);
    assert!(m.contains("`input.name` is required"), "{m}");
    // The typed path refuses it too.
    assert!(c.call_typed(create, &missing).await.is_err());

    let mut wrong = full_args(create);
    wrong.input.as_mut().unwrap()["use_limit"] = json!("ten");
    let m = invalid(c.call(create, &wrong).await);
    assert!(m.contains("`input.use_limit` must be an integer"), "{m}");
    assert!(c.call_typed(create, &wrong).await.is_err());

    let mut money = full_args(create);
    money.input.as_mut().unwrap()["flat_rate_discount"] = json!("ten dollars");
    let m = invalid(c.call(create, &money).await);
    assert!(m.contains("decimal"), "{m}");

    let mut typo = full_args(create);
    typo.input.as_mut().unwrap()["nmae"] = json!("x");
    let m = invalid(c.call(create, &typo).await);
    assert!(m.contains("`input.nmae` is not a parameter"), "{m}");

    let mut rel = full_args(create);
    rel.relationships = Some(json!({ "products": "1" }));
    let m = invalid(c.call(create, &rel).await);
    assert!(m.contains("`relationships.products` must be a list"), "{m}");

    let params = Args {
        params: Some(json!({ "filter_stauts": "active" })),
        ..Args::default()
    };
    let m = invalid(c.call(list, &params).await);
    assert!(
        m.contains("filter_status"),
        "the message lists the known ones: {m}"
    );
    let params = Args {
        params: Some(json!({ "page_limit": 2.5 })),
        ..Args::default()
    };
    assert!(invalid(c.call(list, &params).await).contains("must be an integer"));
    let params = Args {
        params: Some(json!(["active"])),
        ..Args::default()
    };
    assert!(invalid(c.call(list, &params).await).contains("must be an object"));

    let empty_id = Args {
        path: vec![String::new()],
        ..Args::default()
    };
    assert!(invalid(c.call(get, &empty_id).await).contains("`product_id` is empty"));
    assert!(invalid(c.call(get, &Args::default()).await).contains("path parameter"));

    let no_ids = Args {
        ids: Some(json!([])),
        ..Args::default()
    };
    assert!(invalid(c.call(reposition, &no_ids).await).contains("at least one id"));
    let bad_ids = Args {
        ids: Some(json!([1, 2])),
        ..Args::default()
    };
    assert!(invalid(c.call(reposition, &bad_ids).await).contains("list of ids"));

    assert!(
        s.received_requests().await.unwrap().is_empty(),
        "nothing was sent"
    );
}

#[tokio::test]
async fn api_errors_map_like_the_typed_path() {
    let op = dynamic::operation("getProduct").unwrap();
    let server = MockServer::start().await;
    let doc = json!({ "errors": [{ "status": "404", "title": "Not Found", "detail": "no such product" }] });
    Mock::given(any())
        .respond_with(ResponseTemplate::new(404).set_body_raw(
            serde_json::to_vec(&doc).unwrap(),
            "application/vnd.api+json",
        ))
        .mount(&server)
        .await;
    let c = client(&server);
    let args = Args {
        path: vec!["5".into()],
        ..Args::default()
    };
    let typed = c.call_typed(op, &args).await.unwrap_err().to_string();
    let dynamic = c.call(op, &args).await.unwrap_err().to_string();
    assert_eq!(typed, dynamic);
    assert!(dynamic.contains("no such product"), "{dynamic}");
}

/// Typed and table-driven decoding agree (same JSON, or errors of the same kind) on documents
/// that bend the rules.
#[test]
fn typed_and_dynamic_decoding_agree_on_odd_documents() {
    use bigcartel::jsonapi::{DecodeError, decode_list, decode_one};
    use bigcartel::models::{Order, Product};
    let docs = [
        r#"{"data":{"type":"products","id":"1","attributes":[]}}"#,
        r#"{"data":{"type":"products","id":"1","attributes":["Tee", 1]}}"#,
        r#"{"data":{"type":"products","id":"1","attributes":"Tee"}}"#,
        r#"{"data":{"type":"products","id":"1","attributes":null}}"#,
        r#"{"data":{"type":"products","id":"1","attributes":{"name":"a","name":"b"}}}"#,
        r#"{"data":{"type":"products","id":"1","attributes":{"na\u006de":"escaped key"}}}"#,
        r#"{"data":{"type":"products","id":1,"attributes":{"default_price":20.50,"position":"3"}}}"#,
        // Strings copied as they stand (no escape) and strings rewritten (escapes), side by side.
        r#"{"data":{"type":"products","id":"1","attributes":{"name":"Tee ✓ </b>","description":"a\/b \u00e9 \"q\" \t\u0001 \ud83d\ude00","default_price":"20.50","permalink":""}}}"#,
        r#"{"data":{"type":"products","id":"1","attributes":{"default_price":"2\u0030.5"}}}"#,
        r#"{"data":{"type":"products","id":"1","attributes":{"default_price":"20.5x"}}}"#,
        r#"{"data":{"type":"products","id":"1","attributes":{"name":12,"default_price":" 20"}}}"#,
        r#"{"data":{"type":"products","id":"1","attributes":{"default_price":"twenty"}}}"#,
        r#"{"data":{"type":"products","id":"1","attributes":{"on_sale":"yes"}}}"#,
        r#"{"data":{"type":"products","id":"1","attributes":{"position":1e3}}}"#,
        r#"{"data":{"type":"products","id":"1","relationships":{"options":{"data":{"type":"product_options","id":"2"}}}}}"#,
        r#"{"data":{"type":"products","id":"1","relationships":{"options":{"data":"2"}}}}"#,
        r#"{"data":{"type":"products","id":"1","relationships":{"options":{"data":[{"type":"product_options"}]}}}}"#,
        r#"{"data":{"type":"products","id":"1","relationships":{"categories":{"data":[{"type":"categories","id":"1"}]}}},"included":[{"type":"categories","id":"1","attributes":{"name":7}},{"type":"categories","id":"1","attributes":{"name":"second copy"}}]}"#,
        r#"{"data":{"type":"products","id":"1","relationships":{"options":{"data":[{"type":"product_options","id":"2"}]}}},"included":[{"type":"product_options","id":"2","attributes":{"price":"x"}}]}"#,
        r#"{"data":[{"type":"orders","id":"1"}],"included":[{"broken":true}],"meta":{"count":"-1"},"links":{"next":5}}"#,
        r#"{"data":{"type":"orders","id":"1","relationships":{"items":{"data":[{"type":"order_line_items","id":"1"}]}}},"included":[{"type":"order_line_items","id":"1","relationships":{"product":{"data":{"type":"products","id":"9"}}}},{"type":"products","id":"9","relationships":{"options":{"data":[]}}}]}"#,
    ];
    fn same_error(doc: &str, a: &DecodeError, b: &DecodeError) {
        assert_eq!(
            std::mem::discriminant(a),
            std::mem::discriminant(b),
            "{doc}: typed {a} / dynamic {b}"
        );
    }
    let products = dynamic::model("Product").unwrap();
    let orders = dynamic::model("orders").unwrap();
    for doc in docs {
        let body = doc.as_bytes();
        match (
            decode_one::<Product>(body),
            dynamic::decode_one(products, body),
        ) {
            (Ok(t), Ok(d)) => assert_eq!(serde_json::to_string(&t).unwrap(), d, "{doc}"),
            (Err(a), Err(b)) => same_error(doc, &a, &b),
            (t, d) => panic!("{doc}: typed {t:?}, dynamic {d:?}"),
        }
        match (decode_one::<Order>(body), dynamic::decode_one(orders, body)) {
            (Ok(t), Ok(d)) => assert_eq!(serde_json::to_string(&t).unwrap(), d, "{doc}"),
            (Err(a), Err(b)) => same_error(doc, &a, &b),
            (t, d) => panic!("{doc}: typed {t:?}, dynamic {d:?}"),
        }
        match (
            decode_list::<Order>(body),
            dynamic::decode_list(orders, body),
        ) {
            (Ok(t), Ok(d)) => assert_eq!(
                t.map_items(|i| serde_json::to_string(&i).unwrap()),
                d,
                "{doc}"
            ),
            (Err(a), Err(b)) => same_error(doc, &a, &b),
            (t, d) => panic!("{doc}: typed {t:?}, dynamic {d:?}"),
        }
    }
}

/// The spec's integer bounds (`page[limit]` at least 1, `percent_discount` 1 to 99) are checked
/// from the schema table: the typed methods and `Client::call` refuse the same values with the
/// same message, and send nothing.
#[tokio::test]
async fn integer_bounds_are_refused_alike_by_both_paths() {
    let list = dynamic::operation("listOrders").unwrap();
    let create = dynamic::operation("createDiscount").unwrap();
    let s = server(list).await;
    let c = client(&s);
    let typed_message = |r: Result<Output, Error>| match r {
        Err(Error::InvalidInput { message, .. }) => message,
        other => panic!("expected InvalidInput, got {other:?}"),
    };
    let cases = [
        (
            list,
            Args {
                params: Some(json!({ "page_limit": 0 })),
                ..Args::default()
            },
            "`page[limit]` must be at least 1 (got 0)",
        ),
        (
            list,
            Args {
                params: Some(json!({ "page_limit": i64::MIN })),
                ..Args::default()
            },
            "`page[limit]` must be at least 1 (got -9223372036854775808)",
        ),
        (
            list,
            Args {
                params: Some(json!({ "page_offset": -1 })),
                ..Args::default()
            },
            "`page[offset]` must be at least 0 (got -1)",
        ),
        (
            create,
            {
                let mut a = full_args(create);
                a.input.as_mut().unwrap()["percent_discount"] = json!(100);
                a
            },
            "`percent_discount` must be at most 99 (got 100)",
        ),
        (
            create,
            {
                let mut a = full_args(create);
                a.input.as_mut().unwrap()["use_limit"] = json!(0);
                a
            },
            "`use_limit` must be at least 1 (got 0)",
        ),
    ];
    for (op, args, want) in cases {
        assert_eq!(dynamic::check(op, &args).unwrap_err().to_string(), {
            let e = c.call(op, &args).await.unwrap_err();
            e.to_string()
        });
        assert_eq!(invalid(c.call(op, &args).await), want);
        assert_eq!(typed_message(c.call_typed(op, &args).await), want);
    }
    // The bounds themselves are allowed.
    let edge = Args {
        params: Some(json!({ "page_limit": 1, "page_offset": 0 })),
        ..Args::default()
    };
    dynamic::check(list, &edge).unwrap();
    assert!(
        s.received_requests().await.unwrap().is_empty(),
        "nothing was sent"
    );
    c.call_typed(list, &edge).await.unwrap();
    c.call(list, &edge).await.unwrap();
    assert_eq!(s.received_requests().await.unwrap().len(), 2);
}
