//! # bigcartel
//!
//! A client for the [Big Cartel API](https://developers.bigcartel.com/api/v1), generated from
//! `spec/bigcartel.v1.yaml` and wrapped so that you work with resolved models: a
//! [`models::Product`] carries its options, categories, artists, shipping options and images; an
//! [`models::Order`] its line items, country and currency. Money stays an exact decimal string.
//!
//! ```no_run
//! # async fn run() -> Result<(), bigcartel::Error> {
//! use bigcartel::{Client, ListProductsParams, PageOptions};
//! use futures::TryStreamExt;
//!
//! let client = Client::builder("MyApp (me@example.com)").bearer("ACCESS-TOKEN").build()?;
//! let product = client.get_product("123").await?;
//! for option in &product.options {
//!     println!("{:?} {:?}", option.name, option.price);
//! }
//! // Every order, 4 pages at a time, in constant memory.
//! let opts = PageOptions { concurrency: 4, ..Default::default() };
//! let orders: Vec<_> = client.list_orders_stream(Default::default(), opts).try_collect().await?;
//! # Ok(()) }
//! ```
//!
//! Without the default `client` feature the crate is only models, JSON:API decoding and webhook
//! verification: no HTTP stack, small enough for edge runtimes.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod dynamic;

// The crate README's example is compiled with the doctests, so it cannot go stale.
#[cfg(all(doctest, feature = "client"))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

pub mod error;
pub mod image;
pub mod jsonapi;
pub use bigcartel_jsonapi::lenient;
pub mod money;
/// The retry policy and loop every request runs through (the shared [`api_runtime::retry`]).
pub use api_runtime::retry;
mod schema;
mod timestamp;
pub use timestamp::Timestamp;
pub mod webhook;

// Generated files are formatted by the generator (prettyplease), not rustfmt.
#[rustfmt::skip]
#[allow(missing_docs, clippy::all, clippy::pedantic)]
mod generated_models;

#[rustfmt::skip]
#[allow(clippy::all)]
mod generated_schema;

/// Resolved models, generated from the spec's resources.
pub mod models {
    pub use crate::generated_models::*;
}

pub use api_runtime::Secret;
pub use error::{ApiError, ApiErrorKind, Error, Operation, TransportKind};
pub use jsonapi::{DecodeError, Page};
#[cfg(feature = "client")]
pub use options::ClientOptions;
pub use retry::RetryPolicy;
pub use webhook::{WebhookError, WebhookEvent, verify_and_parse};

/// Response bodies read within a cap (the shared [`api_runtime::body`]).
#[cfg(feature = "client")]
pub use api_runtime::body;
#[cfg(feature = "client")]
mod classify;
#[cfg(feature = "client")]
mod client;
#[cfg(feature = "client")]
mod exchange;
#[cfg(feature = "client")]
pub mod fill;
#[cfg(feature = "client")]
#[rustfmt::skip]
#[allow(clippy::all)]
mod generated_operations;
#[cfg(feature = "client")]
#[rustfmt::skip]
#[allow(missing_docs, unused, clippy::all, clippy::pedantic)]
mod generated_raw;
#[cfg(feature = "client")]
mod hooks;
#[cfg(feature = "client")]
pub mod oauth;
#[cfg(feature = "client")]
mod options;
#[cfg(feature = "client")]
pub mod pagination;
#[cfg(feature = "client")]
mod transport;

#[cfg(feature = "client")]
pub use body::DEFAULT_MAX_RESPONSE_BYTES;
#[cfg(feature = "client")]
pub use client::{
    Client, ClientBuilder, Connections, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT,
    check_base_url, http_client_builder,
};
#[cfg(feature = "client")]
pub use fill::{FetchedProducts, FillReport};
#[cfg(feature = "client")]
pub use generated_operations::*;
#[cfg(feature = "client")]
pub use pagination::PageOptions;
#[cfg(feature = "client")]
pub use transport::{Auth, TransportStats};

/// The generated wire-level client (progenitor): one builder per operation, raw bodies.
#[cfg(feature = "client")]
pub mod raw {
    pub use crate::generated_raw::*;
}
