//! `bigcartel-fulfill` logs security-relevant refusals at warn (to stderr, by default and under
//! `RUST_LOG`), and never the secrets involved.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

use bigcartel_fulfillment::config::EXAMPLE;
use bigcartel_fulfillment::reference::{ReferenceCenter, ReferenceConfig};

const BIN: &str = env!("CARGO_BIN_EXE_bigcartel-fulfill");
const TOKEN: &str = "tok-log-secret-123";
const SIGNING_KEY: &str = "whsec-log-secret-456";
const CENTER_TOKEN: &str = "center-tok-789";

/// Kills the child however the test ends.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn run_and_refuse(rust_log: Option<&str>) -> String {
    let mock = bigcartel_mock::MockServer::start(bigcartel_mock::MockConfig {
        seed: 51,
        orders: 10,
        token: TOKEN.into(),
        client_secret: SIGNING_KEY.into(),
        ..Default::default()
    })
    .await
    .unwrap();
    let center = ReferenceCenter::start(ReferenceConfig::default())
        .await
        .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let text = format!(
        "{}\n[webhook]\nlisten = \"127.0.0.1:{port}\"\npath = \"/hooks\"\nsecret_env = \"FULFILL_LOG_TEST_SECRET\"\n",
        EXAMPLE
            .replace("BIGCARTEL_TOKEN", "FULFILL_LOG_TEST_TOKEN")
            .replace(
                "# base_url = \"https://api.bigcartel.com\"",
                &format!("base_url = \"{}\"", mock.url()),
            )
            .replace("http://127.0.0.1:8088", center.url())
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.toml");
    std::fs::write(&path, &text).unwrap();
    let mut cmd = Command::new(BIN);
    cmd.args(["--config"])
        .arg(&path)
        .args(["run", "--interval", "1h"])
        .env("FULFILL_LOG_TEST_TOKEN", TOKEN)
        .env("FULFILL_LOG_TEST_SECRET", SIGNING_KEY)
        .env(bigcartel_fulfillment::CENTER_TOKEN_ENV, CENTER_TOKEN)
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(filter) = rust_log {
        cmd.env("RUST_LOG", filter);
    }
    let mut child = Child(cmd.spawn().unwrap());

    let url = format!("http://127.0.0.1:{port}/hooks");
    let http = bigcartel::http_client_builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let forged: &[u8] = br#"{"account_id":"12345","type":"order.created","payload":{"id":"1"}}"#;
    let bad_signature = bigcartel::webhook::sign(b"not-the-key", forged);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    let status = loop {
        match http
            .post(&url)
            .header(bigcartel::webhook::SIGNATURE_HEADER, &bad_signature)
            .body(forged)
            .send()
            .await
        {
            Ok(resp) => break resp.status().as_u16(),
            Err(_) => {
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "the receiver never started"
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    };
    assert_eq!(status, 401);
    // Validly signed, for another shop.
    let other: &[u8] = br#"{"account_id":"99999","type":"order.created","payload":{"id":"1"}}"#;
    let resp = http
        .post(&url)
        .header(
            bigcartel::webhook::SIGNATURE_HEADER,
            bigcartel::webhook::sign(SIGNING_KEY.as_bytes(), other),
        )
        .body(other)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    // The first pass submits an order, with the center's token.
    while center.snapshot().stats.created == 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no order reached the center"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Let the log lines reach the pipe, then stop the process.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let _ = child.0.kill();
    let _ = child.0.wait();
    let mut out = String::new();
    child
        .0
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    let mut stdout = String::new();
    child
        .0
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    for secret in [TOKEN, SIGNING_KEY, CENTER_TOKEN, bad_signature.as_str()] {
        assert!(
            !out.contains(secret) && !stdout.contains(secret),
            "{secret} in the output:\n{out}\n{stdout}"
        );
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_webhooks_leave_a_warning_without_secrets() {
    let out = run_and_refuse(None).await;
    println!("stderr:\n{out}");
    let refused = out
        .lines()
        .find(|l| l.contains("WARN") && l.contains("webhook refused"));
    assert!(refused.is_some(), "no warning for a bad signature:\n{out}");
    assert!(
        out.lines()
            .any(|l| l.contains("WARN") && l.contains("another account") && l.contains("99999")),
        "no warning for another account's webhook:\n{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rust_log_sets_the_level() {
    let out = run_and_refuse(Some("error")).await;
    assert!(!out.contains("webhook refused"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn even_trace_logs_hold_no_secrets() {
    // `run_and_refuse` checks the token, the signing key and the signature are absent.
    let out = run_and_refuse(Some("trace")).await;
    let lines = out.lines().count();
    println!("{lines} lines at trace");
    assert!(out.contains("webhook refused"), "{out}");
    // Trace reaches the HTTP stack (where a header could leak), not just this crate.
    assert!(out.contains("TRACE") && lines > 20, "{out}");
}
