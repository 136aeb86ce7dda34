//! `bigcartel-bench <row>`: one benchmark row, printed as one JSON object on stdout.
//!
//! Every row times ours and a peer in the same process, interleaved round by round (ours, peer,
//! ours, peer, ...), and reports medians and their ratio: on a noisy machine a ratio of interleaved
//! runs means far more than an absolute time. `cargo xtask bench` runs the rows and writes the table.

use anyhow::{Context, Result, bail};
use bigcartel::models::{Order, Product};
use bigcartel::{Client, ListOrdersParams, PageOptions};
use clap::{Parser, Subcommand};
use futures::StreamExt;
use serde_json::{Value, json};
use std::hint::black_box;
use std::time::Instant;

mod fleet;

#[derive(Parser)]
struct Cli {
    /// Few rounds and small inputs: checks the harness works, measures nothing meaningful.
    #[arg(long, global = true)]
    smoke: bool,
    #[command(subcommand)]
    row: Row,
}

#[derive(Subcommand)]
enum Row {
    /// Webhook verify: ours vs ring's HMAC-SHA256, on 1 KiB, 64 KiB and 1 MiB bodies.
    Webhook,
    /// Fetch a 100-order and a 100-product page from a running mock and save them for every peer.
    Dump {
        #[arg(long)]
        url: String,
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// JSON:API decode + relationship resolution of the saved pages (bytes to resolved models).
    Decode {
        #[arg(long)]
        bodies: std::path::PathBuf,
    },
    /// Fetch every order: our paginating stream with bounded concurrency vs following links.next.
    Fetch {
        #[arg(long)]
        url: String,
        /// Our stream's concurrency; each is timed, interleaved with the peer.
        #[arg(long, value_delimiter = ',', default_value = "8,16")]
        concurrency: Vec<usize>,
    },
    /// Stream every order once without keeping them, then report peak RSS (VmHWM).
    Rss {
        #[arg(long)]
        url: String,
    },
    /// Orders fulfilled per second by N `bigcartel fulfill serve --worker` processes on a
    /// throwaway PostgreSQL, against mock shops with a fixed latency.
    Fleet {
        /// The `bigcartel` CLI binary.
        #[arg(long)]
        bigcartel: std::path::PathBuf,
        /// Worker counts to run, in order.
        #[arg(long, value_delimiter = ',', default_value = "1,2,4")]
        workers: Vec<usize>,
        /// Latency of every mock response.
        #[arg(long, default_value_t = 20)]
        latency_ms: u64,
    },
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Runs `ours` and `peer` alternately for `rounds` rounds of `iters` calls each; returns the median
/// calls per second of each.
fn interleave(
    rounds: usize,
    iters: usize,
    mut ours: impl FnMut(),
    mut peer: impl FnMut(),
) -> (f64, f64) {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let t = Instant::now();
        for _ in 0..iters {
            ours();
        }
        a.push(iters as f64 / t.elapsed().as_secs_f64());
        let t = Instant::now();
        for _ in 0..iters {
            peer();
        }
        b.push(iters as f64 / t.elapsed().as_secs_f64());
    }
    (median(a), median(b))
}

fn decode_hex(s: &str) -> Option<[u8; 32]> {
    let b = s.as_bytes();
    if b.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = u8::from_str_radix(std::str::from_utf8(&b[2 * i..2 * i + 2]).ok()?, 16).ok()?;
    }
    Some(out)
}

