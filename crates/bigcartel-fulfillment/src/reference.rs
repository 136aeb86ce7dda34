//! The reference fulfillment center: a small HTTP service for demos and tests that accepts
//! submissions idempotently by key and ships them after a configurable number of polls and delay.
//!
//! | request | answer |
//! | --- | --- |
//! | `PUT /submissions/{key}` (a [`FulfillmentOrder`]) | `201 {"reference"}` when new; `200` with the same reference when the same order comes again; `409` when the key holds a different order; `422` when the order is invalid (no lines, an empty SKU, a quantity below 1, an unknown shipping code) |
//! | `GET /submissions/{key}` | `200 {"reference"}` or `404` |
//! | `GET /shipments/{reference}` | `200 {"status":"pending"}` or `{"status":"shipped","carrier","tracking_number"}`; `404` |
//! | `GET /records` | every record and the request counters, as JSON ([`CenterSnapshot`]) |
//!
//! State lives in memory and, when a state file is given, in an append-only JSON-lines log
//! (one full record per change, flushed to disk before answering) that is replayed at start, so
//! the center keeps its promise across its own restarts.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use bigcartel_fulfillment::reference::{ReferenceCenter, ReferenceConfig};
//! let center = ReferenceCenter::start(ReferenceConfig::default()).await?;
//! println!("center at {}", center.url());
//! center.shutdown().await;
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::center::{FulfillmentOrder, ShipmentStatus, Submission};
use crate::shipping::ShippingCode;

/// How the reference center behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceConfig {
    /// TCP port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Where to keep state across restarts (JSON lines); `None` keeps it in memory only.
    pub state_file: Option<PathBuf>,
    /// How many polls of a shipment answer `pending` before it ships (0: the first poll ships it).
    pub ship_after_polls: u32,
    /// How long after submission an order ships at the earliest.
    pub ship_after: Duration,
    /// Answer every n-th submit with a 503 before storing anything (0: never). For tests of the
    /// engine's retries.
    pub fail_every_nth_submit: u64,
}

impl Default for ReferenceConfig {
    fn default() -> Self {
        ReferenceConfig {
            port: 0,
            state_file: None,
            ship_after_polls: 1,
            ship_after: Duration::ZERO,
            fail_every_nth_submit: 0,
        }
    }
}

/// One order the center holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CenterRecord {
    /// The idempotency key it was submitted under.
    pub key: String,
    /// The center's reference.
    pub reference: String,
    /// The order as first submitted.
    pub order: FulfillmentOrder,
    /// Polls of its shipment so far.
    pub polls: u32,
    /// Where it stands.
    pub status: ShipmentStatus,
    /// How many submits under this key were answered with this record (1 = submitted once; more
    /// means the engine re-sent a submission it could not confirm, which created nothing).
    pub submit_requests: u64,
}

/// Request counters since the center started.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CenterStats {
    /// `PUT /submissions/{key}` requests.
    pub submit_requests: u64,
    /// Submits that created a record.
    pub created: u64,
    /// Submits answered with an existing record (same order again).
    pub replays: u64,
    /// Submits refused with 409 (key holds a different order).
    pub conflicts: u64,
    /// Submits refused with 422.
    pub rejected: u64,
    /// Submits answered 503 by `fail_every_nth_submit`.
    pub injected_failures: u64,
    /// `GET /submissions/{key}` requests.
    pub finds: u64,
    /// `GET /shipments/{reference}` requests.
    pub polls: u64,
}

/// Everything the center holds, for assertions and `GET /records`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CenterSnapshot {
    /// Every record, by key.
    pub records: BTreeMap<String, CenterRecord>,
    /// Request counters.
    pub stats: CenterStats,
}

