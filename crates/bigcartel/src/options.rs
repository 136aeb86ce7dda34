//! The client's settings as plain data: the one definition every facade exposes.
//!
//! [`ClientOptions`] is what JavaScript's `ClientOptions`, the Python/Kotlin/Swift
//! `ClientOptions` record and the CLI's global flags are made from: the generator reads this
//! file (its fields, types and doc comments) and writes the TypeScript declarations, the
//! JavaScript reader and the uniffi record; the CLI derives its flags from the struct itself
//! (feature `cli`). An option added here therefore reaches every language, documented the same
//! way. Who the application is (the User-Agent) and its credentials are not options: each facade
//! takes them in its constructor, in its own idiom for secrets.
//!
//! ```
//! use bigcartel::{Client, ClientOptions};
//!
//! let mut options = ClientOptions::default();
//! options.max_retries = Some(2);
//! options.timeout_ms = Some(5_000);
//! let client = options
//!     .apply(Client::builder("MyApp (me@example.com)"))
//!     .bearer("ACCESS-TOKEN")
//!     .build();
//! assert!(client.is_ok());
//! ```

use crate::client::ClientBuilder;
use crate::retry::RetryPolicy;
use std::time::Duration;

/// How a client connects and retries. Every field is optional: an absent one keeps the default
/// its doc states.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[non_exhaustive]
pub struct ClientOptions {
    /// The API's base URL (default `https://api.bigcartel.com`). Plain http is accepted only for
    /// loopback addresses (a local mock server), so credentials never cross a network unencrypted.
    #[cfg_attr(
        feature = "cli",
        arg(long, global = true, env = "BIGCARTEL_API_URL", value_name = "URL")
    )]
    pub base_url: Option<String>,
    /// The account to work on; when absent it is looked up with GET /v1/accounts.
    #[cfg_attr(
        feature = "cli",
        arg(
            long = "account",
            global = true,
            env = "BIGCARTEL_ACCOUNT_ID",
            value_name = "ID"
        )
    )]
    pub account_id: Option<String>,
    /// The timeout of one whole request attempt, in milliseconds (default 30000; native targets
    /// only: browsers and edge runtimes apply their own).
    #[cfg_attr(
        feature = "cli",
        arg(long, global = true, env = "BIGCARTEL_TIMEOUT_MS", value_name = "MS")
    )]
    pub timeout_ms: Option<u64>,
    /// The timeout of opening a connection, in milliseconds (default 10000; native targets only).
    #[cfg_attr(
        feature = "cli",
        arg(
            long,
            global = true,
            env = "BIGCARTEL_CONNECT_TIMEOUT_MS",
            value_name = "MS"
        )
    )]
    pub connect_timeout_ms: Option<u64>,
    /// Retries after the first attempt of a failed request (default 4; 0 disables retrying).
    /// Idempotent requests are retried on connection errors and on 429, 500, 502, 503 and 504
    /// answers, honouring Retry-After; writes only when the request provably never reached the
    /// server.
    #[cfg_attr(
        feature = "cli",
        arg(long, global = true, env = "BIGCARTEL_MAX_RETRIES", value_name = "N")
    )]
    pub max_retries: Option<u32>,
    /// The first backoff delay between retries, in milliseconds (default 200); each later one
    /// doubles, with jitter.
    #[cfg_attr(
        feature = "cli",
        arg(
            long,
            global = true,
            env = "BIGCARTEL_RETRY_BASE_DELAY_MS",
            value_name = "MS"
        )
    )]
    pub retry_base_delay_ms: Option<u64>,
    /// The longest single backoff delay, in milliseconds (default 10000); a longer Retry-After
    /// ends the retries instead.
    #[cfg_attr(
        feature = "cli",
        arg(
            long,
            global = true,
            env = "BIGCARTEL_RETRY_MAX_DELAY_MS",
            value_name = "MS"
        )
    )]
    pub retry_max_delay_ms: Option<u64>,
    /// The most time spent waiting between the attempts of one call, in milliseconds (default
    /// 30000).
    #[cfg_attr(
        feature = "cli",
        arg(
            long,
            global = true,
            env = "BIGCARTEL_RETRY_BUDGET_MS",
            value_name = "MS"
        )
    )]
    pub retry_budget_ms: Option<u64>,
    /// The largest response body read, in bytes (default 33554432, 32 MiB); a longer one fails
    /// with a transport error of kind too_large as soon as the cap is passed.
    #[cfg_attr(
        feature = "cli",
        arg(
            long,
            global = true,
            env = "BIGCARTEL_MAX_RESPONSE_BYTES",
            value_name = "BYTES"
        )
    )]
    pub max_response_bytes: Option<u64>,
}

