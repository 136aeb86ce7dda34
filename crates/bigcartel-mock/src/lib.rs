//! A stateful local Big Cartel API server for tests and demos.
//!
//! Like stripe-mock, but it remembers: create an artist and it shows up in
//! `listArtists`; update an order and `getOrder` returns the change. The shop
//! is generated from a seed (same seed, same bytes), faults can be injected
//! deterministically, broken responses can be replayed, and state changes are
//! announced as signed webhooks.
//!
//! ```no_run
//! # async fn demo() -> Result<(), bigcartel_mock::MockError> {
//! use bigcartel_mock::{FaultConfig, MockConfig, MockServer};
//!
//! let server = MockServer::start(MockConfig { products: 10, ..MockConfig::default() }).await?;
//! println!("{} account {}", server.url(), server.account_id());
//! // ... point a client at server.url() with `Authorization: Bearer mock-token` ...
//! server.set_faults(FaultConfig { error_503_rate: 1.0, ..FaultConfig::default() }.at_most(2));
//! assert_eq!(server.counters().writes_for("artists").creates, 0);
//! server.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! The wire contract is `spec/bigcartel.v1.yaml`. Beyond it:
//!
//! * every request needs a non-empty `User-Agent` (400); JSON:API requests
//!   need `Accept` with `application/vnd.api+json`, `application/*` or `*/*`
//!   (406), credentials (401) and JSON bodies
//!   with `Content-Type: application/vnd.api+json` (415);
//! * `page[limit]` defaults to 20 and is clamped to 100;
//! * `listOrders` defaults to `sort=-created_at`, `listProducts` to
//!   `sort=position`, `listDiscounts` to id order;
//! * the admin API under `/__mock` (see [`admin`]) and `/__canned/{kind}/...`
//!   (see [`CannedResponse`]) let tests in any language drive the mock.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod admin;
mod app;
mod authorize;
mod canned;
mod config;
mod counters;
pub mod countries;
mod faults;
pub mod fleet;
mod handlers;
mod jsonapi;
pub mod money;
mod ops;
mod read_cache;
mod seed;
mod server;
mod store;
pub mod time;
pub mod webhooks;

pub use config::{CannedResponse, FaultConfig, MockConfig};
pub use counters::{Counters, WriteCounts};
pub use handlers::{DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT};
pub use jsonapi::{ApiError, MEDIA_TYPE};
pub use ops::{Operation, Route, RouteError, route};
pub use server::{MAX_BODY_BYTES, MockError, MockServer, serve_forever};
pub use store::{
    Account, Artist, Category, Discount, LineItem, Order, OrderAdjustment, OrderEvent,
    OrderTransaction, Product, ProductImage, ProductOption, ShippingOption, Store, Taxon,
};
pub use webhooks::WebhookDelivery;
