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

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.args, cli.json).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
