//! `fulfill serve` in headless Chromium (Debian's `chromium`, which `cargo xtask test`
//! installs for the npm tests): the whole connect flow against the mock's authorize page, the
//! merchant's status page once a worker has fulfilled the shop, the operators' page (with its
//! token), a
//! deauthorize webhook seen on the status page, and a reconnect then disconnect. No page uses
//! script; the browser only fills forms and follows redirects, with cookies, as a merchant's does.
//!
//! With `BIGCARTEL_UPDATE_SCREENSHOTS=1` the screenshots are written to the crate's
//! `docs/screenshots/` (checked in and linked from the README); otherwise to a temporary folder.
//!
//! `cargo test -p bigcartel-fulfillment --test browser -- --nocapture`

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bigcartel::Secret;
use bigcartel_fulfillment::pg::PgDatabase;
use bigcartel_fulfillment::reference::{ReferenceCenter, ReferenceConfig};
use bigcartel_fulfillment::service::web::{WebOptions, router};
use bigcartel_fulfillment::service::worker::WorkerOptions;
use bigcartel_fulfillment::service::{Merchants, TokenCipher};
use bigcartel_fulfillment::{HttpCenter, LedgerStore, OrderState};
use bigcartel_mock::{MockConfig, MockServer};
use common::pg::TestPg;
use common::{Expected, UA};
use headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption;
use headless_chrome::{Browser, LaunchOptions, Tab};

const OPERATOR: &str = "operator-token-for-browser-tests";
const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
const CHROMIUM: &str = "/usr/bin/chromium";

fn chromium() -> PathBuf {
    let path = std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from(CHROMIUM), PathBuf::from);
    assert!(
        path.is_file(),
        "{} is missing: install Debian's chromium (cargo xtask test does), or set CHROMIUM",
        path.display()
    );
    path
}

fn shots_dir(tmp: &Path) -> PathBuf {
    if std::env::var("BIGCARTEL_UPDATE_SCREENSHOTS").is_ok_and(|v| v == "1") {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots")
    } else {
        tmp.to_path_buf()
    }
}

fn shot(tab: &Tab, dir: &Path, name: &str) {
    let png = tab
        .capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true)
        .expect("screenshot");
    assert!(png.len() > 1000 && png.starts_with(b"\x89PNG"), "{name}");
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

/// Opens `url` and waits for `selector` (the page's own content, not the driver's navigation
/// events, which headless Chromium does not always send for a fresh tab).
fn goto(tab: &Tab, url: &str, selector: &str) {
    tab.navigate_to(url).unwrap();
    tab.wait_for_element(selector)
        .unwrap_or_else(|e| panic!("{selector} on {url}: {e}"));
}

fn text(tab: &Tab, selector: &str) -> String {
    tab.wait_for_element(selector)
        .unwrap_or_else(|e| panic!("{selector} on {}: {e}", tab.get_url()))
        .get_inner_text()
        .unwrap()
}

