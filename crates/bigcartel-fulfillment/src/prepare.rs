//! Turning a Big Cartel order into the [`FulfillmentOrder`] sent to the center, or into the reason
//! it is held. Pure: product descriptions come in as a map, fetched by the engine.

use std::collections::HashMap;

use bigcartel::models::Order;

use crate::center::{FulfillmentLine, FulfillmentOrder, Recipient};
use crate::shipping::{ShippingError, ShippingRules};
use crate::sku::{SkuError, SkuRules, derive_sku};

/// Why an order is held instead of submitted. Held orders are checked again on every pass, so
/// fixing the cause (adding `SKU:` to a description, the payment completing) releases them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HoldReason {
    /// The payment is not completed (with `require_paid`).
    #[error("payment status is {0:?}, not \"completed\"")]
    Unpaid(String),
    /// The order has no line left to ship.
    #[error("the order has no items to ship")]
    NoItems,
    /// A line does not link to a product.
    #[error("line item {0} has no product")]
    NoProduct(String),
    /// A line's product no longer exists.
    #[error("product {0} of the order no longer exists")]
    ProductGone(String),
    /// A line's product gives no SKU.
    #[error("product {product_id} ({product_name}): {error}")]
    Sku {
        /// The product id.
        product_id: String,
        /// The product name (from the line).
        product_name: String,
        /// What is wrong with its description.
        error: SkuError,
    },
    /// A line has no usable quantity.
    #[error("line item {line_item_id} has no usable quantity ({quantity:?})")]
    BadQuantity {
        /// The line.
        line_item_id: String,
        /// What it says.
        quantity: Option<i64>,
    },
    /// The order has no street address.
    #[error("the order has no shipping address")]
    NoAddress,
    /// No shipping code could be chosen.
    #[error("{0}")]
    Shipping(#[from] ShippingError),
    /// The center refused the order.
    #[error("{0}")]
    Rejected(String),
}

/// What [`fulfillment_order`] needs besides the order.
#[derive(Debug, Clone)]
pub struct PrepareRules<'a> {
    /// The Big Cartel account id.
    pub account_id: &'a str,
    /// SKU rules.
    pub sku: &'a SkuRules,
    /// Shipping rules.
    pub shipping: &'a ShippingRules,
    /// Hold orders whose payment is not completed.
    pub require_paid: bool,
}

