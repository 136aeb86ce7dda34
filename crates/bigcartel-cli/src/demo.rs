//! `bigcartel mock` and `bigcartel demo`: the local mock server, and a guided walk through the API
//! against it.

use crate::{Failure, Outcome};
use bigcartel::oauth::OAuthApp;
use bigcartel::{Client, ListOrdersParams, ListProductsParams, OrderInput, PageOptions};
use bigcartel_mock::{MockConfig, MockServer};
use futures::TryStreamExt;
use std::sync::{Arc, Mutex};

#[derive(clap::Args)]
pub struct MockArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 4010)]
    port: u16,
    /// Seed for the generated shop (same seed, same shop).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Number of products.
    #[arg(long, default_value_t = 24)]
    products: usize,
    /// Number of orders.
    #[arg(long, default_value_t = 40)]
    orders: usize,
}

pub async fn mock(a: MockArgs) -> Outcome {
    let cfg = MockConfig {
        port: a.port,
        seed: a.seed,
        products: a.products,
        orders: a.orders,
        ..MockConfig::default()
    };
    let server = MockServer::start(cfg)
        .await
        .map_err(|e| Failure::Api(format!("cannot start the mock: {e}")))?;
    println!(
        "mock Big Cartel API on {} (account {}); Ctrl-C to stop",
        server.url(),
        server.account_id()
    );
    println!(
        "try: BIGCARTEL_API_URL={} BIGCARTEL_TOKEN=mock-token bigcartel products list",
        server.url()
    );
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| Failure::Api(e.to_string()))?;
    server.shutdown().await;
    Ok(())
}

fn step(n: u32, title: &str) {
    println!("\n{n}. {title}");
}

