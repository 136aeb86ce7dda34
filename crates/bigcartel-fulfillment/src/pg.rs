//! The ledger on PostgreSQL, for a service that works for many merchants with several workers:
//! one database, every row keyed by merchant id, and a lease per merchant so that one worker at
//! a time runs a merchant's pass.
//!
//! * [`PgDatabase::connect`] opens a connection pool and brings the schema up to date with
//!   refinery's embedded migrations (`migrations/` in this crate), under an advisory lock so that
//!   workers starting together do not race.
//! * [`PgDatabase::ledger`] is one merchant's [`PgLedger`], a [`LedgerStore`] with the same rules
//!   as the SQLite [`crate::Ledger`]. [`PgLedger::fenced`] makes every write check that the
//!   worker still holds the merchant's lease, so a worker that stalled past its lease cannot
//!   write over the one that took over.
//! * [`PgDatabase::acquire_lease`] hands a due merchant to a worker with `FOR UPDATE SKIP LOCKED`;
//!   leases expire, so a dead worker's merchants are taken over.
//!
//! The statements a pass runs for every order (the lease check, row reads, transitions) are
//! prepared once per pooled connection (`prepare_cached`): parsing and planning them on every
//! call took most of the logged statement time in the workers bench.
//!
//! Times that decide between workers (lease expiry, when a pass is due) are the database's
//! clock, not the workers'.

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Transaction};
use tokio_postgres::types::ToSql;
use tokio_postgres::{NoTls, Row};

use crate::ledger::{
    Attention, LedgerEntry, LedgerError, LedgerEvent, LedgerStatus, OrderState, now_ms,
};
use crate::store::LedgerStore;

mod embedded {
    refinery::embed_migrations!("migrations");
}

/// The database clock in Unix milliseconds, as SQL.
const DB_NOW: &str = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

/// Taken while migrating, so that workers starting at once apply each migration once.
const MIGRATION_LOCK: i64 = 0x6263_6675_6c66_696c; // "bcfulfil"

const COLUMNS: &str = "order_id, state, idempotency_key, payload, reference, reason, last_error, \
     attempts, retry_at, carrier, tracking_number, first_seen_at, updated_at";

/// [`COLUMNS`], each qualified with `table`.
fn prefixed(table: &str) -> String {
    COLUMNS
        .split(", ")
        .map(|c| format!("{table}.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A PostgreSQL database holding the ledgers of many merchants.
#[derive(Clone)]
pub struct PgDatabase {
    pool: Pool,
}

impl std::fmt::Debug for PgDatabase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The configuration may hold a password: only the pool's size is shown.
        f.debug_struct("PgDatabase")
            .field("max_size", &self.pool.status().max_size)
            .finish()
    }
}

/// A merchant handed to a worker until `until` (database clock, Unix milliseconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// The merchant.
    pub merchant_id: String,
    /// The worker.
    pub owner: String,
    /// Increases with every grant: the fencing number writes are checked against.
    pub epoch: i64,
}

impl PgDatabase {
    /// Connects with `config` (a pool of up to `max_connections`) and applies the migrations
    /// this version has that the database lacks.
    pub async fn connect(
        config: tokio_postgres::Config,
        max_connections: usize,
    ) -> Result<PgDatabase, LedgerError> {
        {
            let (mut client, connection) = config.connect(NoTls).await?;
            let driver = tokio::spawn(async move {
                if let Err(e) = connection.await {
                    tracing::warn!(error = %e, "PostgreSQL migration connection ended");
                }
            });
            client
                .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
                .await?;
            let migrated = embedded::migrations::runner()
                .run_async(&mut client)
                .await
                .map(drop);
            client
                .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
                .await?;
            drop(client);
            let _ = driver.await;
            migrated?;
        }
        // Every statement here reads or writes a merchant's rows by key, so one generic plan per
        // prepared statement is right; by default each execution of a statement with a
        // parameter list was planned anew (custom plans), which was a tenth of the database's
        // time in the workers bench.
        let mut config = config;
        let options = match config.get_options() {
            Some(given) => format!("{given} -c plan_cache_mode=force_generic_plan"),
            None => "-c plan_cache_mode=force_generic_plan".to_string(),
        };
        config.options(options);
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(max_connections.max(1))
            .wait_timeout(Some(Duration::from_secs(30)))
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .build()
            .map_err(|e| LedgerError::Task(format!("connection pool: {e}")))?;
        Ok(PgDatabase { pool })
    }

