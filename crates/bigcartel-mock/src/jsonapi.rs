//! Rendering the store as JSON:API documents, and JSON:API error documents.

use std::collections::HashSet;

use serde_json::{Map, Value, json};

use crate::money;
use crate::store::*;
use crate::time;

/// The JSON:API media type.
pub const MEDIA_TYPE: &str = "application/vnd.api+json";

/// Collects `included` resources, once per (type, id), in first-seen order.
#[derive(Default)]
pub(crate) struct Included {
    items: Vec<Value>,
    seen: HashSet<(String, String)>,
}

impl Included {
    pub(crate) fn add(&mut self, resource: Value) {
        let key = (
            resource["type"].as_str().unwrap_or_default().to_string(),
            resource["id"].as_str().unwrap_or_default().to_string(),
        );
        if self.seen.insert(key) {
            self.items.push(resource);
        }
    }

    /// Builds `{"data": data, "included": [...]}` (no `included` when empty).
    pub(crate) fn document(self, data: Value) -> Map<String, Value> {
        let mut doc = Map::new();
        doc.insert("data".into(), data);
        if !self.items.is_empty() {
            doc.insert("included".into(), Value::Array(self.items));
        }
        doc
    }
}

/// Where links point: `{base}/v1/accounts/{account}`.
pub(crate) struct Ctx<'a> {
    pub base: &'a str,
    pub account_id: u64,
}

impl Ctx<'_> {
    pub(crate) fn account_url(&self) -> String {
        format!("{}/v1/accounts/{}", self.base, self.account_id)
    }
}

fn linkage(kind: &str, id: impl ToString) -> Value {
    json!({"type": kind, "id": id.to_string()})
}

fn to_many<T: ToString>(kind: &str, ids: impl IntoIterator<Item = T>) -> Value {
    json!({"data": ids.into_iter().map(|id| linkage(kind, id)).collect::<Vec<_>>()})
}

fn to_one(kind: &str, id: impl ToString) -> Value {
    json!({ "data": linkage(kind, id) })
}

fn ts(ms: time::Millis) -> Value {
    Value::String(time::format(ms))
}

fn opt_ts(ms: Option<time::Millis>) -> Value {
    ms.map(ts).unwrap_or(Value::Null)
}

fn cents(c: i64) -> Value {
    Value::String(money::format(c))
}

fn opt_cents(c: Option<i64>) -> Value {
    c.map(cents).unwrap_or(Value::Null)
}

pub(crate) fn country(code: &str) -> Value {
    json!({
        "id": code,
        "type": "countries",
        "attributes": {"name": crate::countries::name(code).unwrap_or(code)}
    })
}

pub(crate) fn currency(code: &str) -> Value {
    let (name, sign, locale) = match code {
        "USD" => ("U.S. Dollar", "$", "en-US"),
        "CAD" => ("Canadian Dollar", "$", "en-CA"),
        "GBP" => ("British Pound", "£", "en-GB"),
        "EUR" => ("Euro", "€", "de-DE"),
        _ => (code, code, "en-US"),
    };
    json!({
        "id": code,
        "type": "currencies",
        "attributes": {"name": name, "sign": sign, "locale": locale}
    })
}

/// `GET /v1/accounts/{id}` data plus its included resources.
pub(crate) fn account(store: &Store, inc: &mut Included) -> Value {
    let a = &store.account;
    inc.add(currency(&a.currency));
    inc.add(country(&a.country));
    inc.add(json!({
        "id": a.account_image_id.to_string(),
        "type": "account_images",
        "attributes": {"url": a.account_image_url}
    }));
    let (plan_name, max_products, max_images, rate) = match a.plan.as_str() {
        "gold" => ("Gold", 5, 1, 0),
        "platinum" => ("Platinum", 50, 5, 1500),
        "diamond" => ("Diamond", 500, 5, 3000),
        _ => ("Titanium", 10000, 5, 4000),
    };
    inc.add(json!({
        "id": a.plan,
        "type": "plans",
        "attributes": {
            "name": plan_name,
            "max_products": max_products,
            "max_images_per_product": max_images,
            "monthly_rate": money::format(rate)
        }
    }));
    json!({
        "id": a.id.to_string(),
        "type": "accounts",
        "attributes": {
            "subdomain": a.subdomain,
            "store_name": a.store_name,
            "description": a.description,
            "contact_email": a.contact_email,
            "url": a.url,
            "website": a.website,
            "created_at": ts(a.created_at),
            "updated_at": ts(a.updated_at),
            "under_maintenance": a.under_maintenance,
            "inventory_enabled": a.inventory_enabled,
            "artists_enabled": a.artists_enabled
        },
        "relationships": {
            "currency": to_one("currencies", &a.currency),
            "country": to_one("countries", &a.country),
            "account_image": to_one("account_images", a.account_image_id),
            "plan": to_one("plans", &a.plan)
        }
    })
}

