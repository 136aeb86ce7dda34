//! `bigcommerce-mock`: run the stateful mock BigCommerce Carts API on 127.0.0.1.

use bigcommerce_mock::{MockConfig, MockServer};
use clap::Parser;

/// A stateful local BigCommerce v3 Carts API for tests and demos.
///
/// The API lives under /stores/{store_hash}/v3 and wants `X-Auth-Token: <token>`
/// (default token `mock-token`, store hash `mockstore`). The admin API lives under
/// /__mock (reset, counters, faults, carts/{id}/coupons, catalog).
#[derive(Parser, Debug)]
#[command(name = "bigcommerce-mock", version)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 4020, env = "BIGCOMMERCE_MOCK_PORT")]
    port: u16,
    /// Store hash served.
    #[arg(long, default_value = "mockstore")]
    store_hash: String,
    /// X-Auth-Token accepted.
    #[arg(long, env = "BIGCOMMERCE_MOCK_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Seed for cart and item ids.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Do not log requests.
    #[arg(long)]
    quiet: bool,
}

/// Logs (`tracing`) go to stderr, filtered by `RUST_LOG` (default: warnings and errors), with
/// colours only on a terminal.
fn init_logging() {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::builder()
        .with_default_directive(tracing_subscriber::filter::LevelFilter::WARN.into())
        .from_env_lossy();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    init_logging();
    let a = Args::parse();
    let mut config = MockConfig {
        port: a.port,
        store_hash: a.store_hash,
        seed: a.seed,
        log_requests: !a.quiet,
        ..MockConfig::default()
    };
    if let Some(t) = a.token {
        config.token = t;
    }
    let server = MockServer::start(config).await?;
    println!(
        "bigcommerce-mock listening on {} (store {}, API at {}); admin API at {}/__mock; Ctrl-C to stop",
        server.url(),
        server.store_hash(),
        server.api_url(),
        server.url()
    );
    let _ = tokio::signal::ctrl_c().await;
    server.shutdown().await;
    Ok(())
}
