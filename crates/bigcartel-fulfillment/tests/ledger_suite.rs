//! One ledger test suite, run against both [`LedgerStore`]s: the embedded SQLite ledger and the
//! PostgreSQL one (on a throwaway server, see `common/pg.rs`). Then what only PostgreSQL has:
//! merchants kept apart, leases, and fencing.
//!
//! `cargo test -p bigcartel-fulfillment --test ledger_suite -- --nocapture`

mod common;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bigcartel_fulfillment::ledger::{Durability, LedgerError, now_ms};
use bigcartel_fulfillment::pg::PgDatabase;
use bigcartel_fulfillment::{Ledger, LedgerStore, OrderState};
use common::pg::TestPg;

type Case = fn(&dyn LedgerStore) -> Pin<Box<dyn Future<Output = ()> + Send + '_>>;

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

async fn state(l: &dyn LedgerStore, id: &str) -> OrderState {
    l.entry(id).await.unwrap().expect("row exists").state
}

async fn observe_and_record_new(l: &dyn LedgerStore) {
    assert_eq!(l.observe(&ids(&["a", "b", "b"])).await.unwrap(), 2);
    assert_eq!(l.observe(&ids(&["a", "b"])).await.unwrap(), 0);
    assert_eq!(l.record_new(&ids(&["a", "c"])).await.unwrap(), 1);
    assert_eq!(state(l, "c").await, OrderState::Seen);
    assert!(l.entry("zzz").await.unwrap().is_none());
    // A page's rows at once: the known ones, in the order asked, unknown ones left out.
    let page: Vec<String> = l
        .entries(&ids(&["c", "zzz", "a"]))
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.order_id)
        .collect();
    assert_eq!(page, ids(&["c", "a"]));
    assert!(l.entries(&[]).await.unwrap().is_empty());
    let events = l.events("a").await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!((events[0].from, events[0].to), (None, OrderState::Seen));
    let all: Vec<String> = l
        .all()
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.order_id)
        .collect();
    assert_eq!(all, ids(&["a", "b", "c"]));
}

async fn full_pipeline(l: &dyn LedgerStore) {
    l.observe(&ids(&["1"])).await.unwrap();
    // Out of order: refused, nothing changes.
    assert!(l.done("1").await.unwrap().is_none());
    assert!(l.submitted("1", "R").await.unwrap().is_none());
    assert!(l.marking("1").await.unwrap().is_none());
    assert!(l.intend("1", "key-1", "{\"x\":1}").await.unwrap().is_some());
    assert!(
        l.intend("1", "key-2", "{}").await.unwrap().is_none(),
        "intent is written once"
    );
    let e = l.entry("1").await.unwrap().unwrap();
    assert_eq!(e.state, OrderState::Submitting);
    assert_eq!(e.idempotency_key.as_deref(), Some("key-1"));
    assert_eq!(e.payload.as_deref(), Some("{\"x\":1}"));
    // Each transition answers the row after it, the same row a read then gives.
    let after = l.submitted("1", "REF-1").await.unwrap().expect("moved");
    assert_eq!(after.state, OrderState::Submitted);
    assert_eq!(Some(&after), l.entry("1").await.unwrap().as_ref());
    let after = l.shipped("1", Some("UPS"), Some("1Z")).await.unwrap();
    assert_eq!(after, l.entry("1").await.unwrap());
    let after = l.marking("1").await.unwrap();
    assert_eq!(after.map(|e| e.state), Some(OrderState::Marking));
    let after = l.done("1").await.unwrap();
    assert_eq!(after, l.entry("1").await.unwrap());
    let e = after.expect("moved");
    assert_eq!(e.state, OrderState::Done);
    assert_eq!(e.reference.as_deref(), Some("REF-1"));
    assert_eq!(e.carrier.as_deref(), Some("UPS"));
    assert_eq!(e.tracking_number.as_deref(), Some("1Z"));
    let path: Vec<OrderState> = l
        .events("1")
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.to)
        .collect();
    use OrderState::*;
    assert_eq!(path, [Seen, Submitting, Submitted, Shipped, Marking, Done]);
    let events = l.events("1").await.unwrap();
    assert_eq!(events[3].detail.as_deref(), Some("1Z"));
    assert_eq!(events[2].from, Some(Submitting));
    assert!(l.actionable(now_ms()).await.unwrap().is_empty());
}

