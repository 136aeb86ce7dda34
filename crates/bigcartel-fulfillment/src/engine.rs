//! The engine: list unshipped orders, submit each to the center once, poll shipments, mark
//! shipped orders in Big Cartel, with every step recorded in the [`Ledger`] first.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bigcartel::models::Order;
use bigcartel::{ApiErrorKind, ListOrdersParams, OrderInput, PageOptions};
use futures::StreamExt;
use tokio::sync::OnceCell;

use crate::center::{CenterError, FulfillmentCenter, FulfillmentOrder, ShipmentStatus};
use crate::ledger::{
    Ledger, LedgerEntry, LedgerError, LedgerLock, LedgerStatus, OrderState, now_ms,
};
use crate::prepare::{
    HoldReason, PrepareRules, fulfillment_order, idempotency_key, products_to_fetch,
};
use crate::progress::{PassReport, ProgressEvent, ProgressFn};
use crate::shipping::{ShippingCode, ShippingError, ShippingRules};
use crate::sku::SkuRules;
use crate::store::LedgerStore;

// One order's steps (prepare, submit, poll, mark) and how each outcome is recorded.
mod steps;

/// How the engine works, independent of where the settings come from (see
/// [`crate::Config::settings`] for the TOML file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// SKU rules.
    pub sku: SkuRules,
    /// The home country; the account's country when `None`.
    pub home_country: Option<String>,
    /// Carrier service per shipping code.
    pub services: BTreeMap<ShippingCode, String>,
    /// Hold orders whose payment is not `completed`.
    pub require_paid: bool,
    /// Orders worked on at once.
    pub concurrency: usize,
    /// First wait after a failed step; doubles per attempt.
    pub retry_base: Duration,
    /// Longest wait between attempts.
    pub retry_max: Duration,
    /// Orders per page when listing.
    pub page_size: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            sku: SkuRules::default(),
            home_country: None,
            services: BTreeMap::new(),
            require_paid: true,
            concurrency: 8,
            retry_base: Duration::from_secs(30),
            retry_max: Duration::from_secs(3600),
            page_size: 100,
        }
    }
}

/// Why the engine stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    /// A Big Cartel call the engine cannot do without failed (finding the account at start).
    #[error("Big Cartel: {0}")]
    BigCartel(Box<bigcartel::Error>),
    /// The ledger failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// The configuration is unusable.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// The home country is missing or invalid.
    #[error("shipping rules: {0}")]
    Shipping(#[from] ShippingError),
    /// The center's client could not be built.
    #[error(transparent)]
    Center(#[from] CenterError),
    /// The webhook receiver could not start.
    #[error("webhook receiver on {addr}: {source}")]
    Webhook {
        /// The address.
        addr: std::net::SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// A background task panicked.
    #[error("internal task failed: {0}")]
    Task(String),
}

impl From<bigcartel::Error> for EngineError {
    fn from(e: bigcartel::Error) -> Self {
        EngineError::BigCartel(Box::new(e))
    }
}

/// How [`Engine::run`] loops.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Time between passes.
    pub interval: Duration,
    /// Stop after a pass whose listing completed and after which no order has work left (every
    /// order final or held).
    pub until_idle: bool,
    /// Stop after this many passes.
    pub max_passes: Option<u64>,
    /// Receive `order.created` webhooks.
    pub webhook: Option<crate::webhook::WebhookOptions>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            interval: Duration::from_secs(60),
            until_idle: false,
            max_passes: None,
            webhook: None,
        }
    }
}

/// What [`Engine::run`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RunReport {
    /// Passes run.
    pub passes: u64,
    /// Orders received by webhook.
    pub webhook_orders: u64,
    /// Everything the passes and webhooks did, summed.
    pub totals: PassReport,
}

/// Product descriptions fetched during one pass, one request per product however many orders
/// link it at once.
#[derive(Default)]
struct ProductCache {
    cells: Mutex<HashMap<String, Arc<DescriptionCell>>>,
}

/// `None` once known not to exist, else `Some(description)`.
type DescriptionCell = OnceCell<Option<Option<String>>>;

