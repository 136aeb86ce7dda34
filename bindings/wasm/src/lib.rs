//! The Rust side of the npm package: a thin wasm-bindgen layer over the `bigcartel` core.
//!
//! Nothing here decides anything the core does not: every API call is one of the core
//! [`bigcartel::Client`]'s methods, webhook verification is [`bigcartel::webhook::verify`], paging
//! is [`bigcartel::pagination::paginate`]. This crate only converts arguments and results between
//! JavaScript and Rust and turns [`bigcartel::Error`] into JavaScript `Error` subclasses (from
//! `js/errors.js`). Models cross the boundary as JSON, so money stays an exact decimal string.
//!
//! The per-operation methods and the TypeScript types of models, inputs and parameters are
//! generated from the spec into `generated.rs` by `cargo xtask codegen`. `cargo xtask wasm` builds
//! the npm package under `build/npm/`: with the default `client` feature for the main entry, and
//! without it for the `<pkg>/webhooks` entry (verification only, no HTTP stack).
#![warn(missing_docs)]

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
