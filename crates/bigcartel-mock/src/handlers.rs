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

// ---------------------------------------------------------------- bodies

fn parse_body(call: &Call) -> R<Value> {
    if call.body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "A JSON:API request body is required.",
        ));
    }
    serde_json::from_slice(call.body)
        .map_err(|e| ApiError::bad_request(format!("The request body is not valid JSON: {e}.")))
}

/// Checks `data` is an object of type `kind`; with `id`, that `data.id`
/// matches it; without, that no `id` is given.
fn data_object<'v>(doc: &'v Value, kind: &str, id: Option<u64>) -> R<&'v Map<String, Value>> {
    let data = doc
        .get("data")
        .ok_or_else(|| ApiError::invalid("/data", "The request body must have a `data` member."))?
        .as_object()
        .ok_or_else(|| ApiError::invalid("/data", "`data` must be a resource object."))?;
    match data.get("type") {
        Some(Value::String(t)) if t == kind => {}
        Some(Value::String(t)) => {
            return Err(ApiError::invalid(
                "/data/type",
                format!("`type` must be \"{kind}\", not \"{t}\"."),
            ));
        }
        _ => {
            return Err(ApiError::invalid(
                "/data/type",
                format!("`type` is required and must be \"{kind}\"."),
            ));
        }
    }
    match (id, data.get("id")) {
        (Some(want), Some(Value::String(got))) if got.parse::<u64>().ok() == Some(want) => {}
        // JSON:API: a PATCH whose resource does not match the endpoint is a 409 Conflict.
        (Some(want), Some(Value::String(got))) => {
            return Err(ApiError {
                status: 409,
                ..ApiError::invalid(
                    "/data/id",
                    format!("`id` \"{got}\" does not match the URL ({want})."),
                )
            });
        }
        (Some(_), Some(_)) => return Err(ApiError::invalid("/data/id", "`id` must be a string.")),
        (Some(_), None) => return Err(ApiError::invalid("/data/id", "`id` is required.")),
        (None, Some(_)) => {
            return Err(ApiError::invalid(
                "/data/id",
                "Client-generated ids are not supported.",
            ));
        }
        (None, None) => {}
    }
    for key in data.keys() {
        if !matches!(
            key.as_str(),
            "type" | "id" | "attributes" | "relationships" | "meta" | "links"
        ) {
            return Err(ApiError::invalid(
                &format!("/data/{key}"),
                format!("Unknown member `{key}`."),
            ));
        }
    }
    Ok(data)
}

fn attributes<'v>(
    data: &'v Map<String, Value>,
    allowed: &[&str],
) -> R<Option<&'v Map<String, Value>>> {
    let Some(attrs) = data.get("attributes") else {
        return Ok(None);
    };
    let attrs = attrs
        .as_object()
        .ok_or_else(|| ApiError::invalid("/data/attributes", "`attributes` must be an object."))?;
    for key in attrs.keys() {
        if !allowed.contains(&key.as_str()) {
            return Err(ApiError::invalid(
                &format!("/data/attributes/{key}"),
                format!("`{key}` is not a writable attribute."),
            ));
        }
    }
    Ok(Some(attrs))
}

fn ptr(key: &str) -> String {
    format!("/data/attributes/{key}")
}

fn non_empty_string(key: &str, v: &Value, max: usize) -> R<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() && s.chars().count() <= max => {
            Ok(s.trim().to_string())
        }
        Value::String(s) if s.trim().is_empty() => Err(ApiError::invalid(
            &ptr(key),
            format!("`{key}` can't be blank."),
        )),
        Value::String(_) => Err(ApiError::invalid(
            &ptr(key),
            format!("`{key}` is too long (max {max} characters)."),
        )),
        _ => Err(ApiError::invalid(
            &ptr(key),
            format!("`{key}` must be a string."),
        )),
    }
}

fn any_string(key: &str, v: &Value, max: usize) -> R<String> {
    match v {
        Value::String(s) if s.chars().count() <= max => Ok(s.clone()),
        Value::String(_) => Err(ApiError::invalid(
            &ptr(key),
            format!("`{key}` is too long (max {max} characters)."),
        )),
        _ => Err(ApiError::invalid(
            &ptr(key),
            format!("`{key}` must be a string."),
        )),
    }
}

fn one_of(key: &str, v: &Value, allowed: &[&str]) -> R<String> {
    match v.as_str() {
        Some(s) if allowed.contains(&s) => Ok(s.to_string()),
        _ => Err(ApiError::invalid(
            &ptr(key),
            format!("`{key}` must be one of: {}.", allowed.join(", ")),
        )),
    }
}

fn timestamp(key: &str, v: &Value) -> R<time::Millis> {
    v.as_str().and_then(time::parse).ok_or_else(|| {
        ApiError::invalid(&ptr(key), format!("`{key}` must be an RFC 3339 timestamp."))
    })
}

fn integer(key: &str, v: &Value, min: i64, max: i64) -> R<i64> {
    let n = match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    };
    n.filter(|n| (min..=max).contains(n)).ok_or_else(|| {
        ApiError::invalid(
            &ptr(key),
            format!("`{key}` must be an integer from {min} to {max}."),
        )
    })
}

