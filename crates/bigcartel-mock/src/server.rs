//! The HTTP server: connection handling, request pipeline and the
//! [`MockServer`] handle.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use base64::Engine;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::{Notify, mpsc, watch};
use tokio::task::JoinHandle;
use tower::ServiceExt;

pub use crate::app::MAX_BODY_BYTES;
use crate::app::{App, error_response, fresh_store, lock, order_rng, place_order, render};
use crate::config::{CannedResponse, FaultConfig, MockConfig};
use crate::counters::Counters;
use crate::faults::{Decision, FaultState};
use crate::handlers::{self, Call, Reply};
use crate::jsonapi::{ApiError, MEDIA_TYPE};
use crate::ops::{self, Operation, Route, RouteError};
use crate::store::Store;
use crate::webhooks::{self, WebhookDelivery};

/// Errors of the library API (not of HTTP requests, which always get a response).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MockError {
    /// Binding or serving failed.
    #[error("mock server I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// An operation id that the API does not have.
    #[error("unknown operation id `{0}`")]
    UnknownOperation(String),
    /// `send_webhook` could not reach the receiver.
    #[error("webhook delivery failed: {0}")]
    Webhook(String),
    /// No `webhook_url` configured.
    #[error("no webhook_url configured")]
    NoWebhookUrl,
    /// A webhook target that is not an http(s) URL on a loopback address: the mock signs with
    /// the configured secret, so it only delivers to this machine.
    #[error("webhook target refused: {0}")]
    WebhookTarget(String),
}

/// Per-connection handle that closes the connection without a response.
#[derive(Clone)]
struct Killer(Arc<Notify>);

/// A running mock server. Dropping it stops the server (in the background);
/// [`MockServer::shutdown`] stops it and waits.
pub struct MockServer {
    app: Arc<App>,
    addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
    webhook_task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("url", &self.app.url)
            .finish_non_exhaustive()
    }
}

