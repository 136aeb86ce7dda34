//! The pure rules of [`bigcartel-fulfillment`](https://docs.rs/bigcartel-fulfillment): how a
//! line's SKU is derived from its product's description and option ([`sku`]), and which shipping
//! code an order gets by destination ([`shipping`]).
//!
//! They are a crate of their own so that callers that only need the rules (the fuzz targets, for
//! one) build without the engine's HTTP server, database drivers and TLS. The engine re-exports
//! both modules, so `bigcartel_fulfillment::sku` is the same module.
//!
//! ```
//! use bigcartel_fulfillment_rules::sku::{derive_sku, SkuRules};
//! let sku = derive_sku(Some("Poster. SKU:POSTER-"), Some("A3"), &SkuRules::default()).unwrap();
//! assert_eq!(sku, "POSTER-A3");
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod shipping;
pub mod sku;