    /// The connection pool (for the service's own tables).
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// One merchant's ledger.
    pub fn ledger(&self, merchant_id: &str) -> PgLedger {
        PgLedger {
            pool: self.pool.clone(),
            merchant: merchant_id.to_string(),
            fence: None,
        }
    }

    /// Hands `owner` the merchant whose pass is most overdue among those connected, not leased
    /// (or whose lease expired: its worker died or stalled) and due, for `ttl`. `None` when no
    /// merchant is due. Rows other workers are deciding on are skipped, not waited for.
    pub async fn acquire_lease(
        &self,
        owner: &str,
        ttl: Duration,
    ) -> Result<Option<Lease>, LedgerError> {
        let client = self.pool.get().await?;
        let ttl = ttl.as_millis() as i64;
        // Idle worker slots run this every poll interval: prepared once per connection.
        let statement = client
            .prepare_cached(&format!(
                "UPDATE merchants SET lease_owner = $1, lease_epoch = lease_epoch + 1,
                         lease_until = {DB_NOW} + $2, wake = FALSE
                     WHERE merchant_id = (
                         SELECT merchant_id FROM merchants
                         WHERE token_sealed IS NOT NULL
                           AND lease_until < {DB_NOW}
                           AND next_pass_at <= {DB_NOW}
                         ORDER BY next_pass_at, merchant_id
                         LIMIT 1
                         FOR UPDATE SKIP LOCKED)
                     RETURNING merchant_id, lease_epoch"
            ))
            .await?;
        let row = client.query_opt(&statement, &[&owner, &ttl]).await?;
        row.map(|r| {
            Ok(Lease {
                merchant_id: r.try_get(0)?,
                owner: owner.to_string(),
                epoch: r.try_get(1)?,
            })
        })
        .transpose()
    }

    /// Extends a lease by `ttl`; `false` when it was lost (expired and taken by another worker)
    /// or the merchant disconnected meanwhile (its pass must stop).
    pub async fn renew_lease(&self, lease: &Lease, ttl: Duration) -> Result<bool, LedgerError> {
        let client = self.pool.get().await?;
        let statement = client
            .prepare_cached(&format!(
                "UPDATE merchants SET lease_until = {DB_NOW} + $4
                 WHERE merchant_id = $1 AND lease_owner = $2 AND lease_epoch = $3
                   AND lease_until >= {DB_NOW} AND token_sealed IS NOT NULL"
            ))
            .await?;
        let n = client
            .execute(
                &statement,
                &[
                    &lease.merchant_id,
                    &lease.owner,
                    &lease.epoch,
                    &(ttl.as_millis() as i64),
                ],
            )
            .await?;
        Ok(n == 1)
    }

    /// Gives the merchant back, its next pass due in `next_pass_in` (sooner if a webhook wakes
    /// it meanwhile).
    pub async fn release_lease(
        &self,
        lease: &Lease,
        next_pass_in: Duration,
    ) -> Result<(), LedgerError> {
        let client = self.pool.get().await?;
        client
            .execute(
                &format!(
                    "UPDATE merchants SET lease_owner = NULL, lease_until = 0,
                         next_pass_at = CASE WHEN wake THEN 0 ELSE {DB_NOW} + $4 END
                     WHERE merchant_id = $1 AND lease_owner = $2 AND lease_epoch = $3"
                ),
                &[
                    &lease.merchant_id,
                    &lease.owner,
                    &lease.epoch,
                    &(next_pass_in.as_millis() as i64),
                ],
            )
            .await?;
        Ok(())
    }
}

/// One merchant's ledger in a [`PgDatabase`].
#[derive(Clone)]
pub struct PgLedger {
    pool: Pool,
    merchant: String,
    fence: Option<Lease>,
}

impl std::fmt::Debug for PgLedger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgLedger")
            .field("merchant", &self.merchant)
            .field("fence", &self.fence)
            .finish()
    }
}

/// Text column changes of a transition; the column names come from this module only.
type Set<'a> = &'a [(&'static str, Option<&'a str>)];

impl PgLedger {
    /// The merchant.
    pub fn merchant_id(&self) -> &str {
        &self.merchant
    }

    /// This ledger with every write checked against `lease`: once the lease is lost, writes
    /// fail with [`LedgerError::LeaseLost`] and change nothing.
    pub fn fenced(mut self, lease: Lease) -> PgLedger {
        self.fence = Some(lease);
        self
    }

