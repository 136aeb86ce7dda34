//! Retry policy: which failures are retried, how long to wait, and the budget that bounds it.

use std::time::Duration;

/// How failed requests are retried.
///
/// GET, HEAD, PUT, DELETE and OPTIONS are retried on connection errors, timeouts, broken
/// connections and 429/500/502/503/504 answers. POST and PATCH are retried only when the connection
/// could not be made, so the request provably never reached the server: a write is never sent
/// twice. Waits grow exponentially with jitter, follow `Retry-After` when the API sends it, and
/// stop when either `max_retries` or the total wait `budget` is used up.
///
/// ```
/// use std::time::Duration;
/// let policy = api_runtime::RetryPolicy { max_retries: 5, budget: Duration::from_secs(60), ..Default::default() };
/// assert!(policy.base_delay < policy.max_delay);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 disables retrying).
    pub max_retries: u32,
    /// The first backoff delay.
    pub base_delay: Duration,
    /// The longest single backoff delay (a longer `Retry-After` ends the retries instead).
    pub max_delay: Duration,
    /// The most time spent waiting between attempts of one call, in total.
    pub budget: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 4,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
            budget: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..Default::default()
        }
    }

    /// The backoff before retry number `attempt` (0-based): exponential, capped, with "equal
    /// jitter" (half fixed, half random) so that many clients do not retry in lockstep.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = self.base_delay.saturating_mul(1u32 << attempt.min(16));
        let capped = exp.min(self.max_delay);
        let half = capped / 2;
        half + half.mul_f64(jitter())
    }
}

#[cfg(feature = "client")]
fn jitter() -> f64 {
    fastrand::f64()
}

#[cfg(not(feature = "client"))]
fn jitter() -> f64 {
    0.5
}

/// Whether an HTTP method may be repeated without changing the outcome.
pub fn is_idempotent(method: &str) -> bool {
    matches!(method, "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS")
}

/// The statuses an idempotent request is retried on. Every document that lists them writes them
/// as `429/500/502/503/504`; a test in xtask (`retry_docs`) holds each such list to this one.
pub const RETRYABLE_STATUSES: [u16; 5] = [429, 500, 502, 503, 504];

/// Whether a status is worth retrying (for idempotent requests).
///
/// ```
/// assert!(api_runtime::retry::is_retryable_status(503));
/// assert!(!api_runtime::retry::is_retryable_status(501));
/// ```
pub fn is_retryable_status(status: u16) -> bool {
    RETRYABLE_STATUSES.contains(&status)
}

/// Parses `Retry-After` as delay-seconds (HTTP dates are accepted on native targets).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    #[cfg(all(feature = "client", not(target_arch = "wasm32")))]
    if let Ok(when) = httpdate::parse_http_date(value) {
        return Some(
            when.duration_since(std::time::SystemTime::now())
                .unwrap_or_default(),
        );
    }
    None
}

/// `Retry-After` in whole seconds, as clients report it in their errors.
///
/// ```
/// let mut headers = reqwest::header::HeaderMap::new();
/// headers.insert(reqwest::header::RETRY_AFTER, "7".parse().unwrap());
/// assert_eq!(api_runtime::retry::retry_after_secs(&headers), Some(7));
/// ```
#[cfg(feature = "client")]
pub fn retry_after_secs(headers: &reqwest::header::HeaderMap) -> Option<u64> {
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after)
        .map(|d| d.as_secs())
}

/// Sleeps for `d` on tokio's timer.
#[cfg(all(feature = "client", not(target_arch = "wasm32")))]
pub async fn sleep(d: Duration) {
    tokio::time::sleep(d).await
}

/// Sleeps for `d` on the JavaScript runtime's own timer (`setTimeout`), so the crate is not
/// tied to one Rust runtime's timers on wasm.
#[cfg(all(feature = "client", target_arch = "wasm32"))]
pub async fn sleep(d: Duration) {
    gloo_timers::future::sleep(d).await
}

/// Counters a caller can read to see what the transport did.
#[cfg(feature = "client")]
#[derive(Debug, Default)]
pub struct TransportStats {
    /// Requests sent, including retries.
    pub attempts: std::sync::atomic::AtomicU64,
    /// Retries performed.
    pub retries: std::sync::atomic::AtomicU64,
}

