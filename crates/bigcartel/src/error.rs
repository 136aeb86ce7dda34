//! The one error type of every client call. It carries what a user needs to act (status, the
//! JSON:API error details, the operation, method and path) and never a credential.

use crate::jsonapi::{DecodeError, ErrorObject};
use std::fmt;

pub use api_runtime::{Operation, TransportKind};

/// What kind of HTTP error status the API answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub enum ApiErrorKind {
    /// 3xx: the API answered with a redirect. Redirects are never followed: one could carry the
    /// request's credentials to another host, or from https to plain http.
    Redirect,
    /// 400: missing or invalid parameters (also: no User-Agent).
    BadRequest,
    /// 401: invalid credentials.
    Unauthorized,
    /// 402: valid parameters, but the request failed.
    RequestFailed,
    /// 404: the item does not exist.
    NotFound,
    /// 406: something is wrong with the request, usually missing headers.
    NotAcceptable,
    /// 429: too many requests.
    RateLimited,
    /// 5xx: something is wrong on Big Cartel's end.
    Server,
    /// Any other status.
    Other,
}

impl ApiErrorKind {
    /// The kind's name in every facade (`not_found`): JavaScript's `kind`, and the text the
    /// generated TypeScript union and uniffi enum are checked against.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Redirect => "redirect",
            Self::BadRequest => "bad_request",
            Self::Unauthorized => "unauthorized",
            Self::RequestFailed => "request_failed",
            Self::NotFound => "not_found",
            Self::NotAcceptable => "not_acceptable",
            Self::RateLimited => "rate_limited",
            Self::Server => "server",
            Self::Other => "other",
        }
    }

    /// The kind of a status code.
    pub fn from_status(status: u16) -> Self {
        match status {
            300..=399 => Self::Redirect,
            400 => Self::BadRequest,
            401 => Self::Unauthorized,
            402 => Self::RequestFailed,
            404 => Self::NotFound,
            406 => Self::NotAcceptable,
            429 => Self::RateLimited,
            500..=599 => Self::Server,
            _ => Self::Other,
        }
    }
}

/// An error status from the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status code.
    pub status: u16,
    /// What the status means.
    pub kind: ApiErrorKind,
    /// The operation (operationId, method, path template).
    pub operation: Operation,
    /// The JSON:API error objects, when the body was an error document.
    pub errors: Vec<ErrorObject>,
    /// The start of the body when it was not an error document (an HTML 502 page, say).
    pub body_excerpt: Option<String>,
    /// `Retry-After`, in seconds, when the API sent one.
    pub retry_after: Option<u64>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = &self.operation;
        write!(
            f,
            "{} {} ({}) failed with {}",
            op.method, op.path, op.id, self.status
        )?;
        if self.kind == ApiErrorKind::Redirect {
            write!(f, " (a redirect, not followed)")?;
        }
        // The server's words are printed without control characters: a message ends up on
        // terminals and in logs, where an escape sequence could rewrite what the reader sees.
        // The error objects keep them as sent.
        match self.errors.first() {
            Some(e) => {
                if let Some(t) = &e.title {
                    write!(f, " {}", Printable(t))?;
                }
                if let Some(d) = &e.detail {
                    write!(f, ": {}", Printable(d))?;
                }
                if self.errors.len() > 1 {
                    write!(f, " (and {} more)", self.errors.len() - 1)?;
                }
            }
            None => {
                if let Some(b) = &self.body_excerpt {
                    write!(f, "; body starts {b:?}")?;
                }
            }
        }
        Ok(())
    }
}

/// Text from the network as it may be shown: each run of control characters (C0, DEL, C1:
/// escape sequences, bells, line breaks) becomes one space.
struct Printable<'a>(&'a str);

impl fmt::Display for Printable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut in_control = false;
        for c in self.0.chars() {
            if c.is_control() {
                if !in_control {
                    f.write_str(" ")?;
                }
                in_control = true;
            } else {
                in_control = false;
                fmt::Write::write_char(f, c)?;
            }
        }
        Ok(())
    }
}

/// Every way a client call can fail.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error status.
    #[error("{0}")]
    Api(ApiError),
    /// The API answered with a success status but a body that is not the expected document.
    #[error("{} {} ({}): could not decode the {status} response: {source}", .operation.method, .operation.path, .operation.id)]
    Decode {
        /// The operation.
        operation: Operation,
        /// The HTTP status.
        status: u16,
        /// Why decoding failed.
        source: DecodeError,
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
    /// Paging was stopped: the server kept sending pages past the stream's cap
    /// ([`crate::PageOptions`]'s `max_pages`/`max_items`), or sent a page that repeats the one
    /// before it, so following it would never end.
    #[error("{} {} ({}): paging stopped: {message}", .operation.method, .operation.path, .operation.id)]
    Paging {
        /// The operation.
        operation: Operation,
        /// Why paging stopped.
        message: String,
    },
    /// An argument could not be sent (empty id list, an invalid value...).
    #[error("{} ({}): invalid input: {message}", .operation.method, .operation.id)]
    InvalidInput {
        /// The operation.
        operation: Operation,
        /// What was wrong.
        message: String,
    },
    /// The client was configured wrongly (bad base URL, bad User-Agent, no credentials).
    #[error("invalid configuration: {0}")]
    Config(String),
}

impl Error {
    pub(crate) fn invalid_input(op: &Operation, message: String) -> Self {
        Error::InvalidInput {
            operation: *op,
            message,
        }
    }

    /// The HTTP status, when the API answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The operation that failed, when there was one.
    pub fn operation(&self) -> Option<&Operation> {
        match self {
            Error::Api(e) => Some(&e.operation),
            Error::Decode { operation, .. }
            | Error::Transport { operation, .. }
            | Error::Paging { operation, .. }
            | Error::InvalidInput { operation, .. } => Some(operation),
            Error::Config(_) => None,
        }
    }
}

/// The snake_case of the variant a `{:?}` shows (`WrongLength { len: 3 }` → `wrong_length`):
/// the name the generator gives it in every facade, for the tests that hold each enum's
/// run-time names to it.
#[cfg(test)]
pub(crate) fn snake_case_of_variant(debug: &str) -> String {
    let name = debug.split([' ', '(', '{']).next().unwrap_or_default();
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The facades' names are the snake_case of the variants: what the generator writes into
    /// TypeScript from the enum's source, `as_str()` answers at run time.
    #[test]
    fn kind_names_are_the_snake_case_of_the_variants() {
        let snake = |debug: String| snake_case_of_variant(&debug);
        let mut seen = std::collections::BTreeSet::new();
        for status in 0..1000u16 {
            let kind = ApiErrorKind::from_status(status);
            assert_eq!(kind.as_str(), snake(format!("{kind:?}")));
            seen.insert(kind.as_str());
        }
        assert_eq!(seen.len(), 9, "{seen:?}");
        for kind in [
            TransportKind::Connect,
            TransportKind::Timeout,
            TransportKind::Body,
            TransportKind::TooLarge,
            TransportKind::Other,
        ] {
            assert_eq!(kind.as_str(), snake(format!("{kind:?}")));
        }
        let reasons = [
            DecodeError::Empty,
            DecodeError::NotJson {
                message: String::new(),
                excerpt: String::new(),
            },
            DecodeError::Shape(String::new()),
            DecodeError::Attribute {
                resource_type: String::new(),
                id: String::new(),
                message: String::new(),
            },
        ];
        for r in reasons {
            assert_eq!(r.reason(), snake(format!("{r:?}")));
        }
    }
}