impl ProductCache {
    /// `Some(description)` for an existing product, `None` for one that no longer exists.
    async fn description(
        &self,
        client: &bigcartel::Client,
        product_id: &str,
    ) -> Result<Option<Option<String>>, bigcartel::Error> {
        let cell = {
            let mut cells = self.cells.lock().unwrap_or_else(|p| p.into_inner());
            cells.entry(product_id.to_string()).or_default().clone()
        };
        cell.get_or_try_init(|| async {
            match client.get_product(product_id).await {
                Ok(p) => Ok(Some(p.description)),
                Err(bigcartel::Error::Api(e)) if e.kind == ApiErrorKind::NotFound => Ok(None),
                Err(e) => Err(e),
            }
        })
        .await
        .cloned()
    }
}

/// How far [`Engine::advance`] takes an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Limit {
    /// Stop once submitted (while listing: no marks, so the list does not shift).
    UpToSubmission,
    /// As far as it goes.
    Everything,
}

/// What one pass shares between its orders.
#[derive(Default)]
struct Pass {
    report: Report,
    cache: ProductCache,
    /// Orders listed in this pass, by id.
    listed: Mutex<HashMap<String, Order>>,
    /// Orders whose shipment was polled in this pass (once per pass is enough).
    polled: Mutex<HashSet<String>>,
}

/// Removes the order from the in-flight set when its task is done, however it ends.
struct Claim<'a> {
    set: &'a Mutex<HashSet<String>>,
    id: String,
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        self.set
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.id);
    }
}

/// The fulfillment engine for one Big Cartel account, one center and one ledger.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use bigcartel_fulfillment::{Engine, HttpCenter, Settings, ledger::Ledger};
/// let client = bigcartel::Client::builder("MyFulfillment (ops@example.com)").bearer("TOKEN").build()?;
/// let center = HttpCenter::new("http://127.0.0.1:8088")?;
/// let ledger = Ledger::open("fulfillment.db".as_ref(), Default::default())?;
/// let engine = Engine::new(client, center, ledger, Settings::default()).await?;
/// let report = engine.sync().await?;
/// println!("{report}");
/// print!("{}", engine.status()?);
/// # Ok(()) }
/// ```
pub struct Engine<C: FulfillmentCenter, L: LedgerStore = Ledger> {
    client: Arc<bigcartel::Client>,
    center: Arc<C>,
    ledger: Arc<L>,
    // The SQLite ledger's file lock; a PostgreSQL ledger is guarded by the merchant's lease,
    // which the worker holds outside the engine.
    _lock: Option<LedgerLock>,
    settings: Settings,
    shipping: ShippingRules,
    account_id: String,
    progress: Option<ProgressFn>,
    inflight: Mutex<HashSet<String>>,
    passes: std::sync::atomic::AtomicU64,
}

impl<C: FulfillmentCenter, L: LedgerStore> std::fmt::Debug for Engine<C, L> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("account_id", &self.account_id)
            .field("ledger", &self.ledger)
            .field("settings", &self.settings)
            .finish()
    }
}

/// Outcome of one order's steps, folded into the pass report.
type Report = Mutex<PassReport>;

fn bump(report: &Report, f: impl FnOnce(&mut PassReport)) {
    f(&mut report.lock().unwrap_or_else(|p| p.into_inner()));
}

fn is_not_found(e: &bigcartel::Error) -> bool {
    matches!(e, bigcartel::Error::Api(a) if a.kind == ApiErrorKind::NotFound)
}

impl<C: FulfillmentCenter> Engine<C, Ledger> {
    /// Takes the ledger's lock, finds the account (and its country when no home country is set)
    /// and binds the ledger to the account.
    pub async fn new(
        client: bigcartel::Client,
        center: C,
        ledger: Ledger,
        settings: Settings,
    ) -> Result<Self, EngineError> {
        let lock = ledger.lock()?;
        let mut engine = Engine::with_store(client, center, ledger, settings).await?;
        engine._lock = Some(lock);
        Ok(engine)
    }

    /// Counts by state, held orders with reasons, failing steps.
    pub fn status(&self) -> Result<LedgerStatus, EngineError> {
        Ok(self.ledger.status()?)
    }
}