/// Sends `request` with `client`, retrying as `policy` says (see [`RetryPolicy`] for which
/// failures are retried), and counts attempts and retries in `stats`. `operation` names the call in
/// the debug log of each retry. The response's body is limited to `max_body` bytes (reading past
/// it fails; see [`crate::body::DEFAULT_MAX_RESPONSE_BYTES`]), and a body over it is never retried.
/// Every client of this workspace runs its requests through this one loop from its progenitor
/// `ClientHooks::exec`.
///
/// ```no_run
/// # async fn run() -> reqwest::Result<()> {
/// use api_runtime::retry::{RetryPolicy, TransportStats, execute_with_retry};
/// let client = api_runtime::http_client_builder().build()?;
/// let request = client.get("https://example.com/").build()?;
/// let stats = TransportStats::default();
/// let cap = api_runtime::body::DEFAULT_MAX_RESPONSE_BYTES;
/// let response = execute_with_retry(&client, request, &RetryPolicy::default(), &stats, "example", cap).await?;
/// println!("{} after {:?} attempt(s)", response.status(), stats.attempts);
/// # Ok(()) }
/// ```
#[cfg(feature = "client")]
pub async fn execute_with_retry(
    client: &reqwest::Client,
    request: reqwest::Request,
    policy: &RetryPolicy,
    stats: &TransportStats,
    operation: &str,
    max_body: usize,
) -> reqwest::Result<reqwest::Response> {
    let idempotent = is_idempotent(request.method().as_str());
    let attempt = move |request: reqwest::Request| async move {
        let response = client
            .execute(request)
            .await
            .map(|r| crate::body::capped(r, max_body));
        match response {
            // Read an idempotent response's body here, inside the loop, so that a body that
            // breaks off mid-way is retried like any other dropped connection.
            Ok(resp) if idempotent && !is_retryable_status(resp.status().as_u16()) => {
                buffered(resp).await
            }
            other => other,
        }
    };
    let mut spare = request.try_clone();
    retry_loop(
        policy,
        stats,
        operation,
        idempotent,
        attempt(request),
        || {
            let next = spare.take()?;
            spare = next.try_clone();
            Some(attempt(next))
        },
        |result| match result {
            Ok(resp) => Outcome::Status {
                status: resp.status().as_u16(),
                retry_after: resp
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(parse_retry_after),
            },
            // Sending it again would only read as much again.
            Err(e) if crate::body::is_too_large(e) => Outcome::Final,
            Err(e) if is_connect(e) => Outcome::NotConnected,
            Err(e) if !e.is_builder() && !e.is_redirect() => Outcome::Broken,
            Err(_) => Outcome::Final,
        },
    )
    .await
}

/// What one attempt gave, as far as retrying is concerned.
#[cfg(feature = "client")]
pub enum Outcome {
    /// An answer with this status (and `Retry-After`, if any).
    Status {
        /// The HTTP status.
        status: u16,
        /// `Retry-After`, when the answer carried one.
        retry_after: Option<Duration>,
    },
    /// The connection could not be made: nothing was sent.
    NotConnected,
    /// The exchange broke off (timeout, reset, a body cut short): it may have been applied.
    Broken,
    /// A failure that another attempt cannot mend.
    Final,
}

/// The one retry loop, whatever sends the requests (reqwest natively, `fetch` on wasm): `first` is
/// the first attempt, `again` gives the next one (`None` when the request cannot be repeated),
/// `outcome` classifies each.
#[cfg(feature = "client")]
pub async fn retry_loop<T, F>(
    policy: &RetryPolicy,
    stats: &TransportStats,
    operation: &str,
    idempotent: bool,
    first: F,
    mut again: impl FnMut() -> Option<F>,
    outcome: impl Fn(&T) -> Outcome,
) -> T
where
    F: std::future::Future<Output = T>,
{
    use std::sync::atomic::Ordering;
    let mut waited = Duration::ZERO;
    let mut attempt = 0u32;
    let mut current = first;
    loop {
        stats.attempts.fetch_add(1, Ordering::Relaxed);
        let result = current.await;
        let delay = match outcome(&result) {
            Outcome::Status {
                status,
                retry_after,
            } if idempotent && is_retryable_status(status) => match retry_after {
                // A server asking for a longer pause than we allow: give up and report it.
                Some(d) if d > policy.max_delay => None,
                Some(d) => Some(d),
                None => Some(policy.backoff(attempt)),
            },
            Outcome::Status { .. } | Outcome::Final => None,
            Outcome::NotConnected => Some(policy.backoff(attempt)),
            Outcome::Broken if idempotent => Some(policy.backoff(attempt)),
            Outcome::Broken => None,
        };
        let Some(delay) = delay else {
            return result;
        };
        if attempt >= policy.max_retries || waited + delay > policy.budget {
            return result;
        }
        let Some(next) = again() else {
            return result;
        };
        tracing::debug!(
            operation,
            attempt,
            delay_ms = delay.as_millis() as u64,
            "retrying"
        );
        // Free the failed response's connection before waiting.
        drop(result);
        sleep(delay).await;
        waited += delay;
        attempt += 1;
        stats.retries.fetch_add(1, Ordering::Relaxed);
        current = next;
    }
}

/// The same response with its whole body read into memory (the caller reads it all anyway).
#[cfg(all(feature = "client", not(target_arch = "wasm32")))]
async fn buffered(resp: reqwest::Response) -> reqwest::Result<reqwest::Response> {
    let (status, version, headers) = (resp.status(), resp.version(), resp.headers().clone());
    let mut out = http::Response::new(resp.bytes().await?);
    *out.status_mut() = status;
    *out.version_mut() = version;
    *out.headers_mut() = headers;
    Ok(reqwest::Response::from(out))
}

/// On wasm the runtime's fetch reads the body; it is passed through as is.
#[cfg(all(feature = "client", target_arch = "wasm32"))]
async fn buffered(resp: reqwest::Response) -> reqwest::Result<reqwest::Response> {
    Ok(resp)
}

/// A connection that could not be made: nothing was sent, so even a POST may be retried.
#[cfg(feature = "client")]
fn is_connect(e: &reqwest::Error) -> bool {
    #[cfg(not(target_arch = "wasm32"))]
    {
        e.is_connect()
    }
    #[cfg(target_arch = "wasm32")]
    {
        let _ = e;
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default();
        for attempt in 0..20 {
            let d = p.backoff(attempt);
            let full = p
                .base_delay
                .saturating_mul(1 << attempt.min(16))
                .min(p.max_delay);
            assert!(
                d >= full / 2 && d <= full,
                "attempt {attempt}: {d:?} vs {full:?}"
            );
        }
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after(" 3 "), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn methods() {
        assert!(is_idempotent("GET") && is_idempotent("DELETE") && is_idempotent("PUT"));
        assert!(!is_idempotent("POST") && !is_idempotent("PATCH"));
    }
}
