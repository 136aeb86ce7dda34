//! Carts and everything done to them: validation (422 with per-field messages), conflicts (409),
//! pricing in integer cents, and rendering in the API's JSON.

use crate::catalog::{self, CART_PROMOTION, Coupon, OptionKind, Product};
use crate::error::ApiError;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::time::SystemTime;

mod render;
mod validate;
use validate::{
    check_stock, check_version, gift_certificate, list_price, object, optional_id, quantity,
    required_id, valid_locale,
};

/// Field path (`line_items.0.quantity`) to message.
pub type FieldErrors = BTreeMap<String, String>;

/// A chosen option value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Choice {
    /// A listed value, by id.
    Value(i64),
    /// Free text.
    Text(String),
}

/// A catalog product in a cart.
#[derive(Debug, Clone)]
pub struct Item {
    /// The line item's id.
    pub id: String,
    /// The product.
    pub product_id: i64,
    /// The variant.
    pub variant_id: i64,
    /// How many.
    pub quantity: i64,
    /// A price override, in cents.
    pub list_override: Option<i64>,
    /// The chosen modifiers and variant options, by option id (sorted: it identifies the line).
    pub choices: BTreeMap<i64, Choice>,
}

/// A person on a gift certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// The name.
    pub name: String,
    /// The email.
    pub email: String,
}

/// A gift certificate in a cart.
#[derive(Debug, Clone)]
pub struct GiftCertificate {
    /// The line's id.
    pub id: String,
    /// The line's name.
    pub name: String,
    /// The theme.
    pub theme: String,
    /// The value of one, in cents.
    pub amount_cents: i64,
    /// How many.
    pub quantity: i64,
    /// Who gives it.
    pub sender: Contact,
    /// Who gets it.
    pub recipient: Contact,
    /// The message.
    pub message: Option<String>,
}

/// A cart.
#[derive(Debug, Clone)]
pub struct Cart {
    /// The cart's id.
    pub id: String,
    /// The customer (0 for a guest).
    pub customer_id: i64,
    /// The channel.
    pub channel_id: i64,
    /// The currency code.
    pub currency: String,
    /// The locale.
    pub locale: String,
    /// Catalog products.
    pub items: Vec<Item>,
    /// Gift certificates.
    pub gift_certificates: Vec<GiftCertificate>,
    /// Applied coupons.
    pub coupons: Vec<Coupon>,
    /// Increases with every change.
    pub version: i64,
    /// When it was created.
    pub created: SystemTime,
    /// When it last changed.
    pub updated: SystemTime,
}

/// The amounts of a line item, in cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemAmounts {
    /// The product's default (or variant) price.
    pub original: i64,
    /// The unit price before discounts.
    pub list: i64,
    /// `list * quantity`.
    pub extended_list: i64,
    /// The product promotion's amount on this line.
    pub discount: i64,
    /// `extended_list - discount`.
    pub extended_sale: i64,
    /// `extended_sale / quantity`, rounded.
    pub sale: i64,
}

/// The amounts of a cart, in cents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CartAmounts {
    /// Every line's extended list price plus the gift certificates.
    pub base: i64,
    /// The cart-level (order-based) promotion.
    pub cart_discount: i64,
    /// Each applied coupon's amount, in order.
    pub coupons: Vec<i64>,
    /// What the shopper pays: base minus every discount and coupon.
    pub cart_amount: i64,
    /// Each line's amounts, in item order.
    pub items: Vec<ItemAmounts>,
}

/// What a request asked to include.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Includes {
    /// `redirect_urls`.
    pub redirect_urls: bool,
    /// `line_items.physical_items.options`.
    pub physical_options: bool,
    /// `line_items.digital_items.options`.
    pub digital_options: bool,
}

