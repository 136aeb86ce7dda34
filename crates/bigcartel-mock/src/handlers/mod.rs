//! The operations: request parsing, validation, state changes and rendering.
//!
//! Handlers are synchronous functions over `&mut Store`. They never perform
//! side effects themselves: writes to count and webhooks to send come back as
//! [`Effect`]s, which the server applies only when the write is committed
//! (a faulted write runs against a throw-away clone of the store).

use serde_json::{Map, Value, json};
use url::form_urlencoded;

use crate::config::MockConfig;
use crate::jsonapi::{self, ApiError, Ctx, Included, MEDIA_TYPE};
use crate::money;
use crate::ops::{Operation, Route};
use crate::store::*;
use crate::time;

mod bodies;
mod discounts;
mod oauth;
mod orders;
mod pagination;
mod products;
mod taxa;

use bodies::*;
use discounts::*;
use oauth::*;
pub(crate) use orders::place_order;
use orders::*;
use pagination::*;
use products::*;
use taxa::*;

/// Default and maximum `page[limit]`.
pub const DEFAULT_PAGE_LIMIT: usize = 20;
/// Larger `page[limit]` values are clamped to this.
pub const MAX_PAGE_LIMIT: usize = 100;

/// What kind of write an operation applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WriteKind {
    Create,
    Update,
    Delete,
    Reposition,
}

/// A side effect of a committed handler run.
#[derive(Clone, Debug)]
pub(crate) enum Effect {
    Write {
        resource: &'static str,
        kind: WriteKind,
    },
    Webhook {
        event_type: String,
        payload: Value,
    },
}

/// An HTTP answer before serialization.
#[derive(Clone, Debug)]
pub(crate) struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Option<Value>,
    pub location: Option<String>,
    pub www_authenticate: bool,
}

impl Reply {
    pub(crate) fn doc(status: u16, body: Value) -> Self {
        Reply {
            status,
            content_type: MEDIA_TYPE,
            body: Some(body),
            location: None,
            www_authenticate: false,
        }
    }
    pub(crate) fn no_content() -> Self {
        Reply {
            status: 204,
            content_type: MEDIA_TYPE,
            body: None,
            location: None,
            www_authenticate: false,
        }
    }
    pub(crate) fn oauth(status: u16, body: Value) -> Self {
        Reply {
            status,
            content_type: "application/json",
            body: Some(body),
            location: None,
            www_authenticate: false,
        }
    }
    pub(crate) fn error(e: &ApiError) -> Self {
        Reply {
            www_authenticate: e.status == 401,
            ..Reply::doc(e.status, e.document())
        }
    }
}

impl From<ApiError> for Reply {
    fn from(e: ApiError) -> Self {
        Reply::error(&e)
    }
}

/// A handler's result.
pub(crate) struct Outcome {
    pub reply: Reply,
    pub effects: Vec<Effect>,
}

impl Outcome {
    fn read(reply: Reply) -> Self {
        Outcome {
            reply,
            effects: vec![],
        }
    }
}

/// Everything a handler may look at.
pub(crate) struct Call<'a> {
    pub route: &'a Route,
    /// The request path (for pagination links).
    pub path: &'a str,
    pub query: &'a [(String, String)],
    pub body: &'a [u8],
    pub content_type: Option<&'a str>,
    pub base: &'a str,
    /// Decoded HTTP Basic credentials, if any.
    pub basic: Option<(String, String)>,
    pub cfg: &'a MockConfig,
}

