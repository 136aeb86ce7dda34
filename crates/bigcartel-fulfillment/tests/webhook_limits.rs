//! The webhook receiver under a slow-loris: clients that send part of a request and then nothing
//! are cut off, never hold more than the connection cap, and neither real webhooks nor the
//! engine's own passes starve.

mod common;

use std::sync::Arc;
use std::time::Duration;

use bigcartel_fulfillment::ledger::Durability;
use bigcartel_fulfillment::reference::{ReferenceCenter, ReferenceConfig};
use bigcartel_fulfillment::webhook::{ListenerLimits, WebhookOptions};
use bigcartel_fulfillment::{Engine, HttpCenter, Ledger, ProgressEvent, RunOptions};
use common::{Expected, client, mock, order_doc, settings};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const SLOW_HEADERS: usize = 200;
const SLOW_BODIES: usize = 10;
const CAP: usize = 64;

/// Open file descriptors of this process (the receiver, the clients, the mock and the center all
/// live in it).
#[cfg(target_os = "linux")]
fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn slow_clients_starve_neither_webhooks_nor_passes() {
    let mock = mock(20, 41).await;
    let center = ReferenceCenter::start(ReferenceConfig::default())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&dir.path().join("ledger.db"), Durability::Normal).unwrap();
    let (pass_tx, mut pass_rx) = tokio::sync::mpsc::unbounded_channel();
    let engine = Engine::new(
        client(&mock),
        HttpCenter::new(center.url()).unwrap(),
        ledger,
        settings(),
    )
    .await
    .unwrap()
    .with_progress(Arc::new(move |e: &ProgressEvent| {
        if let ProgressEvent::PassFinished(_) = e {
            let _ = pass_tx.send(());
        }
    }));
    let account = engine.account_id().to_string();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let options = RunOptions {
        interval: Duration::from_millis(300),
        until_idle: false,
        max_passes: None,
        webhook: Some(WebhookOptions {
            listen: addr,
            path: "/hooks/bc".into(),
            secret: bigcartel::Secret::new("mock-client-secret"),
            limits: ListenerLimits {
                max_connections: CAP,
                header_read_timeout: Duration::from_secs(1),
                request_timeout: Duration::from_secs(2),
                ..ListenerLimits::default()
            },
        }),
    };
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let engine = Arc::new(engine);
    let runner = {
        let engine = engine.clone();
        tokio::spawn(async move {
            engine
                .run(options, async {
                    let _ = stop_rx.await;
                })
                .await
        })
    };
    tokio::time::timeout(Duration::from_secs(15), pass_rx.recv())
        .await
        .expect("first pass within 15 s")
        .expect("first pass");

    #[cfg(target_os = "linux")]
    let fds_before = open_fds();
    let mut slow = Vec::new();
    for i in 0..SLOW_HEADERS + SLOW_BODIES {
        let mut s = TcpStream::connect(addr).await.unwrap();
        let part: &[u8] = if i < SLOW_HEADERS {
            b"POST /hooks/bc HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
        } else {
            b"POST /hooks/bc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4096\r\n\r\n{\"account_id\""
        };
        s.write_all(part).await.unwrap();
        slow.push(s);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    #[cfg(target_os = "linux")]
    {
        // The clients' own sockets are counted too; the rest is the receiver's (plus a few
        // pooled connections of the engine, the mock and the center).
        let server_side = open_fds()
            .saturating_sub(fds_before)
            .saturating_sub(slow.len());
        println!("receiver-side sockets during the flood: {server_side} (cap {CAP})");
        assert!(
            server_side <= CAP + 20,
            "the receiver holds {server_side} connections, over its cap of {CAP}"
        );
    }

    // Real webhooks, signed as Big Cartel signs them, wait at most for the slow clients ahead
    // of them to time out.
    let mut wanted = Vec::new();
    let http = bigcartel::http_client_builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    for _ in 0..3 {
        let id = loop {
            let id = mock.place_order().to_string();
            if Expected::from_store(&mock.snapshot())
                .fulfilled
                .contains_key(&id)
            {
                break id;
            }
        };
        let body = bigcartel_mock::webhooks::envelope(
            account.parse().unwrap(),
            "order.created",
            &order_doc(&mock, &id).await,
        );
        let signature = bigcartel::webhook::sign(b"mock-client-secret", &body);
        let resp = http
            .post(format!("http://{addr}/hooks/bc"))
            .header(bigcartel::webhook::SIGNATURE_HEADER, signature)
            .body(body)
            .send()
            .await
            .expect("the webhook is answered");
        assert_eq!(resp.status(), 200);
        wanted.push(id);
    }
    let answered = started.elapsed();
    println!(
        "3 webhooks answered in {answered:?} behind {} slow clients",
        slow.len()
    );
    assert!(answered < Duration::from_secs(20), "{answered:?}");

    // Every slow client was cut off by the receiver.
    let mut still_open = 0;
    for mut s in slow {
        let mut buf = [0u8; 256];
        let closed = tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                match s.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => continue,
                }
            }
        })
        .await;
        if closed.is_err() {
            still_open += 1;
            if still_open >= 3 {
                break;
            }
        }
    }
    assert_eq!(still_open, 0, "slow clients the receiver never cut off");

    // The webhooks' orders reach the center, and passes keep completing.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let snapshot = center.snapshot();
        let have = snapshot
            .records
            .values()
            .filter(|r| wanted.contains(&r.order.order_id))
            .count();
        if have == wanted.len() {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{have}/{}",
            wanted.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    while pass_rx.try_recv().is_ok() {}
    tokio::time::timeout(Duration::from_secs(15), pass_rx.recv())
        .await
        .expect("a pass completes after the flood")
        .expect("pass");
    let _ = stop_tx.send(());
    runner.await.unwrap().unwrap();
}

#[tokio::test]
async fn oversized_bodies_are_refused_before_verification() {
    let (tx, mut rx) = tokio::sync::mpsc::channel(4);
    let app = bigcartel_fulfillment::webhook::router(
        "/hooks",
        bigcartel::Secret::new("k"),
        "12345".into(),
        tx,
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let limits = ListenerLimits {
        max_body_bytes: 64 * 1024,
        ..ListenerLimits::default()
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(bigcartel_fulfillment::webhook::serve_bounded(
        listener,
        app,
        limits,
        async {
            let _ = stopped.await;
        },
    ));
    let body = vec![b'x'; 64 * 1024 + 1];
    let signature = bigcartel::webhook::sign(b"k", &body);
    let resp = bigcartel::http_client_builder()
        .build()
        .unwrap()
        .post(format!("http://{addr}/hooks"))
        .header(bigcartel::webhook::SIGNATURE_HEADER, signature)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);
    assert!(rx.try_recv().is_err());
    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("the receiver stops when told")
        .unwrap();
}