impl Includes {
    /// Parses the comma list; unknown values are a 400, as the API does.
    pub fn parse(list: Option<&str>) -> Result<Includes, ApiError> {
        let mut out = Includes::default();
        for part in list.unwrap_or("").split(',').map(str::trim) {
            match part {
                "" => {}
                "redirect_urls" => out.redirect_urls = true,
                "line_items.physical_items.options" => out.physical_options = true,
                "line_items.digital_items.options" => out.digital_options = true,
                other => {
                    return Err(ApiError::new(
                        400,
                        format!("The include value `{other}` is not supported."),
                    ));
                }
            }
        }
        Ok(out)
    }
}

/// Rounds `value * percent / 100` half up, in integers.
fn percent_of(value: i64, percent: i64) -> i64 {
    (value * percent + 50) / 100
}

/// Renders cents as a JSON number with no more digits than needed (`25`, `12.5`, `27.95`).
pub fn money(cents: i64) -> Value {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let text = match abs % 100 {
        0 => format!("{sign}{}", abs / 100),
        f if f % 10 == 0 => format!("{sign}{}.{}", abs / 100, f / 10),
        f => format!("{sign}{}.{f:02}", abs / 100),
    };
    Value::Number(text.parse().expect("a decimal is a JSON number"))
}

/// Parses a JSON number as exact cents; at most two decimals.
pub fn cents(v: &Value) -> Option<i64> {
    let n = v.as_number()?;
    let text = n.to_string();
    let (negative, text) = match text.strip_prefix('-') {
        Some(t) => (true, t),
        None => (false, text.as_str()),
    };
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = int.parse().ok()?;
    let frac: i64 = format!("{frac:0<2}").parse().ok()?;
    let value = whole.checked_mul(100)?.checked_add(frac)?;
    Some(if negative { -value } else { value })
}

/// An integer (a JSON number without fraction).
fn integer(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| {
        let f = v.as_f64()?;
        (f.fract() == 0.0 && f.abs() < 9e15).then_some(f as i64)
    })
}

/// The state of the mock store.
#[derive(Debug)]
pub struct Store {
    /// The catalog.
    pub products: Vec<Product>,
    /// The carts, by id.
    pub carts: BTreeMap<String, Cart>,
    rng: fastrand::Rng,
}

/// What a new item or gift certificate request said, validated.
enum NewLine {
    Item(Item),
    Gift(GiftCertificate),
}

impl Store {
    /// A store with the catalog and no carts; ids come from `seed`.
    pub fn new(seed: u64) -> Store {
        Store {
            products: catalog::products(),
            carts: BTreeMap::new(),
            rng: fastrand::Rng::with_seed(seed),
        }
    }

    /// A fresh UUID-shaped id (version 4 layout).
    pub fn uuid(&mut self) -> String {
        let a = self.rng.u64(..);
        let b = self.rng.u64(..);
        format!(
            "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            8 + (b >> 62),
            (b >> 48) & 0xfff,
            b & 0xffff_ffff_ffff
        )
    }

    /// A random hex token.
    pub fn token(&mut self) -> String {
        format!("{:016x}{:016x}", self.rng.u64(..), self.rng.u64(..))
    }

    fn product(&self, id: i64) -> Option<&Product> {
        self.products.iter().find(|p| p.id == id)
    }

    /// The cart, or 404.
    pub fn cart(&self, id: &str) -> Result<&Cart, ApiError> {
        self.carts.get(id).ok_or_else(cart_not_found)
    }

    /// The cart, or 404.
    pub fn cart_mut(&mut self, id: &str) -> Result<&mut Cart, ApiError> {
        self.carts.get_mut(id).ok_or_else(cart_not_found)
    }

