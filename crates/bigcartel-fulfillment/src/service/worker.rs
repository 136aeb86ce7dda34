//! Workers: each of `slots` loops takes the most overdue merchant under a lease, runs one engine
//! pass for it on its PostgreSQL ledger, records the pass and gives the merchant back.
//!
//! * **One worker per merchant.** The lease is taken with `FOR UPDATE SKIP LOCKED` and renewed
//!   while the pass runs; the ledger is fenced by it ([`crate::pg::PgLedger::fenced`]), and a
//!   pass whose renewal fails (the lease expired and was taken over, or the merchant
//!   disconnected) is dropped at once. A worker that dies leaves its lease to expire; another
//!   worker takes the merchant over from the committed ledger, and the center's idempotency
//!   key keeps any order it had in flight submitted once.
//! * **Fairness.** A turn has a time budget and a budget of Big Cartel requests; a merchant
//!   whose backlog does not fit is cut (safely: every step is committed before the next) and
//!   queued again behind the merchants already waiting, so one large backlog cannot starve the
//!   others (nor use up the app's API allowance).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::{Merchants, PassRecord, ServiceError, TokenCipher};
use crate::ledger::now_ms;
use crate::pg::Lease;
use crate::{Engine, HttpCenter, Settings};

/// How a worker runs.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// This worker's name in leases and pass records (unique per process).
    pub name: String,
    /// Merchants worked on at once by this process.
    pub slots: usize,
    /// How long a lease lasts without renewal (a dead worker's merchants wait this long).
    pub lease_ttl: Duration,
    /// Time between two passes of one merchant (an `order.created` webhook makes it sooner).
    pub interval: Duration,
    /// The longest turn of one merchant before it is queued again.
    pub pass_budget: Duration,
    /// The most Big Cartel requests (retries included) of one merchant's turn before it is
    /// queued again.
    pub request_budget: u64,
    /// Wait between lease attempts when no merchant is due.
    pub poll: Duration,
    /// The engine's settings (the same for every merchant).
    pub settings: Settings,
    /// The Big Cartel API base URL.
    pub api_base_url: String,
    /// The User-Agent of Big Cartel requests.
    pub user_agent: String,
}

/// A worker's default name: host, process id and a random suffix.
pub fn default_name() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "worker".into());
    format!("{host}-{}-{}", std::process::id(), &super::new_key()[..8])
}

struct Shared {
    merchants: Merchants,
    cipher: TokenCipher,
    center: HttpCenter,
    options: WorkerOptions,
    /// One connection pool for every merchant's client: TLS is set up once per process, and
    /// open connections carry the next merchant's requests.
    connections: bigcartel::Connections,
}

/// Runs `options.slots` loops until `shutdown` turns `true`.
pub async fn run(
    merchants: Merchants,
    cipher: TokenCipher,
    center: HttpCenter,
    options: WorkerOptions,
    shutdown: watch::Receiver<bool>,
) {
    let connections = match bigcartel::Connections::new(
        bigcartel::DEFAULT_TIMEOUT,
        bigcartel::DEFAULT_CONNECT_TIMEOUT,
    ) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "the worker cannot set up HTTP connections");
            return;
        }
    };
    let shared = Arc::new(Shared {
        merchants,
        cipher,
        center,
        options,
        connections,
    });
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..shared.options.slots.max(1) {
        tasks.spawn(slot(shared.clone(), shutdown.clone()));
    }
    while tasks.join_next().await.is_some() {}
}

async fn slot(shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>) {
    let db = shared.merchants.db().clone();
    let o = &shared.options;
    while !*shutdown.borrow() {
        match db.acquire_lease(&o.name, o.lease_ttl).await {
            Ok(Some(lease)) => turn(&shared, lease, &mut shutdown).await,
            Ok(None) => {
                tokio::select! {
                    _ = shutdown.changed() => {}
                    _ = tokio::time::sleep(o.poll) => {}
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "taking a merchant lease failed");
                tokio::select! {
                    _ = shutdown.changed() => {}
                    _ = tokio::time::sleep(o.poll.max(Duration::from_secs(1))) => {}
                }
            }
        }
    }
}