/// An artist or category resource (`kind` = `artists` | `categories`).
pub(crate) fn taxon(kind: &str, t: &Taxon, ctx: &Ctx) -> Value {
    json!({
        "id": t.id.to_string(),
        "type": kind,
        "attributes": {"name": t.name, "permalink": t.permalink, "position": t.position},
        "links": {"self": format!("{}/{kind}/{}", ctx.account_url(), t.id)}
    })
}

fn product_attributes(p: &Product) -> Value {
    json!({
        "name": p.name,
        "permalink": p.permalink,
        "status": p.status,
        "description": p.description,
        "created_at": ts(p.created_at),
        "updated_at": ts(p.updated_at),
        "default_price": cents(p.default_price_cents),
        "on_sale": p.on_sale,
        "position": p.position,
        "url": p.url,
        "primary_image_url": p.images.first().map(|i| Value::String(i.url.clone())).unwrap_or(Value::Null)
    })
}

pub(crate) fn product_option(o: &ProductOption) -> Value {
    json!({
        "id": o.id.to_string(),
        "type": "product_options",
        "attributes": {
            "name": o.name,
            "price": cents(o.price_cents),
            "quantity": o.quantity,
            "sold": o.sold,
            // The live API sends it on every option; the mock's catalog has no downloads.
            "has_digital_file": false
        }
    })
}

/// A product with relationships; its related resources go to `inc`.
pub(crate) fn product(store: &Store, p: &Product, ctx: &Ctx, inc: &mut Included) -> Value {
    for o in &p.options {
        inc.add(product_option(o));
    }
    for id in &p.artist_ids {
        if let Some(a) = store.artists.get(id) {
            inc.add(taxon("artists", a, ctx));
        }
    }
    for id in &p.category_ids {
        if let Some(c) = store.categories.get(id) {
            inc.add(taxon("categories", c, ctx));
        }
    }
    for s in &p.shipping {
        inc.add(json!({
            "id": s.id.to_string(),
            "type": "shipping_options",
            "attributes": {
                "price_alone": cents(s.price_alone_cents),
                "price_with_others": cents(s.price_with_others_cents)
            },
            "relationships": {"country": to_one("countries", &s.country_id)}
        }));
        inc.add(country(&s.country_id));
    }
    for i in &p.images {
        inc.add(json!({
            "id": i.id.to_string(),
            "type": "product_images",
            "attributes": {"url": i.url},
            "links": {"self": format!("{}/product_images/{}", ctx.account_url(), i.id)}
        }));
    }
    json!({
        "id": p.id.to_string(),
        "type": "products",
        "attributes": product_attributes(p),
        "relationships": {
            "options": to_many("product_options", p.options.iter().map(|o| o.id)),
            "artists": to_many("artists", p.artist_ids.iter()),
            "categories": to_many("categories", p.category_ids.iter()),
            "shipping_options": to_many("shipping_options", p.shipping.iter().map(|s| s.id)),
            "images": to_many("product_images", p.images.iter().map(|i| i.id))
        }
    })
}

/// A product without relationships (used in a discount's `included`).
fn product_bare(p: &Product) -> Value {
    json!({"id": p.id.to_string(), "type": "products", "attributes": product_attributes(p)})
}