    /// `createCart`.
    pub fn create(&mut self, body: &Value) -> Result<String, ApiError> {
        let body = object(body)?;
        let mut errors = FieldErrors::new();
        let customer_id = optional_id(body, "customer_id", &mut errors).unwrap_or(0);
        let channel_id = optional_id(body, "channel_id", &mut errors).unwrap_or(1);
        let currency = match body.get("currency") {
            None | Some(Value::Null) => "USD".to_string(),
            Some(c) => match c.get("code").and_then(Value::as_str) {
                Some(code) if catalog::CURRENCIES.contains(&code.to_uppercase().as_str()) => {
                    code.to_uppercase()
                }
                Some(code) => {
                    errors.insert(
                        "currency.code".into(),
                        format!("`{code}` is not a transactional currency of this store"),
                    );
                    String::new()
                }
                None => {
                    errors.insert("currency.code".into(), "must be a currency code".into());
                    String::new()
                }
            },
        };
        let locale = match body.get("locale") {
            None | Some(Value::Null) => "en".to_string(),
            Some(Value::String(l)) if valid_locale(l) => l.clone(),
            Some(_) => {
                errors.insert("locale".into(), "must look like `xx` or `xx-YY`".into());
                String::new()
            }
        };
        let lines = self.new_lines(body, &mut errors);
        if errors.is_empty() && lines.is_empty() {
            errors.insert(
                "line_items".into(),
                "a cart needs at least one line item or gift certificate".into(),
            );
        }
        let now = SystemTime::now();
        let mut cart = Cart {
            id: self.uuid(),
            customer_id,
            channel_id,
            currency,
            locale,
            items: Vec::new(),
            gift_certificates: Vec::new(),
            coupons: Vec::new(),
            version: 1,
            created: now,
            updated: now,
        };
        self.merge(&mut cart, lines, &mut errors);
        if !errors.is_empty() {
            return Err(ApiError::invalid(errors));
        }
        let id = cart.id.clone();
        self.carts.insert(id.clone(), cart);
        Ok(id)
    }

    /// `addCartLineItems`.
    pub fn add(&mut self, cart_id: &str, body: &Value) -> Result<(), ApiError> {
        self.cart(cart_id)?;
        let body = object(body)?;
        check_version(self.cart(cart_id)?, body)?;
        let mut errors = FieldErrors::new();
        let lines = self.new_lines(body, &mut errors);
        if errors.is_empty() && lines.is_empty() {
            errors.insert(
                "line_items".into(),
                "nothing to add: give line_items or gift_certificates".into(),
            );
        }
        let mut cart = self.cart(cart_id)?.clone();
        self.merge(&mut cart, lines, &mut errors);
        if !errors.is_empty() {
            return Err(ApiError::invalid(errors));
        }
        touch(&mut cart);
        self.carts.insert(cart_id.to_string(), cart);
        Ok(())
    }

    /// `updateCart`: the customer.
    pub fn update_customer(&mut self, cart_id: &str, body: &Value) -> Result<(), ApiError> {
        let body = object(body)?;
        check_version(self.cart(cart_id)?, body)?;
        let mut errors = FieldErrors::new();
        let customer = match body.get("customer_id") {
            None | Some(Value::Null) => {
                errors.insert("customer_id".into(), "is required".into());
                None
            }
            Some(_) => optional_id(body, "customer_id", &mut errors),
        };
        let Some(customer) = customer.filter(|_| errors.is_empty()) else {
            return Err(ApiError::invalid(errors));
        };
        let cart = self.cart_mut(cart_id)?;
        cart.customer_id = customer;
        touch(cart);
        Ok(())
    }