async fn failures_and_retries(l: &dyn LedgerStore) {
    l.observe(&ids(&["f"])).await.unwrap();
    assert!(
        l.failed("f", "not yet", 0).await.unwrap().is_none(),
        "seen cannot fail"
    );
    l.intend("f", "k", "{}").await.unwrap();
    let later = now_ms() + 60_000;
    assert!(l.failed("f", "timeout", later).await.unwrap().is_some());
    let after = l.failed("f", "timeout again", later).await.unwrap();
    let e = l.entry("f").await.unwrap().unwrap();
    assert_eq!(
        after.as_ref(),
        Some(&e),
        "a failure answers the row after it"
    );
    assert_eq!(e.state, OrderState::Failed);
    assert_eq!(e.attempts, 2);
    assert_eq!(e.retry_at, Some(later));
    assert_eq!(e.last_error.as_deref(), Some("timeout again"));
    assert!(l.actionable(now_ms()).await.unwrap().is_empty());
    assert_eq!(l.actionable(later).await.unwrap().len(), 1);
    let status = l.status().await.unwrap();
    assert_eq!(status.errors.len(), 1);
    assert_eq!(status.errors[0].reason, "timeout again");
    assert!(l.submitted("f", "R").await.unwrap().is_some());
    let e = l.entry("f").await.unwrap().unwrap();
    assert_eq!((e.attempts, e.retry_at, e.last_error), (0, None, None));
    // A step error keeps the state.
    l.note_error("f", "poll failed", later).await.unwrap();
    let e = l.entry("f").await.unwrap().unwrap();
    assert_eq!(e.state, OrderState::Submitted);
    assert_eq!(e.attempts, 1);
    assert!(l.cancelled("f", "out of stock").await.unwrap().is_some());
    assert_eq!(state(l, "f").await, OrderState::Cancelled);
}

async fn holds_and_rejections(l: &dyn LedgerStore) {
    l.observe(&ids(&["h", "r"])).await.unwrap();
    assert!(l.hold("h", "no SKU").await.unwrap().is_some());
    assert!(l.hold("h", "unpaid").await.unwrap().is_some());
    l.intend("r", "k", "{\"a\":1}").await.unwrap();
    assert!(l.rejected("r", "bad address").await.unwrap().is_some());
    let r = l.entry("r").await.unwrap().unwrap();
    assert_eq!(r.state, OrderState::Held);
    assert_eq!(r.payload, None, "a rejected payload is rebuilt");
    assert_eq!(r.reason.as_deref(), Some("bad address"));
    let status = l.status().await.unwrap();
    assert_eq!(status.count(OrderState::Held), 2);
    let reasons: Vec<&str> = status.held.iter().map(|h| h.reason.as_str()).collect();
    assert_eq!(reasons, ["unpaid", "bad address"]);
    assert_eq!(status.in_progress(), 0);
    // Held orders are intended once fixed.
    assert!(l.intend("h", "k2", "{}").await.unwrap().is_some());
    assert_eq!(
        l.in_states(&[OrderState::Submitting, OrderState::Held])
            .await
            .unwrap()
            .len(),
        2
    );
}

async fn skip_and_revive(l: &dyn LedgerStore) {
    l.observe(&ids(&["s"])).await.unwrap();
    assert!(l.skip("s", "shipped by hand").await.unwrap().is_some());
    assert_eq!(state(l, "s").await, OrderState::Skipped);
    assert_eq!(
        l.record_new(&ids(&["s"])).await.unwrap(),
        0,
        "webhooks never revive"
    );
    assert_eq!(state(l, "s").await, OrderState::Skipped);
    assert_eq!(
        l.observe(&ids(&["s"])).await.unwrap(),
        1,
        "a listing revives"
    );
    let e = l.entry("s").await.unwrap().unwrap();
    assert_eq!((e.state, e.reason), (OrderState::Seen, None));
    let last = l.events("s").await.unwrap().pop().unwrap();
    assert_eq!(
        (last.from, last.to),
        (Some(OrderState::Skipped), OrderState::Seen)
    );
    assert!(l.skip("unknown", "x").await.unwrap().is_none());
}

