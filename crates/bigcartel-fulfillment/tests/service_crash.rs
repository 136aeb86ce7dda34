//! The service's crash test: 4 `bigcartel-fulfill serve --worker` processes share one
//! PostgreSQL database and 20 merchants (20 mock shops, each its own Big Cartel account, behind
//! one address: `bigcartel_mock::fleet`). Workers are SIGKILLed at random moments, one at a
//! time, and restarted, until at least 30 kills have landed; then
//! they run until every merchant is idle. Afterwards, for every merchant, every order that can be
//! fulfilled is held by the center exactly once (its own records, under the merchant's
//! idempotency keys) and marked shipped exactly once in that merchant's mock; held orders never
//! reach the center; and no two recorded passes of one merchant overlap.
//!
//! `cargo test -p bigcartel-fulfillment --test service_crash -- --nocapture` prints the figures.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bigcartel::Secret;
use bigcartel_fulfillment::pg::PgDatabase;
use bigcartel_fulfillment::reference::{ReferenceCenter, ReferenceConfig};
use bigcartel_fulfillment::service::{Connected, Merchants, TokenCipher};
use bigcartel_fulfillment::{LedgerStore, OrderState};
use bigcartel_mock::fleet::MockFleet;
use bigcartel_mock::{FaultConfig, MockConfig};
use common::pg::TestPg;
use common::{Expected, check_mock};

const BIN: &str = env!("CARGO_BIN_EXE_bigcartel-fulfill");
const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
const MERCHANTS: usize = 20;
const ORDERS_PER_SHOP: usize = 480;
const WORKERS: usize = 4;
const MIN_KILLS: usize = 30;

fn spawn_worker(db_url: &str, center: &str, api: &str) -> Child {
    Command::new(BIN)
        .args([
            "serve",
            "--worker",
            "--center-url",
            center,
            "--api-base-url",
            api,
        ])
        .args(["--slots", "2", "--lease-ttl", "2s", "--interval", "1s"])
        // Small enough that first passes are cut and queued again: the fairness path under kills.
        .args(["--request-budget", "60"])
        .args([
            "--pass-budget",
            "15s",
            "--poll",
            "50ms",
            "--concurrency",
            "8",
        ])
        .args([
            "--retry-base",
            "20ms",
            "--retry-max",
            "200ms",
            "--db-connections",
            "4",
        ])
        .args(["--user-agent", common::UA])
        .env("BIGCARTEL_FULFILL_DATABASE_URL", db_url)
        .env("BIGCARTEL_FULFILL_TOKEN_KEY", KEY)
        .env("RUST_LOG", "error")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("bigcartel-fulfill serve --worker starts")
}

/// Log-uniform delays between 50 ms and 3 s (xorshift, fixed seed), and which worker to kill.
struct Delays(u64);

impl Delays {
    fn next(&mut self) -> (Duration, usize) {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        let unit = (self.0 >> 11) as f64 / (1u64 << 53) as f64;
        (
            Duration::from_secs_f64(0.05 * 60f64.powf(unit)),
            (self.0 % WORKERS as u64) as usize,
        )
    }
}