    /// `updateCartLineItem`.
    pub fn update_item(
        &mut self,
        cart_id: &str,
        item_id: &str,
        body: &Value,
    ) -> Result<(), ApiError> {
        let cart = self.cart(cart_id)?;
        let body = object(body)?;
        check_version(cart, body)?;
        let mut errors = FieldErrors::new();
        if let Some(index) = cart.items.iter().position(|i| i.id == item_id) {
            let item = cart.items[index].clone();
            let Some(line) = body.get("line_item").filter(|v| !v.is_null()) else {
                errors.insert(
                    "line_item".into(),
                    "is required to update a product line".into(),
                );
                return Err(ApiError::invalid(errors));
            };
            let Some(line) = line.as_object() else {
                errors.insert("line_item".into(), "must be an object".into());
                return Err(ApiError::invalid(errors));
            };
            let product_id = required_id(line, "product_id", "line_item.product_id", &mut errors);
            let quantity = quantity(line, "line_item.quantity", &mut errors);
            let variant_id = match line.get("variant_id") {
                None | Some(Value::Null) => None,
                Some(v) => {
                    let id = integer(v);
                    if id.is_none() {
                        errors.insert("line_item.variant_id".into(), "must be an integer".into());
                    }
                    id
                }
            };
            let list_override = list_price(line, "line_item.list_price", &mut errors);
            if !errors.is_empty() {
                return Err(ApiError::invalid(errors));
            }
            // The product and variant of a line are fixed: another one is a different line.
            if product_id != Some(item.product_id)
                || variant_id.is_some_and(|v| v != item.variant_id)
            {
                return Err(ApiError::new(
                    409,
                    format!(
                        "Line item {item_id} is product {} variant {}; its product or variant cannot \
                         change. Remove it and add the other product or variant instead.",
                        item.product_id, item.variant_id
                    ),
                ));
            }
            let quantity = quantity.expect("validated");
            let product = self
                .product(item.product_id)
                .cloned()
                .expect("catalog products stay");
            let others: i64 = cart
                .items
                .iter()
                .filter(|i| i.product_id == item.product_id && i.id != item.id)
                .map(|i| i.quantity)
                .sum();
            check_stock(
                &product,
                others + quantity,
                "line_item.quantity",
                &mut errors,
            );
            if !errors.is_empty() {
                return Err(ApiError::invalid(errors));
            }
            let cart = self.cart_mut(cart_id)?;
            cart.items[index].quantity = quantity;
            if list_override.is_some() {
                cart.items[index].list_override = list_override;
            }
            touch(cart);
            return Ok(());
        }
        if let Some(index) = cart.gift_certificates.iter().position(|g| g.id == item_id) {
            let Some(gift) = body.get("gift_certificate").filter(|v| !v.is_null()) else {
                errors.insert(
                    "gift_certificate".into(),
                    "is required to update a gift certificate".into(),
                );
                return Err(ApiError::invalid(errors));
            };
            let Some(mut new) =
                gift_certificate(gift, "gift_certificate", String::new(), &mut errors)
            else {
                return Err(ApiError::invalid(errors));
            };
            let cart = self.cart_mut(cart_id)?;
            new.id = cart.gift_certificates[index].id.clone();
            cart.gift_certificates[index] = new;
            touch(cart);
            return Ok(());
        }
        Err(item_not_found(item_id))
    }

    /// `deleteCartLineItem`: `Ok(true)` when the cart became empty and was deleted.
    pub fn delete_item(&mut self, cart_id: &str, item_id: &str) -> Result<bool, ApiError> {
        let cart = self.cart_mut(cart_id)?;
        let before = cart.items.len() + cart.gift_certificates.len();
        cart.items.retain(|i| i.id != item_id);
        cart.gift_certificates.retain(|g| g.id != item_id);
        if cart.items.len() + cart.gift_certificates.len() == before {
            return Err(item_not_found(item_id));
        }
        if cart.items.is_empty() && cart.gift_certificates.is_empty() {
            self.carts.remove(cart_id);
            return Ok(true);
        }
        touch(cart);
        Ok(false)
    }

    /// Applies a coupon by code (what a checkout does; the admin API exposes it).
    pub fn apply_coupon(&mut self, cart_id: &str, code: &str) -> Result<(), ApiError> {
        let coupon = catalog::COUPONS
            .iter()
            .find(|c| c.code.eq_ignore_ascii_case(code))
            .copied();
        let cart = self.cart_mut(cart_id)?;
        let Some(coupon) = coupon else {
            let mut errors = FieldErrors::new();
            errors.insert(
                "coupon_code".into(),
                format!("`{code}` is not a valid coupon"),
            );
            return Err(ApiError::invalid(errors));
        };
        if !cart.coupons.iter().any(|c| c.id == coupon.id) {
            cart.coupons.push(coupon);
            touch(cart);
        }
        Ok(())
    }

