//! The configuration file and the `bigcartel-fulfill` command line.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use bigcartel_fulfillment::Config;
use bigcartel_fulfillment::config::{ConfigError, EXAMPLE};

const BIN: &str = env!("CARGO_BIN_EXE_bigcartel-fulfill");

#[test]
fn the_example_parses_and_relative_paths_follow_the_file() {
    let c = Config::parse(EXAMPLE, Path::new("/etc/fulfill")).unwrap();
    assert_eq!(c.ledger.path, Path::new("/etc/fulfill/fulfillment.db"));
    assert_eq!(c.run.retry_max, Duration::from_secs(3600));
    assert_eq!(c.sku.ignore_option_names, vec!["Default".to_string()]);
    let settings = c.settings().unwrap();
    assert_eq!(settings.services.len(), 2);
    assert!(settings.require_paid);
    // The binary prints the same text.
    let out = Command::new(BIN).arg("example-config").output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), EXAMPLE);
}

#[test]
fn bad_configurations_say_what_is_wrong() {
    let base = r#"
[bigcartel]
user_agent = "x (x@example.com)"
[center]
url = "http://127.0.0.1:1"
[ledger]
path = "l.db"
"#;
    assert!(Config::parse(base, Path::new(".")).is_ok());
    let cases = [
        (
            "[shipping.services]\nEXPRESS = \"UPS\"",
            "DOMESTIC_DEFAULT and INTERNATIONAL_DEFAULT",
        ),
        ("[shipping]\nhome_country = \"USA\"", "home_country"),
        ("[run]\nconcurrency = 0", "concurrency"),
        ("[run]\ninterval = \"soon\"", "soon"),
        ("[run]\npage_size = 500", "page_size"),
        ("[surprise]\nx = 1", "surprise"),
    ];
    for (extra, needle) in cases {
        let err = Config::parse(&format!("{base}\n{extra}"), Path::new(".")).unwrap_err();
        assert!(err.to_string().contains(needle), "{extra}: {err}");
    }
}

#[test]
fn secrets_come_from_the_environment_and_never_show() {
    // An API address where nothing listens: the test never leaves this machine.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let text = format!(
        "{}\n[webhook]\nlisten = \"127.0.0.1:0\"\nsecret_env = \"FULFILL_TEST_UNSET_SECRET\"\n",
        EXAMPLE
            .replace("BIGCARTEL_TOKEN", "FULFILL_TEST_UNSET_TOKEN")
            .replace(
                "# base_url = \"https://api.bigcartel.com\"",
                &format!("base_url = \"http://127.0.0.1:{port}\""),
            )
    );
    assert!(text.contains(&format!("127.0.0.1:{port}")));
    let c = Config::parse(&text, Path::new(".")).unwrap();
    match c.client() {
        Err(ConfigError::MissingSecret(name)) => assert_eq!(name, "FULFILL_TEST_UNSET_TOKEN"),
        other => panic!("{other:?}"),
    }
    assert!(c.run_options().is_err());
    // Set only for a child process, so this test changes nothing in its own environment.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.toml");
    std::fs::write(&path, &text).unwrap();
    let out = Command::new(BIN)
        .args(["--config"])
        .arg(&path)
        .arg("sync")
        .env("FULFILL_TEST_UNSET_TOKEN", "tok-super-secret")
        .env("FULFILL_TEST_UNSET_SECRET", "whsec-super-secret")
        .output()
        .unwrap();
    // Nothing listens at the configured API: the run fails, and says so without the token.
    assert!(!out.status.success());
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.contains("error"), "{all}");
    assert!(!all.contains("super-secret"), "{all}");

    let options = bigcartel_fulfillment::webhook::WebhookOptions {
        listen: ([127, 0, 0, 1], 0).into(),
        path: "/h".into(),
        secret: bigcartel::Secret::new("whsec-super-secret"),
        limits: Default::default(),
    };
    assert!(!format!("{options:?}").contains("super-secret"));
}

#[test]
fn status_works_on_a_fresh_ledger_without_network_or_token() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.toml");
    std::fs::write(&path, EXAMPLE).unwrap();
    let out = Command::new(BIN)
        .args(["--config"])
        .arg(&path)
        .args(["status", "--json"])
        .env_remove("BIGCARTEL_TOKEN")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["counts"]["done"], 0);
    assert!(v["held"].as_array().unwrap().is_empty());
}