impl MockServer {
    /// Seeds the shop, binds `127.0.0.1:{config.port}` and starts serving
    /// on the current tokio runtime.
    ///
    /// A `webhook_url` that is not http(s) on a loopback address is refused
    /// ([`MockError::WebhookTarget`]).
    pub async fn start(config: MockConfig) -> Result<MockServer, MockError> {
        if let Some(url) = &config.webhook_url {
            webhooks::check_target(url).map_err(MockError::WebhookTarget)?;
        }
        let listener = TcpListener::bind(("127.0.0.1", config.port)).await?;
        let addr = listener.local_addr()?;
        let url = format!("http://{addr}");
        let base = config
            .public_base_url
            .clone()
            .unwrap_or_else(|| url.clone())
            .trim_end_matches('/')
            .to_string();
        let (webhook_tx, mut webhook_rx) = mpsc::unbounded_channel::<(String, Value)>();
        let app = Arc::new(App {
            store: Mutex::new(fresh_store(&config)),
            reads: Mutex::default(),
            counters: Mutex::new(Counters::default()),
            faults: Mutex::new(FaultState::new(config.seed, config.faults.clone())),
            overrides: Mutex::new(BTreeMap::new()),
            deliveries: Mutex::new(Vec::new()),
            order_rng: Mutex::new(order_rng(config.seed)),
            webhook_tx,
            http: webhooks::Deliverer::new(),
            base,
            url,
            cfg: config,
        });

        // Webhooks go out one at a time, in the order the changes happened.
        let weak = Arc::downgrade(&app);
        let webhook_task = tokio::spawn(async move {
            while let Some((event_type, payload)) = webhook_rx.recv().await {
                let Some(app) = weak.upgrade() else { break };
                let Some(url) = app.cfg.webhook_url.clone() else {
                    continue;
                };
                let d = webhooks::deliver(
                    &app.http,
                    &url,
                    &app.cfg.client_secret,
                    app.cfg.account_id,
                    &event_type,
                    &payload,
                )
                .await;
                app.record_delivery(d);
            }
        });

        let (shutdown, shutdown_rx) = watch::channel(false);
        let router = crate::authorize::router()
            .fallback(entry)
            .with_state(app.clone());
        let task = tokio::spawn(accept_loop(listener, router, shutdown_rx));
        Ok(MockServer {
            app,
            addr,
            shutdown,
            task: Some(task),
            webhook_task: Some(webhook_task),
        })
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn url(&self) -> &str {
        &self.app.url
    }

    /// The base URL used in links: `public_base_url` or [`MockServer::url`].
    pub fn base_url(&self) -> &str {
        &self.app.base
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The account id (`config.account_id`).
    pub fn account_id(&self) -> u64 {
        self.app.cfg.account_id
    }

    /// The configuration the server was started with.
    pub fn config(&self) -> &MockConfig {
        &self.app.cfg
    }

    /// A copy of the whole state, for assertions.
    pub fn snapshot(&self) -> Store {
        lock(&self.app.store).clone()
    }

    /// Same as [`MockServer::snapshot`]: a copy of the whole state.
    pub fn state(&self) -> Store {
        self.snapshot()
    }

    /// Runs `f` on the live state (keep it short: requests wait meanwhile).
    pub fn with_store<T>(&self, f: impl FnOnce(&Store) -> T) -> T {
        f(&lock(&self.app.store))
    }

    /// One order by id.
    pub fn order(&self, id: u64) -> Option<crate::store::Order> {
        self.with_store(|s| s.order(id).cloned())
    }

    /// All orders by id.
    pub fn orders(&self) -> Vec<crate::store::Order> {
        self.with_store(Store::orders)
    }

    /// One product by id.
    pub fn product(&self, id: u64) -> Option<crate::store::Product> {
        self.with_store(|s| s.product(id).cloned())
    }

    /// All products by position.
    pub fn products(&self) -> Vec<crate::store::Product> {
        self.with_store(Store::products)
    }

    /// One artist by id.
    pub fn artist(&self, id: u64) -> Option<crate::store::Artist> {
        self.with_store(|s| s.artist(id).cloned())
    }

    /// All artists by position.
    pub fn artists(&self) -> Vec<crate::store::Artist> {
        self.with_store(Store::artists)
    }

    /// One category by id.
    pub fn category(&self, id: u64) -> Option<crate::store::Category> {
        self.with_store(|s| s.category(id).cloned())
    }

    /// All categories by position.
    pub fn categories(&self) -> Vec<crate::store::Category> {
        self.with_store(Store::categories)
    }

    /// One discount by id.
    pub fn discount(&self, id: u64) -> Option<crate::store::Discount> {
        self.with_store(|s| s.discount(id).cloned())
    }

    /// All discounts by id.
    pub fn discounts(&self) -> Vec<crate::store::Discount> {
        self.with_store(Store::discounts)
    }

    /// A copy of the counters.
    pub fn counters(&self) -> Counters {
        lock(&self.app.counters).clone()
    }

    /// Zeroes the counters.
    pub fn reset_counters(&self) {
        *lock(&self.app.counters) = Counters::default();
    }

    /// Re-seeds the shop and clears counters, overrides and the webhook log;
    /// faults go back to `config.faults`.
    pub fn reset(&self) {
        self.app.reset();
    }

    /// Replaces the fault configuration (restarting its random sequence).
    pub fn set_faults(&self, faults: FaultConfig) {
        lock(&self.app.faults).set(faults);
    }

    /// The current fault configuration.
    pub fn faults(&self) -> FaultConfig {
        lock(&self.app.faults).config().clone()
    }

    /// Turns all faults off.
    pub fn clear_faults(&self) {
        self.set_faults(FaultConfig::none());
    }

    /// Answers every request to `operation_id` with `canned` until cleared.
    pub fn set_override(
        &self,
        operation_id: &str,
        canned: CannedResponse,
    ) -> Result<(), MockError> {
        let op = Operation::from_id(operation_id)
            .ok_or_else(|| MockError::UnknownOperation(operation_id.to_string()))?;
        lock(&self.app.overrides).insert(op, canned);
        Ok(())
    }

    /// Removes the override of `operation_id` (no-op if none).
    pub fn clear_override(&self, operation_id: &str) {
        if let Some(op) = Operation::from_id(operation_id) {
            lock(&self.app.overrides).remove(&op);
        }
    }

    /// Removes all overrides.
    pub fn clear_overrides(&self) {
        lock(&self.app.overrides).clear();
    }

    /// POSTs a signed webhook `{"account_id","type","payload"}` to `url`
    /// now and returns the receiver's HTTP status (redirects are not followed).
    ///
    /// `url` must be http(s) on a loopback address (`localhost`, `127.0.0.0/8`, `[::1]`);
    /// anything else is refused with [`MockError::WebhookTarget`] before any connection.
    pub async fn send_webhook(
        &self,
        url: &str,
        event_type: &str,
        payload: Value,
    ) -> Result<u16, MockError> {
        webhooks::check_target(url).map_err(MockError::WebhookTarget)?;
        let d = webhooks::deliver(
            &self.app.http,
            url,
            &self.app.cfg.client_secret,
            self.app.cfg.account_id,
            event_type,
            &payload,
        )
        .await;
        let result = match (d.status, &d.error) {
            (Some(s), _) => Ok(s),
            (None, e) => Err(MockError::Webhook(e.clone().unwrap_or_default())),
        };
        self.app.record_delivery(d);
        result
    }

    /// Every webhook delivery attempted so far (automatic and manual), oldest first.
    pub fn webhook_deliveries(&self) -> Vec<WebhookDelivery> {
        lock(&self.app.deliveries).clone()
    }

    /// Places a new random unshipped order, as a buyer would: stock goes
    /// down, `order.created` and `product.updated` webhooks go out. Returns
    /// the new order's id.
    pub fn place_order(&self) -> u64 {
        place_order(&self.app)
    }

    /// Stops accepting, closes open connections and waits for the server task.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
        if let Some(t) = self.webhook_task.take() {
            t.abort();
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
        if let Some(t) = self.webhook_task.take() {
            t.abort();
        }
    }
}

/// Starts a server with `config` and serves until Ctrl-C.
pub async fn serve_forever(config: MockConfig) -> Result<(), MockError> {
    let server = MockServer::start(config).await?;
    let _ = tokio::signal::ctrl_c().await;
    server.shutdown().await;
    Ok(())
}

async fn accept_loop(listener: TcpListener, router: Router, mut shutdown: watch::Receiver<bool>) {
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = shutdown.changed() => return,
        };
        let Ok((stream, _)) = accepted else {
            // Out of file descriptors or similar: back off briefly.
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let router = router.clone();
        let mut shutdown = shutdown.clone();
        tokio::spawn(async move {
            let killer = Killer(Arc::new(Notify::new()));
            let k = killer.clone();
            let svc = hyper::service::service_fn(
                move |mut req: hyper::Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(k.clone());
                    router.clone().oneshot(req.map(Body::new))
                },
            );
            let conn = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), svc);
            // Dropping `conn` closes the socket: that is how a "dropped
            // connection" fault answers nothing at all.
            tokio::select! {
                _ = conn => {}
                _ = killer.0.notified() => {}
                _ = shutdown.changed() => {}
            }
        });
    }
}

