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
    /// The service for many merchants on PostgreSQL: the connect page, webhooks and status
    /// pages (`serve`), or a worker that runs merchants' passes (`serve --worker`). Secrets come
    /// from the environment only: BIGCARTEL_FULFILL_DATABASE_URL, BIGCARTEL_FULFILL_TOKEN_KEY,
    /// BIGCARTEL_CLIENT_SECRET, BIGCARTEL_FULFILL_OPERATOR_TOKEN (and the center's credentials).
    Serve(Box<ServeArgs>),
}

/// `fulfill serve` options.
#[derive(clap::Args, Debug, Clone)]
pub struct ServeArgs {
    /// Run a worker (merchants' passes under leases) instead of the web front.
    #[arg(long)]
    pub worker: bool,
    /// The web front's address.
    #[arg(long, default_value = "127.0.0.1:8090")]
    pub listen: std::net::SocketAddr,
    /// The address browsers and Big Cartel reach the web front at (default: http://LISTEN);
    /// the OAuth redirect URI is this plus /oauth/callback.
    #[arg(long)]
    pub public_url: Option<String>,
    /// The OAuth client id.
    #[arg(long, env = "BIGCARTEL_CLIENT_ID")]
    pub client_id: Option<String>,
    /// The Big Cartel API.
    #[arg(long, default_value = bigcartel::DEFAULT_BASE_URL)]
    pub api_base_url: String,
    /// Big Cartel's authorize page.
    #[arg(long, default_value = bigcartel::oauth::AUTHORIZE_URL)]
    pub authorize_url: String,
    /// The fulfillment center (workers).
    #[arg(long)]
    pub center_url: Option<String>,
    /// The User-Agent of Big Cartel requests (your app's name and a contact).
    #[arg(
        long,
        default_value = "bigcartel-fulfillment-service (https://github.com/bigcartel-sdk)"
    )]
    pub user_agent: String,
    /// Merchants one worker process works on at once.
    #[arg(long, default_value_t = 4)]
    pub slots: usize,
    /// Time between two passes of one merchant.
    #[arg(long, value_parser = humantime::parse_duration, default_value = "60s")]
    pub interval: Duration,
    /// A lease's life without renewal: how long a dead worker's merchants wait.
    #[arg(long, value_parser = humantime::parse_duration, default_value = "30s")]
    pub lease_ttl: Duration,
    /// The longest turn of one merchant before the next merchant's.
    #[arg(long, value_parser = humantime::parse_duration, default_value = "120s")]
    pub pass_budget: Duration,
    /// The most Big Cartel requests of one merchant's turn before the next merchant's.
    #[arg(long, default_value_t = 2000)]
    pub request_budget: u64,
    /// Wait between lease attempts when no merchant is due.
    #[arg(long, value_parser = humantime::parse_duration, default_value = "1s")]
    pub poll: Duration,
    /// Orders of one merchant worked on at once.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// First wait after a failed step (doubles per attempt).
    #[arg(long, value_parser = humantime::parse_duration, default_value = "30s")]
    pub retry_base: Duration,
    /// Longest wait between attempts.
    #[arg(long, value_parser = humantime::parse_duration, default_value = "1h")]
    pub retry_max: Duration,
    /// Database connections of this process (default: two per slot). A step holds a connection
    /// for one short statement between API calls that take tens of milliseconds, so a few
    /// connections serve many orders at once; each more is a PostgreSQL backend to start and
    /// warm (with 16 per worker, the workers bench fulfilled about a fifth fewer orders per
    /// second at 4 workers than with 4).
    #[arg(long)]
    pub db_connections: Option<usize>,
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
        Command::Serve(args) => serve(args).await?,
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

/// Resolves on Ctrl-C or SIGTERM.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn serve(args: &ServeArgs) -> Result<()> {
    use crate::service::{self, Merchants, TokenCipher};
    // Checked before anything else: without the key no token can be stored or used.
    let cipher = TokenCipher::from_env()?;
    let db_config = service::database_config_from_env()?;
    let connections = args
        .db_connections
        .unwrap_or(args.slots.max(1).saturating_mul(2));
    let db = crate::pg::PgDatabase::connect(db_config, connections).await?;
    let merchants = Merchants::new(db);
    if args.worker {
        let center_url = args
            .center_url
            .as_deref()
            .context("a worker needs --center-url")?;
        let center = crate::HttpCenter::from_env(center_url)?;
        let options = service::worker::WorkerOptions {
            name: service::worker::default_name(),
            slots: args.slots,
            lease_ttl: args.lease_ttl,
            interval: args.interval,
            pass_budget: args.pass_budget,
            request_budget: args.request_budget,
            poll: args.poll,
            settings: crate::Settings {
                concurrency: args.concurrency,
                retry_base: args.retry_base,
                retry_max: args.retry_max,
                ..crate::Settings::default()
            },
            api_base_url: args.api_base_url.clone(),
            user_agent: args.user_agent.clone(),
        };
        eprintln!("worker {} started ({} slots)", options.name, options.slots);
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let work = tokio::spawn(service::worker::run(
            merchants, cipher, center, options, stopped,
        ));
        stop_signal().await;
        let _ = stop.send(true);
        let _ = work.await;
        return Ok(());
    }
    let client_id = args
        .client_id
        .clone()
        .context("give the OAuth client id with --client-id (or BIGCARTEL_CLIENT_ID)")?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    let addr = listener.local_addr()?;
    let options = service::web::WebOptions {
        public_url: args
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}")),
        client_id,
        client_secret: service::secret_from_env(service::CLIENT_SECRET_ENV)?,
        api_base_url: args.api_base_url.clone(),
        authorize_url: args.authorize_url.clone(),
        user_agent: args.user_agent.clone(),
        operator_token: service::secret_from_env(service::OPERATOR_TOKEN_ENV)?,
    };
    eprintln!("listening on http://{addr}");
    let app = service::web::router(merchants, cipher, options);
    crate::webhook::serve_bounded(
        listener,
        app,
        crate::webhook::ListenerLimits::default(),
        stop_signal(),
    )
    .await;
    Ok(())
}