/// Starts the mock in-process and walks through OAuth, the account, products with their options
/// and categories, every unshipped order across pages, shipping one, and a signed webhook.
pub async fn run() -> Outcome {
    let cfg = MockConfig {
        products: 12,
        orders: 57,
        ..MockConfig::default()
    };
    let (client_id, client_secret, code) = (
        cfg.client_id.clone(),
        cfg.client_secret.clone(),
        cfg.oauth_code.clone(),
    );
    let server = MockServer::start(cfg)
        .await
        .map_err(|e| Failure::Api(format!("cannot start the mock: {e}")))?;
    let ua = crate::context::DEFAULT_USER_AGENT;
    println!(
        "Big Cartel API demo, against a local mock shop at {}",
        server.url()
    );
    println!(
        "(every call below is a real HTTP request; point --base-url at https://api.bigcartel.com for the real thing)"
    );

    step(1, "Connect with OAuth");
    let app = OAuthApp::new(client_id, client_secret.as_str(), ua)
        .redirect_uri("https://myapp.example/callback")
        .base_url(server.url());
    let state = OAuthApp::new_state();
    println!(
        "   send the shop owner to:\n     {}",
        app.authorize_url(&state)
    );
    println!(
        "   Big Cartel redirects back with ?code=...&state=...; the state must match (constant-time check): {}",
        OAuthApp::check_state(&state, &state)
    );
    let token = app.exchange_code(&code).await?;
    println!(
        "   exchanged the code for an access token ({:?}) for account {}",
        token.access_token,
        token.account_id.as_deref().unwrap_or("?")
    );

    step(2, "The account");
    let client = Client::builder(ua)
        .base_url(server.url())
        .bearer(token.access_token.clone())
        .build()?;
    let account = client.get_account().await?;
    let currency = account
        .currency
        .as_ref()
        .map(|c| c.id.clone())
        .unwrap_or_default();
    println!(
        "   {} ({}) — currency {currency}, plan {}",
        account.store_name.as_deref().unwrap_or("?"),
        account.url.as_deref().unwrap_or("?"),
        account
            .plan
            .as_ref()
            .and_then(|p| p.name.clone())
            .unwrap_or_default()
    );

    step(
        3,
        "Products, with options and categories resolved from `included`",
    );
    let products = client
        .list_products(&ListProductsParams::new().page_limit(3))
        .await?;
    println!(
        "   {} products in the shop; the first {}:",
        products.total.unwrap_or(0),
        products.items.len()
    );
    for p in &products.items {
        let options: Vec<String> = p
            .options
            .iter()
            .map(|o| {
                format!(
                    "{} {}",
                    o.name.as_deref().unwrap_or("?"),
                    o.price.as_deref().unwrap_or("?")
                )
            })
            .collect();
        let categories: Vec<&str> = p
            .categories
            .iter()
            .filter_map(|c| c.name.as_deref())
            .collect();
        println!(
            "   - {} [{}] options: {}; categories: {}",
            p.name.as_deref().unwrap_or("?"),
            p.status.as_ref().map_or("?", |s| s.as_str()),
            options.join(", "),
            categories.join(", ")
        );
    }

    step(
        4,
        "Every unshipped order, across pages (page size 4, 3 pages at a time)",
    );
    let unshipped = ListOrdersParams::new().filter_shipping_status("unshipped");
    let opts = PageOptions {
        page_size: 4,
        concurrency: 3,
        ..Default::default()
    };
    let orders: Vec<_> = client
        .list_orders_stream(unshipped.clone(), opts)
        .try_collect()
        .await?;
    let (requests, _) = client.stats();
    println!(
        "   {} unshipped orders ({} HTTP requests so far)",
        orders.len(),
        requests
    );
    let mut total_cents = 0i64;
    for o in &orders {
        total_cents += o
            .total
            .as_deref()
            .and_then(|t| bigcartel::money::to_minor_units(t, 2).ok())
            .unwrap_or(0);
    }
    println!(
        "   worth {} {currency} in total (exact decimal arithmetic, no floats)",
        bigcartel::money::from_minor_units(total_cents, 2)
    );
    let Some(first) = orders.first() else {
        return Err(Failure::Api("the mock shop has no unshipped orders".into()));
    };
    let items: Vec<String> = first
        .items
        .iter()
        .map(|i| {
            format!(
                "{} x {} ({})",
                i.quantity.unwrap_or(0),
                i.product_name.as_deref().unwrap_or("?"),
                i.product_option_name.as_deref().unwrap_or("-")
            )
        })
        .collect();
    println!(
        "   order {}: {} {} to {}, {}",
        first.id,
        first.customer_first_name.as_deref().unwrap_or(""),
        first.customer_last_name.as_deref().unwrap_or(""),
        first
            .shipping_country
            .as_ref()
            .and_then(|c| c.name.clone())
            .unwrap_or_default(),
        items.join(", ")
    );

    step(
        5,
        "A webhook receiver, verifying signatures with the app's client secret",
    );
    let received: Arc<Mutex<Vec<String>>> = Arc::default();
    let url = start_receiver(client_secret.clone(), received.clone()).await?;
    println!("   listening on {url}");
    let mock_with_hooks_note =
        "(the mock signs each webhook body with HMAC-SHA256, like Big Cartel)";
    println!("   {mock_with_hooks_note}");

    step(6, &format!("Mark order {} shipped", first.id));
    let shipped = client
        .update_order(&first.id, &OrderInput::new().shipping_status("shipped"))
        .await?;
    println!(
        "   order {} is now {}",
        shipped.id,
        shipped.shipping_status.as_ref().map_or("?", |s| s.as_str())
    );
    let payload = serde_json::json!({ "data": { "type": "orders", "id": shipped.id, "attributes": { "shipping_status": "shipped" } } });
    let status = server
        .send_webhook(&url, "order.updated", payload)
        .await
        .map_err(|e| Failure::Api(format!("webhook delivery failed: {e}")))?;
    println!("   the shop sent order.updated; our receiver answered {status}");
    for line in received.lock().map(|r| r.clone()).unwrap_or_default() {
        println!("   receiver: {line}");
    }
    let remaining = client.list_orders(&unshipped.page_limit(1)).await?;
    println!("   unshipped orders left: {}", remaining.total.unwrap_or(0));

    step(7, "Errors are typed");
    match client.get_product("999999").await {
        Err(e) => println!("   get_product(999999) -> {e}"),
        Ok(_) => println!("   unexpected: product 999999 exists"),
    }

    step(
        8,
        "Fulfillment: every unshipped order to a fulfillment center, exactly once",
    );
    println!(
        "   SKUs come from `SKU:` at the end of each product description joined with the option name;"
    );
    println!(
        "   DOMESTIC_DEFAULT or INTERNATIONAL_DEFAULT by destination; a SQLite ledger makes it crash-safe."
    );
    let dir = std::env::temp_dir().join(format!("bigcartel-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir)
        .map_err(|e| Failure::Api(format!("cannot create {}: {e}", dir.display())))?;
    let report = bigcartel_fulfillment::demo(client, &dir, None)
        .await
        .map_err(|e| Failure::Api(format!("fulfillment demo: {e}")))?;
    for line in report.to_string().lines() {
        println!("   {line}");
    }
    let after = server
        .orders()
        .iter()
        .filter(|o| o.shipping_status == "unshipped")
        .count();
    println!("   unshipped orders left in the shop: {after}");
    let _ = std::fs::remove_dir_all(&dir);

    server.shutdown().await;
    println!("\nDone. Next: `bigcartel mock` to keep a mock running, then `bigcartel --help`.");
    Ok(())
}

/// A tiny axum app that verifies and parses webhooks with the core's `verify_and_parse`.
async fn start_receiver(secret: String, log: Arc<Mutex<Vec<String>>>) -> Result<String, Failure> {
    use axum::body::Bytes;
    use axum::http::{HeaderMap, StatusCode};
    let handler = move |headers: HeaderMap, body: Bytes| {
        let secret = secret.clone();
        let log = log.clone();
        async move {
            let sig = headers
                .get(bigcartel::webhook::SIGNATURE_HEADER)
                .and_then(|v| v.to_str().ok());
            let (status, line) =
                match bigcartel::webhook::verify_and_parse(secret.as_bytes(), &body, sig) {
                    Ok(event) => (
                        StatusCode::NO_CONTENT,
                        format!(
                            "verified {} for account {} (resource {})",
                            event.event_type(),
                            event.account_id(),
                            event.resource_id().unwrap_or("?")
                        ),
                    ),
                    Err(e) => (
                        StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::BAD_REQUEST),
                        format!("rejected: {e}"),
                    ),
                };
            if let Ok(mut l) = log.lock() {
                l.push(line);
            }
            status
        }
    };
    let app = axum::Router::new().route("/webhooks", axum::routing::post(handler));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| Failure::Api(e.to_string()))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Failure::Api(e.to_string()))?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(format!("http://{addr}/webhooks"))
}
