//! JSON output keeps what the spec does not declare; options reach the client as flags.

use super::*;

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
