//! The generated raw client's hooks: every request it builds is checked against the spec's
//! integer bounds, given the headers of [`Transport::prepare`], and sent through the retry loop.
//! Kept apart from `transport.rs` because the generated client names `Transport` as its state:
//! with the impl there, the two modules would import each other.

use crate::generated_raw::Client as RawClient;
use crate::retry;
use crate::transport::Transport;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};

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
                .and_then(|b| crate::jsonapi::from_bytes::<serde_json::Value>(b).ok());
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
