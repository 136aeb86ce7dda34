//! The admin API under `/__mock` is for local tools, not for web pages: no CORS, JSON-only
//! writes, loopback `Host` only, and webhooks only to loopback targets.
//!
//! Every target used here is either loopback or a documentation / unspecified address, and the
//! refusals are asserted without any connection being needed.

mod common;

use std::time::{Duration, Instant};

use bigcartel_mock::MockError;
use common::*;
use reqwest::StatusCode;
use serde_json::json;

fn admin_url(server: &bigcartel_mock::MockServer, path: &str) -> String {
    format!("{}/__mock{path}", server.url())
}

#[tokio::test]
async fn admin_api_sends_no_cors_headers() {
    let server = start().await;
    let http = bigcartel::http_client_builder().build().unwrap();
    let r = send(
        http.get(admin_url(&server, ""))
            .header("Origin", "https://evil.example"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("access-control-allow-origin"), None);

    // A browser's preflight for a cross-origin PUT gets no permission.
    let r = send(
        http.request(reqwest::Method::OPTIONS, admin_url(&server, "/faults"))
            .header("Origin", "https://evil.example")
            .header("Access-Control-Request-Method", "PUT")
            .header("Access-Control-Request-Headers", "content-type"),
    )
    .await;
    assert_eq!(r.header("access-control-allow-origin"), None, "{r:?}");
    assert_eq!(r.header("access-control-allow-methods"), None, "{r:?}");

    // The public API keeps its CORS, for SDKs running in browsers.
    let api = Api::new(&server);
    let r = send(
        api.req(reqwest::Method::GET, &api.acct(""))
            .header("Origin", "https://app.example"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test]
async fn admin_posts_need_a_json_content_type() {
    let server = start().await;
    let http = bigcartel::http_client_builder().build().unwrap();
    let before = server.orders().len();
    // What an HTML form or a `no-cors` fetch can send cross-origin without a preflight.
    for ct in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        None,
    ] {
        let mut rb = http.post(admin_url(&server, "/orders")).body("{}");
        if let Some(ct) = ct {
            rb = rb.header("Content-Type", ct);
        }
        let r = send(rb).await;
        assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{ct:?}");
    }
    assert_eq!(server.orders().len(), before, "no order was placed");
    let r = send(
        http.post(admin_url(&server, "/webhooks"))
            .header("Content-Type", "text/plain")
            .body(r#"{"type":"order.created","url":"http://127.0.0.1:9/"}"#),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(server.webhook_deliveries().is_empty());

    let r = send(
        http.post(admin_url(&server, "/orders"))
            .header("Content-Type", "application/json; charset=utf-8"),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(server.orders().len(), before + 1);
}

fn status_of(raw: &str) -> u16 {
    raw.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {raw:?}"))
}

#[tokio::test]
async fn admin_api_refuses_a_foreign_host_header() {
    let server = start().await;
    // DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1.
    for host in [
        "evil.example",
        "evil.example:4010",
        "127.0.0.1.evil.example",
        "localhost.evil.example",
        "10.0.0.1",
    ] {
        let raw = raw_http(
            server.addr(),
            &format!("GET /__mock/counters HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        )
        .await;
        assert_eq!(status_of(&raw), 403, "{host}: {raw}");
        let raw = raw_http(
            server.addr(),
            &format!(
                "POST /__mock/reset HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            ),
        )
        .await;
        assert_eq!(status_of(&raw), 403, "{host}: {raw}");
    }
    for host in [
        "localhost",
        "localhost:4010",
        "LOCALHOST:1",
        "127.0.0.1",
        "127.0.0.1:4010",
        "127.1.2.3:80",
        "[::1]",
        "[::1]:4010",
    ] {
        let raw = raw_http(
            server.addr(),
            &format!("GET /__mock/counters HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        )
        .await;
        assert_eq!(status_of(&raw), 200, "{host}: {raw}");
    }
    // An absolute-form target names the host too: both must be loopback.
    let raw = raw_http(
        server.addr(),
        "GET http://evil.example/__mock/counters HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(status_of(&raw), 403, "{raw}");
    // No Host at all (HTTP/1.0): refused.
    let raw = raw_http(server.addr(), "GET /__mock/counters HTTP/1.0\r\n\r\n").await;
    assert_eq!(status_of(&raw), 403, "{raw}");
    // The public API is not affected (a reverse proxy may front it).
    let raw = raw_http(
        server.addr(),
        "GET /v1/countries HTTP/1.1\r\nHost: api.example.test\r\nUser-Agent: t\r\nAccept: */*\r\nAuthorization: Bearer mock-token\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_ne!(status_of(&raw), 403, "{raw}");
}

/// Targets a loopback-only deliverer must refuse without opening a connection: documentation
/// addresses (unroutable), the unspecified address (which Linux would connect to locally), and
/// URLs that are not http(s) at all.
const FOREIGN_TARGETS: &[&str] = &[
    "http://198.51.100.7:9/hook",
    "https://198.51.100.7:9/hook",
    "http://[2001:db8::1]:9/hook",
    "http://[::ffff:198.51.100.7]:9/hook",
    "http://0.0.0.0:9/hook",
    "ftp://127.0.0.1:9/hook",
    "file:///etc/passwd",
    "not a url",
];

#[tokio::test]
async fn webhook_targets_outside_loopback_are_refused_before_connecting() {
    let server = start().await;
    let http = bigcartel::http_client_builder().build().unwrap();
    for target in FOREIGN_TARGETS {
        let started = Instant::now();
        let r = send(
            http.post(admin_url(&server, "/webhooks"))
                .json(&json!({"type": "order.created", "payload": {"id": "1"}, "url": target})),
        )
        .await;
        let took = started.elapsed();
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{target}: {:?}", r.json);
        let detail = r.error()["detail"].as_str().unwrap_or_default().to_string();
        assert!(detail.contains("loopback"), "{target}: {detail}");
        // A refusal, not a connection attempt that timed out: generous for a loaded machine, far
        // below the delivery client's timeouts.
        assert!(took < Duration::from_secs(5), "{target}: took {took:?}");

        let started = Instant::now();
        let e = server
            .send_webhook(target, "order.created", json!({}))
            .await
            .unwrap_err();
        assert!(matches!(e, MockError::WebhookTarget(_)), "{target}: {e:?}");
        assert!(started.elapsed() < Duration::from_secs(5), "{target}");
    }
    assert!(
        server.webhook_deliveries().is_empty(),
        "nothing was attempted: {:?}",
        server.webhook_deliveries()
    );
    assert_eq!(server.counters().webhooks_failed, 0);

    // A foreign `webhook_url` is refused when the server starts.
    let e = bigcartel_mock::MockServer::start(bigcartel_mock::MockConfig {
        port: 0,
        webhook_url: Some("http://198.51.100.7:9/hook".into()),
        ..Default::default()
    })
    .await
    .unwrap_err();
    assert!(matches!(e, MockError::WebhookTarget(_)), "{e:?}");
}

#[tokio::test]
async fn webhook_delivery_does_not_follow_redirects() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let app = axum::Router::new()
        .route(
            "/hook",
            axum::routing::post(|| async {
                (
                    axum::http::StatusCode::TEMPORARY_REDIRECT,
                    [("Location", "/elsewhere")],
                )
            }),
        )
        .route(
            "/elsewhere",
            axum::routing::post(move || {
                h.fetch_add(1, Ordering::SeqCst);
                async { "ok" }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });

    let server = start().await;
    let status = server
        .send_webhook(&url, "order.created", json!({}))
        .await
        .unwrap();
    assert_eq!(status, 307);
    let r = send(
        bigcartel::http_client_builder()
            .build()
            .unwrap()
            .post(admin_url(&server, "/webhooks"))
            .json(&json!({"type": "order.created", "url": url})),
    )
    .await;
    assert_eq!(r.json["status"], 307, "{:?}", r.json);
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "the redirect was not followed"
    );
}
