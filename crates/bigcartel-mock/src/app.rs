//! The state one running mock shares between its request paths (the API, the admin endpoints,
//! canned answers, the authorize page), and the helpers they all use to read it and to answer.
//! `server` routes requests to those paths; they depend on this module, never on `server`.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::Value;
use tokio::sync::mpsc;

use crate::config::{CannedResponse, MockConfig};
use crate::counters::Counters;
use crate::faults::FaultState;
use crate::handlers::{self, Effect, Reply};
use crate::jsonapi::{ApiError, Ctx};
use crate::ops::Operation;
use crate::read_cache::ReadCache;
use crate::store::Store;
use crate::webhooks::{self, WebhookDelivery};

/// Largest accepted request body (1 MiB); larger ones get a 413.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// Lock a mutex, recovering the data if a previous holder panicked.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Shared state of one running server.
pub(crate) struct App {
    pub cfg: MockConfig,
    /// Base URL for links (`public_base_url` or the bound URL), no trailing `/`.
    pub base: String,
    pub url: String,
    /// The shop. Read it with `lock(&app.store)`; change it only through
    /// [`App::store_for_write`], which keeps `reads` right.
    pub store: Mutex<Store>,
    /// Remembered answers to reads (used when `cfg.cache_reads`); locked after `store`.
    pub reads: Mutex<ReadCache>,
    pub counters: Mutex<Counters>,
    pub faults: Mutex<FaultState>,
    pub overrides: Mutex<BTreeMap<Operation, CannedResponse>>,
    pub deliveries: Mutex<Vec<WebhookDelivery>>,
    pub order_rng: Mutex<fastrand::Rng>,
    pub webhook_tx: mpsc::UnboundedSender<(String, Value)>,
    pub http: webhooks::Deliverer,
}

impl App {
    pub(crate) fn ctx(&self) -> Ctx<'_> {
        Ctx {
            base: &self.base,
            account_id: self.cfg.account_id,
        }
    }

    /// The store, to change: every remembered read is forgotten first (under the store's lock,
    /// so no read rendered before the change is remembered after it).
    pub(crate) fn store_for_write(&self) -> MutexGuard<'_, Store> {
        let store = lock(&self.store);
        lock(&self.reads).forget();
        store
    }

    /// Counts writes and queues webhooks of a committed handler run.
    pub(crate) fn apply_effects(&self, effects: Vec<Effect>) {
        for e in effects {
            match e {
                Effect::Write { resource, kind } => lock(&self.counters).write(resource, kind),
                Effect::Webhook {
                    event_type,
                    payload,
                } => {
                    if self.cfg.webhook_url.is_some() {
                        let _ = self.webhook_tx.send((event_type, payload));
                    }
                }
            }
        }
    }

    pub(crate) fn record_delivery(&self, d: WebhookDelivery) {
        {
            let mut c = lock(&self.counters);
            if d.delivered() {
                c.webhooks_delivered += 1;
            } else {
                c.webhooks_failed += 1;
            }
        }
        lock(&self.deliveries).push(d);
    }

    /// Re-seeds the store and clears counters, faults, overrides and the
    /// webhook log.
    pub(crate) fn reset(&self) {
        *self.store_for_write() = fresh_store(&self.cfg);
        *lock(&self.counters) = Counters::default();
        lock(&self.faults).set(self.cfg.faults.clone());
        lock(&self.overrides).clear();
        lock(&self.deliveries).clear();
        *lock(&self.order_rng) = order_rng(self.cfg.seed);
    }
}

pub(crate) fn fresh_store(cfg: &MockConfig) -> Store {
    crate::seed::generate(
        cfg.seed,
        cfg.account_id,
        &cfg.subdomain,
        cfg.products,
        cfg.orders,
    )
}

pub(crate) fn order_rng(seed: u64) -> fastrand::Rng {
    fastrand::Rng::with_seed(seed ^ 0x0DE2_0000_0000_0001)
}

/// Places a random order now (as a buyer would), applying its effects.
pub(crate) fn place_order(app: &App) -> u64 {
    let (id, effects) = {
        let mut store = app.store_for_write();
        let mut rng = lock(&app.order_rng);
        handlers::place_order(&mut store, &mut rng, &app.ctx())
    };
    app.apply_effects(effects);
    id
}

/// Serializes a reply.
pub(crate) fn render(reply: &Reply) -> Response {
    let bytes = reply
        .body
        .as_ref()
        .map(|b| serde_json::to_vec(b).unwrap_or_default())
        .unwrap_or_default();
    let mut resp = Response::new(if reply.body.is_some() {
        Body::from(bytes)
    } else {
        Body::empty()
    });
    *resp.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = resp.headers_mut();
    if reply.body.is_some() {
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(reply.content_type),
        );
    }
    if let Some(loc) = reply
        .location
        .as_deref()
        .and_then(|l| HeaderValue::from_str(l).ok())
    {
        h.insert(header::LOCATION, loc);
    }
    if reply.www_authenticate {
        h.insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"Big Cartel\""),
        );
    }
    resp
}

pub(crate) fn error_response(e: ApiError) -> Response {
    render(&Reply::error(&e))
}
