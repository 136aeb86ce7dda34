//! The resource commands and `api` commands against the mock, and the state they leave.

use super::*;

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
