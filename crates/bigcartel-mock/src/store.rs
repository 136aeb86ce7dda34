//! The mock's state: one account and its artists, categories, products,
//! discounts and orders, plus OAuth tokens and a logical clock.
//!
//! [`crate::MockServer::snapshot`] hands out a clone for assertions.

use std::collections::{BTreeMap, BTreeSet};

use crate::time::Millis;

/// The shop.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct Account {
    pub id: u64,
    pub subdomain: String,
    pub store_name: String,
    pub description: String,
    pub contact_email: String,
    pub url: String,
    pub website: String,
    pub created_at: Millis,
    pub updated_at: Millis,
    pub under_maintenance: bool,
    pub inventory_enabled: bool,
    pub artists_enabled: bool,
    /// ISO 4217 code; `"USD"`.
    pub currency: String,
    /// ISO-2 home country; `"US"`.
    pub country: String,
    pub account_image_id: u64,
    pub account_image_url: String,
    /// `gold`, `platinum`, `diamond` or `titanium`.
    pub plan: String,
}

/// An artist or a category (same shape).
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct Taxon {
    pub id: u64,
    pub name: String,
    pub permalink: String,
    /// 1-based position.
    pub position: i64,
}

/// An artist.
pub type Artist = Taxon;
/// A category.
pub type Category = Taxon;

/// A product option (a size, a colour, "Default").
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct ProductOption {
    pub id: u64,
    pub name: String,
    pub price_cents: i64,
    pub quantity: i64,
    pub sold: i64,
}

/// Shipping prices to one country.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct ShippingOption {
    pub id: u64,
    pub country_id: String,
    pub price_alone_cents: i64,
    pub price_with_others_cents: i64,
}

/// A product image.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct ProductImage {
    pub id: u64,
    pub url: String,
}

/// A product.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct Product {
    pub id: u64,
    pub name: String,
    pub permalink: String,
    /// `active`, `hidden`, `sold_out` or `coming_soon`.
    pub status: String,
    /// Ends with `SKU:<CODE>-` for most products.
    pub description: String,
    pub created_at: Millis,
    pub updated_at: Millis,
    pub default_price_cents: i64,
    pub on_sale: bool,
    pub position: i64,
    pub url: String,
    pub options: Vec<ProductOption>,
    pub artist_ids: Vec<u64>,
    pub category_ids: Vec<u64>,
    pub shipping: Vec<ShippingOption>,
    pub images: Vec<ProductImage>,
}

impl Product {
    /// The SKU prefix parsed the way fulfillment services do: everything
    /// after the last `SKU:` in the description.
    pub fn sku_prefix(&self) -> Option<&str> {
        self.description
            .rfind("SKU:")
            .map(|i| &self.description[i + 4..])
    }
}

/// A discount code.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct Discount {
    pub id: u64,
    pub name: String,
    pub code: String,
    pub active_at: Millis,
    pub expires_at: Option<Millis>,
    /// `any_order`, `minimum_cart_total` or `minimum_cart_quantity`.
    pub requirement_type: String,
    /// `never`, `on_date` or `on_limit`.
    pub expiration_type: String,
    /// `percent_discount`, `flat_rate_discount` or `free_shipping`.
    pub reward_type: String,
    /// `all`, `category` or `product`.
    pub application_type: String,
    pub percent_discount: Option<i64>,
    pub flat_rate_discount_cents: Option<i64>,
    pub use_limit: Option<i64>,
    pub use_count: i64,
    pub minimum_cart_total_cents: Option<i64>,
    pub minimum_cart_quantity: Option<i64>,
    pub category_ids: Vec<u64>,
    pub product_ids: Vec<u64>,
}

impl Discount {
    /// `"expired"` once `expires_at` has passed (for `on_date`) or the use
    /// limit is reached (for `on_limit`), else `"active"`.
    pub fn status(&self, now: Millis) -> &'static str {
        let date_over =
            self.expiration_type == "on_date" && self.expires_at.is_some_and(|e| e <= now);
        let used_up = self.expiration_type == "on_limit"
            && self.use_limit.is_some_and(|limit| self.use_count >= limit);
        if date_over || used_up {
            "expired"
        } else {
            "active"
        }
    }
}