impl ClientOptions {
    /// Sets what these options set on `builder`; the rest keeps the builder's values.
    pub fn apply(self, mut builder: ClientBuilder) -> ClientBuilder {
        if let Some(url) = self.base_url {
            builder = builder.base_url(url);
        }
        if let Some(id) = self.account_id {
            builder = builder.account_id(id);
        }
        if let Some(ms) = self.timeout_ms {
            builder = builder.timeout(Duration::from_millis(ms));
        }
        if let Some(ms) = self.connect_timeout_ms {
            builder = builder.connect_timeout(Duration::from_millis(ms));
        }
        if let Some(bytes) = self.max_response_bytes {
            builder = builder.max_response_bytes(usize::try_from(bytes).unwrap_or(usize::MAX));
        }
        if self.max_retries.is_some()
            || self.retry_base_delay_ms.is_some()
            || self.retry_max_delay_ms.is_some()
            || self.retry_budget_ms.is_some()
        {
            let mut policy = RetryPolicy::default();
            let ms = Duration::from_millis;
            policy.max_retries = self.max_retries.unwrap_or(policy.max_retries);
            policy.base_delay = self.retry_base_delay_ms.map_or(policy.base_delay, ms);
            policy.max_delay = self.retry_max_delay_ms.map_or(policy.max_delay, ms);
            policy.budget = self.retry_budget_ms.map_or(policy.budget, ms);
            builder = builder.retry(policy);
        }
        builder
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The defaults the docs above state are the builder's and the retry policy's.
    #[test]
    fn documented_defaults_are_the_real_ones() {
        let p = RetryPolicy::default();
        assert_eq!(p.max_retries, 4);
        assert_eq!(p.base_delay, Duration::from_millis(200));
        assert_eq!(p.max_delay, Duration::from_millis(10_000));
        assert_eq!(p.budget, Duration::from_millis(30_000));
        assert_eq!(crate::DEFAULT_MAX_RESPONSE_BYTES, 33_554_432);
        assert_eq!(crate::DEFAULT_BASE_URL, "https://api.bigcartel.com");
        let b = Client::builder("t");
        assert_eq!(b.timeout, Duration::from_millis(30_000));
        assert_eq!(b.connect_timeout, Duration::from_millis(10_000));
    }

    #[test]
    fn apply_sets_what_is_given_and_keeps_the_rest() {
        let o = ClientOptions {
            max_retries: Some(1),
            retry_budget_ms: Some(500),
            timeout_ms: Some(1234),
            account_id: Some("77".into()),
            ..Default::default()
        };
        let b = o.apply(Client::builder("t"));
        let s = &b;
        assert_eq!(s.retry.max_retries, 1);
        assert_eq!(s.retry.budget, Duration::from_millis(500));
        assert_eq!(s.retry.base_delay, RetryPolicy::default().base_delay);
        assert_eq!(s.timeout, Duration::from_millis(1234));
        assert_eq!(s.account_id.as_deref(), Some("77"));
        assert_eq!(s.base_url, crate::DEFAULT_BASE_URL);
    }

    use crate::Client;
}