impl<C: FulfillmentCenter, L: LedgerStore> Engine<C, L> {
    /// An engine on any [`LedgerStore`]: finds the account (and its country when no home
    /// country is set) and binds the ledger to the account. Nothing here keeps a second engine
    /// off the same ledger: the caller does (the SQLite lock in [`Engine::new`], a merchant's
    /// lease in the multi-merchant service).
    pub async fn with_store(
        client: bigcartel::Client,
        center: C,
        ledger: L,
        settings: Settings,
    ) -> Result<Self, EngineError> {
        let account_id = client.account_id().await?;
        ledger.bind_account(&account_id).await?;
        let home = match &settings.home_country {
            Some(h) => h.clone(),
            None => client
                .get_account()
                .await?
                .country
                .map(|c| c.id)
                .ok_or(ShippingError::MissingCountry)?,
        };
        let mut shipping = ShippingRules::new(&home)?;
        for (code, service) in &settings.services {
            shipping = shipping.with_service(*code, service.clone());
        }
        Ok(Engine {
            client: Arc::new(client),
            center: Arc::new(center),
            ledger: Arc::new(ledger),
            _lock: None,
            settings,
            shipping,
            account_id,
            progress: None,
            inflight: Mutex::new(HashSet::new()),
            passes: Default::default(),
        })
    }

    /// Calls `progress` with every [`ProgressEvent`].
    pub fn with_progress(mut self, progress: ProgressFn) -> Self {
        self.progress = Some(progress);
        self
    }

    /// The Big Cartel client (its [`bigcartel::Client::stats`] count the requests so far).
    pub fn client(&self) -> &bigcartel::Client {
        &self.client
    }

    /// The Big Cartel account id.
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// The shipping rules in force (home country resolved).
    pub fn shipping_rules(&self) -> &ShippingRules {
        &self.shipping
    }

    /// The ledger.
    pub fn ledger(&self) -> &L {
        &self.ledger
    }

    /// The center.
    pub fn center(&self) -> &C {
        &self.center
    }

    /// Counts by state, held orders with reasons, failing steps.
    pub async fn ledger_status(&self) -> Result<LedgerStatus, EngineError> {
        Ok(LedgerStore::status(&*self.ledger).await?)
    }

    fn emit(&self, event: ProgressEvent) {
        if let Some(p) = &self.progress {
            p(&event);
        }
    }

    /// The ledger, as the [`LedgerStore`] every engine step goes through.
    fn db(&self) -> &L {
        &self.ledger
    }

    fn retry_at(&self, attempts: u32) -> i64 {
        let wait = self
            .settings
            .retry_base
            .saturating_mul(1u32 << attempts.min(20))
            .min(self.settings.retry_max);
        now_ms() + wait.as_millis() as i64
    }

    /// One pass, in three phases, each moving orders as far as they go with `concurrency`
    /// orders at a time:
    ///
    /// 1. steps that need no listing: interrupted submissions, shipments to poll, marks to make
    ///    (so a process restarted again and again still makes progress);
    /// 2. the unshipped orders, page by page: each page is recorded, then its new orders are
    ///    prepared and submitted while the next page loads (nothing is marked shipped while
    ///    listing, so the list does not shift under its own offsets);
    /// 3. the orders submitted in phase 2: first poll, and marks.
    ///
    /// Then orders seen or held earlier that the complete listing no longer shows are skipped.
    pub async fn sync(&self) -> Result<PassReport, EngineError> {
        let number = self
            .passes
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            + 1;
        self.emit(ProgressEvent::PassStarted { pass: number });
        let started = now_ms();
        let pass = Pass::default();

        let pending: Vec<LedgerEntry> = self
            .db()
            .actionable(now_ms())
            .await?
            .into_iter()
            .filter(|e| !matches!(e.state, OrderState::Seen | OrderState::Held))
            .collect();
        self.advance_all(pending, &pass, Limit::Everything).await?;

        let listed = self.list_and_submit(&pass).await?;

        // Listed orders were prepared in phase 2; unlisted seen/held ones cannot be.
        let rest: Vec<LedgerEntry> = self
            .db()
            .actionable(now_ms())
            .await?
            .into_iter()
            .filter(|e| !matches!(e.state, OrderState::Seen | OrderState::Held))
            .collect();
        self.advance_all(rest, &pass, Limit::Everything).await?;
        if listed {
            self.skip_missing(&pass, started).await?;
        }
        let report = pass.report.into_inner().unwrap_or_else(|p| p.into_inner());
        self.emit(ProgressEvent::PassFinished(report.clone()));
        Ok(report)
    }