// ---------------------------------------------------------------- pipeline

async fn entry(State(app): State<Arc<App>>, req: Request) -> Response {
    // The admin API gets no CORS at all (not even for preflights): a web page must not drive it.
    if req.uri().path() == "/__mock" || req.uri().path().starts_with("/__mock/") {
        return crate::admin::handle(&app, req).await;
    }
    let mut resp = if req.method() == Method::OPTIONS {
        preflight()
    } else {
        api(&app, req).await
    };
    let h = resp.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    h.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("Location, Retry-After, WWW-Authenticate"),
    );
    resp
}

fn preflight() -> Response {
    let mut resp = Response::new(Body::empty());
    *resp.status_mut() = StatusCode::NO_CONTENT;
    let h = resp.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, PATCH, DELETE, OPTIONS"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static(
            "Authorization, Content-Type, Accept, User-Agent, X-Requested-With",
        ),
    );
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    resp
}

fn fault_response(status: u16, retry_after: u64) -> Response {
    let detail = match status {
        429 => "Rate limit exceeded (injected by bigcartel-mock).",
        503 => "Service temporarily unavailable (injected by bigcartel-mock).",
        _ => "Something went wrong on our end (injected by bigcartel-mock).",
    };
    let mut resp = error_response(ApiError::new(status, detail));
    if status == 429
        && let Ok(v) = HeaderValue::from_str(&retry_after.to_string())
    {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}

fn parse_query(q: Option<&str>) -> Vec<(String, String)> {
    q.map(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    })
    .unwrap_or_default()
}

fn header_str(h: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

fn media_types(value: &str) -> impl Iterator<Item = String> + '_ {
    value.split(',').map(|part| {
        part.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    })
}

fn basic_credentials(h: &HeaderMap) -> Option<(String, String)> {
    let v = header_str(h, header::AUTHORIZATION)?;
    let (scheme, rest) = v.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let raw = base64::engine::general_purpose::STANDARD
        .decode(rest.trim())
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (u, p) = text.split_once(':')?;
    Some((u.to_string(), p.to_string()))
}

fn bearer_token(h: &HeaderMap) -> Option<&str> {
    let v = header_str(h, header::AUTHORIZATION)?;
    let (scheme, rest) = v.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
}