/// Fills the connect form, allows or denies on the mock's page; returns at the callback page.
fn connect(tab: &Tab, service: &str, merchant: &str, button: &str) {
    goto(tab, &format!("{service}/"), "#merchant_id");
    tab.wait_for_element("#merchant_id")
        .unwrap()
        .type_into(merchant)
        .unwrap();
    tab.wait_for_element("#connect").unwrap().click().unwrap();
    tab.wait_for_element(button).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_flow_status_pages_and_deauthorize_in_chromium() {
    let started = Instant::now();
    let chromium = chromium();
    let Some(pg) = TestPg::start() else { return };
    let db = PgDatabase::connect(pg.database("browser").await, 8)
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let service = format!("http://{}", listener.local_addr().unwrap());
    let webhook_url = format!("{service}/webhooks");
    let mock = MockServer::start(MockConfig {
        seed: 11,
        orders: 80,
        webhook_url: Some(webhook_url.clone()),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let expected = Expected::from_store(&mock.snapshot());
    let cipher = TokenCipher::from_base64(&Secret::new(KEY)).unwrap();
    let merchants = Merchants::new(db.clone());
    let app = router(
        merchants.clone(),
        cipher.clone(),
        WebOptions {
            public_url: service.clone(),
            client_id: "mock-client-id".into(),
            client_secret: Secret::new("mock-client-secret"),
            api_base_url: mock.url().into(),
            authorize_url: format!("{}/oauth/authorize", mock.url()),
            user_agent: UA.into(),
            operator_token: Secret::new(OPERATOR),
        },
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    let center = ReferenceCenter::start(ReferenceConfig::default())
        .await
        .unwrap();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(bigcartel_fulfillment::service::worker::run(
        merchants.clone(),
        cipher,
        HttpCenter::new(center.url()).unwrap(),
        WorkerOptions {
            name: "worker-1".into(),
            slots: 2,
            lease_ttl: Duration::from_secs(10),
            interval: Duration::from_millis(300),
            pass_budget: Duration::from_secs(30),
            request_budget: 10_000,
            poll: Duration::from_millis(50),
            settings: common::settings(),
            api_base_url: mock.url().into(),
            user_agent: UA.into(),
        },
        stopped,
    ));
    let tmp = tempfile::tempdir().unwrap();
    let dir = shots_dir(tmp.path());
    let account = mock.account_id().to_string();

    // The browser is driven from a blocking thread (the driver is synchronous); the service,
    // the mock and the worker go on in this runtime.
    let runtime = tokio::runtime::Handle::current();
    let (service2, dir2, account2, mock_arc) = (
        service.clone(),
        dir.clone(),
        account.clone(),
        Arc::new(mock),
    );
    let mock_for_browser = mock_arc.clone();
    let fulfilled = expected.fulfilled.len();
    let db2 = db.clone();
    let summary = tokio::task::spawn_blocking(move || {
        let (service, dir, account, mock) = (service2, dir2, account2, mock_for_browser);
        let browser = Browser::new(
            LaunchOptions::default_builder()
                .path(Some(chromium))
                .headless(true)
                // Root in CI: Chromium's sandbox needs an unprivileged user.
                .sandbox(false)
                .window_size(Some((1100, 1000)))
                .idle_browser_timeout(Duration::from_secs(60))
                .build()
                .unwrap(),
        )
        .expect("headless Chromium starts");
        let tab = browser.new_tab().unwrap();
        tab.set_default_timeout(Duration::from_secs(20));

        // 1. The connect page; a denied connection.
        goto(&tab, &format!("{service}/"), "#merchant_id");
        shot(&tab, &dir, "1-connect");
        connect(&tab, &service, "shop-deny", "#deny");
        tab.wait_for_element("#deny").unwrap().click().unwrap();
        assert!(text(&tab, "#outcome").contains("not connected"));

        // 2. Allow: the mock's authorize page, then the connected page.
        connect(&tab, &service, "shop-1", "#allow");
        assert_eq!(text(&tab, "#shop"), "mockshop");
        shot(&tab, &dir, "2-authorize");
        tab.wait_for_element("#allow").unwrap().click().unwrap();
        assert_eq!(text(&tab, "#account"), account);
        assert_eq!(text(&tab, "#merchant"), "shop-1");
        assert!(text(&tab, "#token").contains("characters"));
        shot(&tab, &dir, "3-connected");
        let link = tab
            .wait_for_element("#status-link")
            .unwrap()
            .get_attribute_value("href")
            .unwrap()
            .unwrap();

        // 3. Once the worker has fulfilled the shop: the merchant's status page.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let s = runtime.block_on(db2.ledger("shop-1").status()).unwrap();
            if s.count(OrderState::Done) as usize == fulfilled && s.in_progress() == 0 {
                break;
            }
            assert!(Instant::now() < deadline, "not fulfilled in time: {s}");
            std::thread::sleep(Duration::from_millis(100));
        }
        goto(&tab, &link, "#counts");
        assert_eq!(text(&tab, "td[data-state=done]"), fulfilled.to_string());
        tab.wait_for_element("#chart").unwrap();
        tab.wait_for_element("#held").unwrap();
        shot(&tab, &dir, "4-merchant-status");

        // 4. The operators' page, with the operators' token (without it the browser would show
        // its Basic login prompt, which a headless tab cannot answer: the refusal is checked
        // over HTTP in tests/service.rs).
        let bearer = format!("Bearer {OPERATOR}");
        tab.set_extra_http_headers(HashMap::from([("Authorization", bearer.as_str())]))
            .unwrap();
        goto(&tab, &format!("{service}/ops"), "#merchants");
        assert_eq!(
            text(&tab, "#merchant-count"),
            "1",
            "a denied connection stores nothing"
        );
        assert!(text(&tab, "#merchants").contains("shop-1"));
        shot(&tab, &dir, "5-operators");
        tab.set_extra_http_headers(HashMap::new()).unwrap();

        // 5. Big Cartel deauthorizes the app: the status page says so.
        let status = runtime
            .block_on(mock.send_webhook(
                &format!("{service}/webhooks"),
                "account.deauthorized",
                serde_json::json!({ "id": account }),
            ))
            .unwrap();
        assert_eq!(status, 200);
        goto(&tab, &link, "#connection");
        assert!(text(&tab, "#connection").contains("disconnected"));
        assert!(tab.find_element("#disconnect").is_err());

        // 6. Reconnect, then disconnect from the new status page.
        connect(&tab, &service, "shop-1", "#allow");
        tab.wait_for_element("#allow").unwrap().click().unwrap();
        let link = tab
            .wait_for_element("#status-link")
            .unwrap()
            .get_attribute_value("href")
            .unwrap()
            .unwrap();
        goto(&tab, &link, "#disconnect");
        assert_eq!(text(&tab, "#connection"), "connected");
        tab.wait_for_element("#disconnect")
            .unwrap()
            .click()
            .unwrap();
        assert!(text(&tab, "#outcome").contains("disconnected"));
        shot(&tab, &dir, "6-disconnected");
        format!("6 pages in Chromium, screenshots in {}", dir.display())
    })
    .await
    .unwrap();
    assert!(merchants.credentials("shop-1").await.unwrap().is_none());
    assert!(mock_arc.snapshot().is_deauthorized());
    let _ = stop.send(true);
    worker.await.unwrap();
    println!("browser: {summary}; {:.1?}", started.elapsed());
}
