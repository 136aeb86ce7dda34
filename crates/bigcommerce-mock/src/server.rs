//! The HTTP side: routing (`/stores/{store_hash}/v3/carts...` and the `/__mock` admin API),
//! authentication, fault injection, request counters, and the JSON envelopes.

use crate::error::ApiError;
use crate::store::{Includes, Store};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// The largest request body accepted.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// How the mock starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockConfig {
    /// Port on 127.0.0.1 (0 picks a free one).
    pub port: u16,
    /// The store hash in the API path (`/stores/{store_hash}/v3`).
    pub store_hash: String,
    /// The `X-Auth-Token` to accept.
    pub token: String,
    /// Seed for cart and item ids (same seed, same ids).
    pub seed: u64,
    /// The storefront's address, for item and redirect URLs.
    pub storefront_url: String,
    /// Print one line per request on stderr.
    pub log_requests: bool,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            port: 0,
            store_hash: "mockstore".into(),
            token: "mock-token".into(),
            seed: 42,
            storefront_url: "https://mockstore.example".into(),
            log_requests: false,
        }
    }
}

/// Answers injected instead of the real ones: the next `count` API requests (of `operation`, when
/// given) get `status`, with `Retry-After` when `retry_after` is set. Changes are not applied.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct Faults {
    /// The status to answer (503, 429, 500...).
    pub status: u16,
    /// How many requests get it.
    pub count: u32,
    /// `Retry-After` seconds.
    #[serde(default)]
    pub retry_after: Option<u64>,
    /// Only this operationId.
    #[serde(default)]
    pub operation: Option<String>,
}