/// Header checks in the order the real API applies them: identification,
/// content negotiation, credentials, request media type.
fn check_request(
    app: &App,
    route: &Route,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<(), ApiError> {
    let ua = header_str(headers, header::USER_AGENT)
        .map(str::trim)
        .unwrap_or("");
    if ua.is_empty() {
        return Err(ApiError::bad_request(
            "A User-Agent header with your application's name and a contact URL or email is required.",
        ));
    }
    if !route.op.is_jsonapi() {
        return Ok(());
    }
    let acceptable = header_str(headers, header::ACCEPT).is_some_and(|a| {
        media_types(a).any(|m| m == MEDIA_TYPE || m == "*/*" || m == "application/*")
    });
    if !acceptable {
        return Err(ApiError::new(
            406,
            format!("The Accept header must include {MEDIA_TYPE}."),
        ));
    }
    {
        let ok = if let Some(token) = bearer_token(headers) {
            let store = lock(&app.store);
            (token == app.cfg.token && !store.static_token_revoked)
                || store.issued_tokens.contains(token)
        } else if let Some((user, pass)) = basic_credentials(headers) {
            user == app.cfg.basic_user && pass == app.cfg.basic_password
        } else {
            false
        };
        if !ok {
            return Err(ApiError::new(
                401,
                "Invalid API credentials: send `Authorization: Bearer <token>` or HTTP Basic with your subdomain and password.",
            ));
        }
    }
    let has_body = !body.iter().all(u8::is_ascii_whitespace);
    if matches!(route.op.method(), Method::POST | Method::PATCH) || has_body {
        let ok = header_str(headers, header::CONTENT_TYPE)
            .is_some_and(|ct| media_types(ct).next().is_some_and(|m| m == MEDIA_TYPE));
        if !ok {
            return Err(ApiError::new(
                415,
                format!("Send JSON bodies with Content-Type: {MEDIA_TYPE}."),
            ));
        }
    }
    Ok(())
}

async fn api(app: &Arc<App>, req: Request) -> Response {
    let killer = req.extensions().get::<Killer>().cloned();
    let (parts, body) = req.into_parts();
    let full_path = parts.uri.path().to_string();

    // `/__canned/{kind}/...` replays a broken response for that one request.
    let (path, canned_prefix) = match full_path.strip_prefix("/__canned/") {
        Some(rest) => {
            let (kind, tail) = rest.split_once('/').unwrap_or((rest, ""));
            match CannedResponse::from_kind(kind) {
                Some(c) => (format!("/{tail}"), Some(c)),
                None => {
                    return error_response(ApiError::not_found(format!(
                        "Unknown canned response `{kind}`; use one of: {}.",
                        CannedResponse::KINDS.join(", ")
                    )));
                }
            }
        }
        None => (full_path.clone(), None),
    };

    let route = match ops::route(&parts.method, &path) {
        Ok(r) => r,
        Err(RouteError::NotFound) => {
            return log(
                app,
                &parts.method,
                &path,
                None,
                error_response(ApiError::not_found("No such endpoint.")),
            );
        }
        Err(RouteError::MethodNotAllowed(allowed)) => {
            let mut resp = error_response(ApiError::new(
                405,
                format!("{} is not allowed here.", parts.method),
            ));
            let allow: Vec<&str> = allowed.iter().map(Method::as_str).collect();
            if let Ok(v) = HeaderValue::from_str(&allow.join(", ")) {
                resp.headers_mut().insert(header::ALLOW, v);
            }
            return log(app, &parts.method, &path, None, resp);
        }
    };
    let op = route.op;
    lock(&app.counters).request(op.id());
    let query = parse_query(parts.uri.query());

    let canned = canned_prefix.or_else(|| lock(&app.overrides).get(&op).cloned());
    if let Some(canned) = canned {
        lock(&app.counters).overrides_served += 1;
        let resp = crate::canned::respond(app, &canned, &route, &path, &query);
        return log(app, &parts.method, &path, Some(op), resp);
    }

    let (delay, decision) = lock(&app.faults).decide(op);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    if decision != Decision::None {
        lock(&app.counters).fault(decision.kind(), op.id());
    }
    match decision {
        Decision::Drop => return drop_connection(app, &parts.method, &path, op, killer).await,
        Decision::Status(s) => {
            let retry_after = lock(&app.faults).retry_after();
            return log(
                app,
                &parts.method,
                &path,
                Some(op),
                fault_response(s, retry_after),
            );
        }
        _ => {}
    }

    let body = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(b) => b,
        Err(_) => {
            let e = ApiError::new(
                413,
                format!("Request bodies are limited to {MAX_BODY_BYTES} bytes."),
            );
            return log(app, &parts.method, &path, Some(op), error_response(e));
        }
    };
    if let Err(e) = check_request(app, &route, &parts.headers, &body) {
        let resp = if op.is_jsonapi() {
            error_response(e)
        } else {
            // `/oauth/*` speaks OAuth errors, not JSON:API.
            render(&Reply::oauth(
                e.status,
                serde_json::json!({"error": "invalid_request", "error_description": e.detail}),
            ))
        };
        return log(app, &parts.method, &path, Some(op), resp);
    }

    let call = Call {
        route: &route,
        path: &path,
        query: &query,
        body: &body,
        content_type: header_str(&parts.headers, header::CONTENT_TYPE),
        base: &app.base,
        basic: basic_credentials(&parts.headers),
        cfg: &app.cfg,
    };
    // A write whose response will be mangled must not change state: run it
    // against a scratch copy.
    let dry_run = op.is_write() && matches!(decision, Decision::Truncate | Decision::CutJson);
    // A read answered before, while the shop is unchanged, is answered from memory when asked
    // for (`cache_reads`); never one a fault is about to mangle.
    let cache_key = (app.cfg.cache_reads && !op.is_write() && decision == Decision::None)
        .then(|| format!("{path}?{}", parts.uri.query().unwrap_or("")));
    if let Some(key) = &cache_key
        && let Some(resp) = lock(&app.reads).get(key)
    {
        return log(app, &parts.method, &path, Some(op), resp);
    }
    let (outcome, generation) = {
        let mut store = if op.is_write() && !dry_run {
            app.store_for_write()
        } else {
            lock(&app.store)
        };
        let generation = lock(&app.reads).generation();
        let outcome = if dry_run {
            let mut scratch = store.clone();
            handlers::handle(&mut scratch, &call)
        } else {
            handlers::handle(&mut store, &call)
        };
        (outcome, generation)
    };
    let succeeded = outcome.reply.status < 400;
    let mangle = matches!(decision, Decision::Truncate | Decision::CutJson);
    if mangle && outcome.reply.body.is_none() {
        // Nothing to cut (204): lose the connection instead.
        return drop_connection(app, &parts.method, &path, op, killer).await;
    }
    if !dry_run {
        app.apply_effects(outcome.effects);
    }
    let mut resp = render(&outcome.reply);
    if let Some(key) = cache_key {
        let (head, body) = resp.into_parts();
        // `render` gives a body held whole in memory: collecting it does not wait or fail.
        let bytes = axum::body::to_bytes(body, usize::MAX)
            .await
            .unwrap_or_default();
        resp = Response::from_parts(head, Body::from(bytes.clone()));
        lock(&app.reads).put(key, generation, &resp, bytes);
    }
    if !dry_run && succeeded && lock(&app.faults).fail_after_write(op) {
        lock(&app.counters).fault("fail_after_write", op.id());
        resp = fault_response(500, 0);
    }
    let resp = match decision {
        Decision::Truncate => truncate(resp, false).await,
        Decision::CutJson => truncate(resp, true).await,
        _ => resp,
    };
    log(app, &parts.method, &path, Some(op), resp)
}

