//! Signed webhook delivery.
//!
//! Body: `{"account_id":"12345","type":"order.updated","payload":{...}}`
//! (compact JSON), header `X-Webhook-Signature` = lowercase hex
//! HMAC-SHA256 of those exact bytes keyed with the client secret, computed by
//! [`bigcartel::webhook::sign`].

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

/// One webhook the server tried to deliver.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WebhookDelivery {
    /// Event type, e.g. `order.updated`.
    pub event_type: String,
    /// Where it was sent.
    pub url: String,
    /// The exact body sent.
    pub body: String,
    /// The `X-Webhook-Signature` value sent.
    pub signature: String,
    /// The receiver's status, if it answered.
    pub status: Option<u16>,
    /// Why delivery failed, if it did.
    pub error: Option<String>,
}

impl WebhookDelivery {
    /// Whether the receiver answered 2xx.
    pub fn delivered(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// The exact body bytes of a webhook.
///
/// ```
/// let body = bigcartel_mock::webhooks::envelope(12345, "product.deleted", &serde_json::json!({"id": "7"}));
/// assert_eq!(body, br#"{"account_id":"12345","type":"product.deleted","payload":{"id":"7"}}"#);
/// ```
pub fn envelope(account_id: u64, event_type: &str, payload: &Value) -> Vec<u8> {
    // Written by hand so the member order is fixed whatever serde_json's map is.
    let mut out = Vec::new();
    out.extend_from_slice(b"{\"account_id\":");
    out.extend(serde_json::to_vec(&account_id.to_string()).unwrap_or_default());
    out.extend_from_slice(b",\"type\":");
    out.extend(serde_json::to_vec(event_type).unwrap_or_default());
    out.extend_from_slice(b",\"payload\":");
    out.extend(serde_json::to_vec(payload).unwrap_or_else(|_| b"null".to_vec()));
    out.push(b'}');
    out
}

/// Whether `host` (no port; IPv6 may be in brackets) names this machine's loopback: `localhost`
/// or a loopback IP literal. Nothing is resolved.
pub(crate) fn is_loopback_host(host: &str) -> bool {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    bare.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Checks a webhook target before anything is sent: the mock signs bodies with the configured
/// client secret, so it only delivers to `http`/`https` URLs on a loopback IP literal or
/// `localhost`. A URL is never resolved here, so a name cannot rebind to another address.
///
/// ```
/// use bigcartel_mock::webhooks::check_target;
/// assert!(check_target("http://127.0.0.1:8080/hook").is_ok());
/// assert!(check_target("http://localhost:8080/hook").is_ok());
/// assert!(check_target("http://[::1]:8080/hook").is_ok());
/// assert!(check_target("https://hooks.example.com/hook").is_err());
/// assert!(check_target("http://192.0.2.1:9/").is_err());
/// ```
pub fn check_target(url: &str) -> Result<url::Url, String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("not a URL ({e})"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "scheme `{}` (only http and https to a loopback address)",
            parsed.scheme()
        ));
    }
    let loopback = match parsed.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    if !loopback {
        return Err(
            "the host is not loopback (the mock only delivers to localhost, 127.0.0.0/8 or [::1])"
                .to_string(),
        );
    }
    Ok(parsed)
}

/// The delivery HTTP clients, which cannot reach past loopback even if [`check_target`] were
/// bypassed: IPv4 sockets are bound to 127.0.0.1, from which the kernel refuses to connect
/// anywhere off this machine (EINVAL); `localhost` is pinned to 127.0.0.1 (no resolver); and the
/// IPv6 client is only ever handed `[::1]` (a `::1` source address is not enough for IPv6: the
/// kernel routes it out). Redirects are not followed (a receiver cannot bounce a signed body
/// elsewhere) and proxies are not used (a proxy is off-machine).
pub(crate) struct Deliverer {
    v4: reqwest::Client,
    v6: reqwest::Client,
}

impl Deliverer {
    pub(crate) fn new() -> Deliverer {
        let build = |local: std::net::IpAddr| {
            bigcartel::http_client_builder()
                .timeout(Duration::from_secs(10))
                .connect_timeout(Duration::from_secs(2))
                .redirect(reqwest::redirect::Policy::none())
                .no_proxy()
                .local_address(local)
                // `localhost` never goes to a resolver: it is 127.0.0.1.
                .resolve(
                    "localhost",
                    std::net::SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, 0)),
                )
                .user_agent("bigcartel-mock webhooks")
                .build()
                .unwrap_or_default()
        };
        Deliverer {
            v4: build(std::net::Ipv4Addr::LOCALHOST.into()),
            v6: build(std::net::Ipv6Addr::LOCALHOST.into()),
        }
    }

    fn for_url(&self, url: &url::Url) -> Option<&reqwest::Client> {
        match url.host()? {
            url::Host::Ipv4(_) => Some(&self.v4),
            url::Host::Domain(d) if d.eq_ignore_ascii_case("localhost") => Some(&self.v4),
            url::Host::Ipv6(ip) if ip.is_loopback() => Some(&self.v6),
            _ => None,
        }
    }
}

