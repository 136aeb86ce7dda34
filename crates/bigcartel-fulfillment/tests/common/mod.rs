//! Shared helpers: a mock shop, what the engine should do with it (worked out from the mock's own
//! data, not from the engine's code), and checks of the center's and the mock's records.
#![allow(dead_code)]

pub mod pg;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use bigcartel_fulfillment::reference::CenterSnapshot;
use bigcartel_fulfillment::{OrderState, Settings};
use bigcartel_mock::{MockConfig, MockServer, Store};

pub const UA: &str = "bigcartel-fulfillment-tests (https://example.com/contact)";

/// A mock shop of `orders` generated orders (about a quarter of them unshipped).
pub async fn mock(orders: usize, seed: u64) -> MockServer {
    MockServer::start(MockConfig {
        seed,
        orders,
        ..MockConfig::default()
    })
    .await
    .expect("mock starts")
}

pub fn client(mock: &MockServer) -> bigcartel::Client {
    bigcartel::Client::builder(UA)
        .base_url(mock.url())
        .bearer("mock-token")
        .account_id(mock.account_id().to_string())
        .build()
        .expect("client")
}

/// Fast retries for tests.
pub fn settings() -> Settings {
    Settings {
        retry_base: Duration::from_millis(10),
        retry_max: Duration::from_millis(100),
        ..Settings::default()
    }
}

/// What should happen to the shop's unshipped orders, from the mock's data and the integration
/// doc's rules: paid orders whose every product carries `SKU:` are fulfilled; the rest are held.
#[derive(Debug, Clone)]
pub struct Expected {
    /// Orders listed as unshipped at the start.
    pub unshipped: BTreeSet<String>,
    /// Of those, the ones to submit, with the SKUs of their lines.
    pub fulfilled: BTreeMap<String, Vec<String>>,
    /// Of those, the ones to hold.
    pub held: BTreeSet<String>,
    /// Order id → destination country.
    pub country: BTreeMap<String, String>,
}

impl Expected {
    pub fn from_store(store: &Store) -> Expected {
        let mut e = Expected {
            unshipped: BTreeSet::new(),
            fulfilled: BTreeMap::new(),
            held: BTreeSet::new(),
            country: BTreeMap::new(),
        };
        for o in store.orders() {
            if o.shipping_status != "unshipped" {
                continue;
            }
            let id = o.id.to_string();
            e.unshipped.insert(id.clone());
            e.country.insert(id.clone(), o.shipping_country_id.clone());
            // The mock's own reading of the marker (`Product::sku_prefix`).
            let skus: Option<Vec<String>> = o
                .items
                .iter()
                .map(|item| {
                    let product = store.product(item.product_id)?;
                    let prefix = product.sku_prefix()?.trim();
                    if prefix.is_empty() {
                        return None;
                    }
                    let option = &item.product_option_name;
                    Some(if option == "Default" {
                        prefix.to_string()
                    } else {
                        format!("{prefix}{option}")
                    })
                })
                .collect();
            match skus {
                Some(skus) if o.payment_status == "completed" => {
                    e.fulfilled.insert(id, skus);
                }
                _ => {
                    e.held.insert(id);
                }
            }
        }
        e
    }
}

/// Checks the center holds exactly the expected orders, each once, with the expected SKUs and
/// shipping codes; returns (records, center orders per Big Cartel order > 1).
pub fn check_center(snapshot: &CenterSnapshot, expected: &Expected) -> usize {
    let mut per_order: BTreeMap<&str, usize> = BTreeMap::new();
    for rec in snapshot.records.values() {
        *per_order.entry(rec.order.order_id.as_str()).or_default() += 1;
    }
    let duplicates: Vec<_> = per_order.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        duplicates.is_empty(),
        "orders held twice by the center: {duplicates:?}"
    );
    let at_center: BTreeSet<String> = per_order.keys().map(|s| s.to_string()).collect();
    let wanted: BTreeSet<String> = expected.fulfilled.keys().cloned().collect();
    let lost: Vec<_> = wanted.difference(&at_center).collect();
    let extra: Vec<_> = at_center.difference(&wanted).collect();
    assert!(
        lost.is_empty(),
        "{} orders never reached the center: {lost:?}",
        lost.len()
    );
    assert!(
        extra.is_empty(),
        "orders that should be held reached the center: {extra:?}"
    );
    assert_eq!(snapshot.stats.created as usize, snapshot.records.len());
    for rec in snapshot.records.values() {
        let o = &rec.order;
        let skus: Vec<String> = o.lines.iter().map(|l| l.sku.clone()).collect();
        assert_eq!(
            &skus, &expected.fulfilled[&o.order_id],
            "SKUs of order {}",
            o.order_id
        );
        let domestic = expected.country[&o.order_id] == "US";
        let code = if domestic {
            "DOMESTIC_DEFAULT"
        } else {
            "INTERNATIONAL_DEFAULT"
        };
        assert_eq!(o.shipping_code, code, "order {}", o.order_id);
        assert_eq!(rec.key, format!("bigcartel-12345-{}", o.order_id));
    }
    snapshot.records.len()
}

/// Checks the mock: fulfilled orders are shipped, held ones still unshipped.
pub fn check_mock(mock: &MockServer, expected: &Expected) {
    for o in mock.orders() {
        let id = o.id.to_string();
        if expected.fulfilled.contains_key(&id) {
            assert_eq!(
                o.shipping_status, "shipped",
                "order {id} should be marked shipped"
            );
            let marks = o
                .events
                .iter()
                .filter(|e| e.message == "Marked as shipped")
                .count();
            assert_eq!(marks, 1, "order {id}");
        } else if expected.held.contains(&id) {
            assert_eq!(
                o.shipping_status, "unshipped",
                "held order {id} was marked shipped"
            );
        }
    }
}

/// Ledger counts by state name.
pub fn counts(status: &bigcartel_fulfillment::LedgerStatus) -> BTreeMap<&'static str, u64> {
    OrderState::ALL
        .iter()
        .map(|s| (s.as_str(), status.count(*s)))
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// The order's `getOrder` document as the API returns it now (also the `order.*` payload).
pub async fn order_doc(mock: &MockServer, id: &str) -> serde_json::Value {
    let url = format!(
        "{}/v1/accounts/{}/orders/{id}",
        mock.url(),
        mock.account_id()
    );
    let resp = bigcartel::http_client_builder()
        .build()
        .unwrap()
        .get(url)
        .bearer_auth("mock-token")
        .header("User-Agent", UA)
        .header("Accept", "application/vnd.api+json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}