/// The product ids an order's lines link to whose description is missing from the order (list
/// responses link products without including them): the ones to fetch.
pub fn products_to_fetch(order: &Order) -> Vec<String> {
    let mut ids: Vec<String> = order
        .items
        .iter()
        .filter_map(|i| i.product.as_deref())
        .filter(|p| p.description.is_none())
        .map(|p| p.id.clone())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// Builds the center's order from a Big Cartel order.
///
/// `descriptions` maps product ids to their descriptions for products the order links without
/// their description: `Some(None)` is a product without description, a missing key a product that
/// no longer exists. Lines with `quantity_unshipped` of 0 are left out.
///
/// ```
/// use std::collections::HashMap;
/// use bigcartel::models::{Country, Order, OrderLineItem, Product, ProductOption};
/// use bigcartel_fulfillment::prepare::{fulfillment_order, PrepareRules};
/// use bigcartel_fulfillment::{shipping::ShippingRules, sku::SkuRules};
///
/// // Models are built with `new(id)` and their public fields (the structs are
/// // `#[non_exhaustive]`, so a field the spec gains breaks no caller).
/// let mut option = ProductOption::new("9");
/// option.name = Some("X-LARGE".into());
/// let mut item = OrderLineItem::new("7");
/// item.quantity = Some(2);
/// item.product = Some(Box::new(Product::new("55")));
/// item.product_option = Some(Box::new(option));
/// let mut order = Order::new("1001");
/// order.payment_status = Some("completed".into());
/// order.customer_first_name = Some("Ana".into());
/// order.customer_last_name = Some("Silva".into());
/// order.shipping_address_1 = Some("1 Main St".into());
/// order.shipping_country = Some(Box::new(Country::new("CA")));
/// order.items = vec![item];
/// let descriptions = HashMap::from([("55".to_string(), Some("A shirt. SKU:SHIRT-".to_string()))]);
/// let shipping = ShippingRules::new("US").unwrap();
/// let rules = PrepareRules { account_id: "42", sku: &SkuRules::default(), shipping: &shipping, require_paid: true };
/// let fo = fulfillment_order(&order, &descriptions, &rules).unwrap();
/// assert_eq!(fo.lines[0].sku, "SHIRT-X-LARGE");
/// assert_eq!(fo.shipping_code, "INTERNATIONAL_DEFAULT");
/// ```
pub fn fulfillment_order(
    order: &Order,
    descriptions: &HashMap<String, Option<String>>,
    rules: &PrepareRules<'_>,
) -> Result<FulfillmentOrder, HoldReason> {
    if rules.require_paid {
        let status = order
            .payment_status
            .as_ref()
            .map_or("unknown", |s| s.as_str());
        if status != "completed" {
            return Err(HoldReason::Unpaid(status.into()));
        }
    }
    let country = order.shipping_country.as_ref().map(|c| c.id.as_str());
    let method = rules.shipping.method(country)?;
    let address_1 = order
        .shipping_address_1
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .ok_or(HoldReason::NoAddress)?;

    let mut lines = Vec::new();
    for item in &order.items {
        let quantity = item.quantity_unshipped.or(item.quantity);
        match quantity {
            Some(0) if item.quantity_unshipped == Some(0) => continue,
            Some(q) if q >= 1 => {}
            _ => {
                return Err(HoldReason::BadQuantity {
                    line_item_id: item.id.clone(),
                    quantity,
                });
            }
        }
        let product = item
            .product
            .as_deref()
            .ok_or_else(|| HoldReason::NoProduct(item.id.clone()))?;
        let description = match &product.description {
            Some(d) => Some(d.as_str()),
            None => descriptions
                .get(&product.id)
                .ok_or_else(|| HoldReason::ProductGone(product.id.clone()))?
                .as_deref(),
        };
        let option_name = item
            .product_option
            .as_ref()
            .and_then(|o| o.name.as_deref())
            .or(item.product_option_name.as_deref());
        let sku =
            derive_sku(description, option_name, rules.sku).map_err(|error| HoldReason::Sku {
                product_id: product.id.clone(),
                product_name: item
                    .product_name
                    .clone()
                    .or_else(|| product.name.clone())
                    .unwrap_or_default(),
                error,
            })?;
        lines.push(FulfillmentLine {
            sku,
            quantity: quantity.unwrap_or(1),
            line_item_id: item.id.clone(),
            product_name: item.product_name.clone(),
            option_name: option_name.map(str::to_string),
        });
    }
    if lines.is_empty() {
        return Err(HoldReason::NoItems);
    }
    let name = [&order.customer_first_name, &order.customer_last_name]
        .into_iter()
        .filter_map(|n| n.as_deref().map(str::trim).filter(|n| !n.is_empty()))
        .collect::<Vec<_>>()
        .join(" ");
    let text = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or("").to_string();
    Ok(FulfillmentOrder {
        account_id: rules.account_id.to_string(),
        order_id: order.id.clone(),
        shipping_code: method.code.as_str().to_string(),
        carrier_service: method.service,
        recipient: Recipient {
            name,
            email: order.customer_email.clone(),
            address_1: address_1.to_string(),
            address_2: order
                .shipping_address_2
                .clone()
                .filter(|a| !a.trim().is_empty()),
            city: text(&order.shipping_city),
            state: text(&order.shipping_state),
            zip: text(&order.shipping_zip),
            country: country
                .map(|c| c.trim().to_ascii_uppercase())
                .unwrap_or_default(),
        },
        lines,
        note: order.customer_note.clone().filter(|n| !n.trim().is_empty()),
    })
}

/// The idempotency key of an order: stable, so a resubmission after any crash, or even after the
/// ledger is lost, names the same order at the center.
///
/// ```
/// assert_eq!(bigcartel_fulfillment::prepare::idempotency_key("12345", "1001"), "bigcartel-12345-1001");
/// ```
pub fn idempotency_key(account_id: &str, order_id: &str) -> String {
    format!("bigcartel-{account_id}-{order_id}")
}