async fn done_total(db: &PgDatabase) -> i64 {
    db.pool()
        .get()
        .await
        .unwrap()
        .query_one(
            "SELECT COUNT(*) FROM ledger_orders WHERE state = 'done'",
            &[],
        )
        .await
        .unwrap()
        .get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_workers_sigkilled_lose_and_duplicate_nothing() {
    let started = Instant::now();
    let Some(pg) = TestPg::start() else { return };
    let db = PgDatabase::connect(pg.database("crash").await, 4)
        .await
        .unwrap();
    let merchants = Merchants::new(db.clone());
    let cipher = TokenCipher::from_base64(&Secret::new(KEY)).unwrap();

    // 20 shops, each its own account, with a little latency so that kills land mid-work.
    let fleet = MockFleet::start((0..MERCHANTS).map(|i| MockConfig {
        seed: 100 + i as u64,
        orders: ORDERS_PER_SHOP,
        account_id: 20_000 + i as u64,
        faults: FaultConfig {
            latency_ms: 2,
            ..FaultConfig::none()
        },
        ..MockConfig::default()
    }))
    .await
    .unwrap();
    let mut shops = Vec::new();
    for (i, mock) in fleet.shops().iter().enumerate() {
        let expected = Expected::from_store(&mock.snapshot());
        assert!(
            expected.unshipped.len() >= 100,
            "{}",
            expected.unshipped.len()
        );
        let account = mock.account_id().to_string();
        let merchant = format!("merchant-{i:02}");
        let sealed = cipher.seal(&merchant, &Secret::new("mock-token")).unwrap();
        let connected = merchants
            .connect(&merchant, &account, &sealed)
            .await
            .unwrap();
        assert!(matches!(connected, Connected::Stored { .. }));
        shops.push((merchant, account, mock, expected));
    }
    let fulfillable: usize = shops.iter().map(|s| s.3.fulfilled.len()).sum();
    let unshipped: usize = shops.iter().map(|s| s.3.unshipped.len()).sum();
    let api = fleet.url().to_string();
    // Ships at the first poll: an order is done in one pass, so the time goes to the work
    // under kills rather than to waiting for the next pass.
    let center = ReferenceCenter::start(ReferenceConfig {
        ship_after_polls: 0,
        ..ReferenceConfig::default()
    })
    .await
    .unwrap();
    let db_url = pg.url("crash");

    let mut workers: Vec<Child> = (0..WORKERS)
        .map(|_| spawn_worker(&db_url, center.url(), &api))
        .collect();
    let mut delays = Delays(0x2545_f491_4f6c_dd1d);
    let mut kills = 0usize;
    let mut mid_run = 0usize;
    let mut at_kills = Vec::new();
    while kills < MIN_KILLS {
        let (delay, which) = delays.next();
        tokio::time::sleep(delay).await;
        let child = &mut workers[which];
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        kills += 1;
        let done = done_total(&db).await;
        let submitted = center.snapshot().records.len();
        if (done as usize) < fulfillable {
            mid_run += 1;
        }
        at_kills.push((submitted, done));
        *child = spawn_worker(&db_url, center.url(), &api);
    }
    let kill_phase = started.elapsed();

    // Then the workers run until every merchant is idle.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let mut idle = true;
        for (merchant, _, _, expected) in &shops {
            let s = db.ledger(merchant).status().await.unwrap();
            if s.count(OrderState::Done) as usize != expected.fulfilled.len()
                || s.in_progress() != 0
            {
                idle = false;
                break;
            }
        }
        if idle {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the workers did not finish in time"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for mut w in workers {
        let _ = w.kill();
        let _ = w.wait();
    }

    // The center's own records: each fulfillable order of each merchant once, nothing else.
    let snapshot = center.snapshot();
    let mut per_order: BTreeMap<(String, String), usize> = BTreeMap::new();
    for rec in snapshot.records.values() {
        let account = rec
            .key
            .strip_prefix("bigcartel-")
            .and_then(|k| k.split_once('-'))
            .map(|(a, _)| a.to_string())
            .expect("key shape");
        *per_order
            .entry((account, rec.order.order_id.clone()))
            .or_default() += 1;
    }
    let duplicates = per_order.values().filter(|n| **n > 1).count();
    let mut lost = 0usize;
    let mut extra = 0usize;
    let mut cut = 0usize;
    for (merchant, account, mock, expected) in &shops {
        let at_center: BTreeSet<&String> = per_order
            .keys()
            .filter(|(a, _)| a == account)
            .map(|(_, o)| o)
            .collect();
        let wanted: BTreeSet<&String> = expected.fulfilled.keys().collect();
        lost += wanted.difference(&at_center).count();
        extra += at_center.difference(&wanted).count();
        // Marked shipped once each in the merchant's mock; held orders untouched.
        check_mock(mock, expected);
        let s = db.ledger(merchant).status().await.unwrap();
        assert_eq!(
            s.count(OrderState::Held) as usize,
            expected.held.len(),
            "{merchant}"
        );
        // No two recorded passes of one merchant overlap.
        let mut passes = merchants.passes(Some(merchant), 1000).await.unwrap();
        passes.sort_by_key(|p| p.started_at);
        cut += passes
            .iter()
            .filter(|p| p.summary.contains("request budget"))
            .count();
        if merchant == "merchant-00" {
            for p in passes.iter().take(3) {
                println!("  {merchant} pass by {}: {}", p.worker, p.summary);
            }
        }
        for w in passes.windows(2) {
            assert!(
                w[0].finished_at <= w[1].started_at,
                "{merchant}: passes of {} and {} overlap",
                w[0].worker,
                w[1].worker
            );
        }
    }
    assert_eq!(duplicates, 0, "orders held twice by the center");
    assert_eq!(lost, 0, "orders never submitted");
    assert_eq!(extra, 0, "held orders submitted");
    assert_eq!(snapshot.records.len(), fulfillable);
    assert_eq!(snapshot.stats.conflicts, 0);
    let patches: u64 = shops
        .iter()
        .map(|s| s.2.counters().writes_for("orders").updates)
        .sum();
    println!(
        "service crash test: {MERCHANTS} merchants, {unshipped} unshipped orders ({fulfillable} fulfillable), \
         {WORKERS} workers; {kills} SIGKILLs ({mid_run} while orders were still to do; (at the center, done) at each kill: {:?}); \
         center: {} orders, {duplicates} duplicates, {lost} lost, {extra} held orders submitted, {} re-sent submissions \
         answered idempotently, {} look-ups; mocks: {fulfillable} orders marked shipped once each, {patches} PATCHes; \
         {cut} turns cut at the request budget (of the last 50 passes per merchant); \
         kill phase {:.1?}, total {:.1?}",
        at_kills,
        snapshot.records.len(),
        snapshot.stats.replays,
        snapshot.stats.finds,
        kill_phase,
        started.elapsed(),
    );
    assert!(kills >= MIN_KILLS);
    assert!(mid_run >= MIN_KILLS / 2, "{mid_run} kills landed mid-run");
}
