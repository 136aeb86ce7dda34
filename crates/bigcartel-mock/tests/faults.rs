//! Every fault mode, its counters, and the rule that a faulted write is
//! never applied (except `fail_after_write`, which exists to prove clients
//! don't blindly retry POSTs).

mod common;

use std::time::{Duration, Instant};

use bigcartel_mock::{FaultConfig, MockConfig};
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn artist_body(name: &str) -> Value {
    json!({"data": {"type": "artists", "attributes": {"name": name}}})
}

fn faults(f: impl FnOnce(&mut FaultConfig)) -> FaultConfig {
    let mut c = FaultConfig::default();
    f(&mut c);
    c
}

#[tokio::test]
async fn server_errors_then_recovery_and_writes_not_applied() {
    let server = start().await;
    let api = Api::new(&server);
    server.set_faults(faults(|f| f.error_500_rate = 1.0).at_most(2));
    for _ in 0..2 {
        let r = api
            .post(&api.acct("/artists"), &artist_body("Faulted"))
            .await;
        assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(r.error()["status"], "500");
    }
    assert!(
        server.artists().iter().all(|a| a.name != "Faulted"),
        "faulted writes are not applied"
    );
    assert_eq!(server.counters().writes_for("artists").creates, 0);
    let r = api
        .post(&api.acct("/artists"), &artist_body("Faulted"))
        .await;
    assert_eq!(
        r.status,
        StatusCode::CREATED,
        "third try passes once max_faults is used up"
    );
    let c = server.counters();
    assert_eq!(c.faults_of("error_500"), 2);
    assert_eq!(c.faults_by_operation["createArtist"], 2);
    assert_eq!(c.requests_for("createArtist"), 3);
    assert_eq!(c.writes_for("artists").creates, 1);

    server.set_faults(faults(|f| f.error_503_rate = 1.0));
    let r = api.get(&api.acct("/orders")).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.error()["title"], "Service Unavailable");
    let before = server.order(1001).unwrap();
    let r = api
        .patch(&api.acct("/orders/1001"), &json!({"data": {"id": "1001", "type": "orders", "attributes": {"customer_first_name": "Nope"}}}))
        .await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(server.order(1001).unwrap(), before);
    let r = api.delete(&api.acct("/artists/1")).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(server.artist(1).is_some());
    assert_eq!(server.counters().faults_of("error_503"), 3);
}

#[tokio::test]
async fn rate_limits_carry_retry_after() {
    let server = start().await;
    let api = Api::new(&server);
    for secs in [0u64, 7] {
        server.set_faults(faults(|f| {
            f.rate_limit_rate = 1.0;
            f.retry_after_secs = secs;
        }));
        let r = api.get(&api.acct("/products")).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(r.header("retry-after"), Some(secs.to_string().as_str()));
        assert_eq!(r.error()["status"], "429");
        assert!(
            r.header("access-control-expose-headers")
                .unwrap()
                .contains("Retry-After")
        );
    }
    assert_eq!(server.counters().faults_of("rate_limit"), 2);
}

#[tokio::test]
async fn dropped_connections_answer_nothing_and_change_nothing() {
    let server = start().await;
    let api = Api::new(&server);
    server.set_faults(faults(|f| f.drop_rate = 1.0).only(["createArtist", "getAccount"]));
    let err = try_send(api.req(Method::GET, &api.acct("")))
        .await
        .expect_err("no response");
    assert!(!err.is_status(), "{err}");
    let err = try_send(
        api.req(Method::POST, &api.acct("/artists"))
            .header("content-type", bigcartel_mock::MEDIA_TYPE)
            .body(artist_body("Dropped").to_string()),
    )
    .await
    .expect_err("no response");
    assert!(
        err.is_request() || err.is_connect() || err.is_body(),
        "{err:?}"
    );
    assert!(server.artists().iter().all(|a| a.name != "Dropped"));
    // Raw TCP sees the socket close with zero bytes.
    let raw = raw_http(
        server.addr(),
        &format!("GET {} HTTP/1.1\r\nHost: x\r\nUser-Agent: t\r\nAccept: */*\r\nAuthorization: Bearer mock-token\r\n\r\n", api.acct("")),
    )
    .await;
    assert_eq!(raw, "");
    // Out-of-scope operations are untouched.
    assert_eq!(api.get(&api.acct("/orders")).await.status, StatusCode::OK);
    let c = server.counters();
    assert_eq!(c.faults_of("drop"), 3);
    assert_eq!(c.writes_for("artists").creates, 0);
}

