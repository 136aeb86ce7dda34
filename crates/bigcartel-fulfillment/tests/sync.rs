//! The engine against the mock shop and the reference center, in this process.

mod common;

use std::sync::Arc;
use std::time::Duration;

use bigcartel_fulfillment::ledger::{Durability, LedgerError};
use bigcartel_fulfillment::prepare::idempotency_key;
use bigcartel_fulfillment::reference::{ReferenceCenter, ReferenceConfig};
use bigcartel_fulfillment::{
    Engine, EngineError, HttpCenter, Ledger, OrderState, ProgressEvent, RunOptions,
};
use common::{Expected, check_center, check_mock, client, counts, mock, settings};

async fn engine(
    mock: &bigcartel_mock::MockServer,
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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn full_sync_of_600_orders_over_many_pages() {
    let mock = mock(2600, 7).await;
    let expected = Expected::from_store(&mock.snapshot());
    assert!(
        expected.unshipped.len() >= 600,
        "{} unshipped",
        expected.unshipped.len()
    );
    assert!(!expected.held.is_empty() && expected.fulfilled.len() > 300);
    let center = ReferenceCenter::start(ReferenceConfig::default())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&mock, &center, &dir.path().join("ledger.db")).await;
    assert_eq!(engine.shipping_rules().home_country(), "US");

    // Pass 1: everything listed, fulfillable orders submitted, the rest held. The center answers
    // the first poll with "pending" (ship_after_polls = 1).
    let r1 = engine.sync().await.unwrap();
    assert!(r1.is_clean(), "{r1}");
    assert_eq!(r1.listed as usize, expected.unshipped.len());
    assert_eq!(r1.new as usize, expected.unshipped.len());
    assert_eq!(r1.submitted as usize, expected.fulfilled.len());
    assert_eq!(r1.held as usize, expected.held.len());
    assert_eq!((r1.shipped, r1.marked, r1.recovered), (0, 0, 0));
    let pages = mock.counters().requests_for("listOrders");
    assert!(
        pages as usize >= expected.unshipped.len().div_ceil(100),
        "{pages} pages"
    );
    // Products are linked without descriptions in lists: fetched once each per pass.
    let products = mock.snapshot().products().len() as u64;
    assert!(mock.counters().requests_for("getProduct") <= products);

    // Pass 2: shipped by the center, marked shipped in Big Cartel.
    let r2 = engine.sync().await.unwrap();
    assert!(r2.is_clean(), "{r2}");
    assert_eq!(r2.submitted, 0);
    assert_eq!(r2.shipped as usize, expected.fulfilled.len());
    assert_eq!(r2.marked as usize, expected.fulfilled.len());
    // Marked orders drop out of the unshipped list.
    let r3 = engine.sync().await.unwrap();
    assert_eq!(r3.listed as usize, expected.held.len());
    assert!(!r3.changed_anything(), "{r3}");

    let snapshot = center.snapshot();
    assert_eq!(check_center(&snapshot, &expected), expected.fulfilled.len());
    assert_eq!(snapshot.stats.replays, 0);
    check_mock(&mock, &expected);
    assert_eq!(
        mock.counters().writes_for("orders").updates as usize,
        expected.fulfilled.len(),
        "one PATCH per order"
    );

    let status = engine.status().unwrap();
    assert_eq!(
        status.count(OrderState::Done) as usize,
        expected.fulfilled.len()
    );
    assert_eq!(status.count(OrderState::Held) as usize, expected.held.len());
    assert_eq!(status.in_progress(), 0, "{:?}", counts(&status));
    // Every held order says why.
    assert!(
        status
            .held
            .iter()
            .all(|h| h.reason.contains("SKU:") || h.reason.contains("payment status"))
    );
    assert!(
        status
            .held
            .iter()
            .any(|h| h.reason.contains("no `SKU:` marker"))
    );
    let text = status.to_string();
    assert!(text.contains("done") && text.contains("held ("), "{text}");
    // The ledger's history of one order.
    let some = expected.fulfilled.keys().next().unwrap();
    let path: Vec<OrderState> = engine
        .ledger()
        .events(some)
        .unwrap()
        .iter()
        .map(|e| e.to)
        .collect();
    use OrderState::*;
    assert_eq!(
        path,
        vec![Seen, Submitting, Submitted, Shipped, Marking, Done]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn center_outages_are_retried_without_duplicates() {
    let mock = mock(300, 11).await;
    let expected = Expected::from_store(&mock.snapshot());
    let center = ReferenceCenter::start(ReferenceConfig {
        fail_every_nth_submit: 3,
        ship_after_polls: 0,
        ..ReferenceConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&mock, &center, &dir.path().join("ledger.db")).await;
    let failures = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let f = failures.clone();
    let engine = engine.with_progress(Arc::new(move |e: &ProgressEvent| {
        if let ProgressEvent::SubmitFailed { error, .. } = e {
            assert!(error.contains("unavailable"), "{error}");
            f.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }));
    let first = engine.sync().await.unwrap();
    assert!(first.submit_failures > 0, "{first}");
    // Failed orders wait for their retry time and are shown with the error meanwhile.
    let status = engine.status().unwrap();
    assert!(status.count(OrderState::Failed) > 0);
    assert!(
        status
            .errors
            .iter()
            .all(|e| e.retry_at.is_some() && e.attempts >= 1)
    );
    let options = RunOptions {
        interval: Duration::from_millis(20),
        until_idle: true,
        max_passes: Some(200),
        webhook: None,
    };
    engine.run(options, std::future::pending()).await.unwrap();
    let snapshot = center.snapshot();
    assert!(snapshot.stats.injected_failures > 0);
    assert_eq!(
        failures.load(std::sync::atomic::Ordering::Relaxed),
        snapshot.stats.injected_failures
    );
    check_center(&snapshot, &expected);
    check_mock(&mock, &expected);
    let status = engine.status().unwrap();
    assert_eq!(
        status.count(OrderState::Done) as usize,
        expected.fulfilled.len()
    );
    assert!(status.errors.is_empty(), "{status}");
}

/// Recovery paths the crash test reaches by chance, reached on purpose: an intent whose
/// submission did reach the center, and a mark whose PATCH did reach Big Cartel, both unrecorded.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn restart_recovers_steps_that_happened_but_were_not_recorded() {
    let mock = mock(200, 3).await;
    let expected = Expected::from_store(&mock.snapshot());
    // Nothing ships during this test: orders stay `submitted`.
    let center = ReferenceCenter::start(ReferenceConfig {
        ship_after_polls: 1000,
        ..ReferenceConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let mut ids = expected.fulfilled.keys().cloned();
    let (arrived, patched) = (ids.next().unwrap(), ids.next().unwrap());
    {
        let engine = engine(&mock, &center, &path).await;
        engine.sync().await.unwrap();
    }
    // What a SIGKILL at those two points leaves: `arrived` reached the center but its reference
    // was not recorded; `patched` was marked shipped in Big Cartel but not recorded as done.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE orders SET state = 'submitting', reference = NULL WHERE order_id = ?1",
        [&arrived],
    )
    .unwrap();
    conn.execute(
        "UPDATE orders SET state = 'marking' WHERE order_id = ?1",
        [&patched],
    )
    .unwrap();
    drop(conn);
    let input = bigcartel::OrderInput::new().shipping_status("shipped");
    client(&mock).update_order(&patched, &input).await.unwrap();
    let created_before = center.snapshot().stats.created;
    let updates_before = mock.counters().writes_for("orders").updates;

    let engine = engine(&mock, &center, &path).await;
    let report = engine.sync().await.unwrap();
    let after = center.snapshot();
    // `arrived` was found by its key, not submitted again.
    assert_eq!(report.recovered, 1, "{report}");
    assert_eq!(after.stats.created, created_before);
    assert_eq!(after.stats.replays, 0);
    let rec = &after.records[&idempotency_key("12345", &arrived)];
    assert_eq!(rec.submit_requests, 1);
    let entry = engine.ledger().entry(&arrived).unwrap().unwrap();
    assert_eq!(entry.state, OrderState::Submitted);
    assert_eq!(entry.reference.as_deref(), Some(rec.reference.as_str()));
    // `patched` was checked with getOrder and not patched again.
    assert_eq!(mock.counters().writes_for("orders").updates, updates_before);
    let entry = engine.ledger().entry(&patched).unwrap().unwrap();
    assert_eq!(entry.state, OrderState::Done);
    check_center(&after, &expected);
}

#[tokio::test]
async fn an_intent_the_center_never_saw_is_submitted_after_restart() {
    let mock = mock(60, 5).await;
    let expected = Expected::from_store(&mock.snapshot());
    let center = ReferenceCenter::start(ReferenceConfig::default())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let id = expected.fulfilled.keys().next().unwrap().clone();
    {
        // The intent is written, then the process dies before the request leaves.
        let ledger = Ledger::open(&path, Durability::Full).unwrap();
        ledger.bind_account("12345").unwrap();
        ledger.observe(std::slice::from_ref(&id)).unwrap();
        let order = client(&mock).get_order(&id).await.unwrap();
        let shipping = bigcartel_fulfillment::shipping::ShippingRules::new("US").unwrap();
        let mut descriptions = std::collections::HashMap::new();
        for p in bigcartel_fulfillment::prepare::products_to_fetch(&order) {
            let product = client(&mock).get_product(&p).await.unwrap();
            descriptions.insert(p, product.description);
        }
        let sku = bigcartel_fulfillment::sku::SkuRules::default();
        let rules = bigcartel_fulfillment::prepare::PrepareRules {
            account_id: "12345",
            sku: &sku,
            shipping: &shipping,
            require_paid: true,
        };
        let fo = bigcartel_fulfillment::prepare::fulfillment_order(&order, &descriptions, &rules)
            .unwrap();
        let key = idempotency_key("12345", &id);
        assert!(
            ledger
                .intend(&id, &key, &serde_json::to_string(&fo).unwrap())
                .unwrap()
        );
    }
    let engine = engine(&mock, &center, &path).await;
    let report = engine.sync().await.unwrap();
    assert_eq!(report.recovered, 0);
    let snapshot = center.snapshot();
    // Looked up first (not found), then submitted once.
    assert!(snapshot.stats.finds >= 1);
    let rec = &snapshot.records[&idempotency_key("12345", &id)];
    assert_eq!(rec.submit_requests, 1);
    check_center(&snapshot, &expected);
}

#[tokio::test]
async fn one_engine_per_ledger_and_one_account_per_ledger() {
    let mock = mock(10, 1).await;
    let center = ReferenceCenter::start(ReferenceConfig::default())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let first = engine(&mock, &center, &path).await;
    let second = Engine::new(
        client(&mock),
        HttpCenter::new(center.url()).unwrap(),
        Ledger::open(&path, Durability::Full).unwrap(),
        settings(),
    )
    .await;
    match second {
        Err(EngineError::Ledger(LedgerError::Locked(p))) => assert_eq!(p, path),
        other => panic!("expected Locked, got {other:?}"),
    }
    drop(first);
    // Status works without the lock, while an engine runs.
    let ledger = Ledger::open(&path, Durability::Full).unwrap();
    let _lock = ledger.lock().unwrap();
    assert!(
        Ledger::open(&path, Durability::Full)
            .unwrap()
            .status()
            .is_ok()
    );
    let err = ledger.bind_account("999").unwrap_err();
    assert!(
        matches!(err, LedgerError::WrongAccount { ref ledger, .. } if ledger == "12345"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn order_created_webhooks_are_handled_between_passes() {
    // The receiver's port is picked first so the mock can be told where to send webhooks.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let hook_url = format!("http://127.0.0.1:{port}/hooks/bc");
    let mock = bigcartel_mock::MockServer::start(bigcartel_mock::MockConfig {
        seed: 9,
        orders: 40,
        webhook_url: Some(hook_url.clone()),
        ..Default::default()
    })
    .await
    .unwrap();
    let center = ReferenceCenter::start(ReferenceConfig::default())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (pass_tx, mut pass_rx) = tokio::sync::mpsc::unbounded_channel();
    let engine = engine(&mock, &center, &dir.path().join("ledger.db"))
        .await
        .with_progress(Arc::new(move |e: &ProgressEvent| {
            if let ProgressEvent::PassFinished(_) = e {
                let _ = pass_tx.send(());
            }
        }));
    let options = RunOptions {
        // Long enough that only webhooks can explain new orders reaching the center.
        interval: Duration::from_secs(3600),
        until_idle: false,
        max_passes: None,
        webhook: Some(bigcartel_fulfillment::webhook::WebhookOptions {
            listen: ([127, 0, 0, 1], port).into(),
            path: "/hooks/bc".into(),
            secret: bigcartel::Secret::new("mock-client-secret"),
            limits: Default::default(),
        }),
    };
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let engine = Arc::new(engine);
    let runner = {
        let engine = engine.clone();
        tokio::spawn(async move {
            engine
                .run(options, async {
                    let _ = stop_rx.await;
                })
                .await
        })
    };
    pass_rx.recv().await.expect("first pass");
    let before = center.snapshot().records.len();

    // A forged webhook is refused.
    let forged = bigcartel::http_client_builder()
        .build()
        .unwrap()
        .post(&hook_url)
        .header("X-Webhook-Signature", "00".repeat(32))
        .body(r#"{"account_id":"12345","type":"order.created","payload":{"id":"1"}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);

    let placed: Vec<u64> = (0..6).map(|_| mock.place_order()).collect();
    let want: Vec<String> = {
        let store = mock.snapshot();
        let e = Expected::from_store(&store);
        placed
            .iter()
            .map(|id| id.to_string())
            .filter(|id| e.fulfilled.contains_key(id))
            .collect()
    };
    assert!(!want.is_empty());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let snapshot = center.snapshot();
        let have = snapshot
            .records
            .values()
            .filter(|r| want.contains(&r.order.order_id))
            .count();
        if have == want.len() {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "webhook orders not submitted: {have}/{}",
            want.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(center.snapshot().records.len(), before + want.len());
    let _ = stop_tx.send(());
    let run = runner.await.unwrap().unwrap();
    assert_eq!(run.passes, 1, "only the first pass ran");
    // Every submitted order came through a webhook (the held ones may still be queued).
    assert!(run.webhook_orders >= want.len() as u64, "{run:?}");
    assert!(mock.counters().webhooks_delivered >= want.len() as u64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn demo_fulfils_the_mock_shop() {
    let mock = mock(120, 42).await;
    let expected = Expected::from_store(&mock.snapshot());
    let dir = tempfile::tempdir().unwrap();
    // Twice in the same folder: the second demo starts from a fresh ledger.
    for _ in 0..2 {
        let report = bigcartel_fulfillment::demo(client(&mock), dir.path(), None)
            .await
            .unwrap();
        assert_eq!(
            report.status.count(OrderState::Held) as usize,
            expected.held.len()
        );
        assert_eq!(report.status.in_progress(), 0);
        let text = report.to_string();
        assert!(text.contains("held order"), "{text}");
        assert!(report.ledger.ends_with(bigcartel_fulfillment::DEMO_LEDGER));
    }
    check_mock(&mock, &expected);
}

/// Big Cartel failing under the engine: 500s on reads and writes (listing included), and PATCHes
/// that are applied but answered 500. Every order still ends marked shipped by exactly one
/// applied PATCH: a mark that may have been applied is checked with getOrder before another.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn big_cartel_faults_are_survived_with_one_applied_patch_per_order() {
    let mock = mock(400, 13).await;
    let expected = Expected::from_store(&mock.snapshot());
    mock.set_faults(
        bigcartel_mock::FaultConfig {
            error_500_rate: 0.1,
            fail_after_write_rate: 0.3,
            ..Default::default()
        }
        .only(["listOrders", "getOrder", "getProduct", "updateOrder"]),
    );
    let center = ReferenceCenter::start(ReferenceConfig::default())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&mock, &center, &dir.path().join("ledger.db")).await;
    let options = RunOptions {
        interval: Duration::from_millis(10),
        until_idle: true,
        max_passes: Some(300),
        webhook: None,
    };
    let run = engine.run(options, std::future::pending()).await.unwrap();
    let counters = mock.counters();
    assert!(counters.faults_of("fail_after_write") > 0, "{counters:?}");
    assert!(counters.faults_of("error_500") > 0);
    assert!(run.totals.step_failures > 0, "{:?}", run.totals);
    mock.clear_faults();
    check_center(&center.snapshot(), &expected);
    check_mock(&mock, &expected);
    assert_eq!(
        mock.counters().writes_for("orders").updates as usize,
        expected.fulfilled.len()
    );
    let status = engine.status().unwrap();
    assert_eq!(
        status.count(OrderState::Done) as usize,
        expected.fulfilled.len()
    );
    assert_eq!(status.count(OrderState::Held) as usize, expected.held.len());
}
