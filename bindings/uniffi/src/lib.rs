//! # bigcartel-uniffi
//!
//! The [`bigcartel`] client for Python, Kotlin and Swift, through [uniffi](https://mozilla.github.io/uniffi-rs/)
//! proc-macros. This crate is thin: a [`Client`] object over the core's client, records for the
//! resolved models, inputs and pages and `decode_*` functions (generated from the spec into
//! `generated.rs` by `cargo xtask codegen`), one error enum per surface, and the core's webhook
//! verification.
//! Every behaviour (JSON:API resolution, paging, retries, signatures) is the core's.
//!
//! Async methods run on one process-wide tokio runtime: `async_runtime = "tokio"` wraps each
//! future in `async_compat`, whose runtime is a `static` that is never dropped, so no runtime is
//! ever torn down on a foreign (GC or event-loop) thread. The core's client holds no runtime of
//! its own, so dropping a [`Client`] anywhere is safe.
//!
//! ```
//! use bigcartel_uniffi::{Client, ClientOptions};
//!
//! let client = Client::bearer(
//!     "ACCESS-TOKEN".into(),
//!     ClientOptions { user_agent: "MyApp (me@example.com)".into(), account_id: Some("12345".into()), ..Default::default() },
//! )
//! .unwrap();
//! assert!(!format!("{client:?}").contains("ACCESS-TOKEN"));
//! ```
//!
//! The items' own docs become the Python, Kotlin and Swift docs, so they hold no Rust; the Rust
//! examples are here. Decoding a body fetched by other means, and a body that is not a document:
//!
//! ```
//! use bigcartel_uniffi::{decode_products, DocumentError};
//! let body = br#"{"data":[{"type":"products","id":"1","attributes":{"default_price":"20.0"}}]}"#;
//! let products = decode_products(body.to_vec()).unwrap();
//! assert_eq!(products[0].default_price.as_deref(), Some("20.0"));
//! assert!(matches!(decode_products(b"<html>".to_vec()), Err(DocumentError::NotJson { .. })));
//! ```
//!
//! Webhooks:
//!
//! ```
//! use bigcartel_uniffi::{sign_webhook, verify_webhook, WebhookError};
//! let sig = sign_webhook(b"s3cret".to_vec(), b"{}".to_vec());
//! assert_eq!(verify_webhook(b"s3cret".to_vec(), b"{}".to_vec(), Some(sig)), Ok(()));
//! assert_eq!(verify_webhook(b"s3cret".to_vec(), b"{}".to_vec(), None), Err(WebhookError::MissingHeader));
//! ```
// Unsafe code is denied everywhere but `c_abi`, the one plain C function (see there why).
#![deny(unsafe_code)]
#![warn(missing_docs)]

use std::sync::Arc;

uniffi::setup_scaffolding!();

// Generated from the spec by `cargo xtask codegen`; formatted by the generator, not rustfmt.
#[rustfmt::skip]
#[allow(missing_docs, clippy::all, clippy::pedantic)]
mod generated;
pub use generated::*;
mod c_abi;
mod json;
pub use json::resolve_json;
mod value;
pub use value::{ExtraRelationship, JsonValue};
mod fill;
pub use fill::{FillReport, FilledOrders};
mod timestamp;
pub use timestamp::DateTimeText;

/// A Big Cartel API client. Construct it with `bearer` (an OAuth access token) or `basic` (a
/// store's subdomain and password); every operation is an async method.
#[derive(Debug, uniffi::Object)]
pub struct Client {
    inner: bigcartel::Client,
}

#[uniffi::export(async_runtime = "tokio")]
impl Client {
    /// A client authenticating with an OAuth access token (`Authorization: Bearer`).
    #[uniffi::constructor]
    pub fn bearer(token: String, options: ClientOptions) -> Result<Arc<Self>, BigCartelError> {
        let inner = options.builder().bearer(token).build()?;
        Ok(Arc::new(Client { inner }))
    }

    /// A client authenticating with HTTP Basic: a store's subdomain and password (personal projects).
    #[uniffi::constructor]
    pub fn basic(
        username: String,
        password: String,
        options: ClientOptions,
    ) -> Result<Arc<Self>, BigCartelError> {
        let inner = options.builder().basic(username, password).build()?;
        Ok(Arc::new(Client { inner }))
    }

    /// The account id: the configured one, or the first account the credentials can access.
    pub async fn account_id(&self) -> Result<String, BigCartelError> {
        Ok(self.inner.account_id().await?)
    }
}

/// How `<operation>_all` methods page through a list. Absent values take the core's defaults
/// (100 items per request, one page at a time, from the start).
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct PageOptions {
    /// Items per request (`page[limit]`).
    #[uniffi(default)]
    pub page_size: Option<i64>,
    /// Pages fetched at once once the total is known.
    #[uniffi(default)]
    pub concurrency: Option<u32>,
    /// Where to start (`page[offset]`).
    #[uniffi(default)]
    pub start_offset: Option<i64>,
    /// At most this many requests (20,000 by default); past it the list fails with a paging error.
    #[uniffi(default)]
    pub max_pages: Option<u64>,
    /// At most this many items (1,000,000 by default); past it the list fails with a paging error.
    #[uniffi(default)]
    pub max_items: Option<u64>,
}