/// Why the reference center could not start.
#[derive(Debug, thiserror::Error)]
pub enum ReferenceError {
    /// Binding the port failed.
    #[error("could not listen on 127.0.0.1:{port}: {source}")]
    Bind {
        /// The port asked for.
        port: u16,
        /// The cause.
        source: std::io::Error,
    },
    /// The state file could not be read or opened.
    #[error("state file {path}: {source}")]
    StateFile {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A line of the state file is not a record.
    #[error("state file {path}, line {line}: {message}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

struct Inner {
    records: BTreeMap<String, CenterRecord>,
    by_reference: BTreeMap<String, String>,
    submitted_at: BTreeMap<String, Instant>,
    stats: CenterStats,
    next_reference: u64,
    log: Option<std::fs::File>,
}

struct Shared {
    config: ReferenceConfig,
    inner: Mutex<Inner>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves consistent data (every change is one assignment).
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Inner {
    /// Appends the record to the log and flushes it to disk before the answer goes out.
    fn persist(&mut self, key: &str) -> std::io::Result<()> {
        let (Some(log), Some(rec)) = (self.log.as_mut(), self.records.get(key)) else {
            return Ok(());
        };
        let mut line = serde_json::to_vec(rec).map_err(std::io::Error::other)?;
        line.push(b'\n');
        log.write_all(&line)?;
        log.sync_data()
    }
}

/// A running reference center.
pub struct ReferenceCenter {
    shared: Arc<Shared>,
    addr: SocketAddr,
    url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for ReferenceCenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReferenceCenter")
            .field("url", &self.url)
            .finish()
    }
}

fn load(path: &PathBuf) -> Result<(BTreeMap<String, CenterRecord>, std::fs::File), ReferenceError> {
    let io = |source| ReferenceError::StateFile {
        path: path.clone(),
        source,
    };
    let mut records = BTreeMap::new();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(io(e)),
    };
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<CenterRecord>(line) {
            Ok(rec) => {
                records.insert(rec.key.clone(), rec);
            }
            // A torn last line (the center died mid-write) was never acknowledged.
            Err(_) if i + 1 == lines.len() && !text.ends_with('\n') => break,
            Err(e) => {
                return Err(ReferenceError::Corrupt {
                    path: path.clone(),
                    line: i + 1,
                    message: e.to_string(),
                });
            }
        }
    }
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    // Buyers' names and addresses: the owner's alone (a file made earlier is tightened too).
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let log = options.open(path).map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = log.metadata().map_err(io)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            log.set_permissions(std::fs::Permissions::from_mode(mode & 0o700))
                .map_err(io)?;
        }
    }
    // Drop a torn tail so the next record starts on a line of its own.
    let good = text.rfind('\n').map_or(0, |i| i + 1);
    if good < text.len() {
        log.set_len(good as u64).map_err(io)?;
    }
    Ok((records, log))
}

