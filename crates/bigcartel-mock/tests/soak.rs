//! Fault soak: 10,000 client calls against the mock with 30% of requests failing (500, 503, 429
//! with Retry-After, dropped connections, bodies cut off mid-way) and latency jitter. Every idempotent call must succeed
//! within the retry budget, and the mock's own counters must show no duplicated write.

use bigcartel::{ArtistInput, Client, Error, ListOrdersParams, OrderInput, RetryPolicy};
use bigcartel_mock::{FaultConfig, MockConfig, MockServer};
use futures::StreamExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const CALLS: usize = 10_000;
const CONCURRENCY: usize = 32;

#[derive(Default)]
struct Tally {
    reads_ok: AtomicU64,
    reads_failed: AtomicU64,
    creates_ok: AtomicU64,
    creates_failed: AtomicU64,
    updates_ok: AtomicU64,
    updates_failed: AtomicU64,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_calls_through_thirty_percent_faults() {
    let server = MockServer::start(MockConfig {
        products: 30,
        orders: 200,
        seed: 7,
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let product_ids: Vec<String> = server.products().iter().map(|p| p.id.to_string()).collect();
    let order_ids: Vec<String> = server.orders().iter().map(|o| o.id.to_string()).collect();
    server.set_faults(FaultConfig {
        jitter_ms: 2,
        error_500_rate: 0.06,
        error_503_rate: 0.06,
        rate_limit_rate: 0.06,
        retry_after_secs: 0,
        drop_rate: 0.06,
        truncate_rate: 0.06,
        ..FaultConfig::default()
    });
    // 30% faults per attempt: the chance that 12 attempts in a row fail is 0.3^12 ≈ 5e-7.
    let policy = RetryPolicy {
        max_retries: 11,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(20),
        budget: Duration::from_secs(10),
    };
    let client = Arc::new(
        Client::builder("SoakTest (soak@example.com)")
            .base_url(server.url())
            .bearer("mock-token")
            .account_id(server.account_id().to_string())
            .retry(policy)
            .build()
            .unwrap(),
    );
    let tally = Arc::new(Tally::default());
    let started = Instant::now();
    futures::stream::iter(0..CALLS)
        .for_each_concurrent(CONCURRENCY, |i| {
            let (client, tally) = (client.clone(), tally.clone());
            let (pid, oid) = (
                product_ids[i % product_ids.len()].clone(),
                order_ids[i % order_ids.len()].clone(),
            );
            async move {
                match i % 20 {
                    // 1 in 20 calls is a create (POST), 1 in 20 an update (PATCH): never retried once
                    // they reached the server, so they may fail, but must never be applied twice.
                    0 => match client
                        .create_artist(&{
                            let mut value = ArtistInput::default();
                            value.name = format!("Soak {i}");
                            value
                        })
                        .await
                    {
                        Ok(_) => tally.creates_ok.fetch_add(1, Ordering::Relaxed),
                        Err(_) => tally.creates_failed.fetch_add(1, Ordering::Relaxed),
                    },
                    1 => {
                        let input = OrderInput::new().customer_first_name(format!("Soak{i}"));
                        match client.update_order(&oid, &input).await {
                            Ok(_) => tally.updates_ok.fetch_add(1, Ordering::Relaxed),
                            Err(_) => tally.updates_failed.fetch_add(1, Ordering::Relaxed),
                        }
                    }
                    n => {
                        let result: Result<(), Error> = match n % 3 {
                            0 => client.get_product(&pid).await.map(drop),
                            1 => client.get_order(&oid).await.map(drop),
                            _ => client
                                .list_orders(&ListOrdersParams::new().page_limit(25))
                                .await
                                .map(drop),
                        };
                        match result {
                            Ok(()) => tally.reads_ok.fetch_add(1, Ordering::Relaxed),
                            Err(e) => {
                                eprintln!("idempotent call failed: {e}");
                                tally.reads_failed.fetch_add(1, Ordering::Relaxed)
                            }
                        }
                    }
                };
            }
        })
        .await;
    let elapsed = started.elapsed();
    let counters = server.counters();
    let (attempts, retries) = client.stats();
    let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
    let faults: u64 = counters.faults.values().sum();
    let artist_creates = counters.writes_for("artists").creates;
    let order_updates = counters.writes_for("orders").updates;
    let duplicated_creates = artist_creates.saturating_sub(get(&tally.creates_ok));
    let duplicated_updates = order_updates.saturating_sub(get(&tally.updates_ok));
    println!(
        "soak: {CALLS} calls in {:.1}s; {attempts} HTTP attempts, {retries} retries, {faults} faults injected; \
         reads ok {} failed {}; creates ok {} failed {} (applied by the mock: {artist_creates}); \
         updates ok {} failed {} (applied: {order_updates}); duplicated creates {duplicated_creates}, \
         duplicated updates {duplicated_updates}",
        elapsed.as_secs_f64(),
        get(&tally.reads_ok),
        get(&tally.reads_failed),
        get(&tally.creates_ok),
        get(&tally.creates_failed),
        get(&tally.updates_ok),
        get(&tally.updates_failed),
    );
    let total = get(&tally.reads_ok)
        + get(&tally.reads_failed)
        + get(&tally.creates_ok)
        + get(&tally.creates_failed)
        + get(&tally.updates_ok)
        + get(&tally.updates_failed);
    assert_eq!(total, CALLS as u64);
    assert!(
        faults as f64 > 0.2 * attempts as f64,
        "faults were injected ({faults} of {attempts})"
    );
    assert_eq!(
        get(&tally.reads_failed),
        0,
        "every idempotent call succeeds within the retry budget"
    );
    // Faults happen before a write is applied, and writes are not resent: the mock applied exactly
    // the writes the client saw succeed.
    assert_eq!(
        artist_creates,
        get(&tally.creates_ok),
        "no duplicated or phantom creates"
    );
    assert_eq!(
        order_updates,
        get(&tally.updates_ok),
        "no duplicated or phantom updates"
    );
}
