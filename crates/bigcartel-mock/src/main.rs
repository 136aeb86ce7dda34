//! `bigcartel-mock`: run the stateful mock Big Cartel API on 127.0.0.1.

use bigcartel_mock::{FaultConfig, MockConfig, MockServer};
use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser};

/// A stateful local Big Cartel API for tests and demos.
///
/// Credentials default to: Bearer token `mock-token`; Basic `mockshop` /
/// `mock-password`; OAuth client `mock-client-id` / `mock-client-secret`,
/// code `mock-code`. The admin API lives under /__mock.
#[derive(Parser, Debug)]
#[command(name = "bigcartel-mock", version)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 4010, env = "BIGCARTEL_MOCK_PORT")]
    port: u16,
    /// Seed for the generated shop and for fault decisions.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Number of products to generate.
    #[arg(long, default_value_t = 24)]
    products: usize,
    /// Number of orders to generate.
    #[arg(long, default_value_t = 40)]
    orders: usize,
    /// Account id.
    #[arg(long, default_value_t = 12345)]
    account_id: u64,
    /// Bearer token to accept. Set BIGCARTEL_MOCK_TOKEN or use --token-file: a value given here
    /// is visible to other local users in the process list.
    #[arg(long, env = "BIGCARTEL_MOCK_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Read the bearer token to accept from this file (- for stdin).
    #[arg(long, value_name = "PATH")]
    token_file: Option<String>,
    /// OAuth client id.
    #[arg(long, env = "BIGCARTEL_MOCK_CLIENT_ID")]
    client_id: Option<String>,
    /// OAuth client secret (also signs webhooks). Set BIGCARTEL_MOCK_CLIENT_SECRET or use
    /// --client-secret-file: a value given here is visible in the process list.
    #[arg(long, env = "BIGCARTEL_MOCK_CLIENT_SECRET", hide_env_values = true)]
    client_secret: Option<String>,
    /// Read the OAuth client secret from this file (- for stdin).
    #[arg(long, value_name = "PATH")]
    client_secret_file: Option<String>,
    /// POST signed webhooks for state changes to this URL.
    #[arg(long)]
    webhook_url: Option<String>,
    /// Base URL to use in links instead of http://127.0.0.1:PORT.
    #[arg(long)]
    public_url: Option<String>,
    /// Fixed added latency in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Random extra latency, 0..=N milliseconds.
    #[arg(long, default_value_t = 0)]
    jitter_ms: u64,
    /// Fraction of requests answered 500.
    #[arg(long, default_value_t = 0.0)]
    error_500_rate: f64,
    /// Fraction of requests answered 503.
    #[arg(long, default_value_t = 0.0)]
    error_503_rate: f64,
    /// Fraction of requests answered 429 with Retry-After.
    #[arg(long, default_value_t = 0.0)]
    rate_limit_rate: f64,
    /// Retry-After seconds sent with 429s.
    #[arg(long, default_value_t = 1)]
    retry_after: u64,
    /// Fraction of connections closed without a response.
    #[arg(long, default_value_t = 0.0)]
    drop_rate: f64,
    /// Fraction of bodies cut short (full Content-Length announced).
    #[arg(long, default_value_t = 0.0)]
    truncate_rate: f64,
    /// Fraction of bodies whose JSON is cut in half.
    #[arg(long, default_value_t = 0.0)]
    cut_json_rate: f64,
    /// Fraction of successful writes applied and then answered 500.
    #[arg(long, default_value_t = 0.0)]
    fail_after_write_rate: f64,
    /// Limit faults to these operation ids (comma separated).
    #[arg(long, value_delimiter = ',')]
    fault_ops: Vec<String>,
    /// Stop injecting faults after this many.
    #[arg(long)]
    max_faults: Option<u64>,
    /// Do not log requests.
    #[arg(long)]
    quiet: bool,
    /// Answer repeated reads from memory while the shop is unchanged (for benchmarks: keeps the
    /// mock's rendering off the client's cores).
    #[arg(long)]
    cache_reads: bool,
}

/// The secret from `file` (`-` for stdin, trailing line break dropped) when given, else `value`.
fn secret(value: Option<String>, file: Option<&str>, what: &str) -> anyhow::Result<Option<String>> {
    use anyhow::Context;
    use std::io::Read;
    let Some(path) = file else {
        return Ok(value);
    };
    let mut text = String::new();
    if path == "-" {
        std::io::stdin()
            .read_to_string(&mut text)
            .with_context(|| format!("cannot read the {what} from stdin"))?;
    } else {
        text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the {what} from {path}"))?;
    }
    let s = text.trim_end_matches(['\n', '\r']);
    anyhow::ensure!(!s.is_empty(), "the {what} in {path} is empty");
    Ok(Some(s.to_string()))
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
    let matches = Args::command().get_matches();
    let a = Args::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    for (id, flag, instead) in [
        (
            "token",
            "--token",
            "set BIGCARTEL_MOCK_TOKEN or use --token-file",
        ),
        (
            "client_secret",
            "--client-secret",
            "set BIGCARTEL_MOCK_CLIENT_SECRET or use --client-secret-file",
        ),
    ] {
        if matches.value_source(id) == Some(ValueSource::CommandLine) {
            eprintln!(
                "warning: {flag} on the command line is visible to other local users (ps, /proc/PID/cmdline); {instead} instead"
            );
        }
    }
    let mut cfg = MockConfig {
        seed: a.seed,
        products: a.products,
        orders: a.orders,
        port: a.port,
        account_id: a.account_id,
        webhook_url: a.webhook_url,
        public_base_url: a.public_url,
        log_requests: !a.quiet,
        cache_reads: a.cache_reads,
        faults: FaultConfig {
            latency_ms: a.latency_ms,
            jitter_ms: a.jitter_ms,
            error_500_rate: a.error_500_rate,
            error_503_rate: a.error_503_rate,
            rate_limit_rate: a.rate_limit_rate,
            retry_after_secs: a.retry_after,
            drop_rate: a.drop_rate,
            truncate_rate: a.truncate_rate,
            cut_json_rate: a.cut_json_rate,
            fail_after_write_rate: a.fail_after_write_rate,
            operations: a.fault_ops,
            max_faults: a.max_faults,
        },
        ..MockConfig::default()
    };
    for op in &cfg.faults.operations {
        if bigcartel_mock::Operation::from_id(op).is_none() {
            anyhow::bail!("unknown operation id in --fault-ops: {op}");
        }
    }
    if let Some(t) = secret(a.token, a.token_file.as_deref(), "token")? {
        cfg.token = t;
    }
    if let Some(c) = a.client_id {
        cfg.client_id = c;
    }
    if let Some(c) = secret(
        a.client_secret,
        a.client_secret_file.as_deref(),
        "client secret",
    )? {
        cfg.client_secret = c;
    }
    let server = MockServer::start(cfg).await?;
    println!(
        "bigcartel-mock listening on {} (account {}, seed {}); admin API at {}/__mock; Ctrl-C to stop",
        server.url(),
        server.account_id(),
        a.seed,
        server.url()
    );
    if server.faults().is_active() {
        println!("faults: {:?}", server.faults());
    }
    let _ = tokio::signal::ctrl_c().await;
    server.shutdown().await;
    Ok(())
}