impl ReferenceCenter {
    /// Starts the center on 127.0.0.1.
    pub async fn start(config: ReferenceConfig) -> Result<ReferenceCenter, ReferenceError> {
        let (records, log) = match &config.state_file {
            Some(path) => {
                let (r, l) = load(path)?;
                (r, Some(l))
            }
            None => (BTreeMap::new(), None),
        };
        let next_reference = records
            .values()
            .filter_map(|r| r.reference.strip_prefix("FC-")?.parse::<u64>().ok())
            .max()
            .unwrap_or(0)
            + 1;
        let by_reference = records
            .values()
            .map(|r| (r.reference.clone(), r.key.clone()))
            .collect();
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port))
            .await
            .map_err(|source| ReferenceError::Bind {
                port: config.port,
                source,
            })?;
        let addr = listener
            .local_addr()
            .map_err(|source| ReferenceError::Bind {
                port: config.port,
                source,
            })?;
        let shared = Arc::new(Shared {
            config,
            inner: Mutex::new(Inner {
                records,
                by_reference,
                submitted_at: BTreeMap::new(),
                stats: CenterStats::default(),
                next_reference,
                log,
            }),
        });
        let app = axum::Router::new()
            .route("/submissions/{key}", get(find).put(submit))
            .route("/shipments/{reference}", get(shipment))
            .route("/records", get(records_route))
            .with_state(shared.clone());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(ReferenceCenter {
            shared,
            addr,
            url: format!("http://{addr}"),
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every record and the request counters.
    pub fn snapshot(&self) -> CenterSnapshot {
        let inner = self.shared.lock();
        CenterSnapshot {
            records: inner.records.clone(),
            stats: inner.stats.clone(),
        }
    }

    /// Stops serving and waits for the server task.
    pub async fn shutdown(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

impl Drop for ReferenceCenter {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

/// Runs a reference center until Ctrl-C, printing its URL first.
pub async fn serve_forever(config: ReferenceConfig) -> Result<(), ReferenceError> {
    let center = ReferenceCenter::start(config).await?;
    println!("{}", center.url());
    let _ = tokio::signal::ctrl_c().await;
    center.shutdown().await;
    Ok(())
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

fn validate(order: &FulfillmentOrder) -> Result<(), String> {
    if ShippingCode::from_name(&order.shipping_code).is_none() {
        return Err(format!("unknown shipping code {:?}", order.shipping_code));
    }
    if order.lines.is_empty() {
        return Err("the order has no lines".into());
    }
    for line in &order.lines {
        if line.sku.trim().is_empty() {
            return Err(format!("line {} has an empty SKU", line.line_item_id));
        }
        if line.quantity < 1 {
            return Err(format!(
                "line {} has quantity {}",
                line.line_item_id, line.quantity
            ));
        }
    }
    Ok(())
}

async fn submit(
    State(shared): State<Arc<Shared>>,
    Path(key): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let order: FulfillmentOrder = match serde_json::from_slice(&body) {
        Ok(o) => o,
        Err(e) => {
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("invalid order: {e}"),
            );
        }
    };
    let mut inner = shared.lock();
    inner.stats.submit_requests += 1;
    let n = shared.config.fail_every_nth_submit;
    if n > 0 && inner.stats.submit_requests.is_multiple_of(n) {
        inner.stats.injected_failures += 1;
        return error(StatusCode::SERVICE_UNAVAILABLE, "injected failure");
    }
    if let Some(rec) = inner.records.get_mut(&key) {
        if rec.order != order {
            inner.stats.conflicts += 1;
            return error(
                StatusCode::CONFLICT,
                format!("key {key:?} already holds a different order"),
            );
        }
        rec.submit_requests += 1;
        let reference = rec.reference.clone();
        inner.stats.replays += 1;
        if let Err(e) = inner.persist(&key) {
            return error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string());
        }
        return (StatusCode::OK, Json(Submission { reference })).into_response();
    }
    if let Err(message) = validate(&order) {
        inner.stats.rejected += 1;
        return error(StatusCode::UNPROCESSABLE_ENTITY, message);
    }
    let reference = format!("FC-{:06}", inner.next_reference);
    inner.next_reference += 1;
    inner.records.insert(
        key.clone(),
        CenterRecord {
            key: key.clone(),
            reference: reference.clone(),
            order,
            polls: 0,
            status: ShipmentStatus::Pending,
            submit_requests: 1,
        },
    );
    inner.by_reference.insert(reference.clone(), key.clone());
    inner.submitted_at.insert(key.clone(), Instant::now());
    inner.stats.created += 1;
    if let Err(e) = inner.persist(&key) {
        // Not acknowledged, so not kept: the engine will submit again.
        inner.records.remove(&key);
        inner.by_reference.remove(&reference);
        return error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string());
    }
    (StatusCode::CREATED, Json(Submission { reference })).into_response()
}

async fn find(State(shared): State<Arc<Shared>>, Path(key): Path<String>) -> Response {
    let mut inner = shared.lock();
    inner.stats.finds += 1;
    match inner.records.get(&key) {
        Some(rec) => Json(Submission {
            reference: rec.reference.clone(),
        })
        .into_response(),
        None => error(
            StatusCode::NOT_FOUND,
            format!("no submission under {key:?}"),
        ),
    }
}

async fn shipment(State(shared): State<Arc<Shared>>, Path(reference): Path<String>) -> Response {
    let mut inner = shared.lock();
    inner.stats.polls += 1;
    let Some(key) = inner.by_reference.get(&reference).cloned() else {
        return error(StatusCode::NOT_FOUND, format!("no order {reference:?}"));
    };
    // Records loaded from the state file count from the center's start.
    let since = *inner
        .submitted_at
        .entry(key.clone())
        .or_insert_with(Instant::now);
    let Some(rec) = inner.records.get_mut(&key) else {
        return error(StatusCode::NOT_FOUND, format!("no order {reference:?}"));
    };
    if rec.status == ShipmentStatus::Pending {
        if rec.polls >= shared.config.ship_after_polls
            && since.elapsed() >= shared.config.ship_after
        {
            rec.status = ShipmentStatus::Shipped {
                carrier: Some(
                    rec.order
                        .carrier_service
                        .clone()
                        .unwrap_or_else(|| "USPS".into()),
                ),
                tracking_number: Some(format!("TRK{}", rec.reference.trim_start_matches("FC-"))),
            };
        }
        rec.polls += 1;
    }
    let status = rec.status.clone();
    if let Err(e) = inner.persist(&key) {
        return error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string());
    }
    Json(status).into_response()
}

async fn records_route(State(shared): State<Arc<Shared>>) -> Response {
    let inner = shared.lock();
    Json(CenterSnapshot {
        records: inner.records.clone(),
        stats: inner.stats.clone(),
    })
    .into_response()
}
