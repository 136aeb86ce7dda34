//! The `bigcartel-mock` binary: secrets from files rather than arguments, and `RUST_LOG`.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::HeaderMap;
use tokio::sync::mpsc;

/// Kills the child when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the binary on a free port and returns it with its URL (from its first stdout line).
fn spawn(args: &[&str], env: &[(&str, &str)]) -> (Running, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bigcartel-mock"));
    cmd.args(["--port", "0", "--quiet"])
        .args(args)
        .env_clear()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = Running(cmd.spawn().expect("the binary starts"));
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .to_string();
    (child, url)
}

/// Everything the child wrote to stderr, after stopping it.
fn stop(mut child: Running) -> String {
    let _ = child.0.kill();
    let _ = child.0.wait();
    let mut err = String::new();
    if let Some(mut e) = child.0.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    err
}

/// The signature the mock sends to a loopback receiver when asked through its admin API.
async fn signed_by(url: &str) -> (String, Vec<u8>) {
    let (tx, mut rx) = mpsc::unbounded_channel::<(HeaderMap, Bytes)>();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |h: HeaderMap, b: Bytes| {
            let _ = tx.send((h, b));
            async { "ok" }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let r = bigcartel::http_client_builder()
        .build()
        .unwrap()
        .post(format!("{url}/__mock/webhooks"))
        .json(&serde_json::json!({"type": "order.created", "payload": {}, "url": hook}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    let (h, b) = tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .unwrap()
        .unwrap();
    let sig = h["x-webhook-signature"].to_str().unwrap().to_string();
    (sig, b.to_vec())
}

#[tokio::test]
async fn the_client_secret_comes_from_a_file_and_the_flag_warns() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("secret");
    std::fs::write(&file, "from-a-file\n").unwrap();
    let (child, url) = spawn(&["--client-secret-file", file.to_str().unwrap()], &[]);
    let (sig, body) = signed_by(&url).await;
    assert!(bigcartel::webhook::verify(b"from-a-file", &body, Some(&sig)).is_ok());
    let err = stop(child);
    assert!(!err.contains("warning"), "{err}");

    let (child, url) = spawn(&["--client-secret", "on-the-command-line"], &[]);
    let (sig, body) = signed_by(&url).await;
    assert!(bigcartel::webhook::verify(b"on-the-command-line", &body, Some(&sig)).is_ok());
    let err = stop(child);
    assert!(
        err.contains("warning") && err.contains("--client-secret"),
        "{err}"
    );
    assert!(!err.contains("on-the-command-line"), "{err}");

    // From the environment: no warning.
    let (child, url) = spawn(&[], &[("BIGCARTEL_MOCK_CLIENT_SECRET", "from-the-env")]);
    let (sig, body) = signed_by(&url).await;
    assert!(bigcartel::webhook::verify(b"from-the-env", &body, Some(&sig)).is_ok());
    assert!(!stop(child).contains("warning"));

    // The accepted bearer token from a file.
    let token = dir.path().join("token");
    std::fs::write(&token, "file-token\n").unwrap();
    let (child, url) = spawn(&["--token-file", token.to_str().unwrap()], &[]);
    let status = bigcartel::http_client_builder()
        .build()
        .unwrap()
        .get(format!("{url}/v1/accounts"))
        .header("User-Agent", "t")
        .header("Accept", "application/vnd.api+json")
        .bearer_auth("file-token")
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 200);
    stop(child);
}

#[tokio::test]
async fn rust_log_reaches_stderr() {
    let (child, url) = spawn(&[], &[("RUST_LOG", "debug")]);
    signed_by(&url).await;
    let err = stop(child);
    assert!(
        err.contains("DEBUG") && err.contains("webhook delivered"),
        "{err:?}"
    );
    // By default: warnings only, so a delivery that worked logs nothing.
    let (child, url) = spawn(&[], &[]);
    signed_by(&url).await;
    assert_eq!(stop(child), "");
}