#[tokio::test]
async fn truncated_bodies_announce_the_full_length() {
    let server = start().await;
    let api = Api::new(&server);
    let full = api.get(&api.acct("/orders/1001")).await.bytes;
    server.set_faults(faults(|f| f.truncate_rate = 1.0));

    let resp = try_send(api.req(Method::GET, &api.acct("/orders/1001")))
        .await
        .expect("headers arrive");
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.content_length(), Some(full.len() as u64));
    assert!(resp.bytes().await.is_err(), "body ends early");

    // Raw: the first half of the real body, then the connection closes.
    let raw = raw_http(
        server.addr(),
        &format!(
            "GET {} HTTP/1.1\r\nHost: x\r\nUser-Agent: t\r\nAccept: */*\r\nAuthorization: Bearer mock-token\r\n\r\n",
            api.acct("/orders/1001")
        ),
    )
    .await;
    let body = raw.split("\r\n\r\n").nth(1).expect("headers then body");
    assert!(
        raw.to_ascii_lowercase()
            .contains(&format!("content-length: {}", full.len()))
    );
    assert_eq!(body.as_bytes(), &full[..full.len() / 2]);

    // A truncated write response: the client cannot tell, but the write was not applied.
    let resp = try_send(
        api.req(Method::POST, &api.acct("/artists"))
            .header("content-type", bigcartel_mock::MEDIA_TYPE)
            .body(artist_body("Half").to_string()),
    )
    .await
    .expect("headers arrive");
    assert_eq!(resp.status(), StatusCode::CREATED);
    assert!(resp.bytes().await.is_err());
    assert!(server.artists().iter().all(|a| a.name != "Half"));
    // 204s have no body to cut: their connection is dropped instead.
    let deleted = try_send(api.req(Method::DELETE, &api.acct("/artists/1"))).await;
    assert!(deleted.is_err(), "{deleted:?}");
    assert!(server.artist(1).is_some());
    let c = server.counters();
    assert_eq!(c.faults_of("truncate"), 4);
    assert_eq!(c.writes_for("artists"), Default::default());
}

#[tokio::test]
async fn cut_json_is_a_complete_message_with_broken_json() {
    let server = start().await;
    let api = Api::new(&server);
    let full = api.get(&api.acct("/products")).await.bytes;
    server.set_faults(faults(|f| f.cut_json_rate = 1.0));
    let r = api.get(&api.acct("/products")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.header("content-length"),
        Some((full.len() / 2).to_string().as_str())
    );
    assert_eq!(r.bytes, full[..full.len() / 2]);
    assert!(serde_json::from_slice::<Value>(&r.bytes).is_err());

    let r = api
        .post(
            &api.acct("/categories"),
            &json!({"data": {"type": "categories", "attributes": {"name": "Cut"}}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert!(r.json.is_null(), "unparseable");
    assert!(
        server.categories().iter().all(|c| c.name != "Cut"),
        "not applied"
    );
    assert_eq!(server.counters().faults_of("cut_json"), 2);
}

#[tokio::test]
async fn fail_after_write_applies_then_answers_500() {
    let server = start().await;
    let api = Api::new(&server);
    server.set_faults(faults(|f| f.fail_after_write_rate = 1.0));
    // Reads are never affected by fail_after_write.
    assert_eq!(api.get(&api.acct("/artists")).await.status, StatusCode::OK);
    let r = api
        .post(&api.acct("/artists"), &artist_body("Applied"))
        .await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        server
            .artists()
            .iter()
            .filter(|a| a.name == "Applied")
            .count(),
        1,
        "the write happened"
    );
    // A client that blindly retried would create a duplicate: the counters show it.
    let r = api
        .post(&api.acct("/artists"), &artist_body("Applied"))
        .await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(server.counters().writes_for("artists").creates, 2);
    assert_eq!(
        server
            .artists()
            .iter()
            .filter(|a| a.name == "Applied")
            .count(),
        2
    );
    // Rejected writes are not "applied", so they get their real error.
    let r = api
        .post(&api.acct("/artists"), &json!({"data": {"type": "artists"}}))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let c = server.counters();
    assert_eq!(c.faults_of("fail_after_write"), 2);
    assert_eq!(c.requests_for("createArtist"), 3);
}

#[tokio::test]
async fn latency_and_jitter_delay_answers() {
    let server = start().await;
    let api = Api::new(&server);
    server.set_faults(faults(|f| {
        f.latency_ms = 150;
        f.jitter_ms = 50;
    }));
    assert!(server.faults().is_active());
    let t = Instant::now();
    assert_eq!(api.get(&api.acct("/artists")).await.status, StatusCode::OK);
    let took = t.elapsed();
    assert!(took >= Duration::from_millis(150), "{took:?}");
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert_eq!(
        server.counters().total_faults(),
        0,
        "latency is not a fault"
    );
    server.clear_faults();
    let t = Instant::now();
    api.get(&api.acct("/artists")).await;
    assert!(t.elapsed() < Duration::from_millis(150));
}

#[tokio::test]
async fn random_faults_are_deterministic_per_seed() {
    let cfg = faults(|f| {
        f.error_500_rate = 0.2;
        f.error_503_rate = 0.2;
        f.rate_limit_rate = 0.2;
    });
    let run = |seed: u64| {
        let cfg = cfg.clone();
        async move {
            let server = start_with(MockConfig {
                seed,
                faults: cfg,
                ..MockConfig::default()
            })
            .await;
            let api = Api::new(&server);
            let mut statuses = Vec::new();
            for _ in 0..40 {
                statuses.push(api.get(&api.acct("/artists")).await.status.as_u16());
            }
            statuses
        }
    };
    let a = run(5).await;
    assert_eq!(a, run(5).await);
    assert_ne!(a, run(6).await);
    for s in [200, 500, 503, 429] {
        assert!(a.contains(&s), "{s} in {a:?}");
    }
}

#[tokio::test]
async fn faults_from_config_at_start() {
    let server = start_with(MockConfig {
        faults: faults(|f| f.error_503_rate = 1.0)
            .only(["listOrders"])
            .at_most(1),
        ..MockConfig::default()
    })
    .await;
    let api = Api::new(&server);
    assert_eq!(api.get(&api.acct("/artists")).await.status, StatusCode::OK);
    assert_eq!(
        api.get(&api.acct("/orders")).await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(api.get(&api.acct("/orders")).await.status, StatusCode::OK);
    server.reset();
    assert_eq!(
        api.get(&api.acct("/orders")).await.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "reset restores config faults"
    );
}
