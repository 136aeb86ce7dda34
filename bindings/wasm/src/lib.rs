//! The Rust side of the npm package: a thin wasm-bindgen layer over the `bigcartel` core.
//!
//! Nothing here decides anything the core does not: every API call is a row of the core's
//! operation table sent by [`bigcartel::Client::call`] (the same headers, retries, errors and
//! JSON:API resolution as the typed methods, tested equal operation by operation), webhook
//! verification is [`bigcartel::webhook::verify`], paging is [`bigcartel::pagination::paginate`].
//! This crate only converts arguments and results between JavaScript and the core's JSON and turns
//! [`bigcartel::Error`] into JavaScript `Error` subclasses (from `js/errors.js`). Money stays an
//! exact decimal string.
//!
//! Going through the table keeps the module small: one compiled call path serves every operation,
//! and on wasm the core sends requests with the runtime's own `fetch` and reads URLs with its own
//! `URL`, so no HTTP or URL library is compiled in.
//!
//! The per-operation methods and the TypeScript types of models, inputs and parameters are
//! generated from the spec into `generated.rs` by `cargo xtask codegen`. `cargo xtask wasm` builds
//! the npm package under `build/npm/`: with the default `client` feature for the main entry, and
//! without it for the `<pkg>/webhooks` entry (verification only, no HTTP stack).
#![warn(missing_docs)]

// Dependencies kept only for the features they select in the shared build (see Cargo.toml):
// named here so cargo's unused-dependency check knows they are wanted.
#[cfg(target_arch = "wasm32")]
use idna_adapter as _;
#[cfg(target_arch = "wasm32")]
use tracing as _;

mod errors;
pub mod webhook;

#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "client")]
mod convert;
// Generated from the spec by `cargo xtask codegen`; formatted by the generator, not rustfmt.
#[cfg(feature = "client")]
#[rustfmt::skip]
#[allow(clippy::all)]
mod generated;

#[cfg(feature = "client")]
pub use client::{Client, OAuthApp};
