//! What a pass did, as it happens ([`ProgressEvent`] through a callback) and in sum
//! ([`PassReport`]).

use std::sync::Arc;

use serde::Serialize;

/// Something the engine just did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ProgressEvent {
    /// A pass began.
    PassStarted {
        /// 1-based pass number of this engine.
        pass: u64,
    },
    /// The unshipped orders were listed.
    Listed {
        /// Orders listed as unshipped.
        unshipped: usize,
        /// Of those, new to the ledger (or back from skipped).
        new: usize,
    },
    /// Listing failed; the pass goes on with what the ledger already knows.
    ListingFailed {
        /// The error.
        error: String,
    },
    /// An order arrived by webhook.
    Webhook {
        /// The order.
        order_id: String,
    },
    /// An order is held.
    Held {
        /// The order.
        order_id: String,
        /// Why.
        reason: String,
    },
    /// The center accepted an order.
    Submitted {
        /// The order.
        order_id: String,
        /// The center's reference.
        reference: String,
        /// Whether it was found at the center after a restart rather than submitted now.
        recovered: bool,
    },
    /// Submitting failed; retried later.
    SubmitFailed {
        /// The order.
        order_id: String,
        /// The error.
        error: String,
    },
    /// The center shipped an order.
    Shipped {
        /// The order.
        order_id: String,
        /// The tracking number, if any.
        tracking_number: Option<String>,
    },
    /// The order is marked shipped in Big Cartel.
    Marked {
        /// The order.
        order_id: String,
    },
    /// The center cancelled an order.
    Cancelled {
        /// The order.
        order_id: String,
        /// Why.
        reason: String,
    },
    /// An order left the unshipped list before it was submitted.
    Skipped {
        /// The order.
        order_id: String,
        /// Why.
        reason: String,
    },
    /// A step failed (Big Cartel or the center unreachable...); retried later.
    StepFailed {
        /// The order.
        order_id: String,
        /// The error.
        error: String,
    },
    /// A pass ended.
    PassFinished(PassReport),
}

/// A progress callback; called from the engine's tasks, so keep it quick.
pub type ProgressFn = Arc<dyn Fn(&ProgressEvent) + Send + Sync>;

/// What one pass (or one webhook) did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PassReport {
    /// Orders listed as unshipped.
    pub listed: u64,
    /// New to the ledger.
    pub new: u64,
    /// Newly held (or held for a new reason).
    pub held: u64,
    /// Accepted by the center (including ones found there after a restart).
    pub submitted: u64,
    /// Of those, found at the center after a restart.
    pub recovered: u64,
    /// Submit attempts that failed.
    pub submit_failures: u64,
    /// Shipped by the center.
    pub shipped: u64,
    /// Marked shipped in Big Cartel.
    pub marked: u64,
    /// Cancelled by the center.
    pub cancelled: u64,
    /// Left the unshipped list before submission.
    pub skipped: u64,
    /// Other failed steps.
    pub step_failures: u64,
    /// Why listing failed, if it did.
    pub listing_error: Option<String>,
}

impl PassReport {
    /// Whether the pass hit no error at all.
    pub fn is_clean(&self) -> bool {
        self.listing_error.is_none() && self.submit_failures == 0 && self.step_failures == 0
    }

    /// Whether the pass changed anything.
    pub fn changed_anything(&self) -> bool {
        self.new
            + self.held
            + self.submitted
            + self.shipped
            + self.marked
            + self.cancelled
            + self.skipped
            > 0
    }

    pub(crate) fn add(&mut self, other: &PassReport) {
        self.listed += other.listed;
        self.new += other.new;
        self.held += other.held;
        self.submitted += other.submitted;
        self.recovered += other.recovered;
        self.submit_failures += other.submit_failures;
        self.shipped += other.shipped;
        self.marked += other.marked;
        self.cancelled += other.cancelled;
        self.skipped += other.skipped;
        self.step_failures += other.step_failures;
        if other.listing_error.is_some() {
            self.listing_error.clone_from(&other.listing_error);
        }
    }
}

impl std::fmt::Display for PassReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "listed {} (new {}), submitted {}{}, held {}, shipped {}, marked shipped {}",
            self.listed,
            self.new,
            self.submitted,
            if self.recovered > 0 {
                format!(" ({} recovered)", self.recovered)
            } else {
                String::new()
            },
            self.held,
            self.shipped,
            self.marked
        )?;
        if self.cancelled > 0 {
            write!(f, ", cancelled {}", self.cancelled)?;
        }
        if self.skipped > 0 {
            write!(f, ", skipped {}", self.skipped)?;
        }
        if self.submit_failures + self.step_failures > 0 {
            write!(
                f,
                ", {} failed steps (retried later)",
                self.submit_failures + self.step_failures
            )?;
        }
        if let Some(e) = &self.listing_error {
            write!(f, "; listing failed: {e}")?;
        }
        Ok(())
    }
}