impl From<PageOptions> for bigcartel::PageOptions {
    fn from(o: PageOptions) -> Self {
        let d = bigcartel::PageOptions::default();
        bigcartel::PageOptions {
            page_size: o.page_size.unwrap_or(d.page_size),
            concurrency: o.concurrency.map_or(d.concurrency, |c| c as usize),
            start_offset: o.start_offset.unwrap_or(d.start_offset),
            max_pages: o.max_pages.unwrap_or(d.max_pages),
            max_items: o.max_items.unwrap_or(d.max_items),
        }
    }
}

/// Counts cross the boundary as signed 64-bit integers: `Long` in Kotlin, `Int64` in Swift, the
/// types those languages use for sizes (their unsigned types are awkward to use).
pub(crate) fn saturating_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// One JSON:API error object, as the API sent it in `errors`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ErrorDetail {
    /// The HTTP status, as a string.
    pub status: Option<String>,
    /// An application-specific code.
    pub code: Option<String>,
    /// A short summary.
    pub title: Option<String>,
    /// What went wrong in this case.
    pub detail: Option<String>,
    /// `source.pointer` or `source.parameter`: what in the request caused it.
    pub source: Option<String>,
}

/// Every way a client call can fail. `reason` is the core's message: the operation, method and
/// path, and what went wrong; never a credential.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum BigCartelError {
    /// The API answered with an error status.
    #[error("{reason}")]
    Api {
        /// The message.
        reason: String,
        /// The HTTP status code.
        status: i32,
        /// What the status means.
        kind: ApiErrorKind,
        /// The spec's operationId (`getOrder`).
        operation_id: String,
        /// The JSON:API error objects, when the body was an error document.
        errors: Vec<ErrorDetail>,
        /// The start of the body when it was not an error document (an HTML 502 page, say).
        body_excerpt: Option<String>,
        /// `Retry-After`, in seconds, when the API sent one.
        retry_after_secs: Option<i64>,
    },
    /// A success status with a body that is not the expected document.
    #[error("{reason}")]
    Decode {
        /// The message, with the start of the body.
        reason: String,
        /// The HTTP status code.
        status: i32,
        /// The spec's operationId.
        operation_id: String,
    },
    /// The request failed below HTTP: connection, timeout, broken body.
    #[error("{reason}")]
    Transport {
        /// The message (URLs and credentials removed).
        reason: String,
        /// What kind of failure.
        kind: TransportKind,
        /// The spec's operationId.
        operation_id: String,
    },
    /// Paging stopped: the list went past `max_pages`/`max_items`, or the server sent the same
    /// page again instead of the next one.
    #[error("{reason}")]
    Paging {
        /// Why paging stopped.
        reason: String,
        /// The spec's operationId.
        operation_id: String,
    },
    /// An argument could not be sent (an empty id list, an invalid value...).
    #[error("{reason}")]
    InvalidInput {
        /// What was wrong.
        reason: String,
        /// The spec's operationId.
        operation_id: String,
    },
    /// The client was configured wrongly (bad base URL, bad User-Agent, no credentials).
    #[error("{reason}")]
    Config {
        /// What was wrong.
        reason: String,
    },
}

impl From<bigcartel::Error> for BigCartelError {
    fn from(e: bigcartel::Error) -> Self {
        let reason = e.to_string();
        let operation_id = e.operation().map(|o| o.id.to_string()).unwrap_or_default();
        match e {
            bigcartel::Error::Api(api) => BigCartelError::Api {
                reason,
                status: api.status.into(),
                kind: api.kind.into(),
                operation_id,
                errors: api
                    .errors
                    .into_iter()
                    .map(|o| ErrorDetail {
                        status: o.status,
                        code: o.code,
                        title: o.title,
                        detail: o.detail,
                        source: o.source,
                    })
                    .collect(),
                body_excerpt: api.body_excerpt,
                retry_after_secs: api.retry_after.map(saturating_i64),
            },
            bigcartel::Error::Decode { status, .. } => BigCartelError::Decode {
                reason,
                status: status.into(),
                operation_id,
            },
            bigcartel::Error::Transport { kind, .. } => BigCartelError::Transport {
                reason,
                kind: kind.into(),
                operation_id,
            },
            bigcartel::Error::Paging { .. } => BigCartelError::Paging {
                reason,
                operation_id,
            },
            bigcartel::Error::InvalidInput { .. } => BigCartelError::InvalidInput {
                reason,
                operation_id,
            },
            _ => BigCartelError::Config { reason },
        }
    }
}

