//! The durable ledger: one SQLite row per Big Cartel order the engine has seen, and where it stands.
//!
//! ```text
//!  seen ──► held ◄──────────────┐ (rejected by the center: rebuilt next pass)
//!   │        │                  │
//!   └────────┴──► submitting ──►├──► submitted ──► shipped ──► marking ──► done
//!                  │   ▲        │        │
//!                  ▼   │        │        └──► cancelled (the center will not ship it)
//!                 failed ───────┘
//!  seen/held ──► skipped (no longer unshipped in Big Cartel; revived if a listing shows it again)
//! ```
//!
//! Crash safety comes from the order of writes, each its own committed transaction:
//!
//! * `submitting` (with the idempotency key and the exact payload) is committed **before** the
//!   center is called. A process that dies after that finds the row in `submitting` and asks the
//!   center for the key before submitting again (the same payload under the same key), so the
//!   center never holds two orders for one Big Cartel order, and no order is forgotten.
//! * `marking` is committed before Big Cartel is told the order shipped; a row found in `marking`
//!   is checked with `getOrder` first, so Big Cartel is patched once.
//!
//! The database runs in WAL mode with `synchronous=FULL` by default ([`Durability::Full`]): a
//! committed step survives a process kill and a power cut.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

mod files;
mod sqlite;

pub use sqlite::{Ledger, LedgerLock};

/// The schema this version writes.
pub const SCHEMA_VERSION: i64 = 1;

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    /// Listed as unshipped; not yet looked at.
    Seen,
    /// Cannot be submitted as it is (a product without `SKU:`, unpaid...); re-checked every pass.
    Held,
    /// The intent to submit is recorded; the center may or may not have it.
    Submitting,
    /// Submitting failed; retried at `retry_at` (after asking the center for the key).
    Failed,
    /// The center has it.
    Submitted,
    /// The center shipped it; Big Cartel not told yet.
    Shipped,
    /// Telling Big Cartel it shipped (checked with `getOrder` before patching again).
    Marking,
    /// Marked shipped in Big Cartel. Final.
    Done,
    /// The center will not ship it. Final.
    Cancelled,
    /// No longer unshipped in Big Cartel before it was submitted (shipped by hand, deleted).
    Skipped,
}

impl OrderState {
    /// Every state, in pipeline order.
    pub const ALL: [OrderState; 10] = [
        OrderState::Seen,
        OrderState::Held,
        OrderState::Submitting,
        OrderState::Failed,
        OrderState::Submitted,
        OrderState::Shipped,
        OrderState::Marking,
        OrderState::Done,
        OrderState::Cancelled,
        OrderState::Skipped,
    ];

    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderState::Seen => "seen",
            OrderState::Held => "held",
            OrderState::Submitting => "submitting",
            OrderState::Failed => "failed",
            OrderState::Submitted => "submitted",
            OrderState::Shipped => "shipped",
            OrderState::Marking => "marking",
            OrderState::Done => "done",
            OrderState::Cancelled => "cancelled",
            OrderState::Skipped => "skipped",
        }
    }

    /// Parses a stored name.
    pub fn from_name(name: &str) -> Option<Self> {
        OrderState::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// Whether nothing more will happen to the order.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            OrderState::Done | OrderState::Cancelled | OrderState::Skipped
        )
    }
}

impl std::fmt::Display for OrderState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How hard SQLite works to keep a commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Durability {
    /// `synchronous=FULL`: a commit survives a power cut (the default).
    #[default]
    Full,
    /// `synchronous=NORMAL`: a commit survives the process being killed, not a power cut.
    Normal,
}

