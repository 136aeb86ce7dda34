//! What every request carries: authentication, the JSON:API headers and the User-Agent, and the
//! retry policy and counters, as the raw client's state ([`Transport`]). The raw client's hooks
//! (`hooks.rs`) and the request pipeline (`exchange.rs`) both apply it.

use crate::retry::RetryPolicy;
use api_runtime::Secret;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, USER_AGENT};
use std::sync::Arc;

pub(crate) const JSON_API: &str = "application/vnd.api+json";

/// How requests authenticate.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Auth {
    /// `Authorization: Bearer <token>` (an OAuth access token).
    Bearer(Secret),
    /// HTTP Basic: a store's subdomain and password (personal projects), or an app's client id and
    /// secret (deauthorization).
    Basic {
        /// The username (subdomain or client id).
        username: String,
        /// The password (store password or client secret).
        password: Secret,
    },
    /// No credentials (the OAuth token exchange carries its own).
    None,
}

impl Auth {
    fn header(&self) -> Option<HeaderValue> {
        use base64_engine::encode;
        let value = match self {
            Auth::Bearer(t) => format!("Bearer {}", t.expose()),
            Auth::Basic { username, password } => {
                format!(
                    "Basic {}",
                    encode(format!("{username}:{}", password.expose()).as_bytes())
                )
            }
            Auth::None => return None,
        };
        let mut v = HeaderValue::from_str(&value).ok()?;
        v.set_sensitive(true);
        Some(v)
    }
}

/// Standard base64, for the Basic header (the only place the crate needs it).
mod base64_engine {
    pub fn encode(input: &[u8]) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(input)
    }
}

pub use crate::retry::TransportStats;

/// The raw client's state: credentials, identification and retry policy.
#[derive(Debug, Clone)]
pub struct Transport {
    pub(crate) auth: Auth,
    pub(crate) user_agent: HeaderValue,
    pub(crate) retry: RetryPolicy,
    pub(crate) stats: Arc<TransportStats>,
    /// The cap on a response body, in bytes.
    pub(crate) max_body: usize,
}

impl Transport {
    /// The headers every request carries, whichever way it was built (the generated raw client
    /// or [`crate::exchange`]): User-Agent, credentials, and the JSON:API media type.
    pub(crate) fn prepare(&self, headers: &mut reqwest::header::HeaderMap, json_api: bool) {
        headers.insert(USER_AGENT, self.user_agent.clone());
        if json_api {
            headers.insert(ACCEPT, HeaderValue::from_static(JSON_API));
            if headers.contains_key(CONTENT_TYPE) {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON_API));
            }
        }
        if !headers.contains_key(AUTHORIZATION)
            && let Some(v) = self.auth.header()
        {
            headers.insert(AUTHORIZATION, v);
        }
    }
}