/// A discount with relationships; categories and products go to `inc`.
pub(crate) fn discount(store: &Store, d: &Discount, ctx: &Ctx, inc: &mut Included) -> Value {
    for id in &d.category_ids {
        if let Some(c) = store.categories.get(id) {
            inc.add(taxon("categories", c, ctx));
        }
    }
    for id in &d.product_ids {
        if let Some(p) = store.products.get(id) {
            inc.add(product_bare(p));
        }
    }
    json!({
        "id": d.id.to_string(),
        "type": "discounts",
        "attributes": {
            "name": d.name,
            "code": d.code,
            "active_at": ts(d.active_at),
            "expires_at": opt_ts(d.expires_at),
            "requirement_type": d.requirement_type,
            "expiration_type": d.expiration_type,
            "reward_type": d.reward_type,
            "application_type": d.application_type,
            "percent_discount": d.percent_discount,
            "flat_rate_discount": opt_cents(d.flat_rate_discount_cents),
            "use_limit": d.use_limit,
            "use_count": d.use_count,
            "minimum_cart_total": opt_cents(d.minimum_cart_total_cents),
            "minimum_cart_quantity": d.minimum_cart_quantity,
            "status": d.status(store.now)
        },
        "relationships": {
            "categories": to_many("categories", d.category_ids.iter()),
            "products": to_many("products", d.product_ids.iter())
        }
    })
}

/// An order with relationships; line items (with their product options),
/// country, currency, events, transactions and adjustments go to `inc`.
/// Line items link to their product without including it.
pub(crate) fn order(store: &Store, o: &Order, inc: &mut Included) -> Value {
    for item in &o.items {
        inc.add(json!({
            "id": item.id.to_string(),
            "type": "order_line_items",
            "attributes": {
                "product_name": item.product_name,
                "product_option_name": item.product_option_name,
                "quantity": item.quantity,
                "price": cents(item.price_cents),
                "total": cents(item.total_cents()),
                "image_url": item.image_url
            },
            "relationships": {
                "product": to_one("products", item.product_id),
                "product_option": to_one("product_options", item.product_option_id)
            }
        }));
        let option = store
            .products
            .get(&item.product_id)
            .and_then(|p| p.options.iter().find(|op| op.id == item.product_option_id));
        match option {
            Some(op) => inc.add(product_option(op)),
            // The option was deleted since: keep the linkage resolvable.
            None => inc.add(json!({
                "id": item.product_option_id.to_string(),
                "type": "product_options",
                "attributes": {
                    "name": item.product_option_name,
                    "price": cents(item.price_cents),
                    "quantity": 0,
                    "sold": item.quantity,
                    "has_digital_file": false
                }
            })),
        }
    }
    let shipping_country = country(&o.shipping_country_id);
    let shipping_country_name = shipping_country["attributes"]["name"].clone();
    inc.add(shipping_country);
    inc.add(currency(&o.currency));
    for e in &o.events {
        inc.add(json!({
            "id": e.id.to_string(),
            "type": "order_events",
            "attributes": {
                "message": e.message,
                "identifier": e.identifier,
                "created_at": ts(e.created_at)
            }
        }));
    }
    for t in &o.transactions {
        inc.add(json!({
            "id": t.id.to_string(),
            "type": TRANSACTION_TYPE,
            "attributes": {
                "label": t.label,
                "amount": cents(t.amount_cents),
                "processor": t.processor,
                "processor_id": t.processor_id,
                "processor_url": t.processor_url
            },
            "relationships": {"currency": to_one("currencies", &o.currency)}
        }));
    }
    for a in &o.adjustments {
        let mut attributes = json!({ "amount": cents(a.amount_cents) });
        if let Some(label) = &a.label {
            attributes["label"] = json!(label);
        }
        inc.add(json!({
            "id": a.id.to_string(),
            "type": adjustment_type(a),
            "attributes": attributes
        }));
    }
    json!({
        "id": o.id.to_string(),
        "type": "orders",
        "attributes": {
            "item_count": o.item_count(),
            "item_total": cents(o.item_total_cents()),
            "discount_total": cents(o.discount_total_cents),
            "shipping_total": cents(o.shipping_total_cents),
            "tax_total": cents(o.tax_total_cents),
            "total": cents(o.total_cents()),
            "customer_first_name": o.customer_first_name,
            "customer_last_name": o.customer_last_name,
            "customer_email": o.customer_email,
            "customer_opted_in_to_marketing": o.customer_opted_in_to_marketing,
            "customer_phone_number": phone_number(o),
            "tax_remitted_by_big_cartel": o.tax_total_cents > 0 && o.shipping_country_id == "US",
            "customer_note": o.customer_note,
            "shipping_address_1": o.shipping_address_1,
            "shipping_address_2": o.shipping_address_2,
            "shipping_city": o.shipping_city,
            "shipping_state": o.shipping_state,
            "shipping_zip": o.shipping_zip,
            "shipping_country_id": o.shipping_country_id,
            "shipping_country_name": shipping_country_name,
            "shipping_latitude": o.shipping_latitude,
            "shipping_longitude": o.shipping_longitude,
            "shipping_status": o.shipping_status,
            "payment_status": o.payment_status,
            "created_at": ts(o.created_at),
            "updated_at": ts(o.updated_at),
            "completed_at": opt_ts(o.completed_at)
        },
        "relationships": {
            "items": to_many("order_line_items", o.items.iter().map(|i| i.id)),
            "shipping_country": to_one("countries", &o.shipping_country_id),
            "currency": to_one("currencies", &o.currency),
            "events": to_many("order_events", o.events.iter().map(|e| e.id)),
            "transactions": to_many(TRANSACTION_TYPE, o.transactions.iter().map(|t| t.id)),
            "adjustments": {"data": o.adjustments.iter().map(|a| json!({
                "type": adjustment_type(a),
                "id": a.id.to_string()
            })).collect::<Vec<_>>()},
            // The live API sends an empty list (the spec declares it as linkage only, with no
            // model); the clients keep it in `extra_relationships`. The mock raises no warnings.
            "warnings": {"data": []}
        }
    })
}