fn amount(key: &str, v: &Value) -> R<i64> {
    money::parse(v).filter(|c| *c >= 0).ok_or_else(|| {
        ApiError::invalid(
            &ptr(key),
            format!("`{key}` must be a non-negative decimal amount like \"5.00\"."),
        )
    })
}

/// Parses `{"data":[{"type":kind,"id":"1"},...]}` into ids.
fn linkage_ids(v: &Value, kind: &str, pointer: &str) -> R<Vec<u64>> {
    let list = v.get("data").and_then(Value::as_array).ok_or_else(|| {
        ApiError::invalid(pointer, "`data` must be an array of resource identifiers.")
    })?;
    let mut ids = Vec::with_capacity(list.len());
    for (i, item) in list.iter().enumerate() {
        let p = format!("{pointer}/{i}");
        match item.get("type").and_then(Value::as_str) {
            Some(t) if t == kind => {}
            _ => {
                return Err(ApiError::invalid(
                    &format!("{p}/type"),
                    format!("`type` must be \"{kind}\"."),
                ));
            }
        }
        let id = match item.get("id") {
            Some(Value::String(s)) => s.parse::<u64>().ok(),
            Some(Value::Number(n)) => n.as_u64(),
            _ => None,
        };
        match id {
            Some(id) if !ids.contains(&id) => ids.push(id),
            Some(id) => {
                return Err(ApiError::invalid(
                    &format!("{p}/id"),
                    format!("{kind} {id} is listed twice."),
                ));
            }
            None => return Err(ApiError::not_found(format!("No {kind} with id at {p}/id."))),
        }
    }
    Ok(ids)
}

// ---------------------------------------------------------------- artists & categories

fn taxa<'s>(store: &'s Store, kind: &str) -> &'s std::collections::BTreeMap<u64, Taxon> {
    if kind == "artists" {
        &store.artists
    } else {
        &store.categories
    }
}

fn taxa_mut<'s>(
    store: &'s mut Store,
    kind: &str,
) -> &'s mut std::collections::BTreeMap<u64, Taxon> {
    if kind == "artists" {
        &mut store.artists
    } else {
        &mut store.categories
    }
}

fn singular(kind: &str) -> &'static str {
    match kind {
        "artists" => "Artist",
        "categories" => "Category",
        "products" => "Product",
        _ => "Resource",
    }
}

fn list_taxa(store: &Store, kind: &str, ctx: &Ctx) -> Outcome {
    let list = if kind == "artists" {
        store.artists()
    } else {
        store.categories()
    };
    let data: Vec<Value> = list.iter().map(|t| jsonapi::taxon(kind, t, ctx)).collect();
    Outcome::read(Reply::doc(200, json!({ "data": data })))
}

fn get_taxon(store: &Store, kind: &str, call: &Call, ctx: &Ctx) -> R<Outcome> {
    let id = path_id(call, &kind[..kind.len() - 1])?;
    let t = taxa(store, kind)
        .get(&id)
        .ok_or_else(|| ApiError::not_found(format!("{} {id} not found.", singular(kind))))?;
    Ok(Outcome::read(Reply::doc(
        200,
        json!({ "data": jsonapi::taxon(kind, t, ctx) }),
    )))
}

fn create_taxon(store: &mut Store, kind: &'static str, call: &Call, ctx: &Ctx) -> R<Outcome> {
    let doc = parse_body(call)?;
    let data = data_object(&doc, kind, None)?;
    let name = attributes(data, &["name"])?
        .and_then(|a| a.get("name"))
        .ok_or_else(|| ApiError::invalid("/data/attributes/name", "`name` is required."))?;
    let name = non_empty_string("name", name, 255)?;
    let id = store.next_id(kind);
    let map = taxa_mut(store, kind);
    let permalink = Store::unique_permalink(&name, map.values().map(|t| t.permalink.as_str()));
    let position = map.values().map(|t| t.position).max().unwrap_or(0) + 1;
    let t = Taxon {
        id,
        name,
        permalink,
        position,
    };
    let body = json!({ "data": jsonapi::taxon(kind, &t, ctx) });
    map.insert(id, t);
    store.tick();
    let mut reply = Reply::doc(201, body);
    reply.location = Some(format!("{}/{kind}/{id}", ctx.account_url()));
    Ok(Outcome {
        reply,
        effects: vec![write(kind, WriteKind::Create)],
    })
}

fn update_taxon(store: &mut Store, kind: &'static str, call: &Call, ctx: &Ctx) -> R<Outcome> {
    let id = path_id(call, &kind[..kind.len() - 1])?;
    if !taxa(store, kind).contains_key(&id) {
        return Err(ApiError::not_found(format!(
            "{} {id} not found.",
            singular(kind)
        )));
    }
    let doc = parse_body(call)?;
    let data = data_object(&doc, kind, Some(id))?;
    let name = match attributes(data, &["name"])?.and_then(|a| a.get("name")) {
        None | Some(Value::Null) => None,
        Some(v) => Some(non_empty_string("name", v, 255)?),
    };
    let map = taxa_mut(store, kind);
    if let Some(name) = name {
        let permalink = Store::unique_permalink(
            &name,
            map.values()
                .filter(|t| t.id != id)
                .map(|t| t.permalink.as_str()),
        );
        if let Some(t) = map.get_mut(&id) {
            t.name = name;
            t.permalink = permalink;
        }
    }
    let body = map
        .get(&id)
        .map(|t| json!({ "data": jsonapi::taxon(kind, t, ctx) }))
        .unwrap_or(Value::Null);
    store.tick();
    Ok(Outcome {
        reply: Reply::doc(200, body),
        effects: vec![write(kind, WriteKind::Update)],
    })
}

