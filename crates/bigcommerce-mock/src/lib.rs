//! A stateful local BigCommerce v3 Carts API for tests and demos.
//!
//! It serves `spec/bigcommerce-carts.v3.yaml` under `/stores/{store_hash}/v3` and remembers:
//! create a cart and `getCart` returns it; add the same product twice and its line grows;
//! remove the last line item and the cart is gone (204). Prices come from a small catalog
//! ([`catalog`]) and are computed in integer cents: product promotions, a sale price, a
//! cart-level promotion from $100, coupons applied through the admin API.
//!
//! ```no_run
//! # async fn demo() -> Result<(), bigcommerce_mock::MockError> {
//! use bigcommerce_mock::{Faults, MockConfig, MockServer};
//!
//! let server = MockServer::start(MockConfig::default()).await?;
//! println!("{} (store {}, token {})", server.url(), server.store_hash(), server.token());
//! // The next two getCart requests answer 503.
//! server.set_faults(Faults { status: 503, count: 2, operation: Some("getCart".into()), ..Faults::default() });
//! server.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Beyond the spec:
//! * `X-Auth-Token` must be the configured token (401 otherwise); another store hash is a 404;
//! * validation failures are 422 with `errors` naming each field (`line_items.0.quantity`);
//! * 409 when a request's `version` is not the cart's, or when `updateCartLineItem` names another
//!   product or variant than the line's (a variant cannot change: remove the line, add another);
//! * product 126 has 3 in stock; more is a 422;
//! * the admin API under `/__mock` (reset, counters, faults, coupons, catalog) drives it from
//!   tests in any language.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
// Amounts in cents are grouped as dollars_cents (`25_00` is $25.00).
#![allow(clippy::inconsistent_digit_grouping)]

pub mod catalog;
mod error;
mod server;
pub mod store;
pub mod time;

pub use error::{ApiError, STATUS_DOCS};
pub use server::{Faults, MAX_BODY_BYTES, MockConfig, MockError, MockServer, Route, route};
