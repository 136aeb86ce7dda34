//! The one error type of every call. It carries what a user needs to act (status, BigCommerce's
//! title and per-field messages, the operation) and never the access token.

use crate::raw::types::ErrorResponse;
pub use api_runtime::{Operation, TransportKind};
use std::collections::BTreeMap;
use std::fmt;

/// What kind of HTTP error status the API answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApiErrorKind {
    /// 400: the body is not valid JSON or not the expected object.
    BadRequest,
    /// 401: the access token is missing or wrong.
    Unauthorized,
    /// 403: the token lacks the scope (`store_cart`).
    Forbidden,
    /// 404: no such cart or line item.
    NotFound,
    /// 409: the change conflicts with the cart (its version moved on, or another product/variant).
    Conflict,
    /// 422: validation failed; see [`ApiError::errors`].
    Validation,
    /// 429: too many requests.
    RateLimited,
    /// 5xx: something is wrong on BigCommerce's end.
    Server,
    /// Any other status.
    Other,
}

impl ApiErrorKind {
    /// The kind of a status code.
    pub fn from_status(status: u16) -> Self {
        match status {
            400 => Self::BadRequest,
            401 => Self::Unauthorized,
            403 => Self::Forbidden,
            404 => Self::NotFound,
            409 => Self::Conflict,
            422 => Self::Validation,
            429 => Self::RateLimited,
            500..=599 => Self::Server,
            _ => Self::Other,
        }
    }
}

/// An error status from the API, with BigCommerce's error document when it sent one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status code.
    pub status: u16,
    /// What the status means.
    pub kind: ApiErrorKind,
    /// The operation (operationId, method, path template).
    pub operation: Operation,
    /// The document's `title`: what went wrong.
    pub title: Option<String>,
    /// The document's `detail`, when given.
    pub detail: Option<String>,
    /// The document's `errors`: field (`line_items.0.quantity`) to message, on validation failures.
    pub errors: BTreeMap<String, String>,
    /// The start of the body when it was not an error document (an HTML 502 page, say).
    pub body_excerpt: Option<String>,
    /// `Retry-After`, in seconds, when the API sent one.
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub(crate) fn new(
        operation: &Operation,
        status: u16,
        retry_after: Option<u64>,
        document: Option<ErrorResponse>,
        body: &[u8],
    ) -> Self {
        let document = document.or_else(|| {
            // Only an object is an error document; `null` or `[]` would decode to an empty one.
            serde_json::from_slice::<serde_json::Value>(body)
                .ok()
                .filter(|v| v.is_object())
                .and_then(|v| serde_json::from_value(v).ok())
        });
        let body_excerpt = match &document {
            None if !body.is_empty() => {
                let mut s = String::from_utf8_lossy(&body[..body.len().min(120)]).into_owned();
                s.retain(|c| !c.is_control());
                Some(s)
            }
            _ => None,
        };
        let (title, detail, errors) = match document {
            Some(d) => (
                d.title,
                d.detail,
                d.errors
                    .into_iter()
                    .map(|(field, message)| {
                        let message = match message {
                            serde_json::Value::String(s) => s,
                            other => other.to_string(),
                        };
                        (field, message)
                    })
                    .collect(),
            ),
            None => (None, None, BTreeMap::new()),
        };
        ApiError {
            status,
            kind: ApiErrorKind::from_status(status),
            operation: *operation,
            title,
            detail,
            errors,
            body_excerpt,
            retry_after,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = &self.operation;
        write!(
            f,
            "{} {} ({}) failed with {}",
            op.method, op.path, op.id, self.status
        )?;
        if let Some(t) = &self.title {
            write!(f, ": {t}")?;
        }
        if let Some(d) = &self.detail {
            write!(f, ": {d}")?;
        }
        if !self.errors.is_empty() {
            let fields: Vec<String> = self
                .errors
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect();
            write!(f, " ({})", fields.join("; "))?;
        }
        if self.title.is_none()
            && let Some(b) = &self.body_excerpt
        {
            write!(f, "; body starts {b:?}")?;
        }
        Ok(())
    }
}

/// Every way a call can fail.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error status (boxed: it is much larger than the others).
    #[error("{0}")]
    Api(Box<ApiError>),
    /// The API answered with a success status but a body that is not the expected document.
    #[error("{} {} ({}): could not decode the response: {message}", .operation.method, .operation.path, .operation.id)]
    Decode {
        /// The operation.
        operation: Operation,
        /// Why decoding failed.
        message: String,
    },
    /// The request failed below HTTP: connection, timeout, broken body.
    #[error("{} {} ({}): {message}", .operation.method, .operation.path, .operation.id)]
    Transport {
        /// The operation.
        operation: Operation,
        /// What kind of failure.
        kind: TransportKind,
        /// The underlying message (URLs and credentials removed).
        message: String,
    },
    /// An argument could not be sent (an empty id, a header value with line breaks...).
    #[error("{} ({}): invalid input: {message}", .operation.method, .operation.id)]
    InvalidInput {
        /// The operation.
        operation: Operation,
        /// What was wrong.
        message: String,
    },
    /// The client was configured wrongly (bad base URL or store hash, empty token).
    #[error("invalid configuration: {0}")]
    Config(String),
}

impl Error {
    /// The HTTP status, when the API answered with an error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            _ => None,
        }
    }

    /// The kind of error status, when the API answered with one.
    pub fn api_kind(&self) -> Option<ApiErrorKind> {
        match self {
            Error::Api(e) => Some(e.kind),
            _ => None,
        }
    }

    /// The operation that failed, when there was one.
    pub fn operation(&self) -> Option<&Operation> {
        match self {
            Error::Api(e) => Some(&e.operation),
            Error::Decode { operation, .. }
            | Error::Transport { operation, .. }
            | Error::InvalidInput { operation, .. } => Some(operation),
            Error::Config(_) => None,
        }
    }
}
