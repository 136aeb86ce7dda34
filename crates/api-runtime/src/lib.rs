//! # api-runtime
//!
//! What every API client of the workspace shares, so that each behaviour is written once: the
//! Big Cartel client (`bigcartel`) and the BigCommerce Carts client (`bigcommerce-carts`) both
//! build on it, and neither depends on the other.
//!
//! - [`Secret`]: a credential that never shows itself in `Debug` or `Display`;
//! - [`retry`]: the retry policy and the one retry loop every request runs through;
//! - [`body`]: response bodies read within a cap;
//! - [`check_base_url`] and [`http_client_builder`]: where credentials may be sent, and how;
//! - [`Operation`] and [`TransportKind`]: what a request was for, and what went wrong below HTTP.
//!
//! ```
//! let token = api_runtime::Secret::new("tok_123");
//! assert_eq!(format!("{token:?}"), "[redacted]");
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "client")]
pub mod body;
#[cfg(feature = "client")]
pub mod failure;
pub mod retry;
mod secret;
#[cfg(feature = "client")]
pub mod weburl;
#[cfg(feature = "client")]
pub mod work;

pub use retry::RetryPolicy;
pub use secret::Secret;

/// The operation a request was for, as its spec names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The spec's operationId (`listProducts`).
    pub id: &'static str,
    /// The HTTP method (`GET`).
    pub method: &'static str,
    /// The spec's path template (`/v1/accounts/{account_id}/products`).
    pub path: &'static str,
}

/// What went wrong below HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// The connection could not be made (the request never reached the server).
    Connect,
    /// The request timed out.
    Timeout,
    /// The response body broke off or could not be read.
    Body,
    /// The response body was larger than the client's cap (max_response_bytes); reading
    /// stopped there.
    TooLarge,
    /// Anything else.
    Other,
}

impl TransportKind {
    /// The kind's name in every facade (`too_large`): JavaScript's `kind`, and the text the
    /// generated TypeScript union and uniffi enum are checked against.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connect => "connect",
            Self::Timeout => "timeout",
            Self::Body => "body",
            Self::TooLarge => "too_large",
            Self::Other => "other",
        }
    }
}

#[cfg(feature = "client")]
impl TransportKind {
    /// What kind of failure an HTTP client error is, and its message (every cause, once each)
    /// without the request URL: it is known from the operation, and a URL may carry secrets.
    pub fn describe(e: &reqwest::Error) -> (TransportKind, String) {
        #[cfg(not(target_arch = "wasm32"))]
        let kind = if body::is_too_large(e) {
            TransportKind::TooLarge
        } else if e.is_connect() {
            TransportKind::Connect
        } else if e.is_timeout() {
            TransportKind::Timeout
        } else if e.is_body() || e.is_decode() {
            TransportKind::Body
        } else {
            TransportKind::Other
        };
        #[cfg(target_arch = "wasm32")]
        let kind = if body::is_too_large(e) {
            TransportKind::TooLarge
        } else if e.is_timeout() {
            TransportKind::Timeout
        } else {
            TransportKind::Other
        };
        let mut message = String::new();
        let mut source: Option<&dyn std::error::Error> = Some(e);
        while let Some(s) = source {
            let text = s.to_string();
            let text = match text.find(" for url (") {
                Some(i) => text[..i].to_string(),
                None => text,
            };
            if !message.contains(&text) {
                if !message.is_empty() {
                    message.push_str(": ");
                }
                message.push_str(&text);
            }
            source = s.source();
        }
        (kind, message)
    }
}

/// The HTTP client setup every client of the workspace starts from (the API client, OAuth, the
/// BigCommerce client, the fulfillment center link, the mock's webhook delivery):
///
/// - **Redirects are never followed.** reqwest's default policy re-sends a 307's body (an OAuth
///   client secret, say) to wherever `Location` points, and would take a request from https to
///   plain http. A 3xx reaches the caller as its status instead (`ApiErrorKind::Redirect`).
/// - **TLS is rustls with the `ring` crypto provider** (natively; wasm uses the runtime's fetch).
///   It is installed as rustls's process-wide default unless the application installed a
///   provider first, which is then used. See `deny.toml` for why ring rather than aws-lc-rs.
///
/// ```
/// let http = api_runtime::http_client_builder().build().unwrap();
/// # let _ = http;
/// ```
#[cfg(feature = "client")]
pub fn http_client_builder() -> reqwest::ClientBuilder {
    #[cfg(not(target_arch = "wasm32"))]
    {
        // An `Err` means a provider is already installed: the application's choice stands.
        let _ = rustls::crypto::ring::default_provider().install_default();
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none())
    }
    #[cfg(target_arch = "wasm32")]
    {
        reqwest::Client::builder()
    }
}

/// Accepts `https://` anywhere and `http://` only on loopback (a local mock server), so that
/// credentials never cross a network unencrypted; rejects credentials in the URL. Every client of
/// the workspace checks its base URL with it. The error is a message for a configuration error.
///
/// ```
/// assert!(api_runtime::check_base_url("https://api.bigcartel.com").is_ok());
/// assert!(api_runtime::check_base_url("http://127.0.0.1:4010").is_ok());
/// assert!(api_runtime::check_base_url("http://example.com").is_err());
/// // A URL that does not parse is not echoed: it may hold a password.
/// let e = api_runtime::check_base_url("https://me:s3cret@exa mple.com").unwrap_err();
/// assert!(!e.contains("s3cret"));
/// ```
#[cfg(feature = "client")]
pub fn check_base_url(base: &str) -> Result<(), String> {
    use weburl::Host;
    // Not echoed: an unparsable URL may still carry `user:password@`.
    let url = weburl::parts(base).map_err(|e| format!("invalid base URL: {e}"))?;
    if url.credentials {
        return Err("put credentials in .bearer()/.basic(), not in the base URL".into());
    }
    match url.scheme.as_str() {
        "https" => Ok(()),
        "http" => {
            let loopback = match url.host {
                Host::Domain(d) => d == "localhost",
                Host::Ipv4(ip) => ip.is_loopback(),
                Host::Ipv6(ip) => ip.is_loopback(),
                Host::None => false,
            };
            if loopback {
                Ok(())
            } else {
                Err(format!(
                    "refusing plain http to {base}: use https (http is allowed for loopback only)"
                ))
            }
        }
        other => Err(format!("unsupported URL scheme {other:?}")),
    }
}