    /// Validates the `line_items` and `gift_certificates` of a request.
    fn new_lines(&mut self, body: &Map<String, Value>, errors: &mut FieldErrors) -> Vec<NewLine> {
        let mut out = Vec::new();
        match body.get("line_items") {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) => {
                for (i, v) in items.iter().enumerate() {
                    if let Some(item) = self.line_item(v, &format!("line_items.{i}"), errors) {
                        out.push(NewLine::Item(item));
                    }
                }
            }
            Some(_) => {
                errors.insert("line_items".into(), "must be an array".into());
            }
        }
        match body.get("gift_certificates") {
            None | Some(Value::Null) => {}
            Some(Value::Array(gifts)) => {
                for (i, v) in gifts.iter().enumerate() {
                    let id = self.uuid();
                    if let Some(g) =
                        gift_certificate(v, &format!("gift_certificates.{i}"), id, errors)
                    {
                        out.push(NewLine::Gift(g));
                    }
                }
            }
            Some(_) => {
                errors.insert("gift_certificates".into(), "must be an array".into());
            }
        }
        out
    }

    /// Validates one line item against the catalog.
    fn line_item(&mut self, v: &Value, path: &str, errors: &mut FieldErrors) -> Option<Item> {
        let Some(line) = v.as_object() else {
            errors.insert(path.into(), "must be an object".into());
            return None;
        };
        let before = errors.len();
        let product_id = required_id(line, "product_id", &format!("{path}.product_id"), errors);
        let quantity = quantity(line, &format!("{path}.quantity"), errors);
        let list_override = list_price(line, &format!("{path}.list_price"), errors);
        let product = match product_id {
            Some(id) => match self.product(id) {
                Some(p) => Some(p.clone()),
                None => {
                    errors.insert(
                        format!("{path}.product_id"),
                        format!("product {id} does not exist"),
                    );
                    None
                }
            },
            None => None,
        };
        let product = product?;
        let mut choices = BTreeMap::new();
        match line.get("option_selections") {
            None | Some(Value::Null) => {}
            Some(Value::Array(selections)) => {
                for (j, s) in selections.iter().enumerate() {
                    let at = format!("{path}.option_selections.{j}");
                    let option_id = s.get("option_id").and_then(integer);
                    let Some(option) =
                        option_id.and_then(|id| product.options.iter().find(|o| o.id == id))
                    else {
                        errors.insert(
                            format!("{at}.option_id"),
                            format!("not an option of product {}", product.id),
                        );
                        continue;
                    };
                    let value = s.get("option_value");
                    let choice = match option.kind {
                        OptionKind::Text => match value {
                            Some(Value::String(t)) if !t.trim().is_empty() => {
                                Some(Choice::Text(t.clone()))
                            }
                            _ => None,
                        },
                        OptionKind::Variant | OptionKind::List => value
                            .and_then(|v| match v {
                                Value::String(s) => s.trim().parse::<i64>().ok(),
                                other => integer(other),
                            })
                            .filter(|id| option.values.iter().any(|ov| ov.id == *id))
                            .map(Choice::Value),
                    };
                    match choice {
                        Some(c) => {
                            choices.insert(option.id, c);
                        }
                        None => {
                            errors.insert(
                                format!("{at}.option_value"),
                                format!("not a value of option `{}`", option.name),
                            );
                        }
                    }
                }
            }
            Some(_) => {
                errors.insert(
                    format!("{path}.option_selections"),
                    "must be an array".into(),
                );
            }
        }
        // The variant: by id, by the variant option's value, or the only one.
        let by_option = product
            .options
            .iter()
            .find(|o| o.kind == OptionKind::Variant)
            .and_then(|o| match choices.get(&o.id) {
                Some(Choice::Value(v)) => {
                    product.variants.iter().find(|x| x.option_value == Some(*v))
                }
                _ => None,
            });
        let variant = match line.get("variant_id") {
            None | Some(Value::Null) => match (by_option, product.has_variant_choice()) {
                (Some(v), _) => Some(v.clone()),
                (None, false) => product.variants.first().cloned(),
                (None, true) => {
                    errors.insert(
                        format!("{path}.variant_id"),
                        format!(
                            "product {} has variants: give variant_id or select its `Size`",
                            product.id
                        ),
                    );
                    None
                }
            },
            Some(v) => match integer(v).and_then(|id| product.variants.iter().find(|x| x.id == id))
            {
                Some(found) => {
                    if by_option.is_some_and(|b| b.id != found.id) {
                        errors.insert(
                            format!("{path}.option_selections"),
                            format!("the selected size is not variant {}", found.id),
                        );
                    }
                    Some(found.clone())
                }
                None => {
                    errors.insert(
                        format!("{path}.variant_id"),
                        format!("not a variant of product {}", product.id),
                    );
                    None
                }
            },
        };
        if errors.len() > before {
            return None;
        }
        let variant = variant?;
        // The variant option is implied by the variant: record it so the line shows it.
        if let Some(o) = product
            .options
            .iter()
            .find(|o| o.kind == OptionKind::Variant)
            && let Some(v) = variant.option_value
        {
            choices.insert(o.id, Choice::Value(v));
        }
        Some(Item {
            id: self.uuid(),
            product_id: product.id,
            variant_id: variant.id,
            quantity: quantity?,
            list_override,
            choices,
        })
    }

    /// Adds new lines to a cart: the same product, variant, options and price grow the existing
    /// line. Checks stock over the whole cart, naming the request's line that went over.
    fn merge(&self, cart: &mut Cart, lines: Vec<NewLine>, errors: &mut FieldErrors) {
        let mut added = Vec::new();
        let mut n = 0;
        for line in lines {
            match line {
                NewLine::Gift(g) => cart.gift_certificates.push(g),
                NewLine::Item(item) => {
                    added.push((n, item.product_id));
                    n += 1;
                    match cart.items.iter_mut().find(|i| {
                        i.product_id == item.product_id
                            && i.variant_id == item.variant_id
                            && i.choices == item.choices
                            && i.list_override == item.list_override
                    }) {
                        Some(existing) => existing.quantity += item.quantity,
                        None => cart.items.push(item),
                    }
                }
            }
        }
        for (n, product_id) in added {
            let product = self.product(product_id).expect("validated");
            let total: i64 = cart
                .items
                .iter()
                .filter(|x| x.product_id == product_id)
                .map(|x| x.quantity)
                .sum();
            check_stock(product, total, &format!("line_items.{n}.quantity"), errors);
        }
    }
}

