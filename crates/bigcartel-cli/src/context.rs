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
    /// The API's base URL.
    #[arg(long, global = true, env = "BIGCARTEL_API_URL", default_value = bigcartel::DEFAULT_BASE_URL)]
    pub base_url: String,
    /// An OAuth access token.
    #[arg(long, global = true, env = "BIGCARTEL_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// HTTP Basic credentials for your own shop: SUBDOMAIN:PASSWORD.
    #[arg(
        long,
        global = true,
        env = "BIGCARTEL_BASIC_AUTH",
        hide_env_values = true,
        value_name = "USER:PASSWORD"
    )]
    pub basic: Option<String>,
    /// The account id (looked up with GET /v1/accounts when absent).
    #[arg(
        long = "account",
        global = true,
        env = "BIGCARTEL_ACCOUNT_ID",
        value_name = "ID"
    )]
    pub account: Option<String>,
    /// The User-Agent to send: your application's name and a contact URL or email.
    #[arg(long, global = true, env = "BIGCARTEL_USER_AGENT", default_value = DEFAULT_USER_AGENT)]
    pub user_agent: String,
    /// Machine output: the resolved resources as JSON.
    #[arg(long, global = true)]
    pub json: bool,
}

impl Global {
    /// A client for these options.
    pub fn client(&self) -> Result<Client, Failure> {
        let mut b = Client::builder(self.user_agent.clone()).base_url(self.base_url.clone());
        b = match (&self.token, &self.basic) {
            (Some(_), Some(_)) => {
                return Err(Failure::Usage(
                    "give either --token or --basic, not both".into(),
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
                    "no credentials: pass --token (BIGCARTEL_TOKEN) or --basic USER:PASSWORD (BIGCARTEL_BASIC_AUTH)".into(),
                ));
            }
        };
        if let Some(a) = &self.account {
            b = b.account_id(a.clone());
        }
        Ok(b.build()?)
    }
}