    async fn check_fence(&self, tx: &Transaction<'_>) -> Result<(), LedgerError> {
        let Some(lease) = &self.fence else {
            return Ok(());
        };
        // FOR SHARE: a worker taking the lease over waits until this write is committed.
        let statement = tx
            .prepare_cached(&format!(
                "SELECT 1 FROM merchants WHERE merchant_id = $1 AND lease_owner = $2
                   AND lease_epoch = $3 AND lease_until >= {DB_NOW} FOR SHARE"
            ))
            .await?;
        let held = tx
            .query_opt(
                &statement,
                &[&lease.merchant_id, &lease.owner, &lease.epoch],
            )
            .await?;
        match held {
            Some(_) => Ok(()),
            None => Err(LedgerError::LeaseLost(lease.merchant_id.clone())),
        }
    }

    fn read_entry(&self, row: &Row) -> Result<LedgerEntry, LedgerError> {
        let state: String = row.try_get(1)?;
        let order_id: String = row.try_get(0)?;
        let attempts: i32 = row.try_get(7)?;
        Ok(LedgerEntry {
            state: OrderState::from_name(&state).ok_or_else(|| {
                self.corrupt(format!("order {order_id} has unknown state {state:?}"))
            })?,
            order_id,
            idempotency_key: row.try_get(2)?,
            payload: row.try_get(3)?,
            reference: row.try_get(4)?,
            reason: row.try_get(5)?,
            last_error: row.try_get(6)?,
            attempts: u32::try_from(attempts).unwrap_or(0),
            retry_at: row.try_get(8)?,
            carrier: row.try_get(9)?,
            tracking_number: row.try_get(10)?,
            first_seen_at: row.try_get(11)?,
            updated_at: row.try_get(12)?,
        })
    }

    async fn select(
        &self,
        where_clause: &str,
        args: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<LedgerEntry>, LedgerError> {
        let client = self.pool.get().await?;
        let mut params: Vec<&(dyn ToSql + Sync)> = vec![&self.merchant];
        params.extend_from_slice(args);
        let statement = client
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM ledger_orders WHERE merchant_id = $1 AND ({where_clause})
                 ORDER BY first_seen_at, order_id"
            ))
            .await?;
        let rows = client.query(&statement, &params).await?;
        rows.iter().map(|r| self.read_entry(r)).collect()
    }

    /// Moves `order_id` from one of `from` to `to`, setting `set` and clearing the step's error
    /// bookkeeping, with its event: one statement (its own transaction), so a transition is one
    /// round trip. The fence (the lease still held, `FOR SHARE` so that a worker taking the
    /// lease over waits for this write), the row lock and the state check, the update and the
    /// event are its parts; the steps of every order go through here, and as six round trips
    /// (begin, fence, lock, update, event, commit) they were most of the database's work in the
    /// workers bench.
    async fn transition(
        &self,
        order_id: &str,
        from: &[OrderState],
        to: OrderState,
        set: Set<'_>,
        detail: Option<&str>,
    ) -> Result<Option<LedgerEntry>, LedgerError> {
        let now = now_ms();
        let client = self.pool.get().await?;
        let to_name = to.as_str();
        let from_names: Vec<&str> = from.iter().map(|s| s.as_str()).collect();
        let mut params: Vec<&(dyn ToSql + Sync)> = vec![
            &self.merchant,
            &order_id,
            &from_names,
            &to_name,
            &now,
            &detail,
        ];
        let mut assignments = String::new();
        for (column, value) in set {
            params.push(value);
            assignments.push_str(&format!(", {column} = ${}::text", params.len()));
        }
        let fence = match &self.fence {
            Some(lease) => {
                params.extend_from_slice(&[&lease.merchant_id, &lease.owner, &lease.epoch]);
                let n = params.len();
                format!(
                    "SELECT 1 FROM merchants WHERE merchant_id = ${}::text AND lease_owner = ${}::text
                       AND lease_epoch = ${n}::bigint AND lease_until >= {DB_NOW} FOR SHARE",
                    n - 2,
                    n - 1
                )
            }
            None => "SELECT 1".to_string(),
        };
        let returned = prefixed("o");
        let moved_columns = prefixed("moved");
        // The column sets are few, so each form of the statement is prepared once per
        // connection.
        let sql = format!(
            "WITH fence AS ({fence}),
             found AS (
                 SELECT state FROM ledger_orders
                  WHERE merchant_id = $1::text AND order_id = $2::text AND state = ANY($3::text[])
                    AND EXISTS (SELECT 1 FROM fence)
                  FOR UPDATE),
             moved AS (
                 UPDATE ledger_orders o SET state = $4::text, updated_at = $5::bigint,
                        last_error = NULL, attempts = 0, retry_at = NULL{assignments}
                   FROM found WHERE o.merchant_id = $1::text AND o.order_id = $2::text
                 RETURNING found.state AS from_state, {returned}),
             logged AS (
                 INSERT INTO ledger_events (merchant_id, order_id, at, from_state, to_state, detail)
                 SELECT $1::text, $2::text, $5::bigint, from_state, $4::text, $6::text FROM moved)
             SELECT {moved_columns}, EXISTS (SELECT 1 FROM fence)
               FROM (SELECT 1) AS one LEFT JOIN moved ON true"
        );
        let row = client
            .query_one(&client.prepare_cached(&sql).await?, &params)
            .await?;
        // The fence's answer is the last column, after the row's.
        let held: bool = row.try_get(row.len() - 1)?;
        if let (Some(lease), false) = (&self.fence, held) {
            return Err(LedgerError::LeaseLost(lease.merchant_id.clone()));
        }
        // The row after the move, or NULLs when nothing moved.
        let moved: Option<String> = row.try_get(0)?;
        moved.map(|_| self.read_entry(&row)).transpose()
    }

    /// Inserts the ids not yet present as `seen`, with their events; returns how many.
    async fn insert_new(
        &self,
        tx: &Transaction<'_>,
        ids: &[String],
        now: i64,
    ) -> Result<u64, LedgerError> {
        Ok(tx
            .execute(
                "WITH added AS (
                     INSERT INTO ledger_orders (merchant_id, order_id, state, first_seen_at, updated_at)
                     SELECT $1, id, 'seen', $3, $3 FROM (SELECT DISTINCT unnest($2::text[]) AS id) ids
                     ON CONFLICT DO NOTHING
                     RETURNING order_id)
                 INSERT INTO ledger_events (merchant_id, order_id, at, from_state, to_state)
                 SELECT $1, order_id, $3, NULL, 'seen' FROM added",
                &[&self.merchant, &ids, &now],
            )
            .await?)
    }
}

