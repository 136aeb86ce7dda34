//! Remembered answers to reads, for `MockConfig::cache_reads`.
//!
//! Why: a benchmark of a client against this mock runs both on the same cores. Rendering a
//! 100-order page costs the mock about 12 ms of CPU (a `serde_json::Value` tree, then its
//! text), which the real API spends on its own machines; with it, the client's figures
//! measured the mock. A remembered answer costs a copy of its bytes.
//!
//! Correctness rests on one rule: every change to the store goes through
//! `App::store_for_write`, which forgets everything while it holds the store's lock. An answer
//! rendered before a write is not remembered after it: each answer carries the generation it
//! was rendered in, and only answers of the current generation are kept.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use std::collections::HashMap;

/// At most this many bytes of bodies are remembered; past it, everything is forgotten (a
/// benchmark's working set is far smaller; a long-running mock must not grow without bound).
const MAX_BYTES: usize = 256 << 20;

/// Remembered answers, keyed by path and query string as sent.
#[derive(Default)]
pub(crate) struct ReadCache {
    entries: HashMap<String, (StatusCode, HeaderMap, Bytes)>,
    bytes: usize,
    generation: u64,
}

impl ReadCache {
    /// The generation answers rendered now belong to.
    pub(crate) fn generation(&self) -> u64 {
        self.generation
    }

    /// Forgets every answer (the store is about to change).
    pub(crate) fn forget(&mut self) {
        self.entries.clear();
        self.bytes = 0;
        self.generation += 1;
    }

    /// The remembered answer to `key`, as a new response.
    pub(crate) fn get(&self, key: &str) -> Option<Response> {
        let (status, headers, body) = self.entries.get(key)?;
        let mut resp = Response::new(Body::from(body.clone()));
        *resp.status_mut() = *status;
        *resp.headers_mut() = headers.clone();
        Some(resp)
    }

    /// Remembers a successful answer rendered in `generation` (ignored if a write came since).
    pub(crate) fn put(&mut self, key: String, generation: u64, resp: &Response, body: Bytes) {
        if generation != self.generation || !resp.status().is_success() {
            return;
        }
        if self.bytes + body.len() > MAX_BYTES {
            self.entries.clear();
            self.bytes = 0;
        }
        self.bytes += body.len();
        let old = self
            .entries
            .insert(key, (resp.status(), resp.headers().clone(), body));
        if let Some((_, _, b)) = old {
            self.bytes -= b.len();
        }
    }
}