async fn drop_connection(
    app: &App,
    method: &Method,
    path: &str,
    op: Operation,
    killer: Option<Killer>,
) -> Response {
    if app.cfg.log_requests {
        eprintln!("{method} {path} {op} -> (connection dropped)");
    }
    match killer {
        Some(k) => {
            k.0.notify_one();
            std::future::pending::<Response>().await
        }
        None => fault_response(500, 0),
    }
}

/// Half of the body. `cut == false`: keep the full Content-Length and fail
/// the connection after the half; `cut == true`: a complete message whose
/// JSON stops halfway. (Responses without a body never get here: their
/// connection is dropped instead.)
async fn truncate(resp: Response, cut: bool) -> Response {
    let (mut parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let half = bytes.slice(..bytes.len() / 2);
    if cut {
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::from(half));
    }
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    let stream = futures::stream::unfold(0u8, move |state| {
        let half = half.clone();
        async move {
            match state {
                0 => Some((Ok::<Bytes, std::io::Error>(half), 1)),
                1 => {
                    // Let the half reach the socket before the connection dies.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Some((Err(std::io::Error::other("injected: body truncated")), 2))
                }
                _ => None,
            }
        }
    });
    Response::from_parts(parts, Body::from_stream(stream))
}

pub(crate) fn log(
    app: &App,
    method: &Method,
    path: &str,
    op: Option<Operation>,
    resp: Response,
) -> Response {
    if app.cfg.log_requests {
        let op = op.map(Operation::id).unwrap_or("-");
        eprintln!("{method} {path} {op} -> {}", resp.status().as_u16());
    }
    resp
}