#[async_trait]
impl LedgerStore for PgLedger {
    fn corrupt(&self, message: String) -> LedgerError {
        LedgerError::CorruptRow {
            merchant: self.merchant.clone(),
            message,
        }
    }

    async fn bind_account(&self, account_id: &str) -> Result<(), LedgerError> {
        let client = self.pool.get().await?;
        client
            .execute(
                "INSERT INTO ledger_accounts (merchant_id, account_id) VALUES ($1, $2)
                 ON CONFLICT DO NOTHING",
                &[&self.merchant, &account_id],
            )
            .await?;
        let bound: String = client
            .query_one(
                "SELECT account_id FROM ledger_accounts WHERE merchant_id = $1",
                &[&self.merchant],
            )
            .await?
            .try_get(0)?;
        if bound == account_id {
            Ok(())
        } else {
            Err(LedgerError::MerchantAccount {
                merchant: self.merchant.clone(),
                ledger: bound,
                asked: account_id.to_string(),
            })
        }
    }

    async fn record_new(&self, order_ids: &[String]) -> Result<usize, LedgerError> {
        let now = now_ms();
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        self.check_fence(&tx).await?;
        let added = self.insert_new(&tx, order_ids, now).await?;
        tx.commit().await?;
        Ok(added as usize)
    }