/// Renews the lease every third of its life; returns when a renewal fails.
async fn keep_lease(shared: &Shared, lease: &Lease) -> String {
    let db = shared.merchants.db();
    let ttl = shared.options.lease_ttl;
    loop {
        tokio::time::sleep(ttl / 3).await;
        match db.renew_lease(lease, ttl).await {
            Ok(true) => {}
            Ok(false) => return "the lease was lost or the merchant disconnected".into(),
            // A database hiccup: the lease may still be ours; the fenced ledger decides.
            Err(e) => tracing::warn!(error = %e, "renewing a lease failed"),
        }
    }
}

async fn turn(shared: &Shared, lease: Lease, shutdown: &mut watch::Receiver<bool>) {
    let o = &shared.options;
    let started = now_ms();
    let outcome = tokio::select! {
        r = tokio::time::timeout(o.pass_budget, pass(shared, &lease)) => match r {
            Ok(r) => r,
            Err(_) => Ok(("cut at the time budget; queued again".to_string(), false)),
        },
        lost = keep_lease(shared, &lease) => Err(lost),
        _ = shutdown.changed() => Err("the worker is stopping".to_string()),
    };
    let (summary, error, rest) = match outcome {
        Ok((summary, finished)) => (
            summary,
            None,
            if finished { o.interval } else { Duration::ZERO },
        ),
        Err(e) => (
            String::new(),
            Some(e),
            o.interval.min(Duration::from_secs(5)),
        ),
    };
    if let Some(e) = &error {
        tracing::warn!(merchant = %lease.merchant_id, error = %e, "pass stopped");
    }
    let record = PassRecord {
        merchant_id: lease.merchant_id.clone(),
        worker: o.name.clone(),
        started_at: started,
        finished_at: now_ms(),
        summary,
        error,
    };
    if let Err(e) = shared.merchants.record_pass(&record).await {
        tracing::warn!(error = %e, "recording a pass failed");
    }
    if let Err(e) = shared.merchants.db().release_lease(&lease, rest).await {
        tracing::warn!(error = %e, "releasing a lease failed (it expires by itself)");
    }
}

/// One engine pass for the leased merchant: its summary, and whether it ran to the end.
async fn pass(shared: &Shared, lease: &Lease) -> Result<(String, bool), String> {
    let o = &shared.options;
    let merchant = &lease.merchant_id;
    let Some((account_id, sealed)) = shared
        .merchants
        .credentials(merchant)
        .await
        .map_err(|e| e.to_string())?
    else {
        return Ok(("not connected".into(), true));
    };
    let token = shared
        .cipher
        .open(merchant, &sealed)
        .map_err(|e: ServiceError| e.to_string())?;
    let client = bigcartel::Client::builder(o.user_agent.clone())
        .connections(&shared.connections)
        .base_url(o.api_base_url.clone())
        .bearer(token)
        .account_id(account_id)
        .build()
        .map_err(|e| e.to_string())?;
    let ledger = shared.merchants.db().ledger(merchant).fenced(lease.clone());
    let engine = Engine::with_store(client, shared.center.clone(), ledger, o.settings.clone())
        .await
        .map_err(|e| e.to_string())?;
    let over_budget = async {
        loop {
            tokio::time::sleep(Duration::from_millis(50)).await;
            if engine.client().stats().0 >= o.request_budget {
                break;
            }
        }
    };
    tokio::select! {
        report = engine.sync() => {
            let report = report.map_err(|e| e.to_string())?;
            let requests = engine.client().stats().0;
            Ok((format!("{report}; {requests} Big Cartel requests"), true))
        }
        _ = over_budget => Ok((
            format!("cut at the request budget ({} requests); queued again", o.request_budget),
            false,
        )),
    }
}