/// POSTs one signed webhook and reports what happened.
///
/// Call [`check_target`] first: a refused target is reported here as a failed delivery.
pub(crate) async fn deliver(
    deliverer: &Deliverer,
    url: &str,
    secret: &str,
    account_id: u64,
    event_type: &str,
    payload: &Value,
) -> WebhookDelivery {
    let body = envelope(account_id, event_type, payload);
    let signature = bigcartel::webhook::sign(secret.as_bytes(), &body);
    let checked = check_target(url).and_then(|t| match deliverer.for_url(&t) {
        Some(client) => Ok((t, client)),
        None => Err("not a loopback address".to_string()),
    });
    let (target, client) = match checked {
        Ok(tc) => tc,
        Err(e) => {
            tracing::warn!(event_type, "webhook not sent: {e}");
            return WebhookDelivery {
                event_type: event_type.to_string(),
                url: url.to_string(),
                body: String::from_utf8_lossy(&body).into_owned(),
                signature,
                status: None,
                error: Some(format!("refused: {e}")),
            };
        }
    };
    let result = client
        .post(target)
        .header("Content-Type", "application/json")
        .header(bigcartel::webhook::SIGNATURE_HEADER, &signature)
        .body(body.clone())
        .send()
        .await;
    let (status, error) = match result {
        Ok(resp) => (Some(resp.status().as_u16()), None),
        Err(e) => (None, Some(e.without_url().to_string())),
    };
    match (&status, &error) {
        (Some(s), _) => tracing::debug!(event_type, status = s, "webhook delivered"),
        (None, e) => tracing::warn!(event_type, error = e.as_deref(), "webhook delivery failed"),
    }
    WebhookDelivery {
        event_type: event_type.to_string(),
        url: url.to_string(),
        body: String::from_utf8_lossy(&body).into_owned(),
        signature,
        status,
        error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_http_targets_pass() {
        for ok in [
            "http://127.0.0.1:8080/hook",
            "https://127.0.0.1/hook",
            "http://127.9.8.7:1/",
            "http://localhost:3000/x?y=1",
            "http://LOCALHOST/",
            "http://[::1]:9/",
            "http://0x7f000001:9/",
        ] {
            assert!(check_target(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://192.0.2.1:9/",
            "http://198.51.100.7/",
            "http://[2001:db8::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://0.0.0.0:9/",
            "http://[::]:9/",
            "http://localhost.evil.example/",
            "http://127.0.0.1.nip.io/",
            "http://evil.example/",
            "http://user:pw@evil.example/",
            "ftp://127.0.0.1/",
            "file:///etc/passwd",
            "unix:/var/run/docker.sock",
            "//127.0.0.1/",
            "",
        ] {
            assert!(check_target(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_delivery_path_only_hands_out_loopback_clients() {
        let d = Deliverer::new();
        let client = |u: &str| d.for_url(&url::Url::parse(u).unwrap()).is_some();
        for ok in [
            "http://127.0.0.1:9/",
            "http://localhost:9/",
            "http://[::1]:9/",
        ] {
            assert!(client(ok), "{ok}");
        }
        for bad in [
            "http://[2001:db8::1]:9/",
            "http://[::ffff:198.51.100.7]:9/",
            "http://[::]:9/",
            "http://evil.example/",
        ] {
            assert!(!client(bad), "{bad}");
        }
    }

    /// The IPv4 client's sockets are bound to 127.0.0.1, so even a target that skipped
    /// [`check_target`] fails in the kernel (EINVAL) before any packet is sent.
    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn the_ipv4_client_cannot_leave_the_machine() {
        let d = Deliverer::new();
        let started = std::time::Instant::now();
        let r = d.v4.post("http://198.51.100.7:9/").send().await;
        assert!(r.is_err(), "{r:?}");
        // Far below the 2 s connect timeout: refused locally, not timed out.
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn loopback_host_names() {
        for ok in [
            "localhost",
            "LocalHost",
            "127.0.0.1",
            "127.1.2.3",
            "[::1]",
            "::1",
        ] {
            assert!(is_loopback_host(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "localhost.evil.example",
            "127.0.0.1.evil.example",
            "10.0.0.1",
            "0.0.0.0",
            "[::]",
            "",
        ] {
            assert!(!is_loopback_host(bad), "{bad}");
        }
    }
}
