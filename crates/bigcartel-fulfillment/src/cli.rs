//! The fulfillment engine's command line, shared by the `bigcartel-fulfill` binary and
//! `bigcartel fulfill`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use crate::reference::{self, ReferenceConfig};
use crate::{Config, Engine, ProgressEvent, ProgressFn};
use anyhow::{Context, Result};
use clap::Subcommand;

/// Options and command of the fulfillment command line.
#[derive(clap::Args)]
pub struct FulfillArgs {
    /// The TOML configuration (see `bigcartel-fulfill example-config`).
    #[arg(long, short, global = true, env = "BIGCARTEL_FULFILL_CONFIG")]
    pub config: Option<PathBuf>,
    /// Print every order's steps, not only a line per pass.
    #[arg(long, short, global = true)]
    pub verbose: bool,
    /// Print nothing but errors and the final summary.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Subcommand)]
pub enum Command {
    /// One pass: list unshipped orders, submit, poll shipments, mark shipped.
    Sync,
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
    Status,
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

async fn engine(cli: &FulfillArgs) -> Result<(Config, Engine<crate::HttpCenter>)> {
    let config = load(&cli.config)?;
    let mut engine = Engine::from_config(&config).await?;
    if let Some(p) = progress(cli.verbose, cli.quiet) {
        engine = engine.with_progress(p);
    }
    Ok((config, engine))
}

/// Runs a fulfillment command; the exit code is 3 when a pass left errors behind.
///
/// `json` prints reports as JSON (the caller's `--json`).
pub async fn run(cli: FulfillArgs, json: bool) -> Result<ExitCode> {
    match &cli.command {
        Command::ExampleConfig => {
            out(crate::config::EXAMPLE)?;
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
        Command::Status => {
            let status = load(&cli.config)?.status()?;
            if json {
                out(&format!("{}\n", serde_json::to_string_pretty(&status)?))?;
            } else {
                out(&status.to_string())?;
            }
        }
        Command::Sync => {
            let (_, engine) = engine(&cli).await?;
            let report = engine.sync().await?;
            if json {
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
