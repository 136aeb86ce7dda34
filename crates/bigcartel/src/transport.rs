//! What every request goes through: authentication, the JSON:API headers, the User-Agent and
//! retries, in one `ClientHooks` impl for the generated raw client.

use crate::generated_raw::Client as RawClient;
use crate::retry::{self, RetryPolicy};
use crate::secret::Secret;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
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

impl ClientHooks<Transport> for RawClient {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        // The spec's integer bounds, checked as `Client::call` checks them (the raw types are
        // plain integers): the same values refused with the same message, before anything is sent.
        // Most operations have none: their bodies are not parsed again.
        if crate::dynamic::BOUNDS
            .iter()
            .any(|b| b.raw_operation == info.operation_id)
        {
            let query: Vec<(String, String)> = request.url().query_pairs().into_owned().collect();
            let body = request
                .body()
                .and_then(|b| b.as_bytes())
                .and_then(|b| serde_json::from_slice::<serde_json::Value>(b).ok());
            let attributes = body
                .as_ref()
                .and_then(|b| b.get("data").and_then(|d| d.get("attributes")));
            crate::dynamic::check_bounds(info.operation_id, &query, attributes)
                .map_err(progenitor_client::Error::InvalidRequest)?;
        }
        let json_api =
            crate::generated_operations::JSON_API_OPERATIONS.contains(&info.operation_id);
        // progenitor stamps the spec's info.version on every request; the API has no such header.
        request.headers_mut().remove("api-version");
        self.inner().prepare(request.headers_mut(), json_api);
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let state = self.inner();
        retry::execute_with_retry(
            self.client(),
            request,
            &state.retry,
            &state.stats,
            info.operation_id,
            state.max_body,
        )
        .await
    }
}
