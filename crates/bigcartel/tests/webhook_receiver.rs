//! Drives the `webhook_receiver` example's router in memory: 204 for a
//! signed webhook, 401 for a bad or missing signature, 400 for a signed body
//! that is not a webhook; and its server on loopback under a slow-loris.

#[allow(dead_code)]
#[path = "../examples/webhook_receiver.rs"]
mod receiver;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use bigcartel::webhook;
use tower::ServiceExt;

const SECRET: &[u8] = b"receiver-test-secret";

async fn post(body: &'static [u8], signature: Option<&str>) -> StatusCode {
    let mut req = Request::post("/webhooks");
    if let Some(sig) = signature {
        req = req.header(webhook::SIGNATURE_HEADER, sig);
    }
    let req = req.body(Body::from(body)).unwrap();
    receiver::app(SECRET).oneshot(req).await.unwrap().status()
}

#[tokio::test]
async fn answers_by_outcome() {
    let good: &[u8] = br#"{"account_id":"1","type":"product.deleted","payload":{"id":"7"}}"#;
    let sig = webhook::sign(SECRET, good);
    assert_eq!(post(good, Some(&sig)).await, StatusCode::NO_CONTENT);
    assert_eq!(
        post(good, Some(&sig.to_uppercase())).await,
        StatusCode::NO_CONTENT
    );

    let unknown: &[u8] = br#"{"account_id":"1","type":"future.thing","payload":null}"#;
    let sig_unknown = webhook::sign(SECRET, unknown);
    assert_eq!(
        post(unknown, Some(&sig_unknown)).await,
        StatusCode::NO_CONTENT
    );

    assert_eq!(post(good, None).await, StatusCode::UNAUTHORIZED);
    assert_eq!(post(good, Some("")).await, StatusCode::UNAUTHORIZED);
    let wrong = webhook::sign(b"another-secret", good);
    assert_eq!(post(good, Some(&wrong)).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        post(good, Some(&format!("{sig} "))).await,
        StatusCode::UNAUTHORIZED
    );

    let bad: &[u8] = b"this is not json";
    let sig_bad = webhook::sign(SECRET, bad);
    assert_eq!(post(bad, Some(&sig_bad)).await, StatusCode::BAD_REQUEST);
    // Bad body AND bad signature: the signature is checked first.
    assert_eq!(post(bad, Some(&sig)).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn non_ascii_header_is_unauthorized() {
    let body: &[u8] = br#"{"account_id":"1","type":"product.deleted","payload":{"id":"7"}}"#;
    let req = Request::post("/webhooks")
        .header(
            webhook::SIGNATURE_HEADER,
            axum::http::HeaderValue::from_bytes(&[0xe9; 64]).unwrap(),
        )
        .body(Body::from(body))
        .unwrap();
    let status = receiver::app(SECRET).oneshot(req).await.unwrap().status();
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// Open file descriptors of this process (server and clients both live in it).
#[cfg(target_os = "linux")]
fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_are_capped_and_cut_off_while_webhooks_are_answered() {
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    const CAP: usize = 25;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let limits = receiver::Limits {
        max_connections: CAP,
        connection_time: Duration::from_secs(1),
    };
    let server = tokio::spawn(async move { receiver::serve(listener, SECRET, limits).await });

    #[cfg(target_os = "linux")]
    let before = open_fds();
    let mut slow = Vec::new();
    for i in 0..100 {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        let part: &[u8] = if i % 10 == 0 {
            b"POST /webhooks HTTP/1.1\r\nHost: x\r\nContent-Length: 999\r\n\r\n{"
        } else {
            b"POST /webhooks HTTP/1.1\r\nHost: x\r\nX-Slow: "
        };
        s.write_all(part).await.unwrap();
        slow.push(s);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    #[cfg(target_os = "linux")]
    {
        let server_side = open_fds().saturating_sub(before + slow.len());
        println!("server-side sockets during the flood: {server_side} (cap {CAP})");
        assert!(
            server_side <= CAP + 5,
            "{server_side} connections held, cap {CAP}"
        );
    }

    // A real webhook waits at most for the slow clients ahead of it to run out of time.
    let good: &[u8] = br#"{"account_id":"1","type":"product.deleted","payload":{"id":"7"}}"#;
    let sig = webhook::sign(SECRET, good);
    let started = tokio::time::Instant::now();
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /webhooks HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{}: {sig}\r\nContent-Length: {}\r\n\r\n",
        webhook::SIGNATURE_HEADER,
        good.len()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(good).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(15), s.read_to_end(&mut answer))
        .await
        .expect("answered within 15 s")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    println!(
        "answered in {:?}: {}",
        started.elapsed(),
        answer.lines().next().unwrap_or("")
    );
    assert!(answer.starts_with("HTTP/1.1 204"), "{answer}");

    // Every slow client was cut off.
    for mut s in slow {
        let mut buf = [0u8; 64];
        let cut = tokio::time::timeout(Duration::from_secs(5), async {
            while let Ok(n) = s.read(&mut buf).await {
                if n == 0 {
                    break;
                }
            }
        })
        .await;
        assert!(cut.is_ok(), "a slow client is still connected");
    }
    server.abort();
}