impl Call<'_> {
    fn q(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

type R<T> = Result<T, ApiError>;

/// Runs the operation of `call.route` against `store`.
pub(crate) fn handle(store: &mut Store, call: &Call) -> Outcome {
    match dispatch(store, call) {
        Ok(o) => o,
        Err(e) => Outcome::read(Reply::error(&e)),
    }
}

fn dispatch(store: &mut Store, call: &Call) -> R<Outcome> {
    use Operation::*;
    let op = call.route.op;
    if op.is_jsonapi() && op != ListCountries && op != ListAccounts {
        let ok = call
            .route
            .account_id
            .as_deref()
            .and_then(|a| a.parse::<u64>().ok())
            .is_some_and(|a| a == store.account.id);
        if !ok {
            return Err(ApiError::not_found(
                "No account with that id is connected to these credentials.",
            ));
        }
    }
    let ctx = Ctx {
        base: call.base,
        account_id: store.account.id,
    };
    match op {
        ListAccounts => {
            let mut inc = Included::default();
            let data = jsonapi::account(store, &mut inc);
            Ok(Outcome::read(Reply::doc(
                200,
                Value::Object(inc.document(json!([data]))),
            )))
        }
        GetAccount => {
            let mut inc = Included::default();
            let data = jsonapi::account(store, &mut inc);
            Ok(Outcome::read(Reply::doc(
                200,
                Value::Object(inc.document(data)),
            )))
        }
        ListArtists => Ok(list_taxa(store, "artists", &ctx)),
        ListCategories => Ok(list_taxa(store, "categories", &ctx)),
        GetArtist => get_taxon(store, "artists", call, &ctx),
        GetCategory => get_taxon(store, "categories", call, &ctx),
        CreateArtist => create_taxon(store, "artists", call, &ctx),
        CreateCategory => create_taxon(store, "categories", call, &ctx),
        UpdateArtist => update_taxon(store, "artists", call, &ctx),
        UpdateCategory => update_taxon(store, "categories", call, &ctx),
        DeleteArtist => delete_taxon(store, "artists", call),
        DeleteCategory => delete_taxon(store, "categories", call),
        RepositionArtists => reposition(store, "artists", call),
        RepositionCategories => reposition(store, "categories", call),
        RepositionProducts => reposition(store, "products", call),
        ListCountries => {
            let data: Vec<Value> = crate::countries::sorted_by_name()
                .into_iter()
                .map(|(code, _)| jsonapi::country(code))
                .collect();
            Ok(Outcome::read(Reply::doc(200, json!({ "data": data }))))
        }
        ListDiscounts => list_discounts(store, call, &ctx),
        GetDiscount => {
            let id = path_id(call, "discount")?;
            let d = store
                .discounts
                .get(&id)
                .ok_or_else(|| ApiError::not_found(format!("Discount {id} not found.")))?;
            Ok(Outcome::read(Reply::doc(200, discount_doc(store, d, &ctx))))
        }
        CreateDiscount => create_discount(store, call, &ctx),
        UpdateDiscount => update_discount(store, call, &ctx),
        DeleteDiscount => {
            let id = path_id(call, "discount")?;
            store
                .discounts
                .remove(&id)
                .ok_or_else(|| ApiError::not_found(format!("Discount {id} not found.")))?;
            store.tick();
            Ok(Outcome {
                reply: Reply::no_content(),
                effects: vec![write("discounts", WriteKind::Delete)],
            })
        }
        ListOrders => list_orders(store, call),
        GetOrder => {
            let id = path_id(call, "order")?;
            let o = store
                .orders
                .get(&id)
                .ok_or_else(|| ApiError::not_found(format!("Order {id} not found.")))?;
            Ok(Outcome::read(Reply::doc(200, order_doc(store, o))))
        }
        UpdateOrder => update_order(store, call),
        ListProducts => list_products(store, call, &ctx),
        GetProduct => {
            let id = path_id(call, "product")?;
            let p = store
                .products
                .get(&id)
                .ok_or_else(|| ApiError::not_found(format!("Product {id} not found.")))?;
            Ok(Outcome::read(Reply::doc(200, product_doc(store, p, &ctx))))
        }
        CreateToken => Ok(create_token(store, call)),
        Deauthorize => Ok(deauthorize(store, call)),
    }
}

fn write(resource: &'static str, kind: WriteKind) -> Effect {
    Effect::Write { resource, kind }
}

fn webhook(event_type: &str, payload: Value) -> Effect {
    Effect::Webhook {
        event_type: event_type.to_string(),
        payload,
    }
}

/// The `getOrder` document for an order (also the `order.*` webhook payload).
pub(crate) fn order_doc(store: &Store, o: &Order) -> Value {
    let mut inc = Included::default();
    let data = jsonapi::order(store, o, &mut inc);
    Value::Object(inc.document(data))
}

/// The `getProduct` document (also the `product.*` webhook payload).
pub(crate) fn product_doc(store: &Store, p: &Product, ctx: &Ctx) -> Value {
    let mut inc = Included::default();
    let data = jsonapi::product(store, p, ctx, &mut inc);
    Value::Object(inc.document(data))
}

fn discount_doc(store: &Store, d: &Discount, ctx: &Ctx) -> Value {
    let mut inc = Included::default();
    let data = jsonapi::discount(store, d, ctx, &mut inc);
    Value::Object(inc.document(data))
}

fn path_id(call: &Call, what: &str) -> R<u64> {
    call.route
        .id
        .as_deref()
        .and_then(|s| s.parse::<u64>().ok())
        .ok_or_else(|| ApiError::not_found(format!("No {what} with that id.")))
}