fn delete_taxon(store: &mut Store, kind: &'static str, call: &Call) -> R<Outcome> {
    let id = path_id(call, &kind[..kind.len() - 1])?;
    taxa_mut(store, kind)
        .remove(&id)
        .ok_or_else(|| ApiError::not_found(format!("{} {id} not found.", singular(kind))))?;
    for p in store.products.values_mut() {
        if kind == "artists" {
            p.artist_ids.retain(|a| *a != id);
        } else {
            p.category_ids.retain(|c| *c != id);
        }
    }
    if kind == "categories" {
        for d in store.discounts.values_mut() {
            d.category_ids.retain(|c| *c != id);
        }
    }
    // Positions close the gap.
    let mut rest: Vec<(i64, u64)> = taxa(store, kind)
        .values()
        .map(|t| (t.position, t.id))
        .collect();
    rest.sort_unstable();
    let map = taxa_mut(store, kind);
    for (pos, (_, tid)) in rest.into_iter().enumerate() {
        if let Some(t) = map.get_mut(&tid) {
            t.position = pos as i64 + 1;
        }
    }
    store.tick();
    Ok(Outcome {
        reply: Reply::no_content(),
        effects: vec![write(kind, WriteKind::Delete)],
    })
}

fn reposition(store: &mut Store, kind: &'static str, call: &Call) -> R<Outcome> {
    let doc = parse_body(call)?;
    if !doc.is_object() {
        return Err(ApiError::invalid(
            "",
            "The request body must be a JSON object.",
        ));
    }
    let ids = linkage_ids(&doc, kind, "/data")?;
    let existing: Vec<(i64, u64)> = match kind {
        "products" => store
            .products
            .values()
            .map(|p| (p.position, p.id))
            .collect(),
        _ => taxa(store, kind)
            .values()
            .map(|t| (t.position, t.id))
            .collect(),
    };
    for id in &ids {
        if !existing.iter().any(|(_, e)| e == id) {
            return Err(ApiError::not_found(format!(
                "{} {id} not found.",
                singular(kind)
            )));
        }
    }
    let mut rest: Vec<(i64, u64)> = existing
        .into_iter()
        .filter(|(_, id)| !ids.contains(id))
        .collect();
    rest.sort_unstable();
    let order: Vec<u64> = ids
        .iter()
        .copied()
        .chain(rest.into_iter().map(|(_, id)| id))
        .collect();
    for (pos, id) in order.into_iter().enumerate() {
        let pos = pos as i64 + 1;
        match kind {
            "products" => {
                if let Some(p) = store.products.get_mut(&id) {
                    p.position = pos;
                }
            }
            _ => {
                if let Some(t) = taxa_mut(store, kind).get_mut(&id) {
                    t.position = pos;
                }
            }
        }
    }
    store.tick();
    Ok(Outcome {
        reply: Reply::no_content(),
        effects: vec![write(kind, WriteKind::Reposition)],
    })
}

// ---------------------------------------------------------------- pagination

struct Page {
    limit: usize,
    offset: usize,
}

fn page(call: &Call) -> R<Page> {
    let limit = match call.q("page[limit]") {
        None => DEFAULT_PAGE_LIMIT,
        // An int64 like the spec says; a large one is clamped, one past int64 is invalid.
        Some(s) => match s.trim().parse::<i64>() {
            Ok(n) if n >= 1 => (n.min(MAX_PAGE_LIMIT as i64)) as usize,
            _ => {
                return Err(ApiError::bad_param(
                    "page[limit]",
                    "`page[limit]` must be a positive integer.",
                ));
            }
        },
    };
    let offset = match call.q("page[offset]") {
        None => 0,
        // The spec's page[offset] is an int64: anything past it is invalid, not "very far".
        Some(s) => match s.trim().parse::<i64>() {
            Ok(n) if n >= 0 => usize::try_from(n).unwrap_or(usize::MAX),
            _ => {
                return Err(ApiError::bad_param(
                    "page[offset]",
                    "`page[offset]` must be a non-negative integer.",
                ));
            }
        },
    };
    Ok(Page { limit, offset })
}

