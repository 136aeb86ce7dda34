//! The ledger as the engine sees it: [`LedgerStore`], implemented by the embedded SQLite
//! [`Ledger`] (one shop per file, the default of `fulfill sync|run`) and by
//! [`crate::pg::PgLedger`] (one merchant's rows in a PostgreSQL database shared by many merchants
//! and workers).
//!
//! Both keep the same rules (see [`crate::ledger`]): every method is one transaction, a
//! transition only happens from the states it names, and each one is recorded as an event.

use async_trait::async_trait;

use crate::ledger::{Ledger, LedgerEntry, LedgerError, LedgerEvent, LedgerStatus, OrderState};

/// The operations the engine needs from a ledger. Every transition returns the order's row after
/// the move (so the engine need not read it again), or `None`, changing nothing, when the order
/// is not in one of the states it starts from: another task got there first.
#[async_trait]
pub trait LedgerStore: Send + Sync + std::fmt::Debug + 'static {
    /// The error for a stored value this version cannot read (names the ledger).
    fn corrupt(&self, message: String) -> LedgerError;
    /// Records the Big Cartel account the ledger belongs to, or checks it is the same.
    async fn bind_account(&self, account_id: &str) -> Result<(), LedgerError>;
    /// Records orders not yet in the ledger as `seen` (webhooks). Returns how many were added.
    async fn record_new(&self, order_ids: &[String]) -> Result<usize, LedgerError>;
    /// Records orders a complete listing shows as unshipped: new ones as `seen`, `skipped` ones
    /// back to `seen`. Returns how many rows changed.
    async fn observe(&self, order_ids: &[String]) -> Result<usize, LedgerError>;
    /// One order's row.
    async fn entry(&self, order_id: &str) -> Result<Option<LedgerEntry>, LedgerError>;
    /// The rows of `order_ids` that are in the ledger, in the order given: one read for a
    /// listed page instead of one per order.
    async fn entries(&self, order_ids: &[String]) -> Result<Vec<LedgerEntry>, LedgerError>;
    /// Every row in one of `states`, oldest first.
    async fn in_states(&self, states: &[OrderState]) -> Result<Vec<LedgerEntry>, LedgerError>;
    /// Rows with work to do at `now`: not final, not waiting for a retry time.
    async fn actionable(&self, now: i64) -> Result<Vec<LedgerEntry>, LedgerError>;
    /// Every row, oldest first.
    async fn all(&self) -> Result<Vec<LedgerEntry>, LedgerError>;
    /// One order's transitions, oldest first.
    async fn events(&self, order_id: &str) -> Result<Vec<LedgerEvent>, LedgerError>;
    /// `seen`/`held` → `held` with a reason.
    async fn hold(&self, order_id: &str, reason: &str) -> Result<Option<LedgerEntry>, LedgerError>;
    /// `seen`/`held` → `submitting`: the write-ahead intent, committed before the center is
    /// called.
    async fn intend(
        &self,
        order_id: &str,
        key: &str,
        payload: &str,
    ) -> Result<Option<LedgerEntry>, LedgerError>;
    /// `submitting`/`failed` → `submitted` with the center's reference.
    async fn submitted(
        &self,
        order_id: &str,
        reference: &str,
    ) -> Result<Option<LedgerEntry>, LedgerError>;
    /// `submitting`/`failed` → `failed`, counting the attempt and scheduling the next one.
    async fn failed(
        &self,
        order_id: &str,
        error: &str,
        retry_at: i64,
    ) -> Result<Option<LedgerEntry>, LedgerError>;
    /// `submitting`/`failed` → `held`: the center refused the order; the payload is dropped.
    async fn rejected(
        &self,
        order_id: &str,
        reason: &str,
    ) -> Result<Option<LedgerEntry>, LedgerError>;
    /// `submitted` → `shipped`.
    async fn shipped(
        &self,
        order_id: &str,
        carrier: Option<&str>,
        tracking_number: Option<&str>,
    ) -> Result<Option<LedgerEntry>, LedgerError>;
    /// `submitted` → `cancelled`.
    async fn cancelled(
        &self,
        order_id: &str,
        reason: &str,
    ) -> Result<Option<LedgerEntry>, LedgerError>;
    /// `shipped` → `marking`: committed before Big Cartel is patched.
    async fn marking(&self, order_id: &str) -> Result<Option<LedgerEntry>, LedgerError>;
    /// `marking` → `done`.
    async fn done(&self, order_id: &str) -> Result<Option<LedgerEntry>, LedgerError>;
    /// `seen`/`held`/`marking` → `skipped` with a reason.
    async fn skip(&self, order_id: &str, reason: &str) -> Result<Option<LedgerEntry>, LedgerError>;
    /// Keeps the state, records the step's error, counts the attempt and schedules a retry.
    async fn note_error(
        &self,
        order_id: &str,
        error: &str,
        retry_at: i64,
    ) -> Result<(), LedgerError>;
    /// Counts by state, held orders and failing steps.
    async fn status(&self) -> Result<LedgerStatus, LedgerError>;
}

impl Ledger {
    /// Runs the transition `step` of `order_id` on a blocking thread and, when it moved the
    /// order, reads the row after it in the same call.
    async fn moved<F>(&self, order_id: &str, step: F) -> Result<Option<LedgerEntry>, LedgerError>
    where
        F: FnOnce(&Ledger, &str) -> Result<bool, LedgerError> + Send + 'static,
    {
        let id = order_id.to_string();
        self.blocking(move |l| match step(l, &id)? {
            true => l.entry(&id),
            false => Ok(None),
        })
        .await
    }

