//! `bigcartel`: the Big Cartel API from the command line, a local mock server, and a guided demo.
//!
//! Exit codes: 0 success, 1 API or network error (one line: status, title, detail), 2 usage error.

mod cmd_api;
mod cmd_catalog;
mod cmd_discounts;
mod cmd_oauth;
mod cmd_orders;
mod cmd_webhook;
mod context;
mod demo;
mod print;
mod secrets;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use context::Global;
use std::process::ExitCode;

/// The Big Cartel API from your terminal.
///
/// Credentials come from the environment or a file, never the command line (where other local
/// users can read them): an OAuth token (BIGCARTEL_TOKEN or --token-file) or, for your own shop,
/// HTTP Basic with your subdomain and password (BIGCARTEL_BASIC_AUTH or --basic-file). Point
/// --base-url at a local `bigcartel mock` to try everything without an account.
#[derive(Parser)]
#[command(
    name = "bigcartel",
    version,
    after_help = "Examples:\n  bigcartel demo\n  bigcartel mock --port 4010 &\n  \
    BIGCARTEL_API_URL=http://127.0.0.1:4010 BIGCARTEL_TOKEN=mock-token bigcartel orders list --shipping-status unshipped --all\n  \
    bigcartel products get 12 --json\n  bigcartel api list-orders --filter-shipping-status unshipped --page-limit 5\n  bigcartel webhook verify --secret-file secret.txt --signature \"$SIG\" body.json"
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Show the account (shop).
    Account,
    /// List the countries Big Cartel ships to.
    Countries,
    /// Artists: list, get, create, update, delete, reposition.
    #[command(subcommand)]
    Artists(cmd_catalog::TaxonCommand),
    /// Categories: list, get, create, update, delete, reposition.
    #[command(subcommand)]
    Categories(cmd_catalog::TaxonCommand),
    /// Discounts: list, get, create, update, delete.
    #[command(subcommand)]
    Discounts(cmd_discounts::DiscountCommand),
    /// Products: list, get, reposition.
    #[command(subcommand)]
    Products(cmd_catalog::ProductCommand),
    /// Orders: list, get, update, ship.
    #[command(subcommand)]
    Orders(cmd_orders::OrderCommand),
    /// OAuth: the authorize URL, the code-for-token exchange, deauthorization.
    #[command(subcommand)]
    Oauth(cmd_oauth::OAuthCommand),
    /// Webhooks: verify a signature.
    #[command(subcommand)]
    Webhook(cmd_webhook::WebhookCommand),
    /// Fulfillment: unshipped orders to a fulfillment center, exactly once (configured by a TOML
    /// file: see `bigcartel fulfill example-config`).
    Fulfill(bigcartel_fulfillment::cli::FulfillArgs),
    /// Run the local mock Big Cartel API until Ctrl-C.
    Mock(demo::MockArgs),
    /// A guided tour of the API against an embedded mock server (no account needed).
    Demo,
    /// Print shell completions.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// The command line: the derived commands and `api`, built from the spec tables.
fn cli_command() -> clap::Command {
    Cli::command().subcommand(cmd_api::command())
}

/// A failure and how the process should exit.
pub enum Failure {
    /// Bad arguments (exit 2).
    Usage(String),
    /// The API or the network failed (exit 1).
    Api(String),
}

impl From<bigcartel::Error> for Failure {
    fn from(e: bigcartel::Error) -> Self {
        match e {
            bigcartel::Error::Config(m) => Failure::Usage(m),
            other => Failure::Api(other.to_string()),
        }
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Api(format!("{e:#}"))
    }
}

/// The result of a command.
pub type Outcome = Result<(), Failure>;

/// Rust ignores SIGPIPE, so a write to a closed pipe (`bigcartel orders list | head -1`) is an
/// error, and `println!` panics on it (exit 101). A command-line tool should die quietly of the
/// signal instead, like `cat` or `grep`; sockets are unaffected (the standard library sends with
/// `MSG_NOSIGNAL` / `SO_NOSIGPIPE`).
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in `main`, before any other thread exists; SIG_DFL is a valid
    // disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
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

fn main() -> ExitCode {
    restore_sigpipe();
    init_logging();
    let matches = cli_command().get_matches();
    secrets::warn_command_line(&matches);
    // `api` is built from the spec tables at run time, beside the derived commands.
    let api = match matches.subcommand() {
        Some(("api", sub)) => Some(sub.clone()),
        _ => None,
    };
    let parsed = match &api {
        Some(_) => Err(Global::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())),
        None => Ok(Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let outcome = match (parsed, api) {
        (Ok(cli), _) => runtime.block_on(run(cli)),
        (Err(g), Some(sub)) => runtime.block_on(cmd_api::run(&g, &sub)),
        (Err(_), None) => Err(Failure::Usage("no command".into())),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        // Error messages quote servers (a JSON:API error's title and detail): cleaned like all
        // text for people.
        Err(Failure::Usage(m)) => {
            print::eline(&format!("error: {m}"));
            ExitCode::from(2)
        }
        Err(Failure::Api(m)) => {
            print::eline(&format!("error: {}", m.lines().next().unwrap_or_default()));
            ExitCode::from(1)
        }
    }
}

async fn run(cli: Cli) -> Outcome {
    let g = &cli.global;
    match cli.command {
        Command::Account => cmd_catalog::account(g).await,
        Command::Countries => cmd_catalog::countries(g).await,
        Command::Artists(c) => cmd_catalog::taxon(g, cmd_catalog::Taxon::Artists, c).await,
        Command::Categories(c) => cmd_catalog::taxon(g, cmd_catalog::Taxon::Categories, c).await,
        Command::Discounts(c) => cmd_discounts::run(g, c).await,
        Command::Products(c) => cmd_catalog::products(g, c).await,
        Command::Orders(c) => cmd_orders::run(g, c).await,
        Command::Oauth(c) => cmd_oauth::run(g, c).await,
        Command::Webhook(c) => cmd_webhook::run(c),
        Command::Fulfill(a) => match bigcartel_fulfillment::cli::run(a, g.json).await {
            Ok(code) if code == ExitCode::SUCCESS => Ok(()),
            Ok(_) => Err(Failure::Api(
                "the pass left orders failing; `bigcartel fulfill status` lists them".into(),
            )),
            Err(e) => Err(Failure::Api(format!("{e:#}"))),
        },
        Command::Mock(a) => demo::mock(a).await,
        Command::Demo => demo::run().await,
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut cli_command(),
                "bigcartel",
                &mut std::io::stdout(),
            );
            Ok(())
        }
    }
}
