//! The `bigcommerce-carts` binary against the mock: every command, `--json`, exit codes (0 done,
//! 1 the API said no, 2 bad usage), and the token never printed.

use bigcommerce_mock::{MockConfig, MockServer};
use serde_json::Value;
use std::process::{Command, Output};

const TOKEN: &str = "cli-secret-token";

async fn mock() -> MockServer {
    MockServer::start(MockConfig {
        token: TOKEN.into(),
        ..MockConfig::default()
    })
    .await
    .unwrap()
}

/// Runs the CLI against the mock, off the async runtime's threads.
async fn cli(server: &MockServer, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bigcommerce-carts"));
    cmd.args(args)
        .env("BIGCOMMERCE_BASE_URL", server.url())
        .env("BIGCOMMERCE_STORE_HASH", server.store_hash())
        .env("BIGCOMMERCE_TOKEN", TOKEN);
    let output = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    for stream in [&output.stdout, &output.stderr] {
        assert!(
            !String::from_utf8_lossy(stream).contains(TOKEN),
            "the token was printed"
        );
    }
    output
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> Value {
    assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

#[tokio::test(flavor = "multi_thread")]
async fn every_command_against_the_mock() {
    let server = mock().await;

    // A human summary: the lines and the totals.
    let out = cli(
        &server,
        &[
            "carts",
            "create",
            "--item",
            "77:102x2",
            "--item",
            "107",
            "--redirect-urls",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("Classic Tee (TEE-M)  x2  @25.00 = 50.00"),
        "{text}"
    );
    assert!(text.contains("total 62.50"), "{text}");
    assert!(text.contains("checkout https://"), "{text}");

    // JSON: the API's cart.
    let cart = json(
        &cli(
            &server,
            &[
                "carts",
                "create",
                "--json",
                "--item",
                "77x1,10=1003,11=For Joe",
                "--currency",
                "GBP",
            ],
        )
        .await,
    );
    let id = cart["id"].as_str().unwrap().to_string();
    assert_eq!(cart["currency"]["code"], "GBP");
    assert_eq!(cart["line_items"]["physical_items"][0]["variant_id"], 103);

    let got = json(&cli(&server, &["carts", "get", &id, "--json"]).await);
    let options = &got["line_items"]["physical_items"][0]["options"];
    assert_eq!(options[0]["value"], "Large");
    assert_eq!(options[1]["value"], "For Joe");

    let added = json(
        &cli(
            &server,
            &[
                "carts", "add-item", &id, "--item", "118x2", "--item", "126", "--json",
            ],
        )
        .await,
    );
    assert_eq!(
        added["line_items"]["physical_items"]
            .as_array()
            .unwrap()
            .len(),
        3
    );

    let updated = json(
        &cli(
            &server,
            &["carts", "update", &id, "--customer-id", "7", "--json"],
        )
        .await,
    );
    assert_eq!(updated["customer_id"], 7);

    let tote = added["line_items"]["physical_items"][1]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let changed = json(
        &cli(
            &server,
            &[
                "carts",
                "update-item",
                &id,
                &tote,
                "--product",
                "118",
                "--quantity",
                "1",
                "--json",
            ],
        )
        .await,
    );
    assert_eq!(changed["line_items"]["physical_items"][1]["quantity"], 1);

    // Another product for the line: 409, exit 1, the API's reason on stderr.
    let out = cli(
        &server,
        &[
            "carts",
            "update-item",
            &id,
            &tote,
            "--product",
            "77",
            "--quantity",
            "1",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("failed with 409"), "{}", stderr(&out));

    // 422 with the field.
    let out = cli(&server, &["carts", "add-item", &id, "--item", "126x9"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("line_items.0.quantity"),
        "{}",
        stderr(&out)
    );

    let out = cli(&server, &["carts", "redirect-urls", &id]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("checkout "), "{}", stdout(&out));

    // Remove every line; the last removal deletes the cart.
    let lines: Vec<String> = changed["line_items"]["physical_items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    for (n, line) in lines.iter().enumerate() {
        let out = cli(&server, &["carts", "delete-item", &id, line, "--json"]).await;
        let v = json(&out);
        if n + 1 < lines.len() {
            assert_eq!(v["id"], id.as_str());
        } else {
            assert_eq!(v["deleted"], true, "{v}");
        }
    }
    let out = cli(&server, &["carts", "get", &id]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("Cart not found"), "{}", stderr(&out));

    // Delete a whole cart.
    let cart = json(&cli(&server, &["carts", "create", "--item", "107", "--json"]).await);
    let id = cart["id"].as_str().unwrap();
    let out = cli(&server, &["carts", "delete", id]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("deleted"));
    assert!(!server.cart_exists(id));
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_errors_exit_2_and_api_errors_exit_1() {
    let server = mock().await;
    for args in [
        &["carts", "create"][..],
        &["carts", "create", "--item", "seventy-seven"],
        &["carts", "create", "--item", "77x", "--json"],
        &["carts", "frobnicate"],
        &["carts", "update", "c1"],
    ] {
        let out = cli(&server, args).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).is_empty());
    }
    // No credentials.
    let out = tokio::task::spawn_blocking({
        let url = server.url().to_string();
        move || {
            Command::new(env!("CARGO_BIN_EXE_bigcommerce-carts"))
                .args([
                    "--base-url",
                    &url,
                    "--store-hash",
                    "mockstore",
                    "carts",
                    "get",
                    "c1",
                ])
                .env_remove("BIGCOMMERCE_TOKEN")
                .output()
                .unwrap()
        }
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no access token"), "{}", stderr(&out));

    // A wrong token is the API's 401: exit 1, and neither token is printed.
    let out = cli(&server, &["--token", "other-secret", "carts", "get", "c1"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("401"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("other-secret"));
}

/// The token comes from the environment or a file (`-` for stdin), never needing the command line
/// (where other local users see it in the process list); `--token` still works but warns.
#[tokio::test(flavor = "multi_thread")]
async fn the_token_comes_from_a_file_or_stdin_and_the_flag_warns() {
    let server = mock().await;
    let (url, hash) = (server.url().to_string(), server.store_hash().to_string());
    let run = move |args: Vec<String>, stdin: Option<&'static str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_bigcommerce-carts"));
        cmd.args(&args)
            .env("BIGCOMMERCE_BASE_URL", &url)
            .env("BIGCOMMERCE_STORE_HASH", &hash)
            .env_remove("BIGCOMMERCE_TOKEN")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        {
            use std::io::Write;
            let mut input = child.stdin.take().unwrap();
            if let Some(text) = stdin {
                input.write_all(text.as_bytes()).unwrap();
            }
        }
        child.wait_with_output().unwrap()
    };
    let dir = std::env::temp_dir().join(format!("bc-token-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("token");
    std::fs::write(&file, format!("{TOKEN}\n")).unwrap();
    let get = |extra: &[&str]| {
        let mut v: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        v.extend(["carts", "get", "missing-cart"].map(String::from));
        v
    };
    // Authenticated either way: the mock answers 404 for the cart, not 401.
    for (args, stdin) in [
        (get(&["--token-file", file.to_str().unwrap()]), None),
        (get(&["--token-file", "-"]), Some(TOKEN)),
    ] {
        let out = tokio::task::spawn_blocking({
            let args = args.clone();
            let run = run.clone();
            move || run(args, stdin)
        })
        .await
        .unwrap();
        let err = stderr(&out);
        assert!(
            !err.contains("401") && !err.to_lowercase().contains("unauthorized"),
            "{args:?}: {err}"
        );
        assert!(
            err.contains("404") || err.to_lowercase().contains("not found"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("warning"), "{args:?}: {err}");
        assert!(!err.contains(TOKEN) && !stdout(&out).contains(TOKEN));
    }
    let out = tokio::task::spawn_blocking({
        let run = run.clone();
        move || run(get(&["--token", TOKEN]), None)
    })
    .await
    .unwrap();
    let err = stderr(&out);
    assert!(
        err.contains("warning") && err.contains("BIGCOMMERCE_TOKEN"),
        "{err}"
    );
    assert!(!err.contains(TOKEN), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