async fn account_binding(l: &dyn LedgerStore) {
    l.bind_account("111").await.unwrap();
    l.bind_account("111").await.unwrap();
    let err = l.bind_account("222").await.unwrap_err();
    assert!(
        matches!(
            err,
            LedgerError::WrongAccount { .. } | LedgerError::MerchantAccount { .. }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("111"), "{err}");
}

async fn racing_transitions(l: &dyn LedgerStore) {
    let list: Vec<String> = (0..20).map(|i| format!("o{i}")).collect();
    l.observe(&list).await.unwrap();
    for id in &list {
        let (a, b) = tokio::join!(l.intend(id, "k-a", "{}"), l.intend(id, "k-b", "{}"));
        assert!(
            a.unwrap().is_some() ^ b.unwrap().is_some(),
            "exactly one intent wins for {id}"
        );
        assert_eq!(l.events(id).await.unwrap().len(), 2);
    }
    let status = l.status().await.unwrap();
    assert_eq!(status.count(OrderState::Submitting), 20);
    assert_eq!(status.in_progress(), 20);
}

const CASES: &[(&str, Case)] = &[
    ("observe_and_record_new", |l| {
        Box::pin(observe_and_record_new(l))
    }),
    ("full_pipeline", |l| Box::pin(full_pipeline(l))),
    ("failures_and_retries", |l| {
        Box::pin(failures_and_retries(l))
    }),
    ("holds_and_rejections", |l| {
        Box::pin(holds_and_rejections(l))
    }),
    ("skip_and_revive", |l| Box::pin(skip_and_revive(l))),
    ("account_binding", |l| Box::pin(account_binding(l))),
    ("racing_transitions", |l| Box::pin(racing_transitions(l))),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suite_on_sqlite() {
    for (name, case) in CASES {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::open(&dir.path().join("ledger.db"), Durability::Normal).unwrap();
        eprintln!("sqlite: {name}");
        case(&ledger).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suite_on_postgres() {
    let Some(pg) = TestPg::start() else { return };
    let db = PgDatabase::connect(pg.database("suite").await, 8)
        .await
        .unwrap();
    for (name, case) in CASES {
        eprintln!("postgres: {name}");
        // Every case in its own merchant: the rows of the others must not show.
        case(&db.ledger(&format!("merchant-{name}"))).await;
    }
    // Migrations already applied are not applied again.
    PgDatabase::connect(pg.config("suite"), 2).await.unwrap();
}

/// Adds a connected merchant (the lease queries only hand out merchants with a token).
async fn add_merchant(db: &PgDatabase, id: &str) {
    db.pool()
        .get()
        .await
        .unwrap()
        .execute(
            "INSERT INTO merchants (merchant_id, token_sealed, created_at) VALUES ($1, '\\x00', 0)",
            &[&id],
        )
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leases_on_postgres() {
    let Some(pg) = TestPg::start() else { return };
    let db = PgDatabase::connect(pg.database("leases").await, 8)
        .await
        .unwrap();
    // Merchants' rows are apart.
    let (m1, m2) = (db.ledger("m1"), db.ledger("m2"));
    m1.observe(&ids(&["1", "2"])).await.unwrap();
    m2.observe(&ids(&["1"])).await.unwrap();
    m2.intend("1", "k", "{}").await.unwrap();
    assert_eq!(state(&m1, "1").await, OrderState::Seen);
    assert_eq!(m1.status().await.unwrap().count(OrderState::Seen), 2);
    assert_eq!(m2.all().await.unwrap().len(), 1);

    for m in ["m1", "m2"] {
        add_merchant(&db, m).await;
    }
    let ttl = Duration::from_millis(400);
    let a = db.acquire_lease("worker-a", ttl).await.unwrap().unwrap();
    let b = db.acquire_lease("worker-b", ttl).await.unwrap().unwrap();
    assert_ne!(a.merchant_id, b.merchant_id, "one merchant, one worker");
    assert!(db.acquire_lease("worker-c", ttl).await.unwrap().is_none());
    // a stays alive (a long renewal: no timing to race on a loaded machine).
    assert!(db.renew_lease(&a, Duration::from_secs(60)).await.unwrap());

    // Worker b dies: its lease expires and c takes the merchant over.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(db.renew_lease(&a, Duration::from_secs(60)).await.unwrap());
    let c = loop {
        if let Some(c) = db.acquire_lease("worker-c", ttl).await.unwrap() {
            break c;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(c.merchant_id, b.merchant_id);
    assert!(c.epoch > b.epoch);
    assert!(!db.renew_lease(&b, ttl).await.unwrap(), "b's lease is gone");

    // b wakes up and tries to write: fenced off, nothing changes.
    let stale = db.ledger(&b.merchant_id).fenced(b.clone());
    let err = stale.observe(&ids(&["new"])).await.unwrap_err();
    assert!(matches!(err, LedgerError::LeaseLost(_)), "{err}");
    assert!(
        db.ledger(&b.merchant_id)
            .entry("new")
            .await
            .unwrap()
            .is_none()
    );
    let live = db.ledger(&c.merchant_id).fenced(c.clone());
    assert_eq!(live.observe(&ids(&["new"])).await.unwrap(), 1);

    // Released with a delay: not due again before it.
    db.release_lease(&c, Duration::from_secs(3600))
        .await
        .unwrap();
    assert!(db.renew_lease(&c, ttl).await.is_ok());
    assert!(
        !db.renew_lease(&c, ttl).await.unwrap(),
        "a released lease is not renewed"
    );
    let next = db.acquire_lease("worker-d", ttl).await.unwrap();
    assert!(
        next.as_ref().is_none_or(|n| n.merchant_id != c.merchant_id),
        "released merchant not due yet: {next:?}"
    );
}