/// One line of an order.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct LineItem {
    pub id: u64,
    pub product_id: u64,
    pub product_option_id: u64,
    pub product_name: String,
    pub product_option_name: String,
    pub quantity: i64,
    pub price_cents: i64,
    pub image_url: String,
}

impl LineItem {
    /// `quantity * price`.
    pub fn total_cents(&self) -> i64 {
        self.quantity * self.price_cents
    }
}

/// Something that happened to an order.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct OrderEvent {
    pub id: u64,
    pub message: String,
    /// What the event is about (`payment_status`, `shipping_status`), as the live API names it;
    /// `None` where no identifier has been seen (the order being placed).
    pub identifier: Option<&'static str>,
    pub created_at: Millis,
}

/// A payment.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct OrderTransaction {
    pub id: u64,
    pub label: String,
    pub amount_cents: i64,
    /// `cash`, `paypal_standard`, `paypal_express` or `stripe`.
    pub processor: String,
    pub processor_id: Option<String>,
    pub processor_url: Option<String>,
}

/// A discount (negative) or tax (positive) line.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct OrderAdjustment {
    pub id: u64,
    /// The wire subtype: `discount`, `tax` or `shipping` (`order_adjustments/<kind>`).
    pub kind: &'static str,
    pub amount_cents: i64,
    /// The live API sends tax adjustments without a label.
    pub label: Option<String>,
}

/// An order.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct Order {
    pub id: u64,
    pub customer_first_name: String,
    pub customer_last_name: String,
    pub customer_email: String,
    pub customer_opted_in_to_marketing: bool,
    pub customer_note: Option<String>,
    pub shipping_address_1: String,
    pub shipping_address_2: Option<String>,
    pub shipping_city: String,
    pub shipping_state: String,
    pub shipping_zip: String,
    /// ISO-2.
    pub shipping_country_id: String,
    /// Decimal degrees as a decimal string, e.g. `"45.5152"`.
    pub shipping_latitude: String,
    /// Decimal degrees as a decimal string.
    pub shipping_longitude: String,
    /// `shipped` or `unshipped`.
    pub shipping_status: String,
    /// `unpaid`, `pending`, `completed`, `failed` or `invalid`.
    pub payment_status: String,
    pub created_at: Millis,
    pub updated_at: Millis,
    pub completed_at: Option<Millis>,
    pub currency: String,
    pub discount_total_cents: i64,
    pub shipping_total_cents: i64,
    pub tax_total_cents: i64,
    pub items: Vec<LineItem>,
    pub events: Vec<OrderEvent>,
    pub transactions: Vec<OrderTransaction>,
    pub adjustments: Vec<OrderAdjustment>,
}

impl Order {
    /// Sum of line item quantities.
    pub fn item_count(&self) -> i64 {
        self.items.iter().map(|i| i.quantity).sum()
    }
    /// Sum of line item totals.
    pub fn item_total_cents(&self) -> i64 {
        self.items.iter().map(LineItem::total_cents).sum()
    }
    /// `item_total - discount_total + shipping_total + tax_total`.
    pub fn total_cents(&self) -> i64 {
        self.item_total_cents() - self.discount_total_cents
            + self.shipping_total_cents
            + self.tax_total_cents
    }
}

/// The whole state of a mock server.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) account: Account,
    pub(crate) artists: BTreeMap<u64, Taxon>,
    pub(crate) categories: BTreeMap<u64, Taxon>,
    pub(crate) products: BTreeMap<u64, Product>,
    pub(crate) discounts: BTreeMap<u64, Discount>,
    pub(crate) orders: BTreeMap<u64, Order>,
    /// Next id per sequence name (`artists`, `orders`, `line_items`, ...).
    pub(crate) seq: BTreeMap<&'static str, u64>,
    pub(crate) now: Millis,
    /// Tokens issued by `POST /oauth/token`.
    pub(crate) issued_tokens: BTreeSet<String>,
    /// Set by `POST /oauth/deauthorize`: the configured token stops working.
    pub(crate) static_token_revoked: bool,
    pub(crate) token_counter: u64,
}