/// Slices `items` and builds the list document with `meta.count` and links.
fn paginated<T>(
    call: &Call,
    items: Vec<T>,
    render: impl Fn(&T, &mut Included) -> Value,
) -> R<Outcome> {
    let page = page(call)?;
    let count = items.len();
    let mut inc = Included::default();
    let data: Vec<Value> = items
        .iter()
        .skip(page.offset)
        .take(page.limit)
        .map(|item| render(item, &mut inc))
        .collect();
    let keep: Vec<&(String, String)> = call
        .query
        .iter()
        .filter(|(k, _)| k != "page[limit]" && k != "page[offset]")
        .collect();
    let link = |offset: usize| {
        let mut ser = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &keep {
            ser.append_pair(k, v);
        }
        ser.append_pair("page[limit]", &page.limit.to_string());
        ser.append_pair("page[offset]", &offset.to_string());
        format!("{}{}?{}", call.base, call.path, ser.finish())
    };
    let mut links = Map::new();
    if page.offset.saturating_add(page.limit) < count {
        links.insert("next".into(), Value::String(link(page.offset + page.limit)));
    }
    let last = if count == 0 {
        0
    } else {
        (count - 1) / page.limit * page.limit
    };
    links.insert("last".into(), Value::String(link(last)));
    let mut doc = inc.document(Value::Array(data));
    doc.insert("meta".into(), json!({ "count": count }));
    doc.insert("links".into(), Value::Object(links));
    Ok(Outcome::read(Reply::doc(200, Value::Object(doc))))
}

/// Rejects `filter[...]` keys other than `allowed`.
fn check_filters(call: &Call, allowed: &[&str]) -> R<()> {
    for (k, _) in call.query {
        if let Some(name) = k.strip_prefix("filter[").and_then(|r| r.strip_suffix(']')) {
            if !allowed.contains(&name) {
                return Err(ApiError::bad_param(k, format!("Unsupported filter `{k}`.")));
            }
        } else if k == "filter" {
            return Err(ApiError::bad_param(
                k,
                "Use `filter[<attribute>]=<values>`.",
            ));
        }
    }
    Ok(())
}

fn comma_values<'c>(call: &'c Call, key: &str, allowed: &[&str]) -> R<Option<Vec<&'c str>>> {
    let Some(raw) = call.q(key) else {
        return Ok(None);
    };
    let vals: Vec<&str> = raw
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect();
    for v in &vals {
        if !allowed.contains(v) {
            return Err(ApiError::bad_param(
                key,
                format!("`{key}` values must be among: {}.", allowed.join(", ")),
            ));
        }
    }
    Ok(Some(vals))
}

fn comma_ids(call: &Call, key: &str) -> R<Option<Vec<u64>>> {
    let Some(raw) = call.q(key) else {
        return Ok(None);
    };
    raw.split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| {
            v.parse::<u64>().map_err(|_| {
                ApiError::bad_param(
                    key,
                    format!("`{key}` must be a comma separated list of ids."),
                )
            })
        })
        .collect::<R<Vec<u64>>>()
        .map(Some)
}

/// Parses `sort` into (attribute, descending).
fn sort_param<'c>(
    call: &'c Call,
    allowed: &[&str],
    default: (&'c str, bool),
) -> R<(&'c str, bool)> {
    let Some(raw) = call.q("sort") else {
        return Ok(default);
    };
    let (attr, desc) = match raw.strip_prefix('-') {
        Some(a) => (a, true),
        None => (raw, false),
    };
    if allowed.contains(&attr) {
        Ok((attr, desc))
    } else {
        Err(ApiError::bad_param(
            "sort",
            format!(
                "`sort` must be one of {} (prefix - for descending).",
                allowed.join(", ")
            ),
        ))
    }
}

// ---------------------------------------------------------------- products

fn list_products(store: &Store, call: &Call, ctx: &Ctx) -> R<Outcome> {
    check_filters(call, &["status", "category_id", "artist_id"])?;
    let statuses = comma_values(
        call,
        "filter[status]",
        &["active", "hidden", "sold_out", "coming_soon"],
    )?;
    let categories = comma_ids(call, "filter[category_id]")?;
    let artists = comma_ids(call, "filter[artist_id]")?;
    let (attr, desc) = sort_param(
        call,
        &["position", "created_at", "updated_at"],
        ("position", false),
    )?;
    let mut items: Vec<&Product> = store
        .products
        .values()
        .filter(|p| {
            statuses
                .as_ref()
                .is_none_or(|s| s.contains(&p.status.as_str()))
        })
        .filter(|p| {
            categories
                .as_ref()
                .is_none_or(|c| p.category_ids.iter().any(|id| c.contains(id)))
        })
        .filter(|p| {
            artists
                .as_ref()
                .is_none_or(|a| p.artist_ids.iter().any(|id| a.contains(id)))
        })
        .collect();
    items.sort_by_key(|p| {
        let k = match attr {
            "created_at" => p.created_at,
            "updated_at" => p.updated_at,
            _ => p.position,
        };
        (k, p.id)
    });
    if desc {
        items.reverse();
    }
    paginated(call, items, |p, inc| jsonapi::product(store, p, ctx, inc))
}

// ---------------------------------------------------------------- orders

