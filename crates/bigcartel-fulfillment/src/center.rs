//! The fulfillment center, behind a trait: submit an order under an idempotency key, find a
//! submission by key, poll a shipment.
//!
//! The engine's exactly-once guarantee rests on one promise from the center: **a key names one
//! order**. Submitting again under a key the center already holds must not create a second order
//! (it returns the first one's reference, or [`CenterError::Conflict`]), and
//! [`FulfillmentCenter::find`] must see every submission the center accepted. The reference
//! service ([`crate::reference`]) and its client ([`crate::HttpCenter`]) keep that promise.

use std::future::Future;

use serde::{Deserialize, Serialize};

/// What is sent to the center for one Big Cartel order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FulfillmentOrder {
    /// The Big Cartel account (shop) id.
    pub account_id: String,
    /// The Big Cartel order id.
    pub order_id: String,
    /// `DOMESTIC_DEFAULT` or `INTERNATIONAL_DEFAULT`.
    pub shipping_code: String,
    /// The carrier service mapped to the code, if configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier_service: Option<String>,
    /// Where it goes.
    pub recipient: Recipient,
    /// What goes in the box.
    pub lines: Vec<FulfillmentLine>,
    /// The buyer's note, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The shipping address and contact of an order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    /// First and last name.
    pub name: String,
    /// The buyer's email, for delivery notices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Street address.
    pub address_1: String,
    /// Second address line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_2: Option<String>,
    /// City.
    pub city: String,
    /// State or province.
    pub state: String,
    /// Zip or postal code.
    pub zip: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
}

/// One line: a SKU and how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FulfillmentLine {
    /// The SKU derived by [`crate::sku::derive_sku`].
    pub sku: String,
    /// How many.
    pub quantity: i64,
    /// The Big Cartel line item id.
    pub line_item_id: String,
    /// The product's name, for people reading the center's records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_name: Option<String>,
    /// The option's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option_name: Option<String>,
}

/// The center's record of an accepted order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    /// The center's reference for the order.
    pub reference: String,
}

/// Where a submitted order stands at the center.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ShipmentStatus {
    /// Not shipped yet.
    Pending,
    /// Shipped.
    Shipped {
        /// The carrier, if the center says.
        #[serde(default)]
        carrier: Option<String>,
        /// The tracking number, if the center says.
        #[serde(default)]
        tracking_number: Option<String>,
    },
    /// The center will not ship it (out of stock, cancelled by the merchant...).
    Cancelled {
        /// Why.
        #[serde(default)]
        reason: Option<String>,
    },
}

/// Every way a call to the center can fail. The engine retries [`CenterError::Unavailable`]
/// later, holds the order on [`CenterError::Rejected`], and on [`CenterError::Conflict`] looks
/// the key up and keeps the center's existing order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CenterError {
    /// The center refused this order for good (an unknown SKU, a bad address...). Nothing was
    /// stored under the key.
    #[error("the fulfillment center rejected the order: {0}")]
    Rejected(String),
    /// The key is already used for a different order payload.
    #[error("the fulfillment center already holds a different order under this key: {0}")]
    Conflict(String),
    /// The center could not be reached or failed; the outcome of a submit is unknown.
    #[error("the fulfillment center is unavailable: {0}")]
    Unavailable(String),
    /// The center answered with a redirect. Redirects are not followed (they could send the
    /// order and the credentials elsewhere); the outcome of a submit is unknown, so it is
    /// retried like [`CenterError::Unavailable`].
    #[error(
        "the fulfillment center answered {status} (a redirect, not followed): check the center's URL"
    )]
    Redirect {
        /// The HTTP status.
        status: u16,
    },
    /// The center's client settings are unusable (a plain `http://` URL to a host other than
    /// this machine, an unparsable URL, incomplete credentials).
    #[error("the fulfillment center's settings: {0}")]
    Config(String),
}

/// A fulfillment center.
///
/// Implementations must keep the promise described in the [module docs](self): one order per key.
pub trait FulfillmentCenter: Send + Sync + 'static {
    /// Submits `order` under `key`. Submitting the same order again under the same key returns
    /// the same [`Submission`] and creates nothing.
    fn submit(
        &self,
        key: &str,
        order: &FulfillmentOrder,
    ) -> impl Future<Output = Result<Submission, CenterError>> + Send;

    /// The submission stored under `key`, if the center has one.
    fn find(
        &self,
        key: &str,
    ) -> impl Future<Output = Result<Option<Submission>, CenterError>> + Send;

    /// Where the order with this reference stands.
    fn shipment(
        &self,
        reference: &str,
    ) -> impl Future<Output = Result<ShipmentStatus, CenterError>> + Send;
}
