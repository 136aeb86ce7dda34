//! Signed webhook delivery to a real receiver on 127.0.0.1.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use bigcartel::webhook::{self, WebhookEvent};
use bigcartel_mock::{FaultConfig, MockConfig};
use common::*;
use serde_json::json;
use tokio::sync::mpsc;

type Hook = (HeaderMap, Bytes);
type HookState = (mpsc::UnboundedSender<Hook>, Arc<AtomicU16>);

struct Receiver {
    url: String,
    rx: mpsc::UnboundedReceiver<(HeaderMap, Bytes)>,
    status: Arc<AtomicU16>,
}

impl Receiver {
    async fn start() -> Receiver {
        let (tx, rx) = mpsc::unbounded_channel();
        let status = Arc::new(AtomicU16::new(200));
        let app = Router::new()
            .route(
                "/hook",
                post(
                    |State((tx, status)): State<HookState>,
                     headers: HeaderMap,
                     body: Bytes| async move {
                        let _ = tx.send((headers, body));
                        StatusCode::from_u16(status.load(Ordering::SeqCst))
                            .unwrap_or(StatusCode::OK)
                    },
                ),
            )
            .with_state((tx, status.clone()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver { url, rx, status }
    }

    async fn next(&mut self) -> (HeaderMap, Bytes) {
        tokio::time::timeout(Duration::from_secs(10), self.rx.recv())
            .await
            .expect("a webhook within 10s")
            .expect("receiver alive")
    }

    async fn nothing_within(&mut self, ms: u64) -> bool {
        tokio::time::timeout(Duration::from_millis(ms), self.rx.recv())
            .await
            .is_err()
    }
}

fn signature(headers: &HeaderMap) -> &str {
    headers
        .get("x-webhook-signature")
        .and_then(|v| v.to_str().ok())
        .expect("signature header")
}

/// The signature checked independently with Python's hmac module.
fn python_hmac_hex(secret: &str, body: &[u8]) -> Option<String> {
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import hmac,hashlib,sys; print(hmac.new(sys.argv[1].encode(), sys.stdin.buffer.read(), hashlib.sha256).hexdigest())",
            secret,
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .ok()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take()?.write_all(body).ok()?;
            child.wait_with_output().ok()
        })?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[tokio::test]
async fn state_changes_send_signed_webhooks_in_order() {
    let mut rx = Receiver::start().await;
    let server = start_with(MockConfig {
        webhook_url: Some(rx.url.clone()),
        ..MockConfig::default()
    })
    .await;
    let api = Api::new(&server);
    let secret = server.config().client_secret.clone();

    let order = server
        .orders()
        .into_iter()
        .find(|o| o.shipping_status == "unshipped")
        .unwrap();
    let r = api
        .patch(
            &api.acct(&format!("/orders/{}", order.id)),
            &json!({"data": {"id": order.id.to_string(), "type": "orders", "attributes": {"shipping_status": "shipped"}}}),
        )
        .await;
    assert_eq!(r.status, reqwest::StatusCode::OK);

    let (headers, body) = rx.next().await;
    assert_eq!(headers.get("content-type").unwrap(), "application/json");
    let sig = signature(&headers);
    assert_eq!(sig.len(), 64);
    assert!(webhook::verify(secret.as_bytes(), &body, Some(sig)).is_ok());
    assert!(webhook::verify(b"another-secret", &body, Some(sig)).is_err());
    if let Some(py) = python_hmac_hex(&secret, &body) {
        assert_eq!(py, sig, "Python's hmac agrees");
    }
    let envelope: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(envelope["account_id"], "12345");
    assert_eq!(envelope["type"], "order.updated");
    assert_eq!(
        envelope["payload"], r.json,
        "payload is the getOrder document"
    );
    assert!(body.starts_with(br#"{"account_id":"12345","type":"order.updated","payload":"#));
    match webhook::verify_and_parse(secret.as_bytes(), &body, Some(sig)).expect("the SDK parses it")
    {
        WebhookEvent::OrderUpdated {
            account_id,
            order: parsed,
        } => {
            assert_eq!(account_id, "12345");
            assert_eq!(parsed.id, order.id.to_string());
        }
        other => panic!("unexpected {other:?}"),
    }

    // A buyer checks out: order.created, then product.updated per product.
    let id = server.place_order();
    let (h, body) = rx.next().await;
    let event = webhook::verify_and_parse(secret.as_bytes(), &body, Some(signature(&h))).unwrap();
    assert_eq!(event.event_type(), "order.created");
    assert_eq!(event.resource_id(), Some(id.to_string().as_str()));
    let placed = server.order(id).unwrap();
    let mut product_ids: Vec<String> = placed
        .items
        .iter()
        .map(|i| i.product_id.to_string())
        .collect();
    product_ids.dedup();
    for pid in &product_ids {
        let (h, body) = rx.next().await;
        let event =
            webhook::verify_and_parse(secret.as_bytes(), &body, Some(signature(&h))).unwrap();
        assert_eq!(event.event_type(), "product.updated");
        assert_eq!(event.resource_id(), Some(pid.as_str()));
    }

    // Deauthorization.
    let r = send(
        api.http
            .post(format!("{}/oauth/deauthorize/12345", api.url))
            .header("user-agent", UA)
            .basic_auth("mock-client-id", Some("mock-client-secret")),
    )
    .await;
    assert_eq!(r.status, reqwest::StatusCode::NO_CONTENT);
    let (h, body) = rx.next().await;
    match webhook::verify_and_parse(secret.as_bytes(), &body, Some(signature(&h))).unwrap() {
        WebhookEvent::AccountDeauthorized { id, .. } => assert_eq!(id, "12345"),
        other => panic!("unexpected {other:?}"),
    }

    // The mock records a delivery once the receiver's answer is back.
    let want = 2 + product_ids.len() + 1;
    let mut log = server.webhook_deliveries();
    for _ in 0..100 {
        if log.len() >= want {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        log = server.webhook_deliveries();
    }
    assert_eq!(log.len(), want);
    assert_eq!(log[0].event_type, "order.updated");
    assert!(log.iter().all(|d| d.delivered() && d.url == rx.url));
    assert_eq!(server.counters().webhooks_delivered, log.len() as u64);
}

#[tokio::test]
async fn faulted_and_rejected_writes_send_no_webhook() {
    let mut rx = Receiver::start().await;
    let server = start_with(MockConfig {
        webhook_url: Some(rx.url.clone()),
        ..MockConfig::default()
    })
    .await;
    let api = Api::new(&server);
    let path = api.acct("/orders/1001");
    let body = json!({"data": {"id": "1001", "type": "orders", "attributes": {"customer_last_name": "Quill"}}});

    server.set_faults(FaultConfig {
        error_503_rate: 1.0,
        ..FaultConfig::default()
    });
    assert_eq!(
        api.patch(&path, &body).await.status,
        reqwest::StatusCode::SERVICE_UNAVAILABLE
    );
    server.set_faults(FaultConfig {
        truncate_rate: 1.0,
        ..FaultConfig::default()
    });
    assert!(
        try_send(
            api.req(reqwest::Method::PATCH, &path)
                .header("content-type", bigcartel_mock::MEDIA_TYPE)
                .body(body.to_string())
        )
        .await
        .is_ok()
    );
    server.clear_faults();
    let bad = json!({"data": {"id": "1001", "type": "orders", "attributes": {"shipping_status": "lost"}}});
    assert_eq!(
        api.patch(&path, &bad).await.status,
        reqwest::StatusCode::BAD_REQUEST
    );
    assert!(
        rx.nothing_within(300).await,
        "no webhook for unapplied writes"
    );

    // fail_after_write applies the write, so its webhook goes out.
    server.set_faults(FaultConfig {
        fail_after_write_rate: 1.0,
        ..FaultConfig::default()
    });
    assert_eq!(
        api.patch(&path, &body).await.status,
        reqwest::StatusCode::INTERNAL_SERVER_ERROR
    );
    let (_, b) = rx.next().await;
    assert!(String::from_utf8_lossy(&b).contains("Quill"));
}

#[tokio::test]
async fn manual_webhooks_report_the_receiver_status() {
    let mut rx = Receiver::start().await;
    let server = start().await;
    rx.status.store(202, Ordering::SeqCst);
    let status = server
        .send_webhook(&rx.url, "product.deleted", json!({"id": "7"}))
        .await
        .unwrap();
    assert_eq!(status, 202);
    let (h, body) = rx.next().await;
    assert_eq!(
        &body[..],
        br#"{"account_id":"12345","type":"product.deleted","payload":{"id":"7"}}"#
    );
    assert_eq!(signature(&h), webhook::sign(b"mock-client-secret", &body));

    rx.status.store(500, Ordering::SeqCst);
    assert_eq!(
        server
            .send_webhook(&rx.url, "order.created", json!({}))
            .await
            .unwrap(),
        500
    );
    let _ = rx.next().await;
    let c = server.counters();
    assert_eq!((c.webhooks_delivered, c.webhooks_failed), (1, 1));

    // Nobody listening.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/hook", l.local_addr().unwrap())
    };
    assert!(
        server
            .send_webhook(&closed, "order.created", json!({}))
            .await
            .is_err()
    );
    assert_eq!(server.counters().webhooks_failed, 2);

    // Through the admin API, as other languages would.
    rx.status.store(200, Ordering::SeqCst);
    let r = send(
        bigcartel::http_client_builder()
            .build()
            .unwrap()
            .post(format!("{}/__mock/webhooks", server.url()))
            .json(&json!({"type": "product.deleted", "payload": {"id": "9"}, "url": rx.url})),
    )
    .await;
    assert_eq!(r.json["status"], 200);
    let (_, body) = rx.next().await;
    assert!(body.ends_with(br#""payload":{"id":"9"}}"#));
    let log = send(
        bigcartel::http_client_builder()
            .build()
            .unwrap()
            .get(format!("{}/__mock/webhooks", server.url())),
    )
    .await;
    assert_eq!(log.json.as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn without_a_webhook_url_nothing_is_sent() {
    let server = start().await;
    let api = Api::new(&server);
    let r = api
        .patch(&api.acct("/orders/1001"), &json!({"data": {"id": "1001", "type": "orders", "attributes": {"shipping_status": "shipped"}}}))
        .await;
    assert_eq!(r.status, reqwest::StatusCode::OK);
    server.place_order();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(server.webhook_deliveries().is_empty());
}