fn webhook(smoke: bool) -> Value {
    let secret = b"bc_client_secret_9f8e7d6c5b4a";
    let mut rows = Vec::new();
    for (len, label) in [
        (1024usize, "1 KiB"),
        (64 * 1024, "64 KiB"),
        (1024 * 1024, "1 MiB"),
    ] {
        let body: Vec<u8> = br#"{"account_id":"12345","type":"order.created","payload":{}} "#
            .iter()
            .copied()
            .cycle()
            .take(len)
            .collect();
        let header = bigcartel::webhook::sign(secret, &body);
        // Same work on both sides: key setup, hex decoding, HMAC, constant-time compare.
        let iters = if smoke {
            2
        } else {
            (64 * 1024 * 1024 / len).clamp(8, 20_000)
        };
        let rounds = if smoke { 2 } else { 15 };
        let (ours, peer) = interleave(
            rounds,
            iters,
            || {
                assert!(
                    bigcartel::webhook::verify(black_box(secret), black_box(&body), Some(&header))
                        .is_ok()
                )
            },
            || {
                let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, black_box(secret));
                let tag = decode_hex(&header).expect("hex");
                assert!(ring::hmac::verify(&key, black_box(&body), &tag).is_ok());
            },
        );
        rows.push(json!({
            "body": label,
            "ours_mib_s": ours * len as f64 / 1048576.0,
            "peer_mib_s": peer * len as f64 / 1048576.0,
            "ratio": ours / peer,
        }));
    }
    json!({ "row": "webhook_native", "peer": "ring::hmac", "results": rows })
}

async fn dump(url: &str, out: &std::path::Path) -> Result<Value> {
    std::fs::create_dir_all(out)?;
    let http = bigcartel::http_client_builder().build().unwrap();
    let mut sizes = serde_json::Map::new();
    for (name, path) in [
        ("orders", "/v1/accounts/12345/orders?page%5Blimit%5D=100"),
        (
            "products",
            "/v1/accounts/12345/products?page%5Blimit%5D=100",
        ),
    ] {
        let body = http
            .get(format!("{url}{path}"))
            .header("Accept", "application/vnd.api+json")
            .header("User-Agent", "bigcartel-bench")
            .bearer_auth("mock-token")
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        let v: Value = serde_json::from_slice(&body)?;
        let n = v["data"].as_array().map(Vec::len).unwrap_or(0);
        if n != 100 {
            bail!("{name}: expected a 100-item page, got {n}");
        }
        std::fs::write(out.join(format!("{name}.json")), &body)?;
        sizes.insert(
            name.into(),
            json!({ "bytes": body.len(), "included": v["included"].as_array().map(Vec::len) }),
        );
    }
    Ok(json!({ "row": "dump", "pages": sizes }))
}

fn decode(bodies: &std::path::Path, smoke: bool) -> Result<Value> {
    let orders = std::fs::read(bodies.join("orders.json"))
        .context("orders.json (run the dump row first)")?;
    let products = std::fs::read(bodies.join("products.json")).context("products.json")?;
    let (rounds, iters) = if smoke { (2, 2) } else { (15, 200) };
    // Check the work is real: every order resolves its line items.
    let page = bigcartel::jsonapi::decode_list::<Order>(&orders)?;
    if page.items.len() != 100 || page.items.iter().all(|o| o.items.is_empty()) {
        bail!("the orders page did not resolve");
    }
    let mut results = Vec::new();
    for (name, body) in [("orders", &orders), ("products", &products)] {
        // The table-driven decoder (JSON text out), the one the npm package runs, interleaved
        // with the typed one round by round.
        let model = bigcartel::dynamic::model(name).context("no spec-table model")?;
        let mut samples = Vec::new();
        let mut json_samples = Vec::new();
        for _ in 0..rounds {
            let t = Instant::now();
            for _ in 0..iters {
                black_box(
                    bigcartel::dynamic::decode_list(model, black_box(body))
                        .map(|p| p.items.len())
                        .unwrap_or(0),
                );
            }
            json_samples.push(iters as f64 / t.elapsed().as_secs_f64());
            let t = Instant::now();
            for _ in 0..iters {
                if name == "orders" {
                    black_box(
                        bigcartel::jsonapi::decode_list::<Order>(black_box(body))
                            .map(|p| p.items.len())
                            .unwrap_or(0),
                    );
                } else {
                    black_box(
                        bigcartel::jsonapi::decode_list::<Product>(black_box(body))
                            .map(|p| p.items.len())
                            .unwrap_or(0),
                    );
                }
            }
            samples.push(iters as f64 / t.elapsed().as_secs_f64());
        }
        results.push(json!({
            "page": name,
            "ours_pages_s": median(samples),
            "ours_json_pages_s": median(json_samples),
        }));
    }
    Ok(json!({ "row": "decode_rust", "results": results }))
}

