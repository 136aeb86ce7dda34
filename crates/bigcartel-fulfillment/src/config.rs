//! The TOML configuration file. Secrets never live in it: it names the environment variables
//! that hold them.
//!
//! ```
//! let config = bigcartel_fulfillment::Config::parse(bigcartel_fulfillment::config::EXAMPLE, ".".as_ref()).unwrap();
//! assert_eq!(config.center.url, "http://127.0.0.1:8088");
//! assert_eq!(config.run.interval, std::time::Duration::from_secs(60));
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Deserializer};

use crate::ledger::Durability;
use crate::shipping::ShippingCode;
use crate::sku::SkuRules;

/// A commented example configuration (what `bigcartel-fulfill example-config` prints).
pub const EXAMPLE: &str = r#"# bigcartel-fulfill configuration

[bigcartel]
# user_agent names your application and a contact (the API refuses requests without one).
user_agent = "ExampleFulfillment (ops@example.com)"
# The access token is read from this environment variable (never from this file).
token_env = "BIGCARTEL_TOKEN"
# base_url = "https://api.bigcartel.com"
# account_id = "12345"          # found from the token when left out

[center]
# https://, or http:// to this machine only. Credentials, if the center wants them, come from
# the environment: FULFILLMENT_CENTER_TOKEN (bearer), or FULFILLMENT_CENTER_USER and
# FULFILLMENT_CENTER_PASSWORD (Basic).
url = "http://127.0.0.1:8088"

[ledger]
path = "fulfillment.db"         # relative to this file
durability = "full"             # "full" survives power cuts, "normal" only process crashes

[shipping]
# home_country = "US"           # the account's country when left out
[shipping.services]
DOMESTIC_DEFAULT = "USPS_PRIORITY"
INTERNATIONAL_DEFAULT = "USPS_PRIORITY_INTERNATIONAL"

[sku]
ignore_option_names = ["Default"]

[run]
interval = "60s"
concurrency = 8
require_paid = true
retry_base = "30s"
retry_max = "1h"

# [webhook]
# listen = "127.0.0.1:8090"
# path = "/webhooks/bigcartel"
# secret_env = "BIGCARTEL_CLIENT_SECRET"
"#;

/// Why the configuration is unusable.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("config {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The TOML is invalid or has unknown keys.
    #[error("config: {0}")]
    Parse(#[from] toml::de::Error),
    /// A value is out of range or inconsistent.
    #[error("config: {0}")]
    Invalid(String),
    /// A secret's environment variable is unset or empty.
    #[error("config: the environment variable {0} (holding a secret) is not set")]
    MissingSecret(String),
}

/// `[bigcartel]`: how to reach the API.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BigCartelConfig {
    /// The API's address (default `https://api.bigcartel.com`).
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// The account id; looked up from the token when absent.
    #[serde(default)]
    pub account_id: Option<String>,
    /// The User-Agent: your application and a contact.
    pub user_agent: String,
    /// The environment variable holding the OAuth access token.
    #[serde(default = "default_token_env")]
    pub token_env: String,
}

fn default_base_url() -> String {
    bigcartel::DEFAULT_BASE_URL.into()
}

fn default_token_env() -> String {
    "BIGCARTEL_TOKEN".into()
}

/// `[center]`: the fulfillment center.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CenterConfig {
    /// Its base URL (the reference protocol, see [`crate::reference`]): `https://`, or
    /// `http://` to this machine. Credentials come from the environment
    /// ([`crate::CenterAuth::from_env`]).
    pub url: String,
}

/// `[ledger]`: where the ledger lives.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerConfig {
    /// The SQLite file, relative to the configuration file's folder.
    pub path: PathBuf,
    /// `full` (default) or `normal`.
    #[serde(default)]
    pub durability: Durability,
}

/// `[shipping]`: home country and carrier services.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShippingConfig {
    /// The home country; the account's country when absent.
    #[serde(default)]
    pub home_country: Option<String>,
    /// `DOMESTIC_DEFAULT` / `INTERNATIONAL_DEFAULT` to a carrier service.
    #[serde(default)]
    pub services: BTreeMap<String, String>,
}

impl ShippingConfig {
    /// The services by code; unknown code names are an error.
    pub fn services(&self) -> Result<BTreeMap<ShippingCode, String>, ConfigError> {
        self.services
            .iter()
            .map(|(name, service)| {
                ShippingCode::from_name(name)
                    .map(|c| (c, service.clone()))
                    .ok_or_else(|| {
                        ConfigError::Invalid(format!(
                            "[shipping.services] has {name:?}; the codes are DOMESTIC_DEFAULT and INTERNATIONAL_DEFAULT"
                        ))
                    })
            })
            .collect()
    }
}

