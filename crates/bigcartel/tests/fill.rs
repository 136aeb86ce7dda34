//! Filling in line items' products that an orders document did not include, against a local
//! server that counts requests and how many run at once.

use bigcartel::fill::unresolved_product_ids;
use bigcartel::jsonapi::decode_list;
use bigcartel::models::Order;
use bigcartel::*;
use serde_json::json;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// 30 orders of 3 line items each, over 12 distinct products (ids 100..112), as the API sends
/// them: products and options named, not included.
fn orders_page() -> Vec<u8> {
    let mut data = Vec::new();
    let mut included = Vec::new();
    for o in 0..30 {
        let items: Vec<_> = (0..3).map(|k| format!("li-{o}-{k}")).collect();
        data.push(json!({"type": "orders", "id": o.to_string(), "attributes": {"total": "1.00"},
            "relationships": {"items": {"data": items.iter().map(|i| json!({"type": "order_line_items", "id": i})).collect::<Vec<_>>()}}}));
        for (k, id) in items.iter().enumerate() {
            let product = 100 + (o * 3 + k) % 12;
            included.push(json!({"type": "order_line_items", "id": id, "attributes": {"quantity": 1},
                "relationships": {
                    "product": {"data": {"type": "product", "id": product.to_string()}},
                    "product_option": {"data": {"type": "product_option", "id": format!("{product}-opt")}}}}));
        }
    }
    serde_json::to_vec(&json!({"data": data, "included": included})).unwrap()
}

/// Answers `GET /v1/accounts/1/products/{id}` after a delay, counting calls per id and the most
/// requests in flight at once (exactly: the handler holds its count while it waits); product 111
/// is gone (404).
#[derive(Clone, Default)]
struct Products {
    calls: Arc<Mutex<std::collections::BTreeMap<String, usize>>>,
    in_flight: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

async fn product(
    axum::extract::State(s): axum::extract::State<Products>,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    *s.calls.lock().unwrap().entry(id.clone()).or_default() += 1;
    let now = s.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    s.peak.fetch_max(now, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(40)).await;
    s.in_flight.fetch_sub(1, Ordering::SeqCst);
    if id == "111" {
        let body = json!({"errors": [{"status": "404", "title": "Not Found"}]});
        return (axum::http::StatusCode::NOT_FOUND, axum::Json(body)).into_response();
    }
    axum::Json(json!({
        "data": {"type": "products", "id": id, "attributes": {"name": format!("Product {id}")},
            "relationships": {"options": {"data": [{"type": "product_options", "id": format!("{id}-opt")}]}}},
        "included": [{"type": "product_options", "id": format!("{id}-opt"), "attributes": {"name": "Large"}}]
    }))
    .into_response()
}

/// The products server on 127.0.0.1; its base URL.
async fn server() -> (String, Products) {
    let products = Products::default();
    let app = axum::Router::new()
        .route("/v1/accounts/1/products/{id}", axum::routing::get(product))
        .with_state(products.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, products)
}

fn client(uri: &str) -> Client {
    Client::builder("FillTest (test@example.com)")
        .base_url(uri)
        .bearer("tok-fill")
        .account_id("1")
        .build()
        .unwrap()
}

#[tokio::test]
async fn each_missing_product_is_fetched_once_a_bounded_number_at_a_time() {
    let (url, products) = server().await;
    let mut orders = decode_list::<Order>(&orders_page()).unwrap().items;
    assert_eq!(unresolved_product_ids(&orders).len(), 12);
    assert!(
        orders
            .iter()
            .flat_map(|o| &o.items)
            .all(|i| !i.product.as_ref().unwrap().resolved)
    );

    let report = client(&url)
        .fill_line_item_products(&mut orders, 3)
        .await
        .unwrap();

    let calls = products.calls.lock().unwrap().clone();
    assert_eq!(
        calls.len(),
        12,
        "every distinct product asked for: {calls:?}"
    );
    assert!(calls.values().all(|&n| n == 1), "each id once: {calls:?}");
    let peak = products.peak.load(Ordering::SeqCst);
    assert!(peak <= 3, "at most 3 requests at once, saw {peak}");
    assert!(peak >= 2, "requests ran concurrently (peak {peak})");
    assert_eq!(report.fetched, 11);
    assert_eq!(report.missing, ["111"]);
    // 90 line items, of which those naming product 111 keep their stubs.
    let items: Vec<_> = orders.iter().flat_map(|o| &o.items).collect();
    let gone = items
        .iter()
        .filter(|i| i.product.as_ref().unwrap().id == "111")
        .count();
    assert_eq!(report.filled, 90 - gone);
    for item in items {
        let product = item.product.as_deref().unwrap();
        let option = item.product_option.as_deref().unwrap();
        if product.id == "111" {
            assert!(!product.resolved, "a missing product stays a stub");
            assert!(!option.resolved);
        } else {
            assert!(product.resolved);
            assert_eq!(
                product.name.as_deref(),
                Some(&*format!("Product {}", product.id))
            );
            assert!(
                option.resolved,
                "the option comes from the product's options"
            );
            assert_eq!(option.name.as_deref(), Some("Large"));
        }
    }
    // A second call has nothing left but the missing one, and asks only for it.
    let again = client(&url)
        .fill_line_item_products(&mut orders, 3)
        .await
        .unwrap();
    assert_eq!(again.missing, ["111"]);
    assert_eq!(products.calls.lock().unwrap()["111"], 2);
    assert_eq!(products.calls.lock().unwrap()["100"], 1);
}

/// A server that answers every GET with 401.
async fn unauthorized() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"errors": [{"status": "401", "title": "Unauthorized"}]})),
        )
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn an_error_other_than_not_found_is_returned_not_swallowed() {
    let server = unauthorized().await;
    let mut orders = decode_list::<Order>(&orders_page()).unwrap().items;
    let err = client(&server.uri())
        .fill_line_item_products(&mut orders, 4)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(401), "{err}");
    assert!(
        orders
            .iter()
            .flat_map(|o| &o.items)
            .all(|i| !i.product.as_ref().unwrap().resolved),
        "nothing is half-filled on an error"
    );
}

