//! The fulfillment service row: orders fulfilled per second by 1, 2 and 4
//! `bigcartel fulfill serve --worker` processes sharing one PostgreSQL database, against mock
//! shops answering with a fixed latency (a [`MockFleet`]: one account per merchant behind one
//! address) and the reference center in this process.
//!
//! Each worker count gets a fresh database and fresh shops (same seeds), every merchant connected
//! and due at once; the clock runs from the workers' start until every fulfillable order of every
//! merchant is done (submitted, shipped, marked shipped). The work waits on the network, so more
//! workers should fulfil proportionally more orders per second.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use bigcartel::Secret;
use bigcartel_fulfillment::pg::PgDatabase;
use bigcartel_fulfillment::pg_local::LocalCluster;
use bigcartel_fulfillment::reference::{ReferenceCenter, ReferenceConfig};
use bigcartel_fulfillment::service::{Merchants, TokenCipher};
use bigcartel_mock::fleet::MockFleet;
use bigcartel_mock::{FaultConfig, MockConfig};
use serde_json::{Value, json};

/// A fixed key: the benchmark's tokens are the mock's, nothing to protect.
const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
const SLOTS: &str = "2";

struct Workers(Vec<Child>);

impl Drop for Workers {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Fulfillable orders of a shop, from its own data: unshipped, paid, every product with `SKU:`.
fn fulfillable(store: &bigcartel_mock::Store) -> usize {
    store
        .orders()
        .iter()
        .filter(|o| o.shipping_status == "unshipped" && o.payment_status == "completed")
        .filter(|o| {
            o.items.iter().all(|item| {
                store
                    .product(item.product_id)
                    .and_then(|p| p.sku_prefix().map(|s| !s.trim().is_empty()))
                    .unwrap_or(false)
            })
        })
        .count()
}

async fn run_once(
    cluster: &LocalCluster,
    bigcartel: &Path,
    workers: usize,
    merchants: usize,
    orders: usize,
    latency_ms: u64,
    limit: Duration,
) -> Result<Value> {
    let name = format!("fleet_{workers}");
    let db = PgDatabase::connect(cluster.create_database(&name).await?, 4).await?;
    let fleet = MockFleet::start((0..merchants).map(|i| MockConfig {
        seed: 500 + i as u64,
        orders,
        account_id: 30_000 + i as u64,
        faults: FaultConfig {
            latency_ms,
            ..FaultConfig::none()
        },
        ..MockConfig::default()
    }))
    .await?;
    let center = ReferenceCenter::start(ReferenceConfig {
        ship_after_polls: 0,
        ..ReferenceConfig::default()
    })
    .await?;
    let cipher = TokenCipher::from_base64(&Secret::new(KEY))?;
    let registry = Merchants::new(db.clone());
    let mut total = 0usize;
    for (i, shop) in fleet.shops().iter().enumerate() {
        total += fulfillable(&shop.snapshot());
        let merchant = format!("m{i:03}");
        let sealed = cipher.seal(&merchant, &Secret::new("mock-token"))?;
        registry
            .connect(&merchant, &shop.account_id().to_string(), &sealed)
            .await?;
    }
    let started = Instant::now();
    let _workers = Workers(
        (0..workers)
            .map(|_| {
                Command::new(bigcartel)
                    .args(["fulfill", "serve", "--worker", "--center-url", center.url()])
                    .args(["--api-base-url", fleet.url(), "--slots", SLOTS])
                    .args([
                        "--interval",
                        "500ms",
                        "--poll",
                        "20ms",
                        "--lease-ttl",
                        "30s",
                    ])
                    .args(["--retry-base", "50ms", "--retry-max", "500ms"])
                    .args(["--user-agent", "bigcartel-bench (https://example.com)"])
                    .env("BIGCARTEL_FULFILL_DATABASE_URL", cluster.url(&name))
                    .env("BIGCARTEL_FULFILL_TOKEN_KEY", KEY)
                    .env("RUST_LOG", "error")
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .context("starting `bigcartel fulfill serve --worker`")
            })
            .collect::<Result<Vec<_>>>()?,
    );
    let deadline = started + limit;
    loop {
        let done: i64 = db
            .pool()
            .get()
            .await?
            .query_one(
                "SELECT COUNT(*) FROM ledger_orders WHERE state = 'done'",
                &[],
            )
            .await?
            .try_get(0)?;
        if done as usize >= total {
            break;
        }
        if Instant::now() > deadline {
            bail!("{workers} workers: {done} of {total} orders done after {limit:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let seconds = started.elapsed().as_secs_f64();
    // How the time was spent: passes run, and how long they took.
    let passes = registry.passes(None, 10_000).await?;
    let mut took: Vec<i64> = passes
        .iter()
        .map(|p| p.finished_at - p.started_at)
        .collect();
    took.sort_unstable();
    Ok(json!({
        "workers": workers,
        "orders": total,
        "seconds": seconds,
        "orders_per_s": total as f64 / seconds,
        "passes": passes.len(),
        "pass_ms_median": took.get(took.len() / 2),
        "pass_ms_max": took.last(),
    }))
}

/// The row: one run per worker count, and each count's speed-up over the first.
pub async fn fleet(
    bigcartel: &Path,
    workers: &[usize],
    latency_ms: u64,
    smoke: bool,
) -> Result<Value> {
    let (merchants, orders, limit) = if smoke {
        (2, 120, Duration::from_secs(120))
    } else {
        (16, 400, Duration::from_secs(600))
    };
    let cluster = LocalCluster::start()?;
    let mut results = Vec::new();
    for &w in workers {
        results.push(run_once(&cluster, bigcartel, w, merchants, orders, latency_ms, limit).await?);
    }
    let base = results
        .first()
        .and_then(|r| r["orders_per_s"].as_f64())
        .unwrap_or(1.0);
    for r in &mut results {
        let speedup = r["orders_per_s"].as_f64().unwrap_or(0.0) / base;
        r["speedup"] = json!(speedup);
    }
    Ok(json!({
        "row": "fulfillment_service",
        "merchants": merchants,
        "latency_ms": latency_ms,
        "slots_per_worker": SLOTS.parse::<u32>().unwrap_or(0),
        "results": results,
    }))
}
