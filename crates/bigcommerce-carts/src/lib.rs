//! # bigcommerce-carts
//!
//! A client for the [BigCommerce v3 Carts API](https://developer.bigcommerce.com/docs/rest-management/carts),
//! generated from `spec/bigcommerce-carts.v3.yaml` by the same `cargo xtask codegen` as the Big
//! Cartel core, with the core's credential handling and retry loop:
//!
//! - [`Client::builder`] takes the store hash and the API account's access token (a
//!   [`Secret`]: never in Debug output, logs or errors); requests carry it as `X-Auth-Token`;
//! - one method per operation, named after its operationId, returning the generated
//!   [`models`] (a [`models::Cart`] with its physical, digital and gift-certificate items,
//!   coupons, discounts and currency);
//! - every failure is one typed [`Error`]: BigCommerce's error document (title, per-field
//!   messages) for 4xx, transport failures without URLs or tokens, bad configuration;
//! - idempotent requests retry on connection failures, timeouts and 429/5xx through
//!   [`api_runtime::retry::execute_with_retry`], the loop the Big Cartel client uses.
//!
//! ```no_run
//! # async fn run() -> Result<(), bigcommerce_carts::Error> {
//! use bigcommerce_carts::{Client, Include, models::{CartAddItemsRequest, LineItemRequest}};
//!
//! let client = Client::builder("abc123", "ACCESS-TOKEN").build()?;
//! let cart = client.get_cart("bc218c65-7a32-4ab7-8082-68730c074d02", Include::item_options()).await?;
//! let items = cart.line_items.unwrap_or_default();
//! for item in &items.physical_items {
//!     println!("{:?} x{:?}: {:?}", item.name, item.quantity, item.options);
//! }
//! // Removing the last item deletes the cart: the API answers 204 and this gives None.
//! if let Some(item) = items.physical_items.first() {
//!     let after = client.delete_cart_line_item(cart.id.as_deref().unwrap_or_default(), item.id.as_deref().unwrap_or_default(), &[]).await?;
//!     println!("cart still exists: {}", after.is_some());
//! }
//! # Ok(()) }
//! ```
//!
//! Amounts are JSON numbers (`f64`) in the cart's currency; [`money::to_cents`] turns them into
//! exact integer minor units for arithmetic.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod client;
pub mod error;
mod transport;

// Generated files are formatted by the generator (prettyplease), not rustfmt.
#[rustfmt::skip]
#[allow(missing_docs, unused, clippy::all, clippy::pedantic)]
mod generated_raw;

pub use api_runtime::Secret;
pub use api_runtime::retry::{RetryPolicy, TransportStats};
pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL, Include};
pub use error::{ApiError, ApiErrorKind, Error, Operation, TransportKind};
pub use transport::AUTH_HEADER;

/// The generated wire-level client (progenitor): one builder per operation.
pub mod raw {
    pub use crate::generated_raw::*;
}

/// The API's objects, generated from the spec's schemas.
pub mod models {
    pub use crate::generated_raw::types::*;
}

/// Exact arithmetic on the API's amounts.
pub mod money {
    /// An amount in the cart's currency as integer minor units (cents), rounded to the nearest:
    /// the API's amounts have at most two decimals, which an `f64` holds to well within half a
    /// cent. `None` for amounts that are not finite or too large to be exact.
    ///
    /// ```
    /// use bigcommerce_carts::money::to_cents;
    /// assert_eq!(to_cents(27.95), Some(2795));
    /// assert_eq!(to_cents(0.1 + 0.2), Some(30));
    /// assert_eq!(to_cents(f64::NAN), None);
    /// ```
    pub fn to_cents(amount: f64) -> Option<i64> {
        // 2^53 cents: beyond it an f64 no longer holds every cent.
        const LIMIT: f64 = 9_007_199_254_740_992.0;
        let cents = (amount * 100.0).round();
        (cents.is_finite() && cents.abs() <= LIMIT).then_some(cents as i64)
    }
}