/// Why the mock could not start.
#[derive(Debug, thiserror::Error)]
pub enum MockError {
    /// The port could not be bound.
    #[error("could not listen on 127.0.0.1: {0}")]
    Io(#[from] std::io::Error),
}

struct App {
    store: Mutex<Store>,
    counters: Mutex<BTreeMap<String, u64>>,
    faults: Mutex<Faults>,
    config: MockConfig,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking handler must not take the whole mock down with it.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A running mock server; it stops when dropped or on [`MockServer::shutdown`].
pub struct MockServer {
    app: Arc<App>,
    addr: SocketAddr,
    url: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl MockServer {
    /// Starts the server on 127.0.0.1.
    pub async fn start(config: MockConfig) -> Result<MockServer, MockError> {
        let listener = TcpListener::bind(("127.0.0.1", config.port)).await?;
        let addr = listener.local_addr()?;
        let app = Arc::new(App {
            store: Mutex::new(Store::new(config.seed)),
            counters: Mutex::new(BTreeMap::new()),
            faults: Mutex::new(Faults::default()),
            config,
        });
        let router = Router::new().fallback(entry).with_state(app.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(MockServer {
            app,
            addr,
            url: format!("http://{addr}"),
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT` (no trailing slash): the client's base URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API root, `http://127.0.0.1:PORT/stores/{store_hash}/v3`.
    pub fn api_url(&self) -> String {
        format!("{}/stores/{}/v3", self.url, self.app.config.store_hash)
    }

    /// The store hash the mock serves.
    pub fn store_hash(&self) -> &str {
        &self.app.config.store_hash
    }

    /// The token the mock accepts.
    pub fn token(&self) -> &str {
        &self.app.config.token
    }

    /// Requests received for an operationId (faulted ones included).
    pub fn count(&self, operation: &str) -> u64 {
        lock(&self.app.counters)
            .get(operation)
            .copied()
            .unwrap_or(0)
    }

    /// Injects faults (replacing any left).
    pub fn set_faults(&self, faults: Faults) {
        *lock(&self.app.faults) = faults;
    }

    /// Whether a cart exists.
    pub fn cart_exists(&self, cart_id: &str) -> bool {
        lock(&self.app.store).carts.contains_key(cart_id)
    }

    /// Applies a coupon to a cart, as a checkout would (`SAVE5`: $5 off, `TENOFF`: 10% off).
    pub fn apply_coupon(&self, cart_id: &str, code: &str) -> Result<(), ApiError> {
        lock(&self.app.store).apply_coupon(cart_id, code)
    }

    /// Forgets every cart, counter and fault.
    pub fn reset(&self) {
        self.app.reset();
    }

    /// Stops the server and waits for it.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl App {
    fn reset(&self) {
        *lock(&self.store) = Store::new(self.config.seed);
        lock(&self.counters).clear();
        *lock(&self.faults) = Faults::default();
    }
}

/// The operations of the Carts API the mock serves, and their path parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `POST /carts`.
    CreateCart,
    /// `GET /carts/{cartId}`.
    GetCart(String),
    /// `PUT /carts/{cartId}`.
    UpdateCart(String),
    /// `DELETE /carts/{cartId}`.
    DeleteCart(String),
    /// `POST /carts/{cartId}/items`.
    AddCartLineItems(String),
    /// `PUT /carts/{cartId}/items/{itemId}`.
    UpdateCartLineItem(String, String),
    /// `DELETE /carts/{cartId}/items/{itemId}`.
    DeleteCartLineItem(String, String),
    /// `POST /carts/{cartId}/redirect_urls`.
    CreateCartRedirectUrl(String),
}

impl Route {
    /// The spec's operationId.
    pub fn operation_id(&self) -> &'static str {
        match self {
            Route::CreateCart => "createCart",
            Route::GetCart(_) => "getCart",
            Route::UpdateCart(_) => "updateCart",
            Route::DeleteCart(_) => "deleteCart",
            Route::AddCartLineItems(_) => "addCartLineItems",
            Route::UpdateCartLineItem(..) => "updateCartLineItem",
            Route::DeleteCartLineItem(..) => "deleteCartLineItem",
            Route::CreateCartRedirectUrl(_) => "createCartRedirectURL",
        }
    }

    fn has_body(&self) -> bool {
        matches!(
            self,
            Route::CreateCart
                | Route::UpdateCart(_)
                | Route::AddCartLineItems(_)
                | Route::UpdateCartLineItem(..)
        )
    }
}

/// Routes a method and a path below `/stores/{store_hash}/v3`.
pub fn route(method: &Method, path: &str) -> Result<Route, ApiError> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let not_allowed = || ApiError::new(405, format!("{method} is not allowed on {path}"));
    let id = |s: &str| s.to_string();
    match segments.as_slice() {
        ["carts"] => match *method {
            Method::POST => Ok(Route::CreateCart),
            _ => Err(not_allowed()),
        },
        ["carts", cart] if !cart.is_empty() => match *method {
            Method::GET => Ok(Route::GetCart(id(cart))),
            Method::PUT => Ok(Route::UpdateCart(id(cart))),
            Method::DELETE => Ok(Route::DeleteCart(id(cart))),
            _ => Err(not_allowed()),
        },
        ["carts", cart, "items"] => match *method {
            Method::POST => Ok(Route::AddCartLineItems(id(cart))),
            _ => Err(not_allowed()),
        },
        ["carts", cart, "items", item] if !item.is_empty() => match *method {
            Method::PUT => Ok(Route::UpdateCartLineItem(id(cart), id(item))),
            Method::DELETE => Ok(Route::DeleteCartLineItem(id(cart), id(item))),
            _ => Err(not_allowed()),
        },
        ["carts", cart, "redirect_urls"] => match *method {
            Method::POST => Ok(Route::CreateCartRedirectUrl(id(cart))),
            _ => Err(not_allowed()),
        },
        _ => Err(ApiError::new(404, format!("No route for {path}"))),
    }
}

async fn entry(
    State(app): State<Arc<App>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    let response = if let Some(admin) = path.strip_prefix("/__mock") {
        admin_api(&app, &method, admin, &body)
    } else {
        api(&app, &method, &uri, &headers, &body)
    };
    if app.config.log_requests {
        eprintln!("{method} {uri} -> {}", response.status().as_u16());
    }
    response
}

fn api(app: &App, method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Response {
    let prefix = format!("/stores/{}/v3", app.config.store_hash);
    let Some(rest) = uri.path().strip_prefix(&prefix) else {
        return ApiError::new(404, "Store not found".into()).into_response();
    };
    let route = match route(method, rest) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    *lock(&app.counters)
        .entry(route.operation_id().to_string())
        .or_default() += 1;
    let token = headers
        .get("x-auth-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if token != app.config.token {
        return ApiError::new(
            401,
            "You are not authorized to access this store: check the X-Auth-Token.".into(),
        )
        .into_response();
    }
    if let Some(fault) = take_fault(app, route.operation_id()) {
        return fault;
    }
    let include = match Query::<BTreeMap<String, String>>::try_from_uri(uri) {
        Ok(Query(q)) => match Includes::parse(q.get("include").map(String::as_str)) {
            Ok(i) => i,
            Err(e) => return e.into_response(),
        },
        Err(_) => {
            return ApiError::new(400, "The query string is not valid.".into()).into_response();
        }
    };
    let json = if route.has_body() {
        if body.len() > MAX_BODY_BYTES {
            return ApiError::new(413, "The request body is too large.".into()).into_response();
        }
        match serde_json::from_slice::<Value>(body) {
            Ok(v) => v,
            Err(e) => {
                return ApiError::new(400, format!("The request body is not valid JSON: {e}"))
                    .into_response();
            }
        }
    } else {
        Value::Null
    };
    match handle(app, &route, &json, include) {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

fn take_fault(app: &App, operation: &str) -> Option<Response> {
    let mut f = lock(&app.faults);
    if f.count == 0 || f.operation.as_deref().is_some_and(|o| o != operation) {
        return None;
    }
    f.count -= 1;
    let mut response = ApiError::new(f.status, "Injected fault".into()).into_response();
    if let Some(secs) = f.retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    Some(response)
}

fn envelope(status: StatusCode, data: Value) -> Response {
    (status, axum::Json(json!({ "data": data, "meta": {} }))).into_response()
}

fn handle(app: &App, route: &Route, body: &Value, include: Includes) -> Result<Response, ApiError> {
    let storefront = app.config.storefront_url.trim_end_matches('/');
    let mut store = lock(&app.store);
    let cart = |store: &Store, id: &str| -> Result<Value, ApiError> {
        Ok(store.render(store.cart(id)?, include, storefront))
    };
    match route {
        Route::CreateCart => {
            let id = store.create(body)?;
            Ok(envelope(StatusCode::CREATED, cart(&store, &id)?))
        }
        Route::GetCart(id) => Ok(envelope(StatusCode::OK, cart(&store, id)?)),
        Route::UpdateCart(id) => {
            store.update_customer(id, body)?;
            // The API answers 201 to this PUT.
            Ok(envelope(StatusCode::CREATED, cart(&store, id)?))
        }
        Route::DeleteCart(id) => {
            store.cart(id)?;
            store.carts.remove(id);
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        Route::AddCartLineItems(id) => {
            store.add(id, body)?;
            Ok(envelope(StatusCode::CREATED, cart(&store, id)?))
        }
        Route::UpdateCartLineItem(id, item) => {
            store.update_item(id, item, body)?;
            Ok(envelope(StatusCode::OK, cart(&store, id)?))
        }
        Route::DeleteCartLineItem(id, item) => {
            if store.delete_item(id, item)? {
                // The last item went, and the cart with it.
                return Ok(StatusCode::NO_CONTENT.into_response());
            }
            Ok(envelope(StatusCode::OK, cart(&store, id)?))
        }
        Route::CreateCartRedirectUrl(id) => {
            store.cart(id)?;
            let token = store.token();
            Ok(envelope(
                StatusCode::CREATED,
                crate::store::redirect_urls(storefront, id, &token),
            ))
        }
    }
}

/// The admin API: `POST /__mock/reset`, `GET /__mock/counters`, `POST /__mock/faults`
/// (a [`Faults`] object), `POST /__mock/carts/{id}/coupons` (`{"code": "SAVE5"}`), and
/// `GET /__mock/catalog`.
fn admin_api(app: &App, method: &Method, path: &str, body: &[u8]) -> Response {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (method, segments.as_slice()) {
        (&Method::POST, ["reset"]) => {
            app.reset();
            StatusCode::NO_CONTENT.into_response()
        }
        (&Method::GET, ["counters"]) => axum::Json(json!(*lock(&app.counters))).into_response(),
        (&Method::POST, ["faults"]) => match serde_json::from_slice::<Faults>(body) {
            Ok(f) => {
                *lock(&app.faults) = f;
                StatusCode::NO_CONTENT.into_response()
            }
            Err(e) => ApiError::new(400, format!("not a faults object: {e}")).into_response(),
        },
        (&Method::POST, ["carts", cart, "coupons"]) => {
            let code = serde_json::from_slice::<Value>(body)
                .ok()
                .and_then(|v| v.get("code").and_then(Value::as_str).map(str::to_string))
                .unwrap_or_default();
            let mut store = lock(&app.store);
            match store.apply_coupon(cart, &code) {
                Ok(()) => {
                    let storefront = app.config.storefront_url.trim_end_matches('/');
                    let c = store.cart(cart).expect("just changed");
                    envelope(
                        StatusCode::OK,
                        store.render(c, Includes::default(), storefront),
                    )
                }
                Err(e) => e.into_response(),
            }
        }
        (&Method::GET, ["catalog"]) => {
            let store = lock(&app.store);
            let products: Vec<Value> = store
                .products
                .iter()
                .map(|p| {
                    json!({
                        "id": p.id,
                        "name": p.name,
                        "type": if p.digital { "digital" } else { "physical" },
                        "price": crate::store::money(p.price_cents),
                        "sale_price": p.sale_price_cents.map(crate::store::money),
                        "stock": p.stock,
                        "variants": p.variants.iter().map(|v| json!({
                            "id": v.id, "sku": v.sku,
                            "price": v.price_cents.map(crate::store::money),
                            "option_value_id": v.option_value,
                        })).collect::<Vec<_>>(),
                        "options": p.options.iter().map(|o| json!({
                            "id": o.id, "name": o.name,
                            "values": o.values.iter().map(|v| json!({
                                "id": v.id, "label": v.label,
                                "adjust": crate::store::money(v.adjust_cents),
                            })).collect::<Vec<_>>(),
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            axum::Json(json!({ "products": products, "coupons": crate::catalog::COUPONS.iter().map(|c| c.code).collect::<Vec<_>>() }))
                .into_response()
        }
        _ => ApiError::new(404, format!("No admin route {method} /__mock{path}")).into_response(),
    }
}
