#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod center;
pub mod cli;
pub mod config;
mod demo;
mod engine;
mod http_center;
pub mod ledger;
pub mod pg;
#[cfg(unix)]
pub mod pg_local;
pub mod prepare;
pub mod progress;
pub mod reference;
pub mod service;
pub mod store;
pub mod webhook;

// The pure rules live in their own crate (no I/O); their modules keep their paths here.
pub use bigcartel_fulfillment_rules::{shipping, sku};

pub use center::{CenterError, FulfillmentCenter, FulfillmentOrder, ShipmentStatus, Submission};
pub use config::Config;
pub use demo::{DEMO_LEDGER, DemoReport, demo};
pub use engine::{Engine, EngineError, RunOptions, RunReport, Settings};
pub use http_center::{
    CENTER_PASSWORD_ENV, CENTER_TOKEN_ENV, CENTER_USER_ENV, CenterAuth, HttpCenter,
};
pub use ledger::{Ledger, LedgerStatus, OrderState};
pub use progress::{PassReport, ProgressEvent, ProgressFn};
pub use store::LedgerStore;

impl Engine<HttpCenter> {
    /// An engine from a configuration file's contents: the Big Cartel client (token from the
    /// environment), the HTTP center (credentials from the environment, see
    /// [`CenterAuth::from_env`]) and the ledger.
    pub async fn from_config(config: &Config) -> Result<Self, EngineError> {
        let client = config.client()?;
        let center = HttpCenter::from_env(&config.center.url)?;
        let ledger = Ledger::open(&config.ledger.path, config.ledger.durability)?;
        Engine::new(client, center, ledger, config.settings()?).await
    }
}

impl Config {
    /// The ledger's status without starting an engine (no network, no lock): what
    /// `bigcartel fulfill status` prints.
    pub fn status(&self) -> Result<LedgerStatus, EngineError> {
        let ledger = Ledger::open(&self.ledger.path, self.ledger.durability)?;
        Ok(ledger.status()?)
    }

    /// `[run]` and `[webhook]` as [`RunOptions`] (the webhook secret comes from its environment
    /// variable).
    pub fn run_options(&self) -> Result<RunOptions, EngineError> {
        let webhook = match &self.webhook {
            Some(w) => Some(webhook::WebhookOptions {
                listen: w.listen,
                path: w.path.clone(),
                secret: Config::secret(&w.secret_env)?,
                limits: webhook::ListenerLimits::default(),
            }),
            None => None,
        };
        Ok(RunOptions {
            interval: self.run.interval,
            webhook,
            ..RunOptions::default()
        })
    }
}