/// Why a body given to a `decode_*` function is not the JSON:API document it should be (the core's
/// decoding error). `reason` is the core's message; `NotJson` quotes the body's start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum DocumentError {
    /// The body was empty.
    #[error("{reason}")]
    Empty {
        /// The message.
        reason: String,
    },
    /// The body is not JSON (an HTML page, a truncated body, invalid UTF-8...).
    #[error("{reason}")]
    NotJson {
        /// The message, with the parser's line and column.
        reason: String,
        /// The first bytes of the body, lossily decoded.
        excerpt: String,
    },
    /// Valid JSON, but not a document of the expected shape (`data` missing, one resource where a
    /// list was expected...).
    #[error("{reason}")]
    Shape {
        /// The message.
        reason: String,
    },
    /// One resource's attributes have the wrong types.
    #[error("{reason}")]
    Attribute {
        /// The message.
        reason: String,
        /// The resource's JSON:API `type`.
        resource_type: String,
        /// The resource's `id`.
        id: String,
    },
}

impl From<bigcartel::jsonapi::DecodeError> for DocumentError {
    fn from(e: bigcartel::jsonapi::DecodeError) -> Self {
        use bigcartel::jsonapi::DecodeError as D;
        let reason = e.to_string();
        match e {
            D::Empty => Self::Empty { reason },
            D::NotJson { excerpt, .. } => Self::NotJson { reason, excerpt },
            D::Attribute {
                resource_type, id, ..
            } => Self::Attribute {
                reason,
                resource_type,
                id,
            },
            _ => Self::Shape { reason },
        }
    }
}

/// Why a webhook signature was rejected (the core's `VerifyError`). None carries the secret or
/// echoes the received signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum WebhookError {
    /// The request had no `X-Webhook-Signature` header.
    #[error("missing X-Webhook-Signature header")]
    MissingHeader,
    /// The header was present but empty.
    #[error("X-Webhook-Signature header is empty")]
    Empty,
    /// The header had leading or trailing whitespace.
    #[error("X-Webhook-Signature header has leading or trailing whitespace")]
    WhitespacePadded,
    /// The header was not 64 characters long; `len` is its length in bytes.
    #[error("X-Webhook-Signature header must be 64 hex characters, got {len} bytes")]
    WrongLength {
        /// Length of the received header value, in bytes.
        len: i64,
    },
    /// The header contained a non-hex character at byte `index`.
    #[error("X-Webhook-Signature header has a non-hex character at byte {index}")]
    NonHex {
        /// Byte offset of the first non-hex character.
        index: i64,
    },
    /// The secret was empty: refused as a configuration error.
    #[error("webhook secret is empty (check your client secret configuration)")]
    EmptySecret,
    /// The header is not the HMAC-SHA256 of this body with this secret.
    #[error("X-Webhook-Signature does not match the request body")]
    Mismatch,
}

impl From<bigcartel::webhook::VerifyError> for WebhookError {
    fn from(e: bigcartel::webhook::VerifyError) -> Self {
        use bigcartel::webhook::VerifyError as V;
        match e {
            V::MissingHeader => Self::MissingHeader,
            V::Empty => Self::Empty,
            V::WhitespacePadded => Self::WhitespacePadded,
            V::WrongLength { len } => Self::WrongLength {
                len: saturating_i64(len as u64),
            },
            V::NonHex { index } => Self::NonHex {
                index: saturating_i64(index as u64),
            },
            V::EmptySecret => Self::EmptySecret,
            _ => Self::Mismatch,
        }
    }
}

/// Verifies a webhook: `secret` is your client secret, `body` the raw request body byte for byte,
/// `signature_header` the `X-Webhook-Signature` value (absent if the request had none). The core's
/// check, with a constant-time comparison; a mismatch is a `WebhookError`.
#[uniffi::export]
pub fn verify_webhook(
    secret: Vec<u8>,
    body: Vec<u8>,
    signature_header: Option<String>,
) -> Result<(), WebhookError> {
    Ok(bigcartel::webhook::verify(
        &secret,
        &body,
        signature_header.as_deref(),
    )?)
}

/// `verify_webhook` with every argument passed by reference, so that nothing is copied into a
/// buffer first: `signature_header` is the header's UTF-8 bytes, and `has_header` says whether
/// the request had one. Python's `verify_webhook` calls it (each copied argument costs Python
/// several calls across the FFI); in Kotlin the byte arguments are direct `ByteBuffer`s.
#[uniffi::export]
pub fn verify_webhook_borrowed(
    secret: &[u8],
    body: &[u8],
    signature_header: &[u8],
    has_header: bool,
) -> Result<(), WebhookError> {
    let header = match (has_header, std::str::from_utf8(signature_header)) {
        (false, _) => None,
        (true, Ok(text)) => Some(text),
        (true, Err(e)) => {
            return Err(WebhookError::NonHex {
                index: saturating_i64(e.valid_up_to() as u64),
            });
        }
    };
    Ok(bigcartel::webhook::verify(secret, body, header)?)
}

/// The `X-Webhook-Signature` value for `body` (the core's signing): for tests and mock servers.
/// Check incoming webhooks with `verify_webhook`, not by comparing strings.
#[uniffi::export]
pub fn sign_webhook(secret: Vec<u8>, body: Vec<u8>) -> String {
    bigcartel::webhook::sign(&secret, &body)
}
