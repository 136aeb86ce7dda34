//! `bigcartel-fulfill`: the fulfillment engine from the command line.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use bigcartel_fulfillment::reference::{self, ReferenceConfig};
use bigcartel_fulfillment::{Config, Engine, ProgressEvent, ProgressFn};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "bigcartel-fulfill",
    about = "Send unshipped Big Cartel orders to a fulfillment center exactly once"
)]
struct Cli {
    /// The TOML configuration (see `bigcartel-fulfill example-config`).
    #[arg(long, short, global = true, env = "BIGCARTEL_FULFILL_CONFIG")]
    config: Option<PathBuf>,
    /// Print every order's steps, not only a line per pass.
    #[arg(long, short, global = true)]
    verbose: bool,
    /// Print nothing but errors and the final summary.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// One pass: list unshipped orders, submit, poll shipments, mark shipped.
    Sync {
        /// Print the pass report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Passes at an interval until Ctrl-C (webhooks too, when `[webhook]` is configured).
    Run {
        /// Time between passes (default: `[run] interval`), e.g. `30s`, `5m`.
        #[arg(long, value_parser = humantime::parse_duration)]
        interval: Option<Duration>,
        /// Stop once every order is done, cancelled, skipped or held.
        #[arg(long)]
        until_idle: bool,
        /// Stop after this many passes.
        #[arg(long)]
        max_passes: Option<u64>,
    },
    /// Ledger counts by state, held orders with reasons, failing steps.
    Status {
        /// As JSON.
        #[arg(long)]
        json: bool,
    },
    /// Run the reference fulfillment center (for demos and tests) until Ctrl-C.
    Center {
        /// Port on 127.0.0.1 (0: any free port; the URL is printed).
        #[arg(long, default_value_t = 8088)]
        port: u16,
        /// Keep the center's state in this JSON-lines file across restarts.
        #[arg(long)]
        state_file: Option<PathBuf>,
        /// Polls answered "pending" before an order ships.
        #[arg(long, default_value_t = 1)]
        ship_after_polls: u32,
        /// Earliest shipping time after submission, e.g. `10s`.
        #[arg(long, value_parser = humantime::parse_duration, default_value = "0s")]
        ship_after: Duration,
    },
    /// Print a commented example configuration.
    ExampleConfig,
}

fn progress(verbose: bool, quiet: bool) -> Option<ProgressFn> {
    if quiet {
        return None;
    }
    Some(Arc::new(move |event: &ProgressEvent| match event {
        ProgressEvent::PassFinished(report) => eprintln!("pass: {report}"),
        ProgressEvent::ListingFailed { error } => eprintln!("listing failed: {error}"),
        ProgressEvent::SubmitFailed { order_id, error }
        | ProgressEvent::StepFailed { order_id, error } => {
            eprintln!("order {order_id}: {error}")
        }
        ProgressEvent::Held { order_id, reason } => eprintln!("order {order_id} held: {reason}"),
        other if verbose => {
            if let Ok(line) = serde_json::to_string(other) {
                eprintln!("{line}");
            }
        }
        _ => {}
    }))
}

/// Writes to stdout; a closed pipe (`| head`) ends the output quietly instead of panicking.
fn out(text: &str) -> Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

fn load(config: &Option<PathBuf>) -> Result<Config> {
    let path = config
        .as_ref()
        .context("give the configuration with --config FILE (or BIGCARTEL_FULFILL_CONFIG)")?;
    Ok(Config::load(path)?)
}

async fn engine(cli: &Cli) -> Result<(Config, Engine<bigcartel_fulfillment::HttpCenter>)> {
    let config = load(&cli.config)?;
    let mut engine = Engine::from_config(&config).await?;
    if let Some(p) = progress(cli.verbose, cli.quiet) {
        engine = engine.with_progress(p);
    }
    Ok((config, engine))
}

async fn dispatch(cli: Cli) -> Result<ExitCode> {
    match &cli.command {
        Command::ExampleConfig => {
            out(bigcartel_fulfillment::config::EXAMPLE)?;
        }
        Command::Center {
            port,
            state_file,
            ship_after_polls,
            ship_after,
        } => {
            reference::serve_forever(ReferenceConfig {
                port: *port,
                state_file: state_file.clone(),
                ship_after_polls: *ship_after_polls,
                ship_after: *ship_after,
                fail_every_nth_submit: 0,
            })
            .await?;
        }
        Command::Status { json } => {
            let status = load(&cli.config)?.status()?;
            if *json {
                out(&format!("{}\n", serde_json::to_string_pretty(&status)?))?;
            } else {
                out(&status.to_string())?;
            }
        }
        Command::Sync { json } => {
            let (_, engine) = engine(&cli).await?;
            let report = engine.sync().await?;
            if *json {
                out(&format!("{}\n", serde_json::to_string_pretty(&report)?))?;
            } else {
                out(&format!("{report}\n"))?;
            }
            if !report.is_clean() {
                return Ok(ExitCode::from(3));
            }
        }
        Command::Run {
            interval,
            until_idle,
            max_passes,
        } => {
            let (config, engine) = engine(&cli).await?;
            let mut options = config.run_options()?;
            if let Some(i) = interval {
                options.interval = *i;
            }
            options.until_idle = *until_idle;
            options.max_passes = *max_passes;
            let shutdown = async {
                let _ = tokio::signal::ctrl_c().await;
            };
            let run = engine.run(options, shutdown).await?;
            out(&format!(
                "{} passes, {} webhook orders: {}\n",
                run.passes, run.webhook_orders, run.totals
            ))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[tokio::main]
async fn main() -> ExitCode {
    match dispatch(Cli::parse()).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
