//! The SQLite ledger: the embedded default, one process at a time (see the parent module for the
//! states and the order of writes that makes it crash-safe).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params};

use super::files::{private, with_suffix};
use super::{
    Attention, Durability, LedgerEntry, LedgerError, LedgerEvent, LedgerStatus, OrderState,
    SCHEMA_VERSION, now_ms,
};

/// Held by the one engine working on a ledger; released when dropped or when the process dies.
#[derive(Debug)]
pub struct LedgerLock {
    _file: std::fs::File,
}

/// The ledger. Every method is one short transaction; share it behind an `Arc`.
///
/// ```
/// use bigcartel_fulfillment::ledger::{Ledger, OrderState};
/// let dir = tempfile::tempdir().unwrap();
/// let ledger = Ledger::open(&dir.path().join("ledger.db"), Default::default()).unwrap();
/// assert_eq!(ledger.observe(&["1001".to_string()]).unwrap(), 1);
/// assert_eq!(ledger.entry("1001").unwrap().unwrap().state, OrderState::Seen);
/// assert_eq!(ledger.status().unwrap().count(OrderState::Seen), 1);
/// ```
pub struct Ledger {
    // Shared with the blocking threads that run the async [`crate::LedgerStore`] methods.
    conn: Arc<Mutex<Connection>>,
    path: PathBuf,
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger").field("path", &self.path).finish()
    }
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS orders (
    order_id        TEXT PRIMARY KEY,
    state           TEXT NOT NULL,
    idempotency_key TEXT,
    payload         TEXT,
    reference       TEXT,
    reason          TEXT,
    last_error      TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    retry_at        INTEGER,
    carrier         TEXT,
    tracking_number TEXT,
    first_seen_at   INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_state ON orders (state);
CREATE TABLE IF NOT EXISTS events (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id   TEXT NOT NULL,
    at         INTEGER NOT NULL,
    from_state TEXT,
    to_state   TEXT NOT NULL,
    detail     TEXT
);
CREATE INDEX IF NOT EXISTS events_order ON events (order_id);
";

const COLUMNS: &str = "order_id, state, idempotency_key, payload, reference, reason, last_error, \
     attempts, retry_at, carrier, tracking_number, first_seen_at, updated_at";

/// Column changes of a transition; the column names come from this module only.
type Set<'a> = &'a [(&'static str, Value)];

fn text(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

fn opt_text(s: Option<&str>) -> Value {
    s.map_or(Value::Null, |s| Value::Text(s.into()))
}

impl Ledger {
    /// Opens (creating if needed) the ledger at `path`.
    pub fn open(path: &Path, durability: Durability) -> Result<Ledger, LedgerError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            private::create_dir_all(dir).map_err(|source| LedgerError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        // Created private before SQLite opens it: SQLite gives its WAL and shared-memory files
        // the database file's mode, whatever the umask.
        private::secure_file(path, true)?;
        for suffix in ["-wal", "-shm", "-journal"] {
            private::secure_file(&with_suffix(path, suffix), false)?;
        }
        let sql = |source| LedgerError::Sqlite {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(sql)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(sql)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(sql)?;
        let sync = match durability {
            Durability::Full => "FULL",
            Durability::Normal => "NORMAL",
        };
        conn.pragma_update(None, "synchronous", sync).map_err(sql)?;
        conn.execute_batch(SCHEMA).map_err(sql)?;
        let version: Option<String> = conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'schema_version'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(sql)?;
        match version.map(|v| v.parse::<i64>()) {
            None => {
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema_version', ?1)",
                    params![SCHEMA_VERSION.to_string()],
                )
                .map_err(sql)?;
            }
            Some(Ok(v)) if v <= SCHEMA_VERSION => {}
            Some(Ok(found)) => {
                return Err(LedgerError::TooNew {
                    path: path.to_path_buf(),
                    found,
                });
            }
            Some(Err(e)) => {
                return Err(LedgerError::Corrupt {
                    path: path.to_path_buf(),
                    message: format!("schema_version: {e}"),
                });
            }
        }
        Ok(Ledger {
            conn: Arc::new(Mutex::new(conn)),
            path: path.to_path_buf(),
        })
    }

    /// Another handle on the same connection (for a blocking thread).
    pub(crate) fn handle(&self) -> Ledger {
        Ledger {
            conn: self.conn.clone(),
            path: self.path.clone(),
        }
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Takes the ledger's lock file (`<ledger>.lock`) so that one engine at a time works on it.
    /// The operating system releases it when the process dies, however it dies.
    pub fn lock(&self) -> Result<LedgerLock, LedgerError> {
        let lock_path = with_suffix(&self.path, ".lock");
        let mut options = std::fs::OpenOptions::new();
        options.create(true).truncate(false).write(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&lock_path).map_err(|source| LedgerError::Io {
            path: lock_path.clone(),
            source,
        })?;
        private::secure_file(&lock_path, false)?;
        match file.try_lock() {
            Ok(()) => Ok(LedgerLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => Err(LedgerError::Locked(self.path.clone())),
            Err(std::fs::TryLockError::Error(source)) => Err(LedgerError::Io {
                path: lock_path,
                source,
            }),
        }
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // Each method is one transaction; a panic mid-way rolls it back, so the data is consistent.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn sql(&self, source: rusqlite::Error) -> LedgerError {
        LedgerError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    /// Records the Big Cartel account the ledger belongs to, or checks it is the same.
    pub fn bind_account(&self, account_id: &str) -> Result<(), LedgerError> {
        let conn = self.conn();
        let current: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = 'account_id'", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.sql(e))?;
        match current {
            Some(c) if c == account_id => Ok(()),
            Some(c) => Err(LedgerError::WrongAccount {
                path: self.path.clone(),
                ledger: c,
                asked: account_id.into(),
            }),
            None => conn
                .execute(
                    "INSERT INTO meta (key, value) VALUES ('account_id', ?1)",
                    params![account_id],
                )
                .map(|_| ())
                .map_err(|e| self.sql(e)),
        }
    }

    /// Records orders not yet in the ledger as `seen`, leaving every existing row as it is (a
    /// `skipped` one included): what a webhook may do, since it only proves the order existed
    /// once. Returns how many rows were added.
    pub fn record_new(&self, order_ids: &[String]) -> Result<usize, LedgerError> {
        let now = now_ms();
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(|e| self.sql(e))?;
        let mut added = 0;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO orders (order_id, state, first_seen_at, updated_at)
                     VALUES (?1, 'seen', ?2, ?2)",
                )
                .map_err(|e| self.sql(e))?;
            let mut event = tx
                .prepare_cached(
                    "INSERT INTO events (order_id, at, from_state, to_state) VALUES (?1, ?2, NULL, 'seen')",
                )
                .map_err(|e| self.sql(e))?;
            for id in order_ids {
                if insert.execute(params![id, now]).map_err(|e| self.sql(e))? > 0 {
                    event.execute(params![id, now]).map_err(|e| self.sql(e))?;
                    added += 1;
                }
            }
        }
        tx.commit().map_err(|e| self.sql(e))?;
        Ok(added)
    }

    /// Records orders a complete listing shows as unshipped: new ones as `seen`, `skipped` ones
    /// back to `seen` (the API says, now, that they are unshipped). Only listings call this;
    /// webhooks use [`Ledger::record_new`]. Returns how many rows changed.
    pub fn observe(&self, order_ids: &[String]) -> Result<usize, LedgerError> {
        let now = now_ms();
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(|e| self.sql(e))?;
        let mut changed = 0;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO orders (order_id, state, first_seen_at, updated_at)
                     VALUES (?1, 'seen', ?2, ?2)",
                )
                .map_err(|e| self.sql(e))?;
            let mut revive = tx
                .prepare_cached(
                    "UPDATE orders SET state = 'seen', reason = NULL, updated_at = ?2
                     WHERE order_id = ?1 AND state = 'skipped'",
                )
                .map_err(|e| self.sql(e))?;
            let mut event = tx
                .prepare_cached(
                    "INSERT INTO events (order_id, at, from_state, to_state) VALUES (?1, ?2, ?3, 'seen')",
                )
                .map_err(|e| self.sql(e))?;
            for id in order_ids {
                if insert.execute(params![id, now]).map_err(|e| self.sql(e))? > 0 {
                    event
                        .execute(params![id, now, Option::<&str>::None])
                        .map_err(|e| self.sql(e))?;
                    changed += 1;
                } else if revive.execute(params![id, now]).map_err(|e| self.sql(e))? > 0 {
                    event
                        .execute(params![id, now, "skipped"])
                        .map_err(|e| self.sql(e))?;
                    changed += 1;
                }
            }
        }
        tx.commit().map_err(|e| self.sql(e))?;
        Ok(changed)
    }

    fn read_entry(row: &rusqlite::Row<'_>) -> rusqlite::Result<(LedgerEntry, String)> {
        let state: String = row.get(1)?;
        Ok((
            LedgerEntry {
                order_id: row.get(0)?,
                state: OrderState::Seen,
                idempotency_key: row.get(2)?,
                payload: row.get(3)?,
                reference: row.get(4)?,
                reason: row.get(5)?,
                last_error: row.get(6)?,
                attempts: row.get(7)?,
                retry_at: row.get(8)?,
                carrier: row.get(9)?,
                tracking_number: row.get(10)?,
                first_seen_at: row.get(11)?,
                updated_at: row.get(12)?,
            },
            state,
        ))
    }

    fn with_state(
        &self,
        (mut entry, state): (LedgerEntry, String),
    ) -> Result<LedgerEntry, LedgerError> {
        entry.state = OrderState::from_name(&state).ok_or_else(|| LedgerError::Corrupt {
            path: self.path.clone(),
            message: format!("order {} has unknown state {state:?}", entry.order_id),
        })?;
        Ok(entry)
    }

    /// One order's row.
    pub fn entry(&self, order_id: &str) -> Result<Option<LedgerEntry>, LedgerError> {
        let conn = self.conn();
        let raw = conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM orders WHERE order_id = ?1"),
                params![order_id],
                Self::read_entry,
            )
            .optional()
            .map_err(|e| self.sql(e))?;
        raw.map(|r| self.with_state(r)).transpose()
    }

    fn select(&self, where_clause: &str, args: &[Value]) -> Result<Vec<LedgerEntry>, LedgerError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare(&format!(
                "SELECT {COLUMNS} FROM orders WHERE {where_clause} ORDER BY first_seen_at, order_id"
            ))
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args), Self::read_entry)
            .map_err(|e| self.sql(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.sql(e))?;
        drop(stmt);
        drop(conn);
        rows.into_iter().map(|r| self.with_state(r)).collect()
    }

    /// Every row in one of `states`.
    pub fn in_states(&self, states: &[OrderState]) -> Result<Vec<LedgerEntry>, LedgerError> {
        let marks = vec!["?"; states.len()].join(", ");
        let args: Vec<Value> = states.iter().map(|s| text(s.as_str())).collect();
        self.select(&format!("state IN ({marks})"), &args)
    }

    /// Rows with work to do at `now`: not final, not waiting for a retry time.
    pub fn actionable(&self, now: i64) -> Result<Vec<LedgerEntry>, LedgerError> {
        self.select(
            "state NOT IN ('done', 'cancelled', 'skipped') AND (retry_at IS NULL OR retry_at <= ?1)",
            &[Value::Integer(now)],
        )
    }

    /// Every row.
    pub fn all(&self) -> Result<Vec<LedgerEntry>, LedgerError> {
        self.select("1 = 1", &[])
    }

    /// One order's transitions, oldest first.
    pub fn events(&self, order_id: &str) -> Result<Vec<LedgerEvent>, LedgerError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare(
                "SELECT order_id, at, from_state, to_state, detail FROM events
                 WHERE order_id = ?1 ORDER BY seq",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map(params![order_id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                ))
            })
            .map_err(|e| self.sql(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.sql(e))?;
        rows.into_iter()
            .map(|(order_id, at, from, to, detail)| {
                let parse = |s: &str| {
                    OrderState::from_name(s).ok_or_else(|| LedgerError::Corrupt {
                        path: self.path.clone(),
                        message: format!("event with unknown state {s:?}"),
                    })
                };
                Ok(LedgerEvent {
                    order_id,
                    at,
                    from: from.as_deref().map(parse).transpose()?,
                    to: parse(&to)?,
                    detail,
                })
            })
            .collect()
    }

    /// Moves `order_id` from one of `from` to `to`, setting `set` and clearing the step's error
    /// bookkeeping, in one transaction with its event. Returns `false` (and changes nothing) when
    /// the row is not in one of `from`: another task got there first.
    fn transition(
        &self,
        order_id: &str,
        from: &[OrderState],
        to: OrderState,
        set: Set<'_>,
        detail: Option<&str>,
    ) -> Result<bool, LedgerError> {
        let now = now_ms();
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(|e| self.sql(e))?;
        let current: Option<String> = tx
            .query_row(
                "SELECT state FROM orders WHERE order_id = ?1",
                params![order_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.sql(e))?;
        let Some(current) = current.filter(|c| from.iter().any(|f| f.as_str() == c)) else {
            return Ok(false);
        };
        let mut sql = String::from(
            "UPDATE orders SET state = ?1, updated_at = ?2, last_error = NULL, attempts = 0, retry_at = NULL",
        );
        let mut args: Vec<Value> = vec![text(to.as_str()), Value::Integer(now)];
        for (column, value) in set {
            args.push(value.clone());
            sql.push_str(&format!(", {column} = ?{}", args.len()));
        }
        args.push(text(order_id));
        sql.push_str(&format!(" WHERE order_id = ?{}", args.len()));
        tx.execute(&sql, rusqlite::params_from_iter(args))
            .map_err(|e| self.sql(e))?;
        tx.execute(
            "INSERT INTO events (order_id, at, from_state, to_state, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![order_id, now, current, to.as_str(), detail],
        )
        .map_err(|e| self.sql(e))?;
        tx.commit().map_err(|e| self.sql(e))?;
        Ok(true)
    }

    /// `seen`/`held` → `held` with a reason.
    pub fn hold(&self, order_id: &str, reason: &str) -> Result<bool, LedgerError> {
        self.transition(
            order_id,
            &[OrderState::Seen, OrderState::Held],
            OrderState::Held,
            &[("reason", text(reason))],
            Some(reason),
        )
    }

    /// `seen`/`held` → `submitting`: the write-ahead intent, committed before the center is called.
    pub fn intend(&self, order_id: &str, key: &str, payload: &str) -> Result<bool, LedgerError> {
        self.transition(
            order_id,
            &[OrderState::Seen, OrderState::Held],
            OrderState::Submitting,
            &[
                ("idempotency_key", text(key)),
                ("payload", text(payload)),
                ("reason", Value::Null),
            ],
            Some(key),
        )
    }

    /// `submitting`/`failed` → `submitted` with the center's reference.
    pub fn submitted(&self, order_id: &str, reference: &str) -> Result<bool, LedgerError> {
        self.transition(
            order_id,
            &[OrderState::Submitting, OrderState::Failed],
            OrderState::Submitted,
            &[("reference", text(reference))],
            Some(reference),
        )
    }

    /// `submitting`/`failed` → `failed`, counting the attempt and scheduling the next one.
    pub fn failed(&self, order_id: &str, error: &str, retry_at: i64) -> Result<bool, LedgerError> {
        let now = now_ms();
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(|e| self.sql(e))?;
        let current: Option<String> = tx
            .query_row(
                "SELECT state FROM orders WHERE order_id = ?1 AND state IN ('submitting', 'failed')",
                params![order_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.sql(e))?;
        let Some(current) = current else {
            return Ok(false);
        };
        tx.execute(
            "UPDATE orders SET state = 'failed', last_error = ?2, attempts = attempts + 1,
                 retry_at = ?3, updated_at = ?4 WHERE order_id = ?1",
            params![order_id, error, retry_at, now],
        )
        .map_err(|e| self.sql(e))?;
        tx.execute(
            "INSERT INTO events (order_id, at, from_state, to_state, detail) VALUES (?1, ?2, ?3, 'failed', ?4)",
            params![order_id, now, current, error],
        )
        .map_err(|e| self.sql(e))?;
        tx.commit().map_err(|e| self.sql(e))?;
        Ok(true)
    }

    /// `submitting`/`failed` → `held`: the center refused the order and stored nothing, so the
    /// payload is dropped and rebuilt on the next pass (after the merchant fixes the product).
    pub fn rejected(&self, order_id: &str, reason: &str) -> Result<bool, LedgerError> {
        self.transition(
            order_id,
            &[OrderState::Submitting, OrderState::Failed],
            OrderState::Held,
            &[("reason", text(reason)), ("payload", Value::Null)],
            Some(reason),
        )
    }

    /// `submitted` → `shipped`.
    pub fn shipped(
        &self,
        order_id: &str,
        carrier: Option<&str>,
        tracking_number: Option<&str>,
    ) -> Result<bool, LedgerError> {
        self.transition(
            order_id,
            &[OrderState::Submitted],
            OrderState::Shipped,
            &[
                ("carrier", opt_text(carrier)),
                ("tracking_number", opt_text(tracking_number)),
            ],
            tracking_number,
        )
    }

    /// `submitted` → `cancelled`.
    pub fn cancelled(&self, order_id: &str, reason: &str) -> Result<bool, LedgerError> {
        self.transition(
            order_id,
            &[OrderState::Submitted],
            OrderState::Cancelled,
            &[("reason", text(reason))],
            Some(reason),
        )
    }

    /// `shipped` → `marking`: committed before Big Cartel is patched.
    pub fn marking(&self, order_id: &str) -> Result<bool, LedgerError> {
        self.transition(
            order_id,
            &[OrderState::Shipped],
            OrderState::Marking,
            &[],
            None,
        )
    }

    /// `marking` → `done`.
    pub fn done(&self, order_id: &str) -> Result<bool, LedgerError> {
        self.transition(
            order_id,
            &[OrderState::Marking],
            OrderState::Done,
            &[],
            None,
        )
    }

    /// `seen`/`held`/`marking` → `skipped` with a reason (the order is no longer unshipped, or no
    /// longer exists, in Big Cartel).
    pub fn skip(&self, order_id: &str, reason: &str) -> Result<bool, LedgerError> {
        self.transition(
            order_id,
            &[OrderState::Seen, OrderState::Held, OrderState::Marking],
            OrderState::Skipped,
            &[("reason", text(reason))],
            Some(reason),
        )
    }

    /// Keeps the state, records the step's error, counts the attempt and schedules a retry.
    pub fn note_error(
        &self,
        order_id: &str,
        error: &str,
        retry_at: i64,
    ) -> Result<(), LedgerError> {
        self.conn()
            .execute(
                "UPDATE orders SET last_error = ?2, attempts = attempts + 1, retry_at = ?3, updated_at = ?4
                 WHERE order_id = ?1",
                params![order_id, error, retry_at, now_ms()],
            )
            .map(|_| ())
            .map_err(|e| self.sql(e))
    }

    /// Counts by state, held orders and failing steps.
    pub fn status(&self) -> Result<LedgerStatus, LedgerError> {
        let mut counts: BTreeMap<OrderState, u64> =
            OrderState::ALL.iter().map(|s| (*s, 0)).collect();
        {
            let conn = self.conn();
            let mut stmt = conn
                .prepare("SELECT state, COUNT(*) FROM orders GROUP BY state")
                .map_err(|e| self.sql(e))?;
            let rows = stmt
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
                .map_err(|e| self.sql(e))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| self.sql(e))?;
            for (state, n) in rows {
                let state = OrderState::from_name(&state).ok_or_else(|| LedgerError::Corrupt {
                    path: self.path.clone(),
                    message: format!("unknown state {state:?}"),
                })?;
                counts.insert(state, n as u64);
            }
        }
        let attention = |e: &LedgerEntry, reason: &str| Attention {
            order_id: e.order_id.clone(),
            state: e.state,
            reason: reason.to_string(),
            attempts: e.attempts,
            retry_at: e.retry_at,
        };
        let held = self
            .in_states(&[OrderState::Held])?
            .iter()
            .map(|e| attention(e, e.reason.as_deref().unwrap_or("")))
            .collect();
        let errors = self
            .select("last_error IS NOT NULL", &[])?
            .iter()
            .map(|e| attention(e, e.last_error.as_deref().unwrap_or("")))
            .collect();
        Ok(LedgerStatus {
            counts,
            held,
            errors,
        })
    }
}
