//! What a response or a failure means: the core's typed [`Error`] for a transport failure, an
//! error status (with the JSON:API errors of its body), and every other progenitor error. The
//! typed client and the request pipeline (`exchange`) both classify through here, so neither
//! needs the other.

use crate::error::{ApiError, ApiErrorKind, Error, Operation};
use crate::jsonapi;
use api_runtime::failure::Failure;
use futures::StreamExt;
use progenitor_client::ByteStream;

/// A streamed body, whole.
pub(crate) async fn collect(
    op: &Operation,
    mut stream: impl futures::Stream<Item = reqwest::Result<bytes::Bytes>> + Unpin,
) -> Result<Vec<u8>, Error> {
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        body.extend_from_slice(&chunk.map_err(|e| transport(op, &e))?);
    }
    Ok(body)
}

/// A classified failure below HTTP of `op`.
pub(crate) fn transport_failure(op: &Operation, t: api_runtime::failure::Transport) -> Error {
    Error::Transport {
        operation: *op,
        kind: t.kind,
        message: t.message,
    }
}

/// A transport failure of `op`.
pub(crate) fn transport(op: &Operation, e: &reqwest::Error) -> Error {
    transport_failure(op, api_runtime::failure::Transport::of(e))
}

/// A failure of `op`, classified by the shared [`api_runtime::failure::classify`], as this crate's [`Error`] (a
/// documented error response's body read here).
pub(crate) async fn failure_error(op: &Operation, failure: Failure<ByteStream>) -> Error {
    match failure {
        Failure::Documented(rv) => {
            let status = rv.status().as_u16();
            let retry_after = api_runtime::retry::retry_after_secs(rv.headers());
            let body = collect(op, rv.into_inner_stream())
                .await
                .unwrap_or_default();
            api_error(op, status, retry_after, &body)
        }
        // An error status whose body broke off is still that status, with no details.
        Failure::Undocumented {
            status,
            retry_after,
            body,
        } => api_error(op, status, retry_after, &body.unwrap_or_default()),
        Failure::Transport(t) => transport_failure(op, t),
        Failure::InvalidRequest(message) => Error::InvalidInput {
            operation: *op,
            message,
        },
        Failure::InvalidPayload { message, .. } => Error::Decode {
            operation: *op,
            status: 200,
            source: jsonapi::DecodeError::Shape(message),
        },
    }
}

/// An error status of `op`: its kind, the JSON:API errors of its body (or an excerpt of a body
/// that has none), and `Retry-After`.
pub(crate) fn api_error(
    op: &Operation,
    status: u16,
    retry_after: Option<u64>,
    body: &[u8],
) -> Error {
    if (300..400).contains(&status) {
        // Not followed (see `http_client`): worth a trail, since it may be someone's attempt to
        // collect the credentials the request carries.
        tracing::warn!(operation = op.id, status, "redirect refused");
    }
    let errors = jsonapi::decode_errors(body);
    let body_excerpt = if errors.is_empty() && !body.is_empty() {
        let mut s: String = String::from_utf8_lossy(&body[..body.len().min(120)]).into_owned();
        s.retain(|c| !c.is_control());
        Some(s)
    } else {
        None
    };
    Error::Api(ApiError {
        status,
        kind: ApiErrorKind::from_status(status),
        operation: *op,
        errors,
        body_excerpt,
        retry_after,
    })
}
