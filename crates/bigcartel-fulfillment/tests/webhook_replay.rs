//! Webhooks are hints: a stale or replayed (validly signed) webhook never sends an order the API
//! no longer shows as unshipped, and never moves a ledger row backwards.

mod common;

use std::collections::BTreeMap;

use bigcartel::OrderInput;
use bigcartel::models::Order;
use bigcartel_fulfillment::center::{FulfillmentLine, Recipient};
use bigcartel_fulfillment::ledger::Durability;
use bigcartel_fulfillment::prepare::idempotency_key;
use bigcartel_fulfillment::reference::{ReferenceCenter, ReferenceConfig};
use bigcartel_fulfillment::{Engine, FulfillmentOrder, HttpCenter, Ledger, OrderState};
use bigcartel_mock::MockServer;
use common::{Expected, client, mock, order_doc, settings};
use tokio::sync::mpsc;

/// Every event type Big Cartel sends (and the older alias of `account.deauthorized`).
const EVENT_TYPES: [&str; 10] = [
    "account.updated",
    "account.plan.downgraded",
    "account.plan.upgraded",
    "account.deauthorized",
    "account.closed",
    "order.created",
    "order.updated",
    "product.created",
    "product.updated",
    "product.deleted",
];

/// The crate's receiver on a free loopback port; what it accepts lands in the returned channel.
async fn receiver(
    account_id: String,
) -> (String, mpsc::Receiver<Order>, tokio::task::JoinHandle<()>) {
    let (tx, rx) = mpsc::channel(64);
    let app = bigcartel_fulfillment::webhook::router(
        "/hooks/bc",
        bigcartel::Secret::new("mock-client-secret"),
        account_id,
        tx,
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks/bc", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, rx, task)
}

/// Delivers one signed webhook through the receiver and hands whatever it accepted to the
/// engine, as [`Engine::run`] does.
async fn replay(
    engine: &Engine<HttpCenter>,
    mock: &MockServer,
    url: &str,
    rx: &mut mpsc::Receiver<Order>,
    event_type: &str,
    payload: &serde_json::Value,
) {
    let status = mock
        .send_webhook(url, event_type, payload.clone())
        .await
        .unwrap();
    assert!(status < 500, "{event_type}: {status}");
    while let Ok(order) = rx.try_recv() {
        engine.process_order(order).await.unwrap();
    }
}

async fn engine(
    mock: &MockServer,
    center: &ReferenceCenter,
    path: &std::path::Path,
) -> Engine<HttpCenter> {
    let ledger = Ledger::open(path, Durability::Full).unwrap();
    Engine::new(
        client(mock),
        HttpCenter::new(center.url()).unwrap(),
        ledger,
        settings(),
    )
    .await
    .unwrap()
}

/// Places orders until one is paid with a `SKU:` on every product: one the engine would submit.
fn place_fulfillable(mock: &MockServer) -> String {
    for _ in 0..200 {
        let id = mock.place_order().to_string();
        if Expected::from_store(&mock.snapshot())
            .fulfilled
            .contains_key(&id)
        {
            return id;
        }
    }
    panic!("no fulfillable order in 200 placed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_order_created_for_an_order_shipped_by_hand_is_not_submitted() {
    let mock = mock(20, 31).await;
    let center = ReferenceCenter::start(ReferenceConfig::default())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&mock, &center, &dir.path().join("ledger.db")).await;
    let (url, mut rx, _server) = receiver(engine.account_id().to_string()).await;

    let id = place_fulfillable(&mock);
    // The original `order.created`, validly signed, kept by an attacker or a retrying queue.
    let stale = order_doc(&mock, &id).await;
    client(&mock)
        .update_order(&id, &OrderInput::new().shipping_status("shipped"))
        .await
        .unwrap();

    for event_type in ["order.created", "order.updated"] {
        replay(&engine, &mock, &url, &mut rx, event_type, &stale).await;
    }
    let snapshot = center.snapshot();
    let sent: Vec<_> = snapshot
        .records
        .values()
        .filter(|r| r.order.order_id == id)
        .collect();
    println!(
        "center submissions for order {id} shipped by hand: {}",
        sent.len()
    );
    assert_eq!(sent.len(), 0, "an order shipped by hand reached the center");
    assert_eq!(snapshot.stats.created, 0);
}

/// How far along the pipeline a state is; a row must never move to a lower rank.
fn rank(s: OrderState) -> u8 {
    match s {
        OrderState::Seen | OrderState::Held => 0,
        OrderState::Submitting | OrderState::Failed => 1,
        OrderState::Submitted => 2,
        OrderState::Shipped => 3,
        OrderState::Marking => 4,
        OrderState::Done | OrderState::Cancelled | OrderState::Skipped => 5,
    }
}

fn payload(account_id: &str, order_id: &str) -> String {
    serde_json::to_string(&FulfillmentOrder {
        account_id: account_id.into(),
        order_id: order_id.into(),
        shipping_code: "DOMESTIC_DEFAULT".into(),
        carrier_service: None,
        recipient: Recipient {
            name: "Ana Silva".into(),
            address_1: "12 Main St".into(),
            city: "Springfield".into(),
            state: "IL".into(),
            zip: "62701".into(),
            country: "US".into(),
            ..Default::default()
        },
        lines: vec![FulfillmentLine {
            sku: "TEE-L".into(),
            quantity: 1,
            line_item_id: format!("li-{order_id}"),
            product_name: None,
            option_name: None,
        }],
        note: None,
    })
    .unwrap()
}

/// Puts `id` into `state` through the ledger's own transitions.
fn put_in_state(ledger: &Ledger, account_id: &str, id: &str, state: OrderState) {
    let later = bigcartel_fulfillment::ledger::now_ms() + 3_600_000;
    let ids = [id.to_string()];
    ledger.observe(&ids).unwrap();
    let key = idempotency_key(account_id, id);
    let submitted = |l: &Ledger| {
        assert!(l.intend(id, &key, &payload(account_id, id)).unwrap());
        assert!(l.submitted(id, &format!("ref-{id}")).unwrap());
    };
    match state {
        OrderState::Seen => {}
        OrderState::Held => assert!(ledger.hold(id, "test: held").unwrap()),
        OrderState::Submitting => {
            assert!(ledger.intend(id, &key, &payload(account_id, id)).unwrap())
        }
        OrderState::Failed => {
            assert!(ledger.intend(id, &key, &payload(account_id, id)).unwrap());
            assert!(ledger.failed(id, "test: down", later).unwrap());
        }
        OrderState::Submitted => submitted(ledger),
        OrderState::Shipped => {
            submitted(ledger);
            assert!(ledger.shipped(id, None, Some("TRACK")).unwrap());
        }
        OrderState::Marking => {
            submitted(ledger);
            assert!(ledger.shipped(id, None, Some("TRACK")).unwrap());
            assert!(ledger.marking(id).unwrap());
        }
        OrderState::Done => {
            submitted(ledger);
            assert!(ledger.shipped(id, None, Some("TRACK")).unwrap());
            assert!(ledger.marking(id).unwrap());
            assert!(ledger.done(id).unwrap());
        }
        OrderState::Cancelled => {
            submitted(ledger);
            assert!(ledger.cancelled(id, "test: cancelled").unwrap());
        }
        OrderState::Skipped => assert!(ledger.skip(id, "test: shipped by hand").unwrap()),
    }
    assert_eq!(ledger.entry(id).unwrap().unwrap().state, state);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replays_of_every_event_type_never_move_a_ledger_row_backwards() {
    let mock = mock(20, 32).await;
    let center = ReferenceCenter::start(ReferenceConfig::default())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&mock, &center, &dir.path().join("ledger.db")).await;
    let account = engine.account_id().to_string();
    let (url, mut rx, _server) = receiver(account.clone()).await;

    // One unshipped, paid, fulfillable order per state: the worst case, where a webhook that
    // revived the row would have the engine submit it.
    let mut orders: BTreeMap<String, (OrderState, serde_json::Value)> = BTreeMap::new();
    for state in OrderState::ALL {
        let id = place_fulfillable(&mock);
        put_in_state(engine.ledger(), &account, &id, state);
        let doc = order_doc(&mock, &id).await;
        orders.insert(id, (state, doc));
    }

    let mut regressions = Vec::new();
    for round in 0..2 {
        for (id, (start, doc)) in &orders {
            for event_type in EVENT_TYPES {
                let before = engine.ledger().entry(id).unwrap().unwrap().state;
                replay(&engine, &mock, &url, &mut rx, event_type, doc).await;
                let after = engine.ledger().entry(id).unwrap().unwrap().state;
                let regressed = rank(after) < rank(before)
                    || (before.is_final() && after != before)
                    || (rank(before) >= 1 && rank(after) == 0);
                if regressed {
                    regressions.push(format!(
                        "round {round}: order {id} (put in {start}) {event_type}: {before} -> {after}"
                    ));
                }
            }
        }
    }
    // Final rows were never sent to the center.
    let snapshot = center.snapshot();
    for (id, (start, _)) in &orders {
        if start.is_final() {
            let sent = snapshot
                .records
                .values()
                .filter(|r| &r.order.order_id == id)
                .count();
            if sent > 0 {
                regressions.push(format!("order {id} ({start}) reached the center"));
            }
        }
    }
    println!("regressions: {}", regressions.len());
    assert!(regressions.is_empty(), "{regressions:#?}");
}