fn list_orders(store: &Store, call: &Call) -> R<Outcome> {
    check_filters(call, &["shipping_status"])?;
    let shipping = comma_values(call, "filter[shipping_status]", &["shipped", "unshipped"])?;
    let (attr, desc) = sort_param(
        call,
        &["created_at", "updated_at", "completed_at"],
        ("created_at", true),
    )?;
    let search = call
        .q("search")
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty());
    let mut items: Vec<&Order> = store
        .orders
        .values()
        .filter(|o| {
            shipping
                .as_ref()
                .is_none_or(|s| s.contains(&o.shipping_status.as_str()))
        })
        .filter(|o| {
            search.as_ref().is_none_or(|q| {
                let name =
                    format!("{} {}", o.customer_first_name, o.customer_last_name).to_lowercase();
                name.contains(q.as_str())
                    || o.customer_email.to_lowercase().contains(q.as_str())
                    || o.id.to_string() == *q
            })
        })
        .collect();
    // Orders without completed_at sort after all others (either direction).
    items.sort_by_key(|o| {
        let k = match attr {
            "updated_at" => Some(o.updated_at),
            "completed_at" => o.completed_at,
            _ => Some(o.created_at),
        };
        (
            k.is_none(),
            k.map(|k| if desc { -k } else { k }),
            if desc { u64::MAX - o.id } else { o.id },
        )
    });
    paginated(call, items, |o, inc| jsonapi::order(store, o, inc))
}

const ORDER_ATTRS: &[&str] = &[
    "customer_first_name",
    "customer_last_name",
    "customer_email",
    "shipping_address_1",
    "shipping_address_2",
    "shipping_city",
    "shipping_state",
    "shipping_zip",
    "shipping_country_id",
    "shipping_status",
];

fn update_order(store: &mut Store, call: &Call) -> R<Outcome> {
    let id = path_id(call, "order")?;
    let Some(mut o) = store.orders.get(&id).cloned() else {
        return Err(ApiError::not_found(format!("Order {id} not found.")));
    };
    let doc = parse_body(call)?;
    let data = data_object(&doc, "orders", Some(id))?;
    if data.contains_key("relationships") {
        return Err(ApiError::invalid(
            "/data/relationships",
            "Order relationships are read-only.",
        ));
    }
    let previous_status = o.shipping_status.clone();
    if let Some(attrs) = attributes(data, ORDER_ATTRS)? {
        for (key, v) in attrs {
            // `null` leaves a field unchanged, except the optional second
            // address line, which it clears.
            if v.is_null() {
                if key == "shipping_address_2" {
                    o.shipping_address_2 = None;
                }
                continue;
            }
            match key.as_str() {
                "customer_first_name" => o.customer_first_name = non_empty_string(key, v, 255)?,
                "customer_last_name" => o.customer_last_name = non_empty_string(key, v, 255)?,
                "customer_email" => {
                    let e = non_empty_string(key, v, 255)?;
                    if !e.contains('@') || e.contains(char::is_whitespace) {
                        return Err(ApiError::invalid(
                            &ptr(key),
                            "`customer_email` must be an email address.",
                        ));
                    }
                    o.customer_email = e;
                }
                "shipping_address_1" => o.shipping_address_1 = any_string(key, v, 255)?,
                "shipping_address_2" => {
                    let s = any_string(key, v, 255)?;
                    o.shipping_address_2 = if s.is_empty() { None } else { Some(s) };
                }
                "shipping_city" => o.shipping_city = any_string(key, v, 255)?,
                "shipping_state" => o.shipping_state = any_string(key, v, 255)?,
                "shipping_zip" => o.shipping_zip = any_string(key, v, 32)?,
                "shipping_country_id" => {
                    let code = v
                        .as_str()
                        .map(|s| s.trim().to_ascii_uppercase())
                        .unwrap_or_default();
                    if crate::countries::name(&code).is_none() {
                        return Err(ApiError::invalid(
                            &ptr(key),
                            "`shipping_country_id` must be an ISO 3166-1 alpha-2 country code.",
                        ));
                    }
                    o.shipping_country_id = code;
                }
                "shipping_status" => o.shipping_status = one_of(key, v, &["shipped", "unshipped"])?,
                _ => {}
            }
        }
    }
    let now = store.tick();
    o.updated_at = now;
    if o.shipping_status != previous_status {
        let message = if o.shipping_status == "shipped" {
            "Marked as shipped"
        } else {
            "Marked as unshipped"
        };
        o.events.push(OrderEvent {
            id: store.next_id("order_events"),
            message: message.into(),
            identifier: Some("shipping_status"),
            created_at: now,
        });
    }
    let body = order_doc(store, &o);
    store.orders.insert(id, o);
    Ok(Outcome {
        reply: Reply::doc(200, body.clone()),
        effects: vec![
            write("orders", WriteKind::Update),
            webhook("order.updated", body),
        ],
    })
}

// ---------------------------------------------------------------- discounts

fn list_discounts(store: &Store, call: &Call, ctx: &Ctx) -> R<Outcome> {
    check_filters(call, &["status"])?;
    let statuses = comma_values(call, "filter[status]", &["active", "expired"])?;
    let items: Vec<&Discount> = store
        .discounts
        .values()
        .filter(|d| {
            statuses
                .as_ref()
                .is_none_or(|s| s.contains(&d.status(store.now)))
        })
        .collect();
    paginated(call, items, |d, inc| jsonapi::discount(store, d, ctx, inc))
}

const DISCOUNT_ATTRS: &[&str] = &[
    "name",
    "code",
    "active_at",
    "expires_at",
    "requirement_type",
    "expiration_type",
    "reward_type",
    "application_type",
    "percent_discount",
    "flat_rate_discount",
    "use_limit",
    "minimum_cart_total",
    "minimum_cart_quantity",
];