/// The redirect URLs object for a cart.
pub fn redirect_urls(storefront: &str, cart_id: &str, token: &str) -> Value {
    json!({
        "cart_url": format!("{storefront}/cart.php?action=load&id={cart_id}&token={token}"),
        "checkout_url": format!("{storefront}/cart.php?action=loadInCheckout&id={cart_id}&token={token}"),
        "embedded_checkout_url": format!("{storefront}/cart.php?embedded=1&action=loadInCheckout&id={cart_id}&token={token}"),
    })
}

/// FNV-1a, for tokens derived from state.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn touch(cart: &mut Cart) {
    cart.version += 1;
    cart.updated = SystemTime::now();
}

fn cart_not_found() -> ApiError {
    ApiError::new(404, "Cart not found".into())
}

fn item_not_found(item_id: &str) -> ApiError {
    ApiError::new(404, format!("Line item {item_id} not found in the cart"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_round_trips_through_json_numbers() {
        for c in [0, 5, 50, 1250, 2795, 100_000, -130] {
            assert_eq!(cents(&money(c)), Some(c), "{c}");
        }
        assert_eq!(money(2500).to_string(), "25");
        assert_eq!(money(1250).to_string(), "12.5");
        assert_eq!(cents(&json!(1.005)), None);
    }

    #[test]
    fn percentages_round_half_up() {
        assert_eq!(percent_of(1250, 10), 125);
        assert_eq!(percent_of(1005, 10), 101);
    }
}