/// Payments arrive typed with their subtype, as the live API sends them.
const TRANSACTION_TYPE: &str = "order_transactions/payments";

/// `order_adjustments/<kind>`: the subtype is what tells a tax adjustment (no label) from the
/// others.
fn adjustment_type(a: &OrderAdjustment) -> String {
    format!("order_adjustments/{}", a.kind)
}

/// The buyer's phone number: derived from the order id, so seeded stores stay reproducible
/// without another draw from the seed's random stream; every fifth order has none.
fn phone_number(o: &Order) -> Option<String> {
    (!o.id.is_multiple_of(5)).then(|| format!("+1 555 01{:02}", o.id % 100))
}

/// A JSON:API error: status, title and a human detail, optionally a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// Human-readable explanation.
    pub detail: String,
    /// `source.pointer` (JSON pointer into the request body).
    pub pointer: Option<String>,
    /// `source.parameter` (query parameter name).
    pub parameter: Option<String>,
}

impl ApiError {
    /// An error with a status and detail.
    pub fn new(status: u16, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            detail: detail.into(),
            pointer: None,
            parameter: None,
        }
    }
    /// 400 Bad Request.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(400, detail)
    }
    /// 400 pointing at a body member.
    pub fn invalid(pointer: &str, detail: impl Into<String>) -> Self {
        ApiError {
            pointer: Some(pointer.to_string()),
            ..Self::new(400, detail)
        }
    }
    /// 400 pointing at a query parameter.
    pub fn bad_param(parameter: &str, detail: impl Into<String>) -> Self {
        ApiError {
            parameter: Some(parameter.to_string()),
            ..Self::new(400, detail)
        }
    }
    /// 404 Not Found.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(404, detail)
    }

    /// `{"errors":[{"status":"404","title":"Not Found","detail":"..."}]}`.
    pub fn document(&self) -> Value {
        let mut err = Map::new();
        err.insert("status".into(), Value::String(self.status.to_string()));
        err.insert("title".into(), Value::String(title(self.status).into()));
        err.insert("detail".into(), Value::String(self.detail.clone()));
        if let Some(p) = &self.pointer {
            err.insert("source".into(), json!({ "pointer": p }));
        } else if let Some(p) = &self.parameter {
            err.insert("source".into(), json!({ "parameter": p }));
        }
        json!({ "errors": [Value::Object(err)] })
    }
}

/// The reason phrase used as an error title.
pub fn title(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Request Failed",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        409 => "Conflict",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Error",
    }
}