/// The orders of [`orders_page`] as the table-driven resolver writes them (what the JavaScript and
/// Python packages hold).
fn orders_json() -> Vec<serde_json::Value> {
    let model = bigcartel::dynamic::model("orders").unwrap();
    bigcartel::dynamic::decode_list(model, &orders_page())
        .unwrap()
        .items
        .iter()
        .map(|o| serde_json::from_str(o).unwrap())
        .collect()
}

#[tokio::test]
async fn the_json_fill_asks_the_same_and_gives_the_json_of_the_typed_fill() {
    let (url, products) = server().await;
    let mut typed = decode_list::<Order>(&orders_page()).unwrap().items;
    let mut json = orders_json();
    assert_eq!(
        bigcartel::fill::unresolved_product_ids_json(&json),
        unresolved_product_ids(&typed),
        "the same ids, in the same order"
    );

    let report = client(&url)
        .fill_line_item_products_json(&mut json, 3)
        .await
        .unwrap();
    let json_calls = products.calls.lock().unwrap().clone();
    assert!(
        json_calls.len() == 12 && json_calls.values().all(|&n| n == 1),
        "each distinct id once: {json_calls:?}"
    );
    let peak = products.peak.load(Ordering::SeqCst);
    assert!((2..=3).contains(&peak), "1 < peak <= 3, saw {peak}");

    let typed_report = client(&url)
        .fill_line_item_products(&mut typed, 3)
        .await
        .unwrap();
    assert_eq!(report, typed_report);
    assert_eq!(report.missing, ["111"]);
    assert_eq!(
        serde_json::Value::from(json.clone()),
        serde_json::to_value(&typed).unwrap(),
        "the JSON fill leaves the JSON the typed fill serializes to"
    );
    let first = &json[0]["items"][0];
    assert_eq!(first["product"]["name"], "Product 100");
    assert_eq!(first["product_option"]["name"], "Large");
    assert_eq!(first["product"]["resolved"], true);
}

#[tokio::test]
async fn the_json_fill_returns_an_error_other_than_not_found_and_changes_nothing() {
    let server = unauthorized().await;
    let before = orders_json();
    let mut orders = before.clone();
    let err = client(&server.uri())
        .fill_line_item_products_json(&mut orders, 4)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(401), "{err}");
    assert_eq!(orders, before, "nothing is half-filled on an error");
}
