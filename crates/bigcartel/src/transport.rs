//! What every request goes through: authentication, the JSON:API headers, the User-Agent and
//! retries, in one `ClientHooks` impl for the generated raw client.

use crate::generated_raw::Client as RawClient;
use crate::retry::{self, RetryPolicy};
use crate::secret::Secret;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, RETRY_AFTER, USER_AGENT};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

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

/// Counters a caller can read to see what the transport did.
#[derive(Debug, Default)]
pub struct TransportStats {
    /// Requests sent, including retries.
    pub attempts: AtomicU64,
    /// Retries performed.
    pub retries: AtomicU64,
}

/// The raw client's state: credentials, identification and retry policy.
#[derive(Debug, Clone)]
pub struct Transport {
    pub(crate) auth: Auth,
    pub(crate) user_agent: HeaderValue,
    pub(crate) retry: RetryPolicy,
    pub(crate) stats: Arc<TransportStats>,
}

impl ClientHooks<Transport> for RawClient {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let state = self.inner();
        let headers = request.headers_mut();
        // progenitor stamps the spec's info.version on every request; the API has no such header.
        headers.remove("api-version");
        headers.insert(USER_AGENT, state.user_agent.clone());
        if crate::generated_operations::JSON_API_OPERATIONS.contains(&info.operation_id) {
            headers.insert(ACCEPT, HeaderValue::from_static(JSON_API));
            if headers.contains_key(CONTENT_TYPE) {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON_API));
            }
        }
        if !headers.contains_key(AUTHORIZATION)
            && let Some(v) = state.auth.header()
        {
            headers.insert(AUTHORIZATION, v);
        }
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let state = self.inner();
        let policy = &state.retry;
        let idempotent = retry::is_idempotent(request.method().as_str());
        let mut waited = std::time::Duration::ZERO;
        let mut attempt = 0u32;
        let mut current = request;
        loop {
            let spare = current.try_clone();
            state.stats.attempts.fetch_add(1, Ordering::Relaxed);
            let result = self.client().execute(current).await;
            let delay = match &result {
                Ok(resp) if idempotent && retry::is_retryable_status(resp.status().as_u16()) => {
                    let after = resp
                        .headers()
                        .get(RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(retry::parse_retry_after);
                    match after {
                        // A server asking for a longer pause than we allow: give up and report it.
                        Some(d) if d > policy.max_delay => None,
                        Some(d) => Some(d),
                        None => Some(policy.backoff(attempt)),
                    }
                }
                Ok(_) => None,
                Err(e) if is_connect(e) => Some(policy.backoff(attempt)),
                Err(e) if idempotent && !e.is_builder() && !e.is_redirect() => {
                    Some(policy.backoff(attempt))
                }
                Err(_) => None,
            };
            let (Some(delay), Some(next)) = (delay, spare) else {
                return result;
            };
            if attempt >= policy.max_retries || waited + delay > policy.budget {
                return result;
            }
            tracing::debug!(
                operation = info.operation_id,
                attempt,
                delay_ms = delay.as_millis() as u64,
                "retrying"
            );
            // Free the failed response's connection before waiting.
            drop(result);
            retry::sleep(delay).await;
            waited += delay;
            attempt += 1;
            state.stats.retries.fetch_add(1, Ordering::Relaxed);
            current = next;
        }
    }
}

/// A connection that could not be made: nothing was sent, so even a POST may be retried.
fn is_connect(e: &reqwest::Error) -> bool {
    #[cfg(not(target_arch = "wasm32"))]
    {
        e.is_connect()
    }
    #[cfg(target_arch = "wasm32")]
    {
        let _ = e;
        false
    }
}