/// What integrations do today: GET the first page, then follow `links.next` one page at a time.
async fn follow_next(http: &reqwest::Client, url: &str) -> Result<usize> {
    let mut next = Some(format!(
        "{url}/v1/accounts/12345/orders?page%5Blimit%5D=100"
    ));
    let mut count = 0;
    while let Some(u) = next {
        let v: Value = http
            .get(&u)
            .header("Accept", "application/vnd.api+json")
            .header("User-Agent", "bigcartel-bench")
            .bearer_auth("mock-token")
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        count += v["data"].as_array().map(Vec::len).unwrap_or(0);
        next = v["links"]["next"].as_str().map(|n| {
            // The mock's links carry its public base; keep requests on the URL we were given.
            match n.find("/v1/") {
                Some(i) => format!("{url}{}", &n[i..]),
                None => n.to_string(),
            }
        });
    }
    Ok(count)
}

fn client(url: &str) -> Result<Client> {
    Ok(Client::builder("bigcartel-bench")
        .base_url(url)
        .bearer("mock-token")
        .account_id("12345")
        .build()?)
}

async fn stream_count(client: &Client, concurrency: usize) -> Result<usize> {
    let opts = PageOptions {
        page_size: 100,
        concurrency,
        ..Default::default()
    };
    let mut stream = std::pin::pin!(client.list_orders_stream(ListOrdersParams::default(), opts));
    let mut n = 0;
    while let Some(order) = stream.next().await {
        black_box(order?);
        n += 1;
    }
    Ok(n)
}

async fn fetch(url: &str, concurrency: &[usize], smoke: bool) -> Result<Value> {
    let c = client(url)?;
    let http = bigcartel::http_client_builder().build().unwrap();
    let rounds = if smoke { 1 } else { 5 };
    let mut ours = vec![Vec::new(); concurrency.len()];
    let mut peer = Vec::new();
    let mut counts = vec![0; concurrency.len()];
    let mut peer_count = 0;
    for _ in 0..rounds {
        for (i, &n) in concurrency.iter().enumerate() {
            let t = Instant::now();
            counts[i] = stream_count(&c, n).await?;
            ours[i].push(t.elapsed().as_secs_f64());
        }
        let t = Instant::now();
        peer_count = follow_next(&http, url).await?;
        peer.push(t.elapsed().as_secs_f64());
    }
    if let Some(n) = counts.iter().find(|&&n| n != peer_count) {
        bail!("ours saw {n} orders, the baseline {peer_count}");
    }
    let p = median(peer);
    let results: Vec<Value> = concurrency
        .iter()
        .zip(ours)
        .map(|(n, s)| {
            let o = median(s);
            json!({ "concurrency": n, "ours_s": o, "speedup": p / o })
        })
        .collect();
    Ok(json!({ "row": "fetch_all", "orders": peer_count, "peer_s": p, "results": results }))
}

fn vm_hwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

async fn rss(url: &str) -> Result<Value> {
    let c = client(url)?;
    let before = vm_hwm_kib();
    let n = stream_count(&c, 8).await?;
    Ok(
        json!({ "row": "rss", "orders": n, "peak_rss_kib": vm_hwm_kib(), "baseline_rss_kib": before }),
    )
}

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    let out = match cli.row {
        Row::Webhook => webhook(cli.smoke),
        Row::Dump { url, out } => dump(&url, &out).await?,
        Row::Decode { bodies } => decode(&bodies, cli.smoke)?,
        Row::Fetch { url, concurrency } => fetch(&url, &concurrency, cli.smoke).await?,
        Row::Rss { url } => rss(&url).await?,
        Row::Fleet {
            bigcartel,
            workers,
            latency_ms,
        } => fleet::fleet(&bigcartel, &workers, latency_ms, cli.smoke).await?,
    };
    println!("{out}");
    Ok(())
}
