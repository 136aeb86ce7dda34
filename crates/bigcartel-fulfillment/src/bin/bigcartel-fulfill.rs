//! `bigcartel-fulfill`: the fulfillment engine from the command line (also `bigcartel fulfill`).

use bigcartel_fulfillment::cli::{FulfillArgs, run};
use clap::Parser;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "bigcartel-fulfill",
    about = "Send unshipped Big Cartel orders to a fulfillment center exactly once"
)]
struct Cli {
    /// Print reports as JSON.
    #[arg(long, global = true)]
    json: bool,
    #[command(flatten)]
    args: FulfillArgs,
}

/// Log lines go to stderr (stdout carries reports, JSON included): `warn` and above unless
/// `RUST_LOG` says otherwise, so refused webhooks and other security-relevant events leave a
/// trail by default.
fn init_logging() {
    use std::io::IsTerminal;
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

#[tokio::main]
async fn main() -> ExitCode {
    init_logging();
    let cli = Cli::parse();
    match run(cli.args, cli.json).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