    /// Phase 2 of [`Engine::sync`]. Returns whether the listing completed.
    async fn list_and_submit(&self, pass: &Pass) -> Result<bool, EngineError> {
        let params = ListOrdersParams::new()
            .filter_shipping_status("unshipped")
            // Oldest first: orders placed during the listing land after the current offset.
            .sort("created_at");
        let page_size = self.settings.page_size.max(1);
        let options = PageOptions {
            page_size,
            ..Default::default()
        };
        let mut pages = std::pin::pin!(
            self.client
                .list_orders_stream(params, options)
                .chunks(page_size as usize)
        );
        let (mut listed, mut new_total) = (0usize, 0usize);
        let mut complete = true;
        while let Some(page) = pages.next().await {
            let mut orders = Vec::with_capacity(page.len());
            let mut error = None;
            for item in page {
                match item {
                    Ok(o) => orders.push(o),
                    Err(e) => error = Some(e),
                }
            }
            let ids: Vec<String> = orders.iter().map(|o| o.id.clone()).collect();
            let new = self.db().observe(&ids).await?;
            listed += orders.len();
            new_total += new;
            let work: Vec<String> = orders.iter().map(|o| o.id.clone()).collect();
            {
                let mut map = pass.listed.lock().unwrap_or_else(|p| p.into_inner());
                for o in orders {
                    map.insert(o.id.clone(), o);
                }
            }
            let entries = self
                .db()
                .entries(&work)
                .await?
                .into_iter()
                .filter(|e| matches!(e.state, OrderState::Seen | OrderState::Held))
                .collect();
            self.advance_all(entries, pass, Limit::UpToSubmission)
                .await?;
            if let Some(e) = error {
                let error = e.to_string();
                bump(&pass.report, |r| r.listing_error = Some(error.clone()));
                self.emit(ProgressEvent::ListingFailed { error });
                complete = false;
                break;
            }
        }
        bump(&pass.report, |r| {
            r.listed = listed as u64;
            r.new = new_total as u64;
        });
        self.emit(ProgressEvent::Listed {
            unshipped: listed,
            new: new_total,
        });
        Ok(complete)
    }

    async fn advance_all(
        &self,
        entries: Vec<LedgerEntry>,
        pass: &Pass,
        limit: Limit,
    ) -> Result<(), EngineError> {
        let results: Vec<Result<(), EngineError>> = futures::stream::iter(entries)
            .map(|entry| self.advance(entry, pass, limit))
            .buffer_unordered(self.settings.concurrency.max(1))
            .collect()
            .await;
        results.into_iter().collect()
    }

    /// Orders seen or held that a complete listing no longer shows as unshipped were shipped or
    /// deleted by someone else: skip them (a later listing that shows them again revives them).
    async fn skip_missing(&self, pass: &Pass, pass_started: i64) -> Result<(), EngineError> {
        let report = &pass.report;
        let candidates = self
            .db()
            .in_states(&[OrderState::Seen, OrderState::Held])
            .await?;
        for entry in candidates {
            // Orders recorded during this pass (by webhook) may postdate the listing.
            let listed = pass
                .listed
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .contains_key(&entry.order_id);
            if listed || entry.first_seen_at >= pass_started {
                continue;
            }
            let reason = "no longer unshipped in Big Cartel (shipped by hand or deleted)";
            if self.db().skip(&entry.order_id, reason).await?.is_some() {
                bump(report, |r| r.skipped += 1);
                self.emit(ProgressEvent::Skipped {
                    order_id: entry.order_id,
                    reason: reason.into(),
                });
            }
        }
        Ok(())
    }

