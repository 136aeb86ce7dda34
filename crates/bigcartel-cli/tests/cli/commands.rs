//! Webhook verification, errors and exit codes, completions, the demo and the mock subcommand.

use super::*;

#[test]
fn webhook_verify_exit_codes() {
    let body = br#"{"account_id":"1","type":"order.created","payload":{"id":"5"}}"#;
    let sig = bigcartel::webhook::sign(b"shh", body);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("body.json");
    std::fs::write(&file, body).unwrap();
    let out = bin()
        .args([
            "webhook",
            "verify",
            "--secret",
            "shh",
            "--signature",
            &sig,
            file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("order.created"));
    // From stdin, with a wrong secret.
    let mut child = bin()
        .args([
            "webhook",
            "verify",
            "--secret",
            "nope",
            "--signature",
            &sig,
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(body).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid"));
    let out = bin()
        .args([
            "webhook",
            "verify",
            "--secret",
            "shh",
            "--signature",
            "zz",
            file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_are_one_line_with_the_right_exit_code() {
    let s = mock().await;
    let out = run(&s, &["products", "get", "999999"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("404") && err.contains("Not Found"), "{err}");

    let out = bin()
        .args(["account"])
        .env_clear()
        .env("BIGCARTEL_API_URL", s.url())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "no credentials is a usage error"
    );
    let out = bin()
        .args(["account", "--basic", "nocolon"])
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = bin().args(["frobnicate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = bin()
        .args([
            "account",
            "--base-url",
            "http://example.com",
            "--token",
            "secret-token-value",
        ])
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("secret-token-value"));
    // A wrong token: 401, and the token is not echoed.
    let out = run_with(&s, &["account"], &[("BIGCARTEL_TOKEN", "wrong-token-123")]);
    assert_eq!(out.status.code(), Some(1));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        all.contains("401") && !all.contains("wrong-token-123"),
        "{all}"
    );
}

#[test]
fn completions_and_help() {
    let out = bin().args(["completions", "bash"]).output().unwrap();
    assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("bigcartel"));
    let out = bin().args(["--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("Examples:") && help.contains("orders"),
        "{help}"
    );
}

#[test]
fn demo_walks_the_whole_flow() {
    let out = bin().arg("demo").env_clear().output().unwrap();
    let text = ok(&out);
    for expected in [
        "exchanged the code",
        "options:",
        "unshipped orders",
        "is now shipped",
        "receiver: verified order.updated",
        "404",
        "marked shipped in Big Cartel",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert!(!text.contains("mock-client-secret"));
}

#[test]
fn mock_subcommand_serves_until_killed() {
    use std::io::{BufRead, BufReader};
    let mut child = bin()
        .args(["mock", "--port", "0", "--products", "3"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .to_string();
    let out = bin()
        .args([
            "products",
            "list",
            "--json",
            "--base-url",
            &url,
            "--token",
            TOKEN,
        ])
        .output()
        .unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    let products: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(products.as_array().unwrap().len(), 3);
}