/// `[run]`: how passes behave.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RunConfig {
    /// Time between passes of `run`.
    #[serde(deserialize_with = "duration")]
    pub interval: Duration,
    /// Orders worked on at once.
    pub concurrency: usize,
    /// Hold orders whose payment is not `completed`.
    pub require_paid: bool,
    /// First wait after a failed step; doubles per attempt.
    #[serde(deserialize_with = "duration")]
    pub retry_base: Duration,
    /// Longest wait between attempts.
    #[serde(deserialize_with = "duration")]
    pub retry_max: Duration,
    /// Orders per page when listing.
    pub page_size: i64,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            interval: Duration::from_secs(60),
            concurrency: 8,
            require_paid: true,
            retry_base: Duration::from_secs(30),
            retry_max: Duration::from_secs(3600),
            page_size: 100,
        }
    }
}

/// `[webhook]`: the `order.created` receiver.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookConfig {
    /// Address to listen on, e.g. `127.0.0.1:8090`.
    pub listen: std::net::SocketAddr,
    /// The path webhooks are posted to.
    #[serde(default = "default_webhook_path")]
    pub path: String,
    /// The environment variable holding the OAuth client secret (the signing key).
    #[serde(default = "default_secret_env")]
    pub secret_env: String,
}

fn default_webhook_path() -> String {
    "/webhooks/bigcartel".into()
}

fn default_secret_env() -> String {
    "BIGCARTEL_CLIENT_SECRET".into()
}

fn duration<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let s = String::deserialize(d)?;
    humantime::parse_duration(&s).map_err(|e| serde::de::Error::custom(format!("{s:?}: {e}")))
}

/// The whole configuration file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `[bigcartel]`.
    pub bigcartel: BigCartelConfig,
    /// `[center]`.
    pub center: CenterConfig,
    /// `[ledger]`.
    pub ledger: LedgerConfig,
    /// `[shipping]`.
    #[serde(default)]
    pub shipping: ShippingConfig,
    /// `[sku]`.
    #[serde(default)]
    pub sku: SkuRules,
    /// `[run]`.
    #[serde(default)]
    pub run: RunConfig,
    /// `[webhook]`, if webhooks are received.
    #[serde(default)]
    pub webhook: Option<WebhookConfig>,
}

impl Config {
    /// Reads and checks a configuration file; relative paths in it are taken from its folder.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let dir = path.parent().unwrap_or(Path::new("."));
        Config::parse(&text, dir)
    }

    /// Parses and checks configuration text; relative paths are taken from `base_dir`.
    pub fn parse(text: &str, base_dir: &Path) -> Result<Config, ConfigError> {
        let mut config: Config = toml::from_str(text)?;
        if config.ledger.path.is_relative() {
            config.ledger.path = base_dir.join(&config.ledger.path);
        }
        if config.run.concurrency == 0 {
            return Err(ConfigError::Invalid(
                "[run] concurrency must be at least 1".into(),
            ));
        }
        if !(1..=100).contains(&config.run.page_size) {
            return Err(ConfigError::Invalid(
                "[run] page_size must be 1 to 100".into(),
            ));
        }
        if config.bigcartel.user_agent.trim().is_empty() {
            return Err(ConfigError::Invalid(
                "[bigcartel] user_agent must not be empty".into(),
            ));
        }
        config.shipping.services()?;
        if let Some(home) = &config.shipping.home_country {
            crate::shipping::country_code(home)
                .map_err(|e| ConfigError::Invalid(format!("[shipping] home_country: {e}")))?;
        }
        Ok(config)
    }

    /// A secret from the environment variable `name`.
    pub fn secret(name: &str) -> Result<bigcartel::Secret, ConfigError> {
        match std::env::var(name) {
            Ok(v) if !v.trim().is_empty() => Ok(bigcartel::Secret::new(v)),
            _ => Err(ConfigError::MissingSecret(name.into())),
        }
    }

    /// A Big Cartel client from `[bigcartel]` and the token's environment variable.
    pub fn client(&self) -> Result<bigcartel::Client, ConfigError> {
        let b = &self.bigcartel;
        let mut builder = bigcartel::Client::builder(b.user_agent.clone())
            .base_url(b.base_url.clone())
            .bearer(Config::secret(&b.token_env)?);
        if let Some(id) = &b.account_id {
            builder = builder.account_id(id.clone());
        }
        builder
            .build()
            .map_err(|e| ConfigError::Invalid(format!("[bigcartel]: {e}")))
    }

    /// The engine settings from `[sku]`, `[shipping]` and `[run]`.
    pub fn settings(&self) -> Result<crate::Settings, ConfigError> {
        Ok(crate::Settings {
            sku: self.sku.clone(),
            home_country: self.shipping.home_country.clone(),
            services: self.shipping.services()?,
            require_paid: self.run.require_paid,
            concurrency: self.run.concurrency,
            retry_base: self.run.retry_base,
            retry_max: self.run.retry_max,
            page_size: self.run.page_size,
        })
    }
}