    /// Handles one order outside a pass (an `order.created` or `order.updated` webhook).
    ///
    /// The webhook is only a hint to look: Big Cartel's signatures carry no timestamp and
    /// deliveries are retried, so an old, validly signed payload may describe an order that has
    /// since shipped, been paid differently or changed address. Only `order.id` is used; the
    /// order is fetched from the API as it is now, and a row the ledger already holds in a final
    /// state (done, cancelled, skipped) is left alone: a webhook never revives it (a complete
    /// listing that shows the order unshipped again does, see [`Engine::sync`]).
    pub async fn process_order(&self, order: Order) -> Result<PassReport, EngineError> {
        let id = order.id;
        self.emit(ProgressEvent::Webhook {
            order_id: id.clone(),
        });
        if let Some(entry) = self.entry(&id).await?
            && entry.state.is_final()
        {
            return Ok(PassReport::default());
        }
        let order = match self.client.get_order(&id).await {
            Ok(o) => o,
            Err(e) if is_not_found(&e) => return Ok(PassReport::default()),
            Err(e) => {
                // The next pass lists it anyway.
                self.emit(ProgressEvent::StepFailed {
                    order_id: id,
                    error: e.to_string(),
                });
                return Ok(PassReport {
                    step_failures: 1,
                    ..Default::default()
                });
            }
        };
        if order.id != id {
            tracing::warn!(asked = %id, got = %order.id, "getOrder answered another order; webhook ignored");
            return Ok(PassReport::default());
        }
        if order.shipping_status.as_ref().map(|s| s.as_str()) != Some("unshipped") {
            return Ok(PassReport::default());
        }
        let pass = Pass::default();
        let ids = vec![id.clone()];
        let new = self.db().record_new(&ids).await?;
        bump(&pass.report, |r| r.new = new as u64);
        pass.listed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id.clone(), order);
        if let Some(entry) = self.db().entry(&id).await? {
            self.advance(entry, &pass, Limit::Everything).await?;
        }
        Ok(pass.report.into_inner().unwrap_or_else(|p| p.into_inner()))
    }

    fn claim(&self, id: &str) -> Option<Claim<'_>> {
        let mut set = self.inflight.lock().unwrap_or_else(|p| p.into_inner());
        set.insert(id.to_string()).then(|| Claim {
            set: &self.inflight,
            id: id.to_string(),
        })
    }

    async fn entry(&self, id: &str) -> Result<Option<LedgerEntry>, EngineError> {
        Ok(self.db().entry(id).await?)
    }

    /// Passes every `interval` until `shutdown` resolves (or, with `until_idle`, until no order
    /// has work left; or after `max_passes`). With a webhook receiver, `order.created` orders are
    /// handled as they arrive; the passes remain the safety net for missed webhooks.
    pub async fn run(
        &self,
        options: RunOptions,
        shutdown: impl Future<Output = ()>,
    ) -> Result<RunReport, EngineError> {
        let mut run = RunReport::default();
        let (mut orders, _receiver) = match &options.webhook {
            Some(w) => {
                let (tx, rx) = tokio::sync::mpsc::channel(1024);
                let receiver =
                    crate::webhook::serve(w.clone(), self.account_id.clone(), tx).await?;
                (Some(rx), Some(receiver))
            }
            None => (None, None),
        };
        tokio::pin!(shutdown);
        loop {
            let report = self.sync().await?;
            run.passes += 1;
            run.totals.add(&report);
            if options.max_passes.is_some_and(|m| run.passes >= m) {
                break;
            }
            // Idle means a complete listing found nothing left to do: a failed listing may have
            // missed orders the ledger does not know yet.
            if options.until_idle
                && report.listing_error.is_none()
                && self.ledger_status().await?.in_progress() == 0
            {
                break;
            }
            let sleep = tokio::time::sleep(options.interval);
            tokio::pin!(sleep);
            loop {
                tokio::select! {
                    _ = &mut shutdown => return Ok(run),
                    _ = &mut sleep => break,
                    Some(order) = async { match orders.as_mut() { Some(rx) => rx.recv().await, None => None } } => {
                        run.webhook_orders += 1;
                        let report = self.process_order(order).await?;
                        run.totals.add(&report);
                    }
                }
            }
        }
        Ok(run)
    }
}