const DISCOUNT_REQUIRED: &[&str] = &[
    "name",
    "code",
    "active_at",
    "requirement_type",
    "expiration_type",
    "reward_type",
    "application_type",
];

/// Applies attributes and relationships of a discount body to `d`.
fn apply_discount(
    store: &Store,
    d: &mut Discount,
    data: &Map<String, Value>,
    create: bool,
) -> R<()> {
    if let Some(Value::Object(attrs)) = data.get("attributes") {
        for ro in ["use_count", "status"] {
            if attrs.contains_key(ro) {
                return Err(ApiError::invalid(&ptr(ro), format!("`{ro}` is read-only.")));
            }
        }
    }
    let empty = Map::new();
    let attrs = attributes(data, DISCOUNT_ATTRS)?.unwrap_or(&empty);
    if create {
        for key in DISCOUNT_REQUIRED {
            if attrs.get(*key).is_none_or(Value::is_null) {
                return Err(ApiError::invalid(
                    &ptr(key),
                    format!("`{key}` is required."),
                ));
            }
        }
    }
    for (key, v) in attrs {
        let k = key.as_str();
        match k {
            "name" if !v.is_null() => d.name = non_empty_string(k, v, 255)?,
            "code" if !v.is_null() => {
                let code = non_empty_string(k, v, 64)?;
                if code.contains(char::is_whitespace) {
                    return Err(ApiError::invalid(&ptr(k), "`code` can't contain spaces."));
                }
                d.code = code;
            }
            "active_at" if !v.is_null() => d.active_at = timestamp(k, v)?,
            "expires_at" => {
                d.expires_at = if v.is_null() {
                    None
                } else {
                    Some(timestamp(k, v)?)
                }
            }
            "requirement_type" if !v.is_null() => {
                d.requirement_type = one_of(
                    k,
                    v,
                    &["any_order", "minimum_cart_total", "minimum_cart_quantity"],
                )?;
            }
            "expiration_type" if !v.is_null() => {
                d.expiration_type = one_of(k, v, &["never", "on_date", "on_limit"])?;
            }
            "reward_type" if !v.is_null() => {
                d.reward_type = one_of(
                    k,
                    v,
                    &["percent_discount", "flat_rate_discount", "free_shipping"],
                )?;
            }
            "application_type" if !v.is_null() => {
                d.application_type = one_of(k, v, &["all", "category", "product"])?;
            }
            "percent_discount" => {
                d.percent_discount = if v.is_null() {
                    None
                } else {
                    Some(integer(k, v, 1, 99)?)
                };
            }
            "flat_rate_discount" => {
                d.flat_rate_discount_cents = if v.is_null() {
                    None
                } else {
                    Some(amount(k, v)?)
                };
            }
            "use_limit" => {
                d.use_limit = if v.is_null() {
                    None
                } else {
                    Some(integer(k, v, 1, i64::from(i32::MAX))?)
                }
            }
            "minimum_cart_total" => {
                d.minimum_cart_total_cents = if v.is_null() {
                    None
                } else {
                    Some(amount(k, v)?)
                };
            }
            "minimum_cart_quantity" => {
                d.minimum_cart_quantity = if v.is_null() {
                    None
                } else {
                    Some(integer(k, v, 1, i64::from(i32::MAX))?)
                };
            }
            _ => {}
        }
    }
    if let Some(rels) = data.get("relationships") {
        let rels = rels.as_object().ok_or_else(|| {
            ApiError::invalid("/data/relationships", "`relationships` must be an object.")
        })?;
        for (key, v) in rels {
            let pointer = format!("/data/relationships/{key}/data");
            match key.as_str() {
                "categories" => {
                    let ids = linkage_ids(v, "categories", &pointer)?;
                    if let Some(missing) = ids.iter().find(|id| !store.categories.contains_key(id))
                    {
                        return Err(ApiError::not_found(format!(
                            "Category {missing} not found."
                        )));
                    }
                    d.category_ids = ids;
                }
                "products" => {
                    let ids = linkage_ids(v, "products", &pointer)?;
                    if let Some(missing) = ids.iter().find(|id| !store.products.contains_key(id)) {
                        return Err(ApiError::not_found(format!("Product {missing} not found.")));
                    }
                    d.product_ids = ids;
                }
                _ => {
                    return Err(ApiError::invalid(
                        &format!("/data/relationships/{key}"),
                        format!("Unknown relationship `{key}`."),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Cross-field rules of the docs ("required when ... is set to ...").
fn validate_discount(store: &Store, d: &Discount, expires_changed: bool) -> R<()> {
    let need = |cond: bool, key: &str, why: &str| {
        if cond {
            Err(ApiError::invalid(
                &ptr(key),
                format!("`{key}` is required when {why}."),
            ))
        } else {
            Ok(())
        }
    };
    need(
        d.reward_type == "percent_discount" && d.percent_discount.is_none(),
        "percent_discount",
        "reward_type is percent_discount",
    )?;
    need(
        d.reward_type == "flat_rate_discount" && d.flat_rate_discount_cents.is_none_or(|c| c == 0),
        "flat_rate_discount",
        "reward_type is flat_rate_discount",
    )?;
    need(
        d.expiration_type == "on_date" && d.expires_at.is_none(),
        "expires_at",
        "expiration_type is on_date",
    )?;
    need(
        d.expiration_type == "on_limit" && d.use_limit.is_none(),
        "use_limit",
        "expiration_type is on_limit",
    )?;
    need(
        d.requirement_type == "minimum_cart_total" && d.minimum_cart_total_cents.is_none(),
        "minimum_cart_total",
        "requirement_type is minimum_cart_total",
    )?;
    need(
        d.requirement_type == "minimum_cart_quantity" && d.minimum_cart_quantity.is_none(),
        "minimum_cart_quantity",
        "requirement_type is minimum_cart_quantity",
    )?;
    if d.application_type == "category" && d.category_ids.is_empty() {
        return Err(ApiError::invalid(
            "/data/relationships/categories",
            "At least one category is required when application_type is category.",
        ));
    }
    if d.application_type == "product" && d.product_ids.is_empty() {
        return Err(ApiError::invalid(
            "/data/relationships/products",
            "At least one product is required when application_type is product.",
        ));
    }
    if expires_changed && d.expires_at.is_some_and(|e| e <= store.now) {
        return Err(ApiError::invalid(
            &ptr("expires_at"),
            "`expires_at` must be in the future.",
        ));
    }
    if store
        .discounts
        .values()
        .any(|other| other.id != d.id && other.code.eq_ignore_ascii_case(&d.code))
    {
        // A conflict with the stored state, not a malformed request.
        return Err(ApiError {
            status: 409,
            ..ApiError::invalid(&ptr("code"), "`code` has already been taken.")
        });
    }
    Ok(())
}

fn create_discount(store: &mut Store, call: &Call, ctx: &Ctx) -> R<Outcome> {
    let doc = parse_body(call)?;
    let data = data_object(&doc, "discounts", None)?;
    let mut d = Discount {
        id: 0,
        name: String::new(),
        code: String::new(),
        active_at: store.now,
        expires_at: None,
        requirement_type: String::new(),
        expiration_type: String::new(),
        reward_type: String::new(),
        application_type: String::new(),
        percent_discount: None,
        flat_rate_discount_cents: None,
        use_limit: None,
        use_count: 0,
        minimum_cart_total_cents: None,
        minimum_cart_quantity: None,
        category_ids: vec![],
        product_ids: vec![],
    };
    apply_discount(store, &mut d, data, true)?;
    validate_discount(store, &d, true)?;
    d.id = store.next_id("discounts");
    let id = d.id;
    store.discounts.insert(id, d);
    store.tick();
    let body = store
        .discounts
        .get(&id)
        .map(|d| discount_doc(store, d, ctx))
        .unwrap_or(Value::Null);
    let mut reply = Reply::doc(201, body);
    reply.location = Some(format!("{}/discounts/{id}", ctx.account_url()));
    Ok(Outcome {
        reply,
        effects: vec![write("discounts", WriteKind::Create)],
    })
}

fn update_discount(store: &mut Store, call: &Call, ctx: &Ctx) -> R<Outcome> {
    let id = path_id(call, "discount")?;
    let Some(mut d) = store.discounts.get(&id).cloned() else {
        return Err(ApiError::not_found(format!("Discount {id} not found.")));
    };
    let doc = parse_body(call)?;
    let data = data_object(&doc, "discounts", Some(id))?;
    let before = d.expires_at;
    apply_discount(store, &mut d, data, false)?;
    validate_discount(store, &d, d.expires_at != before)?;
    store.discounts.insert(id, d);
    store.tick();
    let body = store
        .discounts
        .get(&id)
        .map(|d| discount_doc(store, d, ctx))
        .unwrap_or(Value::Null);
    Ok(Outcome {
        reply: Reply::doc(200, body),
        effects: vec![write("discounts", WriteKind::Update)],
    })
}

// ---------------------------------------------------------------- OAuth

fn oauth_error(status: u16, error: &str, description: &str) -> Outcome {
    Outcome::read(Reply::oauth(
        status,
        json!({"error": error, "error_description": description}),
    ))
}

/// Reads OAuth parameters from a form or JSON body, falling back to the query.
fn oauth_params(call: &Call) -> Result<Vec<(String, String)>, Outcome> {
    let ct = call.content_type.unwrap_or("").to_ascii_lowercase();
    let mut params: Vec<(String, String)> = call.query.to_vec();
    if call.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(params);
    }
    if ct.starts_with("application/x-www-form-urlencoded") {
        params.extend(
            form_urlencoded::parse(call.body).map(|(k, v)| (k.into_owned(), v.into_owned())),
        );
    } else if ct.starts_with("application/json") || ct.starts_with(MEDIA_TYPE) {
        let v: Value = serde_json::from_slice(call.body).map_err(|_| {
            oauth_error(
                400,
                "invalid_request",
                "The request body is not valid JSON.",
            )
        })?;
        let obj = v.as_object().ok_or_else(|| {
            oauth_error(
                400,
                "invalid_request",
                "The request body must be a JSON object.",
            )
        })?;
        for (k, v) in obj {
            match v {
                Value::String(s) => params.push((k.clone(), s.clone())),
                Value::Number(n) => params.push((k.clone(), n.to_string())),
                Value::Null => {}
                _ => {
                    return Err(oauth_error(
                        400,
                        "invalid_request",
                        "OAuth parameters must be strings.",
                    ));
                }
            }
        }
    } else {
        return Err(Outcome::read(Reply::oauth(
            415,
            json!({"error": "invalid_request", "error_description": "Send application/x-www-form-urlencoded or application/json."}),
        )));
    }
    Ok(params)
}

fn create_token(store: &mut Store, call: &Call) -> Outcome {
    let params = match oauth_params(call) {
        Ok(p) => p,
        Err(o) => return o,
    };
    let get = |key: &str| {
        params
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let (Some(client_id), Some(client_secret), Some(code)) =
        (get("client_id"), get("client_secret"), get("code"))
    else {
        return oauth_error(
            400,
            "invalid_request",
            "client_id, client_secret and code are required.",
        );
    };
    if client_id != call.cfg.client_id {
        return oauth_error(
            401,
            "invalid_client_id",
            "The client_id you specified is invalid.",
        );
    }
    if client_secret != call.cfg.client_secret {
        return oauth_error(
            401,
            "invalid_client_secret",
            "The client_secret you specified is invalid.",
        );
    }
    if let Some(uri) = get("redirect_uri")
        && !uri.contains(':')
    {
        return oauth_error(
            400,
            "invalid_redirect_uri",
            "The redirect_uri you specified is invalid.",
        );
    }
    if code != call.cfg.oauth_code {
        return oauth_error(
            400,
            "invalid_grant",
            "The authorization code is invalid or has expired.",
        );
    }
    store.token_counter += 1;
    let mut rng = fastrand::Rng::with_seed(
        call.cfg.seed ^ store.token_counter.wrapping_mul(0x9E37_79B9_7F4A_7C15),
    );
    let token = format!("bcmock_{:016x}{:016x}", rng.u64(..), rng.u64(..));
    store.issued_tokens.insert(token.clone());
    store.tick();
    let account_id = serde_json::Number::from(store.account.id);
    Outcome {
        reply: Reply::oauth(
            200,
            json!({"access_token": token, "token_type": "bearer", "account_id": account_id}),
        ),
        effects: vec![write("tokens", WriteKind::Create)],
    }
}

fn deauthorize(store: &mut Store, call: &Call) -> Outcome {
    let unauthorized = |error: &str| {
        let mut o = oauth_error(
            401,
            error,
            "Use HTTP Basic authentication with your client_id and client_secret.",
        );
        o.reply.www_authenticate = true;
        o
    };
    let Some((user, pass)) = &call.basic else {
        return unauthorized("invalid_client_id");
    };
    if *user != call.cfg.client_id {
        return unauthorized("invalid_client_id");
    }
    if *pass != call.cfg.client_secret {
        return unauthorized("invalid_client_secret");
    }
    let account_ok = call
        .route
        .account_id
        .as_deref()
        .and_then(|a| a.parse::<u64>().ok())
        .is_some_and(|a| a == store.account.id);
    if !account_ok {
        return oauth_error(
            404,
            "not_found",
            "No account with that id is connected to this application.",
        );
    }
    store.issued_tokens.clear();
    store.static_token_revoked = true;
    store.tick();
    Outcome {
        reply: Reply::no_content(),
        effects: vec![
            write("tokens", WriteKind::Delete),
            webhook(
                "account.deauthorized",
                json!({"id": store.account.id.to_string()}),
            ),
        ],
    }
}

/// Places a new random order (what a buyer checking out would do): updates
/// stock, emits `order.created` and `product.updated`.
pub(crate) fn place_order(
    store: &mut Store,
    rng: &mut fastrand::Rng,
    ctx: &Ctx,
) -> (u64, Vec<Effect>) {
    let at = store.tick();
    let mut order = crate::seed::gen_order(rng, store, at);
    order.shipping_status = "unshipped".into();
    order.events.retain(|e| e.message != "Marked as shipped");
    order.updated_at = at;
    if let Some(c) = order.completed_at.as_mut() {
        *c = at;
    }
    for e in &mut order.events {
        e.created_at = at;
    }
    let mut effects = vec![write("orders", WriteKind::Create)];
    let mut touched = Vec::new();
    for item in &order.items {
        if let Some(p) = store.products.get_mut(&item.product_id) {
            if let Some(opt) = p
                .options
                .iter_mut()
                .find(|o| o.id == item.product_option_id)
            {
                opt.quantity = (opt.quantity - item.quantity).max(0);
                opt.sold += item.quantity;
            }
            if p.status == "active" && p.options.iter().all(|o| o.quantity == 0) {
                p.status = "sold_out".into();
            }
            p.updated_at = at;
            touched.push(p.id);
        }
    }
    let id = order.id;
    let doc = order_doc(store, &order);
    store.orders.insert(id, order);
    effects.push(webhook("order.created", doc));
    for pid in touched {
        if let Some(p) = store.products.get(&pid) {
            effects.push(webhook("product.updated", product_doc(store, p, ctx)));
        }
    }
    (id, effects)
}
