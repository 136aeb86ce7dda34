//! Request, write, fault and webhook counters for assertions.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::handlers::WriteKind;

/// Applied writes to one resource type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WriteCounts {
    /// Resources created.
    pub creates: u64,
    /// Resources updated.
    pub updates: u64,
    /// Resources deleted.
    pub deletes: u64,
    /// Reposition requests applied.
    pub repositions: u64,
}

/// What the server has seen and done since start (or the last reset).
///
/// Writes are counted when they are **applied**: a write rejected by
/// validation or by a fault is not counted, a `fail_after_write` one is.
/// So `writes_for("artists").creates == 1` after a client saw a 500 on its
/// POST and did not retry, and `2` if it blindly retried.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Counters {
    /// All routed API requests (admin and preflight requests excluded).
    pub total_requests: u64,
    /// Routed API requests per `operationId`, including rejected and faulted ones.
    pub requests: BTreeMap<String, u64>,
    /// Applied creates, all resource types.
    pub creates: u64,
    /// Applied updates, all resource types.
    pub updates: u64,
    /// Applied deletes, all resource types.
    pub deletes: u64,
    /// Applied writes per resource type (`artists`, `categories`,
    /// `discounts`, `orders`, `products`, `tokens`).
    pub writes: BTreeMap<String, WriteCounts>,
    /// Injected faults per kind: `drop`, `error_500`, `error_503`,
    /// `rate_limit`, `truncate`, `cut_json`, `fail_after_write`.
    pub faults: BTreeMap<String, u64>,
    /// Injected faults per `operationId`.
    pub faults_by_operation: BTreeMap<String, u64>,
    /// Canned responses served (overrides and `/__canned/` requests).
    pub overrides_served: u64,
    /// Webhooks answered with a 2xx.
    pub webhooks_delivered: u64,
    /// Webhooks that failed (connection error or non-2xx).
    pub webhooks_failed: u64,
}

impl Counters {
    /// Requests seen for one `operationId` (0 if none).
    pub fn requests_for(&self, operation_id: &str) -> u64 {
        self.requests.get(operation_id).copied().unwrap_or(0)
    }

    /// Applied writes for one resource type (zeros if none).
    pub fn writes_for(&self, resource: &str) -> WriteCounts {
        self.writes.get(resource).copied().unwrap_or_default()
    }

    /// Faults injected of one kind (0 if none).
    pub fn faults_of(&self, kind: &str) -> u64 {
        self.faults.get(kind).copied().unwrap_or(0)
    }

    /// All injected faults.
    pub fn total_faults(&self) -> u64 {
        self.faults.values().sum()
    }

    pub(crate) fn request(&mut self, op: &str) {
        self.total_requests += 1;
        *self.requests.entry(op.to_string()).or_default() += 1;
    }

    pub(crate) fn fault(&mut self, kind: &str, op: &str) {
        *self.faults.entry(kind.to_string()).or_default() += 1;
        *self.faults_by_operation.entry(op.to_string()).or_default() += 1;
    }

    pub(crate) fn write(&mut self, resource: &str, kind: WriteKind) {
        let w = self.writes.entry(resource.to_string()).or_default();
        match kind {
            WriteKind::Create => {
                w.creates += 1;
                self.creates += 1;
            }
            WriteKind::Update => {
                w.updates += 1;
                self.updates += 1;
            }
            WriteKind::Delete => {
                w.deletes += 1;
                self.deletes += 1;
            }
            WriteKind::Reposition => {
                w.repositions += 1;
                self.updates += 1;
            }
        }
    }
}
