//! Benchmarks `bigcartel::webhook::verify` against `ring::hmac::verify` on
//! 1 KiB, 64 KiB and 1 MiB bodies in the same run, then prints the median of
//! each and the ratio ours / ring.
//!
//! ```text
//! cargo bench -p bigcartel --bench webhook
//! ```
//!
//! Both sides do the same work per iteration: key setup from the raw secret,
//! decoding the 64-character hex header, HMAC-SHA256 over the body and a
//! constant-time comparison.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use bigcartel::webhook;
use criterion::{BenchmarkId, Criterion, Throughput};

const GROUP: &str = "webhook_verify";
const SIZES: [(usize, &str); 3] = [(1024, "1KiB"), (64 * 1024, "64KiB"), (1024 * 1024, "1MiB")];
const SECRET: &[u8] = b"bc_client_secret_9f8e7d6c5b4a";

fn body(len: usize) -> Vec<u8> {
    // Deterministic, JSON-ish bytes.
    br#"{"account_id":"12345","type":"order.created","payload":{"data":{}}} "#
        .iter()
        .copied()
        .cycle()
        .take(len)
        .collect()
}

fn decode_hex(s: &str) -> Option<[u8; 32]> {
    let b = s.as_bytes();
    if b.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, slot) in out.iter_mut().enumerate() {
        let pair = std::str::from_utf8(&b[2 * i..2 * i + 2]).ok()?;
        *slot = u8::from_str_radix(pair, 16).ok()?;
    }
    Some(out)
}

fn ring_verify(secret: &[u8], body: &[u8], header: &str) -> bool {
    let Some(tag) = decode_hex(header) else {
        return false;
    };
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret);
    ring::hmac::verify(&key, body, &tag).is_ok()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group(GROUP);
    for (len, label) in SIZES {
        let body = body(len);
        let header = webhook::sign(SECRET, &body);
        // Sanity: both accept the real signature and reject a wrong one.
        assert!(webhook::verify(SECRET, &body, Some(&header)).is_ok());
        assert!(ring_verify(SECRET, &body, &header));
        assert!(!ring_verify(b"other", &body, &header));
        group.throughput(Throughput::Bytes(len as u64));
        group.bench_with_input(BenchmarkId::new("bigcartel", label), &body, |b, body| {
            b.iter(|| webhook::verify(black_box(SECRET), black_box(body), Some(black_box(&header))))
        });
        group.bench_with_input(BenchmarkId::new("ring", label), &body, |b, body| {
            b.iter(|| ring_verify(black_box(SECRET), black_box(body), black_box(&header)))
        });
    }
    group.finish();
}

/// Where criterion writes its results: `$CRITERION_HOME`, or `criterion/`
/// under the target directory that holds this executable.
fn criterion_dir() -> Option<PathBuf> {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return Some(PathBuf::from(home));
    }
    let exe = std::env::current_exe().ok()?;
    exe.ancestors()
        .map(|p| p.join("criterion"))
        .find(|p| p.is_dir())
}

fn median_ns(dir: &std::path::Path, function: &str, label: &str) -> Option<f64> {
    let path = dir
        .join(GROUP)
        .join(function)
        .join(label)
        .join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v["median"]["point_estimate"].as_f64()
}

fn report_ratios() {
    let Some(dir) = criterion_dir() else {
        return;
    };
    let mut lines = Vec::new();
    for (len, label) in SIZES {
        let (Some(ours), Some(ring)) = (
            median_ns(&dir, "bigcartel", label),
            median_ns(&dir, "ring", label),
        ) else {
            continue;
        };
        let mib_s = |ns: f64| len as f64 / (ns * 1e-9) / (1024.0 * 1024.0);
        lines.push(format!(
            "{label:>6}  bigcartel {:>12.1} ns ({:>7.0} MiB/s)  ring {:>12.1} ns ({:>7.0} MiB/s)  ratio bigcartel/ring {:.2}",
            ours,
            mib_s(ours),
            ring,
            mib_s(ring),
            ours / ring
        ));
    }
    if !lines.is_empty() {
        println!("\nMedians ({GROUP}):");
        for l in lines {
            println!("{l}");
        }
    }
}

fn main() {
    let mut c = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    bench(&mut c);
    c.final_summary();
    // Only after a real measurement run (not `cargo test --benches`).
    if !std::env::args().any(|a| a == "--test" || a == "--list") {
        report_ratios();
    }
}