    /// Runs `f` on a blocking thread: SQLite commits wait for the disk, which must not stall
    /// the async threads.
    async fn blocking<T, F>(&self, f: F) -> Result<T, LedgerError>
    where
        T: Send + 'static,
        F: FnOnce(&Ledger) -> Result<T, LedgerError> + Send + 'static,
    {
        let ledger = self.handle();
        tokio::task::spawn_blocking(move || f(&ledger))
            .await
            .map_err(|e| LedgerError::Task(e.to_string()))?
    }
}

#[async_trait]
impl LedgerStore for Ledger {
    fn corrupt(&self, message: String) -> LedgerError {
        LedgerError::Corrupt {
            path: self.path().to_path_buf(),
            message,
        }
    }

    async fn bind_account(&self, account_id: &str) -> Result<(), LedgerError> {
        let a = account_id.to_string();
        self.blocking(move |l| l.bind_account(&a)).await
    }

    async fn record_new(&self, order_ids: &[String]) -> Result<usize, LedgerError> {
        let ids = order_ids.to_vec();
        self.blocking(move |l| l.record_new(&ids)).await
    }

    async fn observe(&self, order_ids: &[String]) -> Result<usize, LedgerError> {
        let ids = order_ids.to_vec();
        self.blocking(move |l| l.observe(&ids)).await
    }

    async fn entry(&self, order_id: &str) -> Result<Option<LedgerEntry>, LedgerError> {
        let id = order_id.to_string();
        self.blocking(move |l| l.entry(&id)).await
    }

    async fn entries(&self, order_ids: &[String]) -> Result<Vec<LedgerEntry>, LedgerError> {
        let ids = order_ids.to_vec();
        self.blocking(move |l| {
            let mut found = Vec::with_capacity(ids.len());
            for id in &ids {
                found.extend(l.entry(id)?);
            }
            Ok(found)
        })
        .await
    }

    async fn in_states(&self, states: &[OrderState]) -> Result<Vec<LedgerEntry>, LedgerError> {
        let states = states.to_vec();
        self.blocking(move |l| l.in_states(&states)).await
    }

    async fn actionable(&self, now: i64) -> Result<Vec<LedgerEntry>, LedgerError> {
        self.blocking(move |l| l.actionable(now)).await
    }

    async fn all(&self) -> Result<Vec<LedgerEntry>, LedgerError> {
        self.blocking(|l| l.all()).await
    }

    async fn events(&self, order_id: &str) -> Result<Vec<LedgerEvent>, LedgerError> {
        let id = order_id.to_string();
        self.blocking(move |l| l.events(&id)).await
    }

    async fn hold(&self, order_id: &str, reason: &str) -> Result<Option<LedgerEntry>, LedgerError> {
        let r = reason.to_string();
        self.moved(order_id, move |l, id| l.hold(id, &r)).await
    }

    async fn intend(
        &self,
        order_id: &str,
        key: &str,
        payload: &str,
    ) -> Result<Option<LedgerEntry>, LedgerError> {
        let (k, p) = (key.to_string(), payload.to_string());
        self.moved(order_id, move |l, id| l.intend(id, &k, &p))
            .await
    }

    async fn submitted(
        &self,
        order_id: &str,
        reference: &str,
    ) -> Result<Option<LedgerEntry>, LedgerError> {
        let r = reference.to_string();
        self.moved(order_id, move |l, id| l.submitted(id, &r)).await
    }

    async fn failed(
        &self,
        order_id: &str,
        error: &str,
        retry_at: i64,
    ) -> Result<Option<LedgerEntry>, LedgerError> {
        let e = error.to_string();
        self.moved(order_id, move |l, id| l.failed(id, &e, retry_at))
            .await
    }

    async fn rejected(
        &self,
        order_id: &str,
        reason: &str,
    ) -> Result<Option<LedgerEntry>, LedgerError> {
        let r = reason.to_string();
        self.moved(order_id, move |l, id| l.rejected(id, &r)).await
    }

    async fn shipped(
        &self,
        order_id: &str,
        carrier: Option<&str>,
        tracking_number: Option<&str>,
    ) -> Result<Option<LedgerEntry>, LedgerError> {
        let (c, t) = (
            carrier.map(str::to_string),
            tracking_number.map(str::to_string),
        );
        self.moved(order_id, move |l, id| {
            l.shipped(id, c.as_deref(), t.as_deref())
        })
        .await
    }

    async fn cancelled(
        &self,
        order_id: &str,
        reason: &str,
    ) -> Result<Option<LedgerEntry>, LedgerError> {
        let r = reason.to_string();
        self.moved(order_id, move |l, id| l.cancelled(id, &r)).await
    }

    async fn marking(&self, order_id: &str) -> Result<Option<LedgerEntry>, LedgerError> {
        self.moved(order_id, move |l, id| l.marking(id)).await
    }

    async fn done(&self, order_id: &str) -> Result<Option<LedgerEntry>, LedgerError> {
        self.moved(order_id, move |l, id| l.done(id)).await
    }

    async fn skip(&self, order_id: &str, reason: &str) -> Result<Option<LedgerEntry>, LedgerError> {
        let r = reason.to_string();
        self.moved(order_id, move |l, id| l.skip(id, &r)).await
    }

    async fn note_error(
        &self,
        order_id: &str,
        error: &str,
        retry_at: i64,
    ) -> Result<(), LedgerError> {
        let (id, e) = (order_id.to_string(), error.to_string());
        self.blocking(move |l| l.note_error(&id, &e, retry_at))
            .await
    }

    async fn status(&self) -> Result<LedgerStatus, LedgerError> {
        self.blocking(|l| l.status()).await
    }
}