/// Why the ledger failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// SQLite failed.
    #[error("ledger {path}: {source}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// The cause.
        source: rusqlite::Error,
    },
    /// A ledger file (the database, its WAL, the lock file) or its directory could not be
    /// created or read.
    #[error("ledger {path}: {source}")]
    Io {
        /// The lock file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A ledger file others than its owner can write: it could have been altered (an order
    /// marked done, a payload swapped), so it is not used.
    #[error(
        "the ledger file {path} has mode {mode:o}: others than its owner can write it; \
         check its contents, then `chmod 600` it"
    )]
    Insecure {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// Another engine holds the ledger.
    #[error("another engine is running on the ledger {0} (its lock file is held)")]
    Locked(PathBuf),
    /// The ledger belongs to another Big Cartel account.
    #[error("the ledger {path} belongs to account {ledger}, not {asked}")]
    WrongAccount {
        /// The database file.
        path: PathBuf,
        /// The account recorded in the ledger.
        ledger: String,
        /// The account of this engine.
        asked: String,
    },
    /// The ledger was written by a newer version.
    #[error(
        "the ledger {path} has schema version {found}; this version reads up to {SCHEMA_VERSION}"
    )]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// Its version.
        found: i64,
    },
    /// A stored value is not what this version writes.
    #[error("the ledger {path} holds an unexpected value: {message}")]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// What.
        message: String,
    },
    /// PostgreSQL failed (the connection settings, which may hold a password, are never part
    /// of the message).
    #[error("PostgreSQL ledger: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    /// No connection could be had from the pool.
    #[error("PostgreSQL ledger: {0}")]
    Pool(#[from] deadpool_postgres::PoolError),
    /// The schema migrations failed.
    #[error("PostgreSQL ledger migrations: {0}")]
    Migration(#[from] refinery::Error),
    /// The merchant's PostgreSQL ledger belongs to another Big Cartel account.
    #[error("merchant {merchant}'s ledger belongs to account {ledger}, not {asked}")]
    MerchantAccount {
        /// The merchant.
        merchant: String,
        /// The account recorded in the ledger.
        ledger: String,
        /// The account of this engine.
        asked: String,
    },
    /// A merchant's PostgreSQL row holds a value this version does not write.
    #[error("the PostgreSQL ledger of merchant {merchant} holds an unexpected value: {message}")]
    CorruptRow {
        /// The merchant.
        merchant: String,
        /// What.
        message: String,
    },
    /// The worker's lease on the merchant expired and another worker took it: this one stops
    /// writing (the other carries on from the committed state).
    #[error("the lease on merchant {0} was lost to another worker")]
    LeaseLost(String),
    /// A blocking ledger task panicked or was cancelled.
    #[error("ledger task failed: {0}")]
    Task(String),
}

/// One order's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerEntry {
    /// The Big Cartel order id.
    pub order_id: String,
    /// Where it stands.
    pub state: OrderState,
    /// The idempotency key it is (or will be) submitted under.
    pub idempotency_key: Option<String>,
    /// The exact JSON submitted (fixed once `submitting` is recorded).
    pub payload: Option<String>,
    /// The center's reference.
    pub reference: Option<String>,
    /// Why it is held, cancelled or skipped.
    pub reason: Option<String>,
    /// The last error of the current step.
    pub last_error: Option<String>,
    /// Failed attempts of the current step.
    pub attempts: u32,
    /// Not before this time (Unix milliseconds) is the step tried again.
    pub retry_at: Option<i64>,
    /// The carrier, once shipped.
    pub carrier: Option<String>,
    /// The tracking number, once shipped.
    pub tracking_number: Option<String>,
    /// When the order was first seen (Unix milliseconds).
    pub first_seen_at: i64,
    /// When the row last changed (Unix milliseconds).
    pub updated_at: i64,
}

/// One recorded transition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerEvent {
    /// The order.
    pub order_id: String,
    /// When (Unix milliseconds).
    pub at: i64,
    /// The state before (`None` when first seen).
    pub from: Option<OrderState>,
    /// The state after.
    pub to: OrderState,
    /// Reason, error or reference.
    pub detail: Option<String>,
}

/// An order that needs a person's attention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attention {
    /// The Big Cartel order id.
    pub order_id: String,
    /// Its state.
    pub state: OrderState,
    /// The hold reason or the last error.
    pub reason: String,
    /// Failed attempts of the current step.
    pub attempts: u32,
    /// When it is tried again (Unix milliseconds), if scheduled.
    pub retry_at: Option<i64>,
}

/// Counts by state, held orders with their reasons, and orders whose last step failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerStatus {
    /// Orders per state (every state, zeros included).
    pub counts: BTreeMap<OrderState, u64>,
    /// Held orders and why.
    pub held: Vec<Attention>,
    /// Orders whose current step failed, with the error and the retry time.
    pub errors: Vec<Attention>,
}

impl LedgerStatus {
    /// Orders in a state.
    pub fn count(&self, state: OrderState) -> u64 {
        self.counts.get(&state).copied().unwrap_or(0)
    }

    /// Orders the engine still has work for (neither final nor held).
    pub fn in_progress(&self) -> u64 {
        self.counts
            .iter()
            .filter(|(s, _)| !s.is_final() && **s != OrderState::Held)
            .map(|(_, n)| n)
            .sum()
    }
}

impl std::fmt::Display for LedgerStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let total: u64 = self.counts.values().sum();
        writeln!(f, "{total} orders in the ledger")?;
        for (state, n) in &self.counts {
            writeln!(f, "  {:<11} {n}", state.as_str())?;
        }
        if !self.held.is_empty() {
            writeln!(f, "held ({}):", self.held.len())?;
            for h in &self.held {
                writeln!(f, "  order {}: {}", h.order_id, h.reason)?;
            }
        }
        if !self.errors.is_empty() {
            writeln!(f, "failing ({}):", self.errors.len())?;
            for e in &self.errors {
                write!(
                    f,
                    "  order {} ({}, {} attempts): {}",
                    e.order_id, e.state, e.attempts, e.reason
                )?;
                if let Some(at) = e.retry_at {
                    write!(f, "; retry at {}", format_ms(at))?;
                }
                writeln!(f)?;
            }
        }
        Ok(())
    }
}

/// Unix milliseconds as an RFC 3339 UTC time.
pub fn format_ms(ms: i64) -> String {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms.max(0) as u64);
    humantime::format_rfc3339_seconds(t).to_string()
}

/// Now, in Unix milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
