//! The `bigcartel` binary end to end: spawned as a process against the mock server, asserting on
//! its output, its exit code and the mock's state afterwards.

use bigcartel_mock::{MockConfig, MockServer};
use serde_json::Value;
use std::io::Write;
use std::process::{Command, Output, Stdio};

const TOKEN: &str = "mock-token";

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_bigcartel"))
}

fn run_with(server: &MockServer, args: &[&str], extra_env: &[(&str, &str)]) -> Output {
    let mut cmd = bin();
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("BIGCARTEL_API_URL", server.url())
        .env("BIGCARTEL_TOKEN", TOKEN);
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    cmd.output().expect("the binary runs")
}

fn run(server: &MockServer, args: &[&str]) -> Output {
    run_with(server, args, &[])
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_str(&ok(out)).expect("--json output parses")
}

async fn mock() -> MockServer {
    MockServer::start(MockConfig {
        products: 15,
        orders: 130,
        ..MockConfig::default()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_and_countries() {
    let s = mock().await;
    let account = json(&run(&s, &["account", "--json"]));
    assert_eq!(account["id"], s.account_id().to_string());
    assert_eq!(account["currency"]["id"], "USD");
    let text = ok(&run(&s, &["account"]));
    assert!(
        text.contains("store_name") && text.contains("Mock Shop"),
        "{text}"
    );
    let countries = json(&run(&s, &["countries", "--json"]));
    assert!(
        countries
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == "US" && c["name"] == "United States")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn artists_and_categories_round_trip() {
    let s = mock().await;
    for (group, plural) in [("artists", "artists"), ("categories", "categories")] {
        let created = json(&run(
            &s,
            &[group, "create", "--name", "Night Shift", "--json"],
        ));
        let id = created["id"].as_str().unwrap().to_string();
        let listed = json(&run(&s, &[group, "list", "--json"]));
        assert!(
            listed
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["id"] == id.as_str() && a["name"] == "Night Shift")
        );
        let updated = json(&run(
            &s,
            &[group, "update", &id, "--name", "Day Shift", "--json"],
        ));
        assert_eq!(updated["name"], "Day Shift");
        let got = json(&run(&s, &[group, "get", &id, "--json"]));
        assert_eq!(got["name"], "Day Shift");
        // Reposition: the new one first, then the rest in their current order.
        let mut ids: Vec<String> = listed
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap().to_string())
            .collect();
        ids.retain(|i| *i != id);
        ids.insert(0, id.clone());
        let mut args = vec![group, "reposition"];
        args.extend(ids.iter().map(String::as_str));
        ok(&run(&s, &args));
        let first = json(&run(&s, &[group, "list", "--json"]))[0]["id"].clone();
        assert_eq!(first, id.as_str(), "{plural} reposition took effect");
        ok(&run(&s, &[group, "delete", &id]));
        let after = json(&run(&s, &[group, "list", "--json"]));
        assert!(
            !after
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["id"] == id.as_str())
        );
    }
    let counts = s.counters();
    assert_eq!(
        (
            counts.writes_for("artists").creates,
            counts.writes_for("artists").deletes
        ),
        (1, 1)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn products_filters_get_and_reposition() {
    let s = mock().await;
    let all = json(&run(&s, &["products", "list", "--all", "--json"]));
    assert_eq!(all.as_array().unwrap().len(), 15);
    let active = json(&run(
        &s,
        &["products", "list", "--status", "active", "--all", "--json"],
    ));
    assert!(
        active
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["status"] == "active")
    );
    assert_eq!(
        active.as_array().unwrap().len(),
        s.products().iter().filter(|p| p.status == "active").count()
    );
    let id = all[0]["id"].as_str().unwrap();
    let product = json(&run(&s, &["products", "get", id, "--json"]));
    assert!(!product["options"].as_array().unwrap().is_empty());
    assert!(
        product["options"][0]["price"].is_string(),
        "money stays a decimal string"
    );
    let table = ok(&run(&s, &["products", "list"]));
    assert!(
        table.starts_with("ID") && table.contains("PRICE"),
        "{table}"
    );
    let mut ids: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    ids.reverse();
    let mut args = vec!["products", "reposition"];
    args.extend(ids.iter().copied());
    ok(&run(&s, &args));
    let after = json(&run(&s, &["products", "list", "--all", "--json"]));
    assert_eq!(after[0]["id"], ids[0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_all_pages_update_and_ship() {
    let s = mock().await;
    let unshipped_in_mock = s
        .orders()
        .iter()
        .filter(|o| o.shipping_status == "unshipped")
        .count();
    let out = run(
        &s,
        &[
            "orders",
            "list",
            "--shipping-status",
            "unshipped",
            "--all",
            "--limit",
            "7",
            "--json",
        ],
    );
    let listed = json(&out);
    assert_eq!(listed.as_array().unwrap().len(), unshipped_in_mock);
    assert!(
        out.stderr.is_empty(),
        "no progress bar when not on a terminal"
    );
    let id = listed[0]["id"].as_str().unwrap().to_string();
    let updated = json(&run(
        &s,
        &[
            "orders",
            "update",
            &id,
            "--customer-email",
            "new@example.com",
            "--json",
        ],
    ));
    assert_eq!(updated["customer_email"], "new@example.com");
    let text = ok(&run(&s, &["orders", "ship", &id]));
    assert!(text.contains("shipped"), "{text}");
    let order = s.order(id.parse().unwrap()).unwrap();
    assert_eq!(
        (
            order.shipping_status.as_str(),
            order.customer_email.as_str()
        ),
        ("shipped", "new@example.com")
    );
    let searched = json(&run(
        &s,
        &["orders", "list", "--search", "new@example.com", "--json"],
    ));
    assert_eq!(searched.as_array().unwrap().len(), 1);
    let err = run(&s, &["orders", "update", &id]);
    assert_eq!(
        err.status.code(),
        Some(2),
        "nothing to update is a usage error"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discounts_round_trip() {
    let s = mock().await;
    let created = json(&run(
        &s,
        &[
            "discounts",
            "create",
            "--name",
            "Winter",
            "--code",
            "WINTER10",
            "--active-at",
            "2026-12-01T00:00:00Z",
            "--reward-type",
            "percent_discount",
            "--percent-discount",
            "10",
            "--json",
        ],
    ));
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["code"], "WINTER10");
    let got = json(&run(&s, &["discounts", "get", &id, "--json"]));
    assert_eq!(got["percent_discount"], 10);
    let updated = json(&run(
        &s,
        &[
            "discounts",
            "update",
            &id,
            "--name",
            "Winter",
            "--code",
            "WINTER15",
            "--active-at",
            "2026-12-01T00:00:00Z",
            "--reward-type",
            "flat_rate_discount",
            "--flat-rate-discount",
            "15.00",
            "--json",
        ],
    ));
    // The shop formats amounts its own way ("15.0"); the value is exact either way.
    let amount = updated["flat_rate_discount"].as_str().unwrap();
    assert_eq!(bigcartel::money::to_minor_units(amount, 2), Ok(1500));
    let active = json(&run(
        &s,
        &["discounts", "list", "--status", "active", "--json"],
    ));
    assert!(
        active
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["status"] == "active")
    );
    ok(&run(&s, &["discounts", "delete", &id]));
    assert!(s.discount(id.parse().unwrap()).is_none());
    let bad = run(
        &s,
        &[
            "discounts",
            "create",
            "--name",
            "x",
            "--code",
            "y",
            "--active-at",
            "z",
            "--reward-type",
            "flat_rate_discount",
            "--flat-rate-discount",
            "1e3",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oauth_flow_and_deauthorize() {
    let s = mock().await;
    let env = [
        ("BIGCARTEL_CLIENT_ID", "mock-client-id"),
        ("BIGCARTEL_CLIENT_SECRET", "mock-client-secret"),
    ];
    let url = json(&run_with(
        &s,
        &[
            "oauth",
            "authorize-url",
            "--redirect-uri",
            "https://app.example/cb",
            "--json",
        ],
        &env,
    ));
    let u = url["url"].as_str().unwrap();
    assert!(
        u.contains("client_id=mock-client-id") && u.contains("response_type=code"),
        "{u}"
    );
    assert!(u.contains(&format!("state={}", url["state"].as_str().unwrap())));
    // stdout is a pipe here, so the token is printed.
    let token = ok(&run_with(
        &s,
        &["oauth", "token", "--code", "mock-code"],
        &env,
    ))
    .trim()
    .to_string();
    assert!(!token.is_empty());
    let account = json(&run_with(
        &s,
        &["account", "--json"],
        &[("BIGCARTEL_TOKEN", &token)],
    ));
    assert_eq!(account["id"], s.account_id().to_string());
    let bad = run_with(&s, &["oauth", "token", "--code", "wrong"], &env);
    assert_eq!(bad.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&bad.stderr).contains("mock-client-secret"));
    ok(&run_with(
        &s,
        &["oauth", "deauthorize", &s.account_id().to_string()],
        &env,
    ));
    let after = run_with(&s, &["account"], &[("BIGCARTEL_TOKEN", &token)]);
    assert_eq!(after.status.code(), Some(1));
    let err = String::from_utf8_lossy(&after.stderr);
    assert!(err.contains("401") && !err.contains(&token), "{err}");
}

/// `bigcartel api`: operations by operationId with their parameters as flags, through the core's
/// table-driven path, against the mock.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_commands_reach_every_operation_with_flags() {
    let s = mock().await;
    let page = json(&run(
        &s,
        &[
            "api",
            "list-orders",
            "--filter-shipping-status",
            "unshipped",
            "--page-limit",
            "3",
        ],
    ));
    let items = page["items"].as_array().expect("a page of items");
    assert_eq!(items.len(), 3, "{page}");
    assert!(
        items.iter().all(|o| o["shipping_status"] == "unshipped"),
        "{page}"
    );
    let unshipped = s
        .orders()
        .iter()
        .filter(|o| o.shipping_status == "unshipped")
        .count();
    assert_eq!(page["total"], unshipped as u64, "{page}");

    // Every page, streamed by the core's paging.
    let all = json(&run(
        &s,
        &["api", "list-orders", "--all", "--page-limit", "40"],
    ));
    assert_eq!(all.as_array().map(Vec::len), Some(130));

    // A write: path parameter, attributes as flags; the mock's state changed.
    let id = items[0]["id"].as_str().unwrap().to_string();
    let updated = json(&run(
        &s,
        &["api", "update-order", &id, "--customer-first-name", "Robin"],
    ));
    assert_eq!(updated["customer_first_name"], "Robin");
    assert_eq!(
        s.order(id.parse().unwrap()).unwrap().customer_first_name,
        "Robin"
    );

    // A value the spec refuses is a usage error (exit 2) before anything is sent.
    let before = s.counters();
    let bad = run(&s, &["api", "list-orders", "--page-limit", "0"]);
    assert_eq!(
        bad.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    assert_eq!(s.counters(), before, "nothing was sent");
}

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fulfill_sync_and_status() {
    use bigcartel_fulfillment::reference::{ReferenceCenter, ReferenceConfig};
    let s = mock().await;
    let center = ReferenceCenter::start(ReferenceConfig {
        port: 0,
        ship_after_polls: 0,
        ..ReferenceConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fulfill.toml");
    std::fs::write(
        &config,
        format!(
            "[bigcartel]\nuser_agent = \"CliTest (test@example.com)\"\ntoken_env = \"BIGCARTEL_TOKEN\"\nbase_url = \"{}\"\n\n\
             [center]\nurl = \"{}\"\n\n[ledger]\npath = \"ledger.db\"\n",
            s.url(),
            center.url()
        ),
    )
    .unwrap();
    let cfg = config.to_str().unwrap();
    let unshipped_before = s
        .orders()
        .iter()
        .filter(|o| o.shipping_status == "unshipped")
        .count();
    // Passes until nothing is left to do: submit, then poll and mark shipped.
    for _ in 0..4 {
        let out = run(&s, &["fulfill", "--config", cfg, "--quiet", "sync"]);
        assert!(
            matches!(out.status.code(), Some(0) | Some(1)),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let status = json(&run(&s, &["fulfill", "--config", cfg, "status", "--json"]));
    let unshipped_after = s
        .orders()
        .iter()
        .filter(|o| o.shipping_status == "unshipped")
        .count();
    let submitted = center.snapshot().records.len();
    assert!(submitted > 0, "orders reached the center: {status}");
    assert_eq!(
        unshipped_before - unshipped_after,
        submitted,
        "every submitted order was marked shipped once"
    );
    assert!(status.to_string().contains("held"), "{status}");
}

/// Terminal control sequences a hostile shop, customer or server could put in a string: set the
/// window title (OSC ... BEL), clear the screen (CSI), the 8-bit CSI, and a bidi override.
const HOSTILE: &str = "Eve\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{202e}evil";

fn assert_no_controls(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let bad: Vec<char> = text
        .chars()
        .filter(|c| (c.is_control() && *c != '\n') || ('\u{202a}'..='\u{202e}').contains(c))
        .collect();
    assert!(
        bad.is_empty(),
        "{what}: control characters {bad:?} in {text:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn network_strings_reach_the_terminal_without_control_characters() {
    let s = mock().await;
    let id = s
        .orders()
        .iter()
        .find(|o| o.shipping_status == "unshipped")
        .unwrap()
        .id
        .to_string();
    // Customer-typed fields, stored on the server as typed.
    let set = run(
        &s,
        &[
            "orders",
            "update",
            &id,
            "--customer-first-name",
            HOSTILE,
            "--customer-last-name",
            HOSTILE,
            "--shipping-city",
            HOSTILE,
        ],
    );
    assert_no_controls("orders update (detail)", &set.stdout);
    ok(&set);
    assert!(
        s.order(id.parse().unwrap())
            .unwrap()
            .customer_first_name
            .contains('\u{1b}'),
        "the mock stored the escape"
    );
    for args in [
        vec!["orders", "list", "--search", "Eve"],
        vec!["orders", "get", &id],
        vec!["orders", "ship", &id],
    ] {
        let out = run(&s, &args);
        let text = ok(&out);
        assert!(
            text.contains("Eve") || args[1] == "ship",
            "{args:?}: {text}"
        );
        assert_no_controls(&format!("{args:?} stdout"), &out.stdout);
        assert_no_controls(&format!("{args:?} stderr"), &out.stderr);
    }
    let created = run(&s, &["artists", "create", "--name", HOSTILE]);
    assert_no_controls("artists create", &created.stdout);
    let out = run(&s, &["artists", "list"]);
    assert!(ok(&out).contains("Eve"));
    assert_no_controls("artists list", &out.stdout);
    // `--json` escapes them (JSON strings cannot hold raw control characters).
    let out = run(&s, &["orders", "get", &id, "--json"]);
    assert_no_controls("orders get --json", &out.stdout);
    assert_eq!(json(&out)["customer_first_name"], HOSTILE);

    // A server's error title and detail.
    let body =
        serde_json::json!({"errors": [{"status": "422", "title": HOSTILE, "detail": HOSTILE}]})
            .to_string();
    s.set_override(
        "getAccount",
        bigcartel_mock::CannedResponse::Custom {
            status: 422,
            content_type: "application/vnd.api+json".into(),
            body,
        },
    )
    .unwrap();
    let out = run(&s, &["account"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("422") && err.contains("Eve"), "{err}");
    assert_no_controls("error line", &out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// `bigcartel ... | head -1`: the reader goes away after one line; the CLI must end quietly as
/// Unix tools do (killed by SIGPIPE, or exit 0), not panic with exit 101.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_stdout_pipe_ends_the_cli_quietly() {
    use std::io::{BufRead, BufReader, Read};
    let s = MockServer::start(MockConfig {
        products: 5,
        orders: 1200,
        ..MockConfig::default()
    })
    .await
    .unwrap();
    // Both print far more than a pipe buffer (64 KiB), so writes fail once the reader is gone.
    for args in [
        &["orders", "list", "--all"][..],
        &["orders", "list", "--all", "--json"][..],
    ] {
        let mut child = bin()
            .args(args)
            .env_clear()
            .env("BIGCARTEL_API_URL", s.url())
            .env("BIGCARTEL_TOKEN", TOKEN)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(!first.is_empty(), "{args:?}: one line read");
        // The reader (and the pipe's read end) is dropped here, like `head -1` exiting.
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        let status = child.wait().unwrap();
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_ne!(status.code(), Some(101), "{args:?}: {status:?} {stderr}");
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            assert!(
                status.code() == Some(0) || status.signal() == Some(13),
                "{args:?}: {status:?} {stderr}"
            );
        }
    }
}

/// Runs the binary with only PATH and the API URL in the environment, `stdin` piped in.
fn run_stdin(server: &MockServer, args: &[&str], env: &[(&str, &str)], stdin: &[u8]) -> Output {
    let mut cmd = bin();
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("BIGCARTEL_API_URL", server.url())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_come_from_files_or_stdin() {
    let s = mock().await;
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    let token_path = token_file.to_str().unwrap();

    let out = run_stdin(
        &s,
        &["account", "--json", "--token-file", token_path],
        &[],
        b"",
    );
    assert_eq!(json(&out)["id"], s.account_id().to_string());
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    let out = run_stdin(
        &s,
        &["--token-file", "-", "account", "--json"],
        &[],
        format!("{TOKEN}\r\n").as_bytes(),
    );
    assert_eq!(json(&out)["id"], s.account_id().to_string());
    // The file wins over an inherited environment variable.
    let out = run_stdin(
        &s,
        &["account", "--json", "--token-file", token_path],
        &[("BIGCARTEL_TOKEN", "stale-token")],
        b"",
    );
    assert_eq!(json(&out)["id"], s.account_id().to_string());
    // Unreadable or empty: a usage error that does not quote the file.
    let empty = dir.path().join("empty");
    std::fs::write(&empty, "\n").unwrap();
    for path in [empty.to_str().unwrap(), "/nonexistent/token"] {
        let out = run_stdin(&s, &["account", "--token-file", path], &[], b"");
        assert_eq!(out.status.code(), Some(2), "{path}: {}", stderr(&out));
    }

    // HTTP Basic from a file.
    let basic = dir.path().join("basic");
    let cfg = s.config();
    std::fs::write(
        &basic,
        format!("{}:{}\n", cfg.basic_user, cfg.basic_password),
    )
    .unwrap();
    let out = run_stdin(
        &s,
        &["account", "--json", "--basic-file", basic.to_str().unwrap()],
        &[],
        b"",
    );
    assert_eq!(json(&out)["id"], s.account_id().to_string());

    // The webhook secret from a file, or from stdin with the body in a file.
    let body = br#"{"account_id":"1","type":"order.created","payload":{"id":"5"}}"#;
    let sig = bigcartel::webhook::sign(b"shh", body);
    let body_file = dir.path().join("body.json");
    std::fs::write(&body_file, body).unwrap();
    let secret_file = dir.path().join("secret");
    std::fs::write(&secret_file, "shh\n").unwrap();
    let verify = |secret: &str, stdin: &[u8], body: &str| {
        run_stdin(
            &s,
            &[
                "webhook",
                "verify",
                "--secret-file",
                secret,
                "--signature",
                &sig,
                body,
            ],
            &[],
            stdin,
        )
    };
    let out = verify(
        secret_file.to_str().unwrap(),
        b"",
        body_file.to_str().unwrap(),
    );
    assert!(ok(&out).contains("order.created"));
    assert!(!stderr(&out).contains("warning"));
    let out = verify(secret_file.to_str().unwrap(), body, "-");
    assert!(ok(&out).contains("order.created"));
    let out = verify("-", b"shh\n", body_file.to_str().unwrap());
    assert!(ok(&out).contains("order.created"));
    let out = verify("-", b"shh\n", "-");
    assert_eq!(out.status.code(), Some(2), "stdin cannot be both");

    // The OAuth client secret from a file.
    let client_secret = dir.path().join("client-secret");
    std::fs::write(&client_secret, format!("{}\n", cfg.client_secret)).unwrap();
    let out = run_stdin(
        &s,
        &[
            "oauth",
            "token",
            "--client-id",
            &cfg.client_id,
            "--client-secret-file",
            client_secret.to_str().unwrap(),
            "--code",
            &cfg.oauth_code,
        ],
        &[],
        b"",
    );
    assert!(!ok(&out).trim().is_empty());
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secret_flags_on_the_command_line_still_work_but_warn() {
    let s = mock().await;
    let out = run_stdin(&s, &["account", "--json", "--token", TOKEN], &[], b"");
    assert_eq!(json(&out)["id"], s.account_id().to_string());
    let err = stderr(&out);
    assert!(
        err.contains("warning") && err.contains("--token") && err.contains("BIGCARTEL_TOKEN"),
        "{err}"
    );
    assert!(
        !err.contains(TOKEN),
        "the warning does not repeat the secret: {err}"
    );
    // From the environment: no warning.
    let out = run_stdin(
        &s,
        &["account", "--json"],
        &[("BIGCARTEL_TOKEN", TOKEN)],
        b"",
    );
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));

    let body = br#"{"account_id":"1","type":"order.created","payload":{"id":"5"}}"#;
    let sig = bigcartel::webhook::sign(b"shh", body);
    let out = run_stdin(
        &s,
        &[
            "webhook",
            "verify",
            "--secret",
            "shh",
            "--signature",
            &sig,
            "-",
        ],
        &[],
        body,
    );
    assert!(ok(&out).contains("order.created"));
    let err = stderr(&out);
    assert!(err.contains("warning") && err.contains("--secret"), "{err}");
    let cfg = s.config();
    let out = run_stdin(
        &s,
        &[
            "oauth",
            "token",
            "--client-id",
            &cfg.client_id,
            "--client-secret",
            &cfg.client_secret,
            "--code",
            &cfg.oauth_code,
        ],
        &[],
        b"",
    );
    ok(&out);
    let err = stderr(&out);
    assert!(
        err.contains("warning") && err.contains("--client-secret"),
        "{err}"
    );
    assert!(!err.contains(&cfg.client_secret), "{err}");
    let basic = format!("{}:{}", cfg.basic_user, cfg.basic_password);
    let out = run_stdin(&s, &["account", "--basic", &basic], &[], b"");
    ok(&out);
    assert!(stderr(&out).contains("--basic"), "{}", stderr(&out));
}

#[test]
fn help_recommends_no_secret_on_the_command_line() {
    for args in [
        &["--help"][..],
        &["webhook", "verify", "--help"][..],
        &["oauth", "token", "--help"][..],
        &["oauth", "deauthorize", "--help"][..],
        &["account", "--help"][..],
    ] {
        let out = bin().args(args).env_clear().output().unwrap();
        let help = ok(&out);
        for bad in [
            "--secret \"$",
            "--token \"$",
            "--client-secret \"$",
            "--basic \"$",
        ] {
            assert!(!help.contains(bad), "{args:?} shows {bad}: {help}");
        }
    }
    let help = ok(&bin().arg("--help").output().unwrap());
    assert!(help.contains("--secret-file"), "{help}");
    let help = ok(&bin().args(["account", "--help"]).output().unwrap());
    assert!(help.contains("--token-file"), "{help}");
    let help = ok(&bin()
        .args(["webhook", "verify", "--help"])
        .output()
        .unwrap());
    assert!(help.contains("--secret-file"), "{help}");
}

/// `RUST_LOG` works (a subscriber is installed, writing to stderr) and even at `trace` the
/// credentials never reach the log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trace_logging_never_shows_the_token() {
    let s = mock().await;
    let out = run_with(&s, &["account", "--json"], &[("RUST_LOG", "trace")]);
    let id = json(&out)["id"].clone();
    assert_eq!(id, s.account_id().to_string());
    let err = stderr(&out);
    assert!(
        err.contains("TRACE") || err.contains("DEBUG"),
        "RUST_LOG=trace logs something: {err:?}"
    );
    assert!(!err.contains(TOKEN), "the token is in the log:\n{err}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(TOKEN));
    // A refused token, and Basic credentials, at trace level too.
    let out = run_with(
        &s,
        &["orders", "list"],
        &[
            ("RUST_LOG", "trace"),
            ("BIGCARTEL_TOKEN", "wrong-token-456"),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        !stderr(&out).contains("wrong-token-456"),
        "{}",
        stderr(&out)
    );
    let cfg = s.config();
    let basic = format!("{}:{}", cfg.basic_user, cfg.basic_password);
    let out = bin()
        .args(["account", "--json"])
        .env_clear()
        .env("BIGCARTEL_API_URL", s.url())
        .env("BIGCARTEL_BASIC_AUTH", &basic)
        .env("RUST_LOG", "trace")
        .output()
        .unwrap();
    ok(&out);
    let err = stderr(&out);
    assert!(!err.contains(&cfg.basic_password), "{err}");
    // Without RUST_LOG: warnings and errors only, so a clean run prints nothing on stderr.
    let out = run(&s, &["account", "--json"]);
    ok(&out);
    assert_eq!(stderr(&out), "");
}

/// `--json` carries what the spec does not declare: the shared "unknown things" orders document
/// (tests/vectors/unknown-things.json), served by the mock as the live API would send it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_output_keeps_what_the_spec_does_not_declare() {
    let s = mock().await;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/vectors/unknown-things.json");
    let vectors: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let case = vectors["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["decode"] == "orders")
        .unwrap();
    s.set_override(
        "listOrders",
        bigcartel_mock::CannedResponse::Custom {
            status: 200,
            content_type: "application/vnd.api+json".into(),
            body: case["document"].to_string(),
        },
    )
    .unwrap();
    let orders = json(&run(&s, &["orders", "list", "--json"]));
    for check in case["checks"].as_array().unwrap() {
        let mut v = &orders;
        for step in check["path"].as_array().unwrap() {
            v = match step {
                Value::Number(n) => &v[n.as_u64().unwrap() as usize],
                Value::String(k) => &v[k.as_str()],
                _ => unreachable!(),
            };
        }
        assert_eq!(v, &check["equals"], "{}", check["path"]);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn with_products_fills_in_the_products_an_orders_list_does_not_include() {
    let s = mock().await;
    let args = ["orders", "list", "--json", "--limit", "20"];
    // The orders list names each line item's product without including it.
    let bare = json(&run(&s, &args));
    let items = |orders: &Value| -> Vec<Value> {
        orders
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|o| o["items"].as_array().unwrap().clone())
            .collect()
    };
    let bare_items = items(&bare);
    assert!(!bare_items.is_empty());
    assert!(
        bare_items.iter().all(|i| i["product"]["resolved"] == false
            && i["product"]["options"] == serde_json::json!([]))
    );

    let filled = json(&run(&s, &[&args[..], &["--with-products"]].concat()));
    let filled_items = items(&filled);
    assert_eq!(filled_items.len(), bare_items.len());
    for (bare, item) in bare_items.iter().zip(&filled_items) {
        let product = &item["product"];
        assert_eq!(product["id"], bare["product"]["id"]);
        assert_eq!(product["resolved"], true, "{item}");
        assert!(product["name"].is_string(), "{product}");
        assert!(!product["options"].as_array().unwrap().is_empty());
    }
    // One request per distinct product, not one per line item.
    let distinct: std::collections::BTreeSet<_> = bare_items
        .iter()
        .map(|i| i["product"]["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        s.counters().requests_for("getProduct"),
        distinct.len() as u64,
        "each product fetched once"
    );
}

/// Every option of the core's `ClientOptions` is a flag (with its environment variable) of every
/// command, documented with the core's own words, and reaches the client: a retry setting given
/// as a flag changes how many requests a failing call makes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_core_option_is_a_flag_that_reaches_the_client() {
    use clap::Args;
    let core = bigcartel::ClientOptions::augment_args(clap::Command::new("core"));
    let help = bin().args(["orders", "list", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout).to_string();
    let mut checked = 0;
    for arg in core.get_arguments() {
        let long = arg.get_long().expect("every option is a long flag");
        assert!(
            help.contains(&format!("--{long}")),
            "no --{long} in:\n{help}"
        );
        let env = arg
            .get_env()
            .expect("every option has an environment variable");
        assert!(
            help.contains(env.to_str().unwrap()),
            "no {env:?} in:\n{help}"
        );
        let doc = arg
            .get_help()
            .expect("every option is documented")
            .to_string();
        let first_words: String = doc.split_whitespace().take(4).collect::<Vec<_>>().join(" ");
        let flat_help = help.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat_help.contains(&first_words),
            "{long}: `{first_words}` not in help"
        );
        checked += 1;
    }
    assert!(checked >= 9, "only {checked} options");

    // The mock answers 503 three times; with --max-retries 1 the call fails after 2 attempts.
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    server.set_faults(
        bigcartel_mock::FaultConfig {
            error_503_rate: 1.0,
            ..bigcartel_mock::FaultConfig::default()
        }
        .at_most(3),
    );
    let out = run(
        &server,
        &[
            "--max-retries",
            "1",
            "--retry-base-delay-ms",
            "1",
            "account",
        ],
    );
    assert!(!out.status.success(), "{out:?}");
    let out = run(&server, &["--max-retries", "0", "--json", "account"]);
    assert!(
        !out.status.success(),
        "the third 503 fails a call that may not retry: {out:?}"
    );
    let out = run(&server, &["--json", "account"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
