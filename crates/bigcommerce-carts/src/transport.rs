//! What every request goes through: the `X-Auth-Token`, JSON headers, the User-Agent and the
//! core's retry loop, in one `ClientHooks` impl for the generated raw client.

use crate::generated_raw::Client as RawClient;
use api_runtime::Secret;
use api_runtime::retry::{RetryPolicy, TransportStats, execute_with_retry};
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderName, HeaderValue, USER_AGENT};
use std::sync::Arc;

/// The header BigCommerce reads the API account's access token from.
pub const AUTH_HEADER: &str = "x-auth-token";

/// The raw client's state: the token, identification and retry policy.
#[derive(Debug, Clone)]
pub struct Transport {
    pub(crate) token: Secret,
    pub(crate) user_agent: HeaderValue,
    pub(crate) retry: RetryPolicy,
    pub(crate) stats: Arc<TransportStats>,
}

impl Transport {
    fn token_header(&self) -> Option<HeaderValue> {
        let mut v = HeaderValue::from_str(self.token.expose()).ok()?;
        // Keeps the value out of reqwest's and hyper's Debug output.
        v.set_sensitive(true);
        Some(v)
    }
}

impl ClientHooks<Transport> for RawClient {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let state = self.inner();
        let headers = request.headers_mut();
        // progenitor stamps the spec's info.version on every request; the API has no such header.
        headers.remove("api-version");
        headers.insert(USER_AGENT, state.user_agent.clone());
        // Every answer is JSON, error documents included (progenitor only asks for it on some).
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        if request.body().is_some() && !request.headers().contains_key(CONTENT_TYPE) {
            request
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        let name = HeaderName::from_static(AUTH_HEADER);
        if !request.headers().contains_key(&name) {
            let value = state.token_header().ok_or_else(|| {
                progenitor_client::Error::InvalidRequest(
                    "the access token contains characters not allowed in a header".into(),
                )
            })?;
            request.headers_mut().insert(name, value);
        }
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let state = self.inner();
        execute_with_retry(
            self.client(),
            request,
            &state.retry,
            &state.stats,
            info.operation_id,
            api_runtime::body::DEFAULT_MAX_RESPONSE_BYTES,
        )
        .await
    }
}