    async fn observe(&self, order_ids: &[String]) -> Result<usize, LedgerError> {
        let now = now_ms();
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        self.check_fence(&tx).await?;
        let revived = tx
            .execute(
                "WITH revived AS (
                     UPDATE ledger_orders SET state = 'seen', reason = NULL, updated_at = $3
                     WHERE merchant_id = $1 AND order_id = ANY($2) AND state = 'skipped'
                     RETURNING order_id)
                 INSERT INTO ledger_events (merchant_id, order_id, at, from_state, to_state)
                 SELECT $1, order_id, $3, 'skipped', 'seen' FROM revived",
                &[&self.merchant, &order_ids, &now],
            )
            .await?;
        let added = self.insert_new(&tx, order_ids, now).await?;
        tx.commit().await?;
        Ok((added + revived) as usize)
    }

    async fn entry(&self, order_id: &str) -> Result<Option<LedgerEntry>, LedgerError> {
        // By key: no ordering to do (the engine reads an order again after each of its steps).
        let client = self.pool.get().await?;
        let statement = client
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM ledger_orders WHERE merchant_id = $1 AND order_id = $2"
            ))
            .await?;
        let row = client
            .query_opt(&statement, &[&self.merchant, &order_id])
            .await?;
        row.map(|r| self.read_entry(&r)).transpose()
    }

    async fn entries(&self, order_ids: &[String]) -> Result<Vec<LedgerEntry>, LedgerError> {
        let client = self.pool.get().await?;
        let statement = client
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM ledger_orders WHERE merchant_id = $1 AND order_id = ANY($2)"
            ))
            .await?;
        let rows = client
            .query(&statement, &[&self.merchant, &order_ids])
            .await?;
        let mut by_id = BTreeMap::new();
        for row in &rows {
            let entry = self.read_entry(row)?;
            by_id.insert(entry.order_id.clone(), entry);
        }
        Ok(order_ids
            .iter()
            .filter_map(|id| by_id.get(id).cloned())
            .collect())
    }

    async fn in_states(&self, states: &[OrderState]) -> Result<Vec<LedgerEntry>, LedgerError> {
        let names: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
        self.select("state = ANY($2)", &[&names]).await
    }

    async fn actionable(&self, now: i64) -> Result<Vec<LedgerEntry>, LedgerError> {
        self.select(
            "state NOT IN ('done', 'cancelled', 'skipped') AND (retry_at IS NULL OR retry_at <= $2)",
            &[&now],
        )
        .await
    }

    async fn all(&self) -> Result<Vec<LedgerEntry>, LedgerError> {
        self.select("TRUE", &[]).await
    }

    async fn events(&self, order_id: &str) -> Result<Vec<LedgerEvent>, LedgerError> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                "SELECT order_id, at, from_state, to_state, detail FROM ledger_events
                 WHERE merchant_id = $1 AND order_id = $2 ORDER BY seq",
                &[&self.merchant, &order_id],
            )
            .await?;
        let parse = |s: &str| {
            OrderState::from_name(s)
                .ok_or_else(|| self.corrupt(format!("event with unknown state {s:?}")))
        };
        rows.iter()
            .map(|r| {
                let from: Option<String> = r.try_get(2)?;
                let to: String = r.try_get(3)?;
                Ok(LedgerEvent {
                    order_id: r.try_get(0)?,
                    at: r.try_get(1)?,
                    from: from.as_deref().map(parse).transpose()?,
                    to: parse(&to)?,
                    detail: r.try_get(4)?,
                })
            })
            .collect()
    }

    async fn hold(&self, order_id: &str, reason: &str) -> Result<Option<LedgerEntry>, LedgerError> {
        self.transition(
            order_id,
            &[OrderState::Seen, OrderState::Held],
            OrderState::Held,
            &[("reason", Some(reason))],
            Some(reason),
        )
        .await
    }

    async fn intend(
        &self,
        order_id: &str,
        key: &str,
        payload: &str,
    ) -> Result<Option<LedgerEntry>, LedgerError> {
        self.transition(
            order_id,
            &[OrderState::Seen, OrderState::Held],
            OrderState::Submitting,
            &[
                ("idempotency_key", Some(key)),
                ("payload", Some(payload)),
                ("reason", None),
            ],
            Some(key),
        )
        .await
    }

    async fn submitted(
        &self,
        order_id: &str,
        reference: &str,
    ) -> Result<Option<LedgerEntry>, LedgerError> {
        self.transition(
            order_id,
            &[OrderState::Submitting, OrderState::Failed],
            OrderState::Submitted,
            &[("reference", Some(reference))],
            Some(reference),
        )
        .await
    }

    async fn failed(
        &self,
        order_id: &str,
        error: &str,
        retry_at: i64,
    ) -> Result<Option<LedgerEntry>, LedgerError> {
        let now = now_ms();
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        self.check_fence(&tx).await?;
        let current: Option<String> = tx
            .query_opt(
                "SELECT state FROM ledger_orders WHERE merchant_id = $1 AND order_id = $2
                   AND state IN ('submitting', 'failed') FOR UPDATE",
                &[&self.merchant, &order_id],
            )
            .await?
            .map(|r| r.try_get(0))
            .transpose()?;
        let Some(current) = current else {
            return Ok(None);
        };
        let row = tx
            .query_one(
                &format!(
                    "UPDATE ledger_orders SET state = 'failed', last_error = $3,
                         attempts = attempts + 1, retry_at = $4, updated_at = $5
                      WHERE merchant_id = $1 AND order_id = $2 RETURNING {COLUMNS}"
                ),
                &[&self.merchant, &order_id, &error, &retry_at, &now],
            )
            .await?;
        let entry = self.read_entry(&row)?;
        tx.execute(
            "INSERT INTO ledger_events (merchant_id, order_id, at, from_state, to_state, detail)
             VALUES ($1, $2, $3, $4, 'failed', $5)",
            &[&self.merchant, &order_id, &now, &current, &error],
        )
        .await?;
        tx.commit().await?;
        Ok(Some(entry))
    }

    async fn rejected(
        &self,
        order_id: &str,
        reason: &str,
    ) -> Result<Option<LedgerEntry>, LedgerError> {
        self.transition(
            order_id,
            &[OrderState::Submitting, OrderState::Failed],
            OrderState::Held,
            &[("reason", Some(reason)), ("payload", None)],
            Some(reason),
        )
        .await
    }

    async fn shipped(
        &self,
        order_id: &str,
        carrier: Option<&str>,
        tracking_number: Option<&str>,
    ) -> Result<Option<LedgerEntry>, LedgerError> {
        self.transition(
            order_id,
            &[OrderState::Submitted],
            OrderState::Shipped,
            &[("carrier", carrier), ("tracking_number", tracking_number)],
            tracking_number,
        )
        .await
    }

    async fn cancelled(
        &self,
        order_id: &str,
        reason: &str,
    ) -> Result<Option<LedgerEntry>, LedgerError> {
        self.transition(
            order_id,
            &[OrderState::Submitted],
            OrderState::Cancelled,
            &[("reason", Some(reason))],
            Some(reason),
        )
        .await
    }

    async fn marking(&self, order_id: &str) -> Result<Option<LedgerEntry>, LedgerError> {
        self.transition(
            order_id,
            &[OrderState::Shipped],
            OrderState::Marking,
            &[],
            None,
        )
        .await
    }

    async fn done(&self, order_id: &str) -> Result<Option<LedgerEntry>, LedgerError> {
        self.transition(
            order_id,
            &[OrderState::Marking],
            OrderState::Done,
            &[],
            None,
        )
        .await
    }

    async fn skip(&self, order_id: &str, reason: &str) -> Result<Option<LedgerEntry>, LedgerError> {
        self.transition(
            order_id,
            &[OrderState::Seen, OrderState::Held, OrderState::Marking],
            OrderState::Skipped,
            &[("reason", Some(reason))],
            Some(reason),
        )
        .await
    }

    async fn note_error(
        &self,
        order_id: &str,
        error: &str,
        retry_at: i64,
    ) -> Result<(), LedgerError> {
        let now = now_ms();
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        self.check_fence(&tx).await?;
        tx.execute(
            "UPDATE ledger_orders SET last_error = $3, attempts = attempts + 1, retry_at = $4,
                 updated_at = $5 WHERE merchant_id = $1 AND order_id = $2",
            &[&self.merchant, &order_id, &error, &retry_at, &now],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn status(&self) -> Result<LedgerStatus, LedgerError> {
        let mut counts: BTreeMap<OrderState, u64> =
            OrderState::ALL.iter().map(|s| (*s, 0)).collect();
        {
            let client = self.pool.get().await?;
            let rows = client
                .query(
                    "SELECT state, COUNT(*) FROM ledger_orders WHERE merchant_id = $1 GROUP BY state",
                    &[&self.merchant],
                )
                .await?;
            for r in rows {
                let state: String = r.try_get(0)?;
                let n: i64 = r.try_get(1)?;
                let state = OrderState::from_name(&state)
                    .ok_or_else(|| self.corrupt(format!("unknown state {state:?}")))?;
                counts.insert(state, n.max(0) as u64);
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
            .in_states(&[OrderState::Held])
            .await?
            .iter()
            .map(|e| attention(e, e.reason.as_deref().unwrap_or("")))
            .collect();
        let errors = self
            .select("last_error IS NOT NULL", &[])
            .await?
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
