//! Secrets from files or stdin, never from logs or the command line unwarned.

use super::*;

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
