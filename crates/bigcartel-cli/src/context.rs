//! Global options: where the API is, who we are, and how we authenticate.

use crate::Failure;
use bigcartel::Client;

/// The User-Agent sent when none is given: the API requires one naming the tool and a contact.
pub const DEFAULT_USER_AGENT: &str = concat!(
    "bigcartel-cli/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/bigcartel-sdk/bigcartel-sdk)"
);

/// Options every command accepts.
#[derive(clap::Args)]
pub struct Global {
    /// Where the API is and how requests are retried: the core's options, one flag each.
    #[command(flatten)]
    pub options: bigcartel::ClientOptions,
    /// An OAuth access token. Set BIGCARTEL_TOKEN or use --token-file: a value given here is
    /// visible to other local users in the process list.
    #[arg(long, global = true, env = "BIGCARTEL_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Read the OAuth access token from this file (- for stdin).
    #[arg(long, global = true, value_name = "PATH")]
    pub token_file: Option<String>,
    /// HTTP Basic credentials for your own shop: SUBDOMAIN:PASSWORD. Set BIGCARTEL_BASIC_AUTH
    /// or use --basic-file: a value given here is visible in the process list.
    #[arg(
        long,
        global = true,
        env = "BIGCARTEL_BASIC_AUTH",
        hide_env_values = true,
        value_name = "USER:PASSWORD"
    )]
    pub basic: Option<String>,
    /// Read SUBDOMAIN:PASSWORD from this file (- for stdin).
    #[arg(long, global = true, value_name = "PATH")]
    pub basic_file: Option<String>,
    /// The User-Agent to send: your application's name and a contact URL or email.
    #[arg(long, global = true, env = "BIGCARTEL_USER_AGENT", default_value = DEFAULT_USER_AGENT)]
    pub user_agent: String,
    /// Machine output: the resolved resources as JSON.
    #[arg(long, global = true)]
    pub json: bool,
}

impl Global {
    /// The API's base URL: `--base-url` or the default.
    pub fn base_url(&self) -> &str {
        self.options
            .base_url
            .as_deref()
            .unwrap_or(bigcartel::DEFAULT_BASE_URL)
    }

    /// A client for these options.
    pub fn client(&self) -> Result<Client, Failure> {
        let mut b = self
            .options
            .clone()
            .apply(Client::builder(self.user_agent.clone()));
        let token =
            crate::secrets::pick(self.token.as_deref(), self.token_file.as_deref(), "token")?;
        let basic = crate::secrets::pick(
            self.basic.as_deref(),
            self.basic_file.as_deref(),
            "Basic credentials",
        )?;
        b = match (&token, &basic) {
            (Some(_), Some(_)) => {
                return Err(Failure::Usage(
                    "give either a token or Basic credentials, not both".into(),
                ));
            }
            (Some(t), None) => b.bearer(t.as_str()),
            (None, Some(basic)) => {
                let (user, password) = basic
                    .split_once(':')
                    .ok_or_else(|| Failure::Usage("--basic must be USER:PASSWORD".into()))?;
                b.basic(user, password)
            }
            (None, None) => {
                return Err(Failure::Usage(
                    "no credentials: set BIGCARTEL_TOKEN (or --token-file PATH) or BIGCARTEL_BASIC_AUTH=USER:PASSWORD (or --basic-file PATH)".into(),
                ));
            }
        };
        Ok(b.build()?)
    }
}