impl Store {
    /// The account.
    pub fn account(&self) -> &Account {
        &self.account
    }
    /// Artists ordered by position.
    pub fn artists(&self) -> Vec<Artist> {
        by_position(&self.artists)
    }
    /// One artist.
    pub fn artist(&self, id: u64) -> Option<&Artist> {
        self.artists.get(&id)
    }
    /// Categories ordered by position.
    pub fn categories(&self) -> Vec<Category> {
        by_position(&self.categories)
    }
    /// One category.
    pub fn category(&self, id: u64) -> Option<&Category> {
        self.categories.get(&id)
    }
    /// Products ordered by position.
    pub fn products(&self) -> Vec<Product> {
        let mut v: Vec<Product> = self.products.values().cloned().collect();
        v.sort_by_key(|p| (p.position, p.id));
        v
    }
    /// One product.
    pub fn product(&self, id: u64) -> Option<&Product> {
        self.products.get(&id)
    }
    /// Discounts ordered by id.
    pub fn discounts(&self) -> Vec<Discount> {
        self.discounts.values().cloned().collect()
    }
    /// One discount.
    pub fn discount(&self, id: u64) -> Option<&Discount> {
        self.discounts.get(&id)
    }
    /// Orders ordered by id (which is creation order).
    pub fn orders(&self) -> Vec<Order> {
        self.orders.values().cloned().collect()
    }
    /// One order.
    pub fn order(&self, id: u64) -> Option<&Order> {
        self.orders.get(&id)
    }
    /// The logical clock: starts at [`crate::time::SEED_NOW`] and moves one
    /// second forward per applied write.
    pub fn now(&self) -> Millis {
        self.now
    }
    /// Number of live OAuth tokens issued by `POST /oauth/token`.
    pub fn issued_token_count(&self) -> usize {
        self.issued_tokens.len()
    }
    /// Whether the account has been deauthorized since the last token exchange.
    pub fn is_deauthorized(&self) -> bool {
        self.static_token_revoked && self.issued_tokens.is_empty()
    }

    /// Advances the logical clock by one second and returns the new time.
    pub(crate) fn tick(&mut self) -> Millis {
        self.now += 1000;
        self.now
    }

    /// Takes the next id of a sequence.
    pub(crate) fn next_id(&mut self, seq: &'static str) -> u64 {
        let e = self.seq.entry(seq).or_insert(1);
        let id = *e;
        *e += 1;
        id
    }

    /// A permalink derived from `name`, unique among `taken`.
    pub(crate) fn unique_permalink<'a>(
        name: &str,
        taken: impl Iterator<Item = &'a str> + Clone,
    ) -> String {
        let base = slugify(name);
        let base = if base.is_empty() {
            "item".to_string()
        } else {
            base
        };
        let mut candidate = base.clone();
        let mut n = 2;
        while taken.clone().any(|t| t == candidate) {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        candidate
    }
}

fn by_position(map: &BTreeMap<u64, Taxon>) -> Vec<Taxon> {
    let mut v: Vec<Taxon> = map.values().cloned().collect();
    v.sort_by_key(|t| (t.position, t.id));
    v
}

/// Lower-case ASCII letters and digits joined by single dashes.
pub(crate) fn slugify(name: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
    }
    out.truncate(80);
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Midnight Garden Tee!"), "midnight-garden-tee");
        assert_eq!(slugify("  --Ünïcode  "), "n-code");
        assert_eq!(slugify("💥"), "");
        let taken = ["tee", "tee-2"];
        assert_eq!(
            Store::unique_permalink("Tee", taken.iter().copied()),
            "tee-3"
        );
        assert_eq!(Store::unique_permalink("💥", taken.iter().copied()), "item");
    }
}
