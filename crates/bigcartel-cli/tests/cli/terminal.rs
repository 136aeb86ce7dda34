//! What reaches the terminal: no control characters from the network; a closed pipe ends quietly.

use super::*;

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
