//! Response bodies are read within a cap, so a server cannot make the client hold an unbounded
//! answer in memory (a real page of the API is well under a megabyte).
//!
//! Every response the client's HTTP stack hands on passes [`capped`]: a body whose declared
//! length is over the cap fails at once without being read; any other fails as soon as the bytes
//! read pass the cap. The failure is a reqwest body error whose source is [`TooLarge`], which
//! [`crate::TransportKind::describe`] reports as [`crate::TransportKind::TooLarge`].
//!
//! Other HTTP clients of the workspace (the fulfillment center link) cap their responses with
//! the same [`capped`].

use std::fmt;

/// The default cap on a response body: 32 MiB, far above any page the API sends.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 << 20;

/// A response body was larger than the cap: the source of the reqwest error reading it.
#[derive(Debug)]
pub struct TooLarge {
    /// The cap, in bytes.
    pub limit: usize,
}

impl fmt::Display for TooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the response body is larger than the client's cap of {} bytes (max_response_bytes)",
            self.limit
        )
    }
}

impl std::error::Error for TooLarge {}

/// Whether an HTTP client error is (or was caused by) a body over the cap.
pub fn is_too_large(e: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if s.is::<TooLarge>() {
            return true;
        }
        source = s.source();
    }
    false
}

/// The same response with its body limited to `limit` bytes: reading it (`bytes()`, `json()`,
/// `text()`, `chunk()`) fails with a [`TooLarge`]-caused error once the cap is passed, or at once
/// when the declared length is over it.
///
/// ```no_run
/// # async fn run() -> reqwest::Result<()> {
/// let http = api_runtime::http_client_builder().build()?;
/// let response = http.get("https://example.com/").send().await?;
/// let response = api_runtime::body::capped(response, 1 << 20);
/// match response.bytes().await {
///     Ok(body) => println!("{} bytes", body.len()),
///     Err(e) if api_runtime::body::is_too_large(&e) => println!("over 1 MiB: not read"),
///     Err(e) => return Err(e),
/// }
/// # Ok(()) }
/// ```
#[cfg(not(target_arch = "wasm32"))]
pub fn capped(response: reqwest::Response, limit: usize) -> reqwest::Response {
    use futures::StreamExt;
    type BoxError = Box<dyn std::error::Error + Send + Sync>;
    let (status, version, headers) = (
        response.status(),
        response.version(),
        response.headers().clone(),
    );
    let declared_over = response.content_length().is_some_and(|n| n > limit as u64);
    let body = if declared_over {
        tracing::warn!(
            limit,
            "response refused: its declared length is over the cap"
        );
        // Dropping the response closes its connection without reading the body.
        drop(response);
        reqwest::Body::wrap_stream(futures::stream::once(async move {
            Err::<bytes::Bytes, BoxError>(Box::new(TooLarge { limit }))
        }))
    } else {
        let mut read = 0usize;
        let mut over = false;
        reqwest::Body::wrap_stream(response.bytes_stream().map(move |chunk| {
            let chunk = chunk.map_err(|e| Box::new(e) as BoxError)?;
            read = read.saturating_add(chunk.len());
            if over || read > limit {
                if !over {
                    tracing::warn!(limit, "response body cut off at the cap");
                }
                over = true;
                return Err(Box::new(TooLarge { limit }) as BoxError);
            }
            Ok(chunk)
        }))
    };
    let mut out = http::Response::new(body);
    *out.status_mut() = status;
    *out.version_mut() = version;
    *out.headers_mut() = headers;
    reqwest::Response::from(out)
}

/// On wasm the runtime's fetch reads bodies (see `exchange`), which checks the cap itself.
#[cfg(target_arch = "wasm32")]
pub fn capped(response: reqwest::Response, _limit: usize) -> reqwest::Response {
    response
}
