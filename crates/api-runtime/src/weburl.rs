//! The two things the clients ask of URLs: what a base URL is made of (scheme, credentials, host),
//! and a URL with query pairs added. Natively the `url` crate answers; on wasm the runtime's own
//! WHATWG `URL`, the standard the `url` crate implements, so the npm package ships no URL parser.

use std::net::{Ipv4Addr, Ipv6Addr};

/// A URL's host.
pub(crate) enum Host {
    Domain(String),
    Ipv4(Ipv4Addr),
    Ipv6(Ipv6Addr),
    None,
}

/// What [`check_base_url`](crate::check_base_url) looks at.
pub(crate) struct Parts {
    pub scheme: String,
    /// A username or password in the URL.
    pub credentials: bool,
    pub host: Host,
}

#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn parts(s: &str) -> Result<Parts, String> {
    let url = url::Url::parse(s).map_err(|e| e.to_string())?;
    Ok(Parts {
        scheme: url.scheme().to_owned(),
        credentials: !url.username().is_empty() || url.password().is_some(),
        host: match url.host() {
            Some(url::Host::Domain(d)) => Host::Domain(d.to_owned()),
            Some(url::Host::Ipv4(ip)) => Host::Ipv4(ip),
            Some(url::Host::Ipv6(ip)) => Host::Ipv6(ip),
            None => Host::None,
        },
    })
}

/// `base` with these pairs added to its query (form-encoded).
///
/// ```
/// let url = api_runtime::weburl::with_query("https://example.com/a?x=1", &[("q", "a b")]).unwrap();
/// assert_eq!(url, "https://example.com/a?x=1&q=a+b");
/// ```
#[cfg(not(target_arch = "wasm32"))]
pub fn with_query(base: &str, pairs: &[(&str, &str)]) -> Result<String, String> {
    let mut url = url::Url::parse(base).map_err(|e| e.to_string())?;
    url.query_pairs_mut().extend_pairs(pairs);
    Ok(url.into())
}

#[cfg(target_arch = "wasm32")]
fn parse(s: &str) -> Result<web_sys::Url, String> {
    // The runtime's message is not passed on: an unparsable URL may still carry a password.
    web_sys::Url::new(s).map_err(|_| "not a valid absolute URL".to_owned())
}

#[cfg(target_arch = "wasm32")]
pub(crate) fn parts(s: &str) -> Result<Parts, String> {
    let url = parse(s)?;
    let hostname = url.hostname();
    let host = if hostname.is_empty() {
        Host::None
    } else if let Some(v6) = hostname.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        v6.parse().map(Host::Ipv6).map_err(|e| format!("{e}"))?
    } else if let Ok(v4) = hostname.parse() {
        Host::Ipv4(v4)
    } else {
        Host::Domain(hostname)
    };
    Ok(Parts {
        scheme: url.protocol().trim_end_matches(':').to_owned(),
        credentials: !url.username().is_empty() || !url.password().is_empty(),
        host,
    })
}

/// `base` with these pairs added to its query (form-encoded).
#[cfg(target_arch = "wasm32")]
pub fn with_query(base: &str, pairs: &[(&str, &str)]) -> Result<String, String> {
    let url = parse(base)?;
    let params = url.search_params();
    for (k, v) in pairs {
        params.append(k, v);
    }
    Ok(url.href())
}
