//! `fulfill serve` over HTTP: the connect flow against the mock's authorize page (Allow and
//! Deny, forged and replayed states), the token sealed at rest, a worker fulfilling the
//! connected shop's orders, the merchant's status page and disconnect, the operators' page, and
//! webhooks (signature first, `order.created`, `account.deauthorized`). The web front and the
//! worker run in this process on a throwaway PostgreSQL; the mock and the reference center too.
//!
//! `cargo test -p bigcartel-fulfillment --test service -- --nocapture`

mod common;

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
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};

const OPERATOR: &str = "operator-token-for-tests";
const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="; // 32 bytes, base64

struct Service {
    url: String,
    merchants: Merchants,
    cipher: TokenCipher,
    http: reqwest::Client,
}

fn no_redirects() -> reqwest::Client {
    bigcartel::http_client_builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Starts the web front on a free port whose URL the mock's webhooks need first.
async fn start_web(db: &PgDatabase, mock_url: &str, listener: tokio::net::TcpListener) -> Service {
    let url = format!("http://{}", listener.local_addr().unwrap());
    let cipher = TokenCipher::from_base64(&Secret::new(KEY)).unwrap();
    let merchants = Merchants::new(db.clone());
    let app = router(
        merchants.clone(),
        cipher.clone(),
        WebOptions {
            public_url: url.clone(),
            client_id: "mock-client-id".into(),
            client_secret: Secret::new("mock-client-secret"),
            api_base_url: mock_url.into(),
            authorize_url: format!("{mock_url}/oauth/authorize"),
            user_agent: UA.into(),
            operator_token: Secret::new(OPERATOR),
        },
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    Service {
        url,
        merchants,
        cipher,
        http: no_redirects(),
    }
}

/// The connect flow up to Big Cartel's answer: returns the callback URL and the state cookie.
async fn authorize(svc: &Service, merchant: &str, decision: &str) -> (String, String) {
    let resp = svc
        .http
        .post(format!("{}/connect", svc.url))
        .form(&[("merchant_id", merchant)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let cookie = resp.headers()[SET_COOKIE].to_str().unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let cookie = cookie.split(';').next().unwrap().to_string();
    let authorize = resp.headers()[LOCATION].to_str().unwrap().to_string();
    let page = svc.http.get(&authorize).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("id=\"allow\""));
    let url = reqwest::Url::parse(&authorize).unwrap();
    let mut form: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    form.push(("decision".into(), decision.into()));
    let answer = svc
        .http
        .post(format!(
            "{}://{}/oauth/authorize",
            url.scheme(),
            url.authority()
        ))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 303);
    let callback = answer.headers()[LOCATION].to_str().unwrap().to_string();
    assert!(
        callback.starts_with(&format!("{}/oauth/callback?", svc.url)),
        "{callback}"
    );
    (callback, cookie)
}

async fn get_text(svc: &Service, url: &str, cookie: Option<&str>) -> (u16, String) {
    let mut req = svc.http.get(url);
    if let Some(c) = cookie {
        req = req.header(COOKIE, c);
    }
    let resp = req.send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let i = text
        .find(start)
        .unwrap_or_else(|| panic!("{start} in {text}"))
        + start.len();
    let j = text[i..].find(end).unwrap() + i;
    &text[i..j]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_flow_status_pages_webhooks_and_disconnect_over_http() {
    let started = Instant::now();
    let _ = tracing_subscriber::fmt()
        .with_env_filter("warn")
        .with_test_writer()
        .try_init();
    let Some(pg) = TestPg::start() else { return };
    let db = PgDatabase::connect(pg.database("service").await, 8)
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let webhook_url = format!("http://{}/webhooks", listener.local_addr().unwrap());
    let mock = MockServer::start(MockConfig {
        seed: 7,
        orders: 60,
        webhook_url: Some(webhook_url.clone()),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let expected = Expected::from_store(&mock.snapshot());
    assert!(!expected.fulfilled.is_empty() && !expected.held.is_empty());
    let svc = start_web(&db, mock.url(), listener).await;

    // The connect page.
    let (status, body) = get_text(&svc, &format!("{}/", svc.url), None).await;
    assert_eq!(status, 200);
    assert!(body.contains("name=\"merchant_id\"") && !body.contains("<script"));
    // A bad merchant id is refused before anything is stored.
    let bad = svc
        .http
        .post(format!("{}/connect", svc.url))
        .form(&[("merchant_id", "<script>")])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert!(!bad.text().await.unwrap().contains("<script>"));

    // Deny: nothing connected.
    let (callback, cookie) = authorize(&svc, "shop-2", "deny").await;
    let (status, body) = get_text(&svc, &callback, Some(&cookie)).await;
    assert_eq!(status, 200);
    assert!(body.contains("not connected"), "{body}");
    assert!(svc.merchants.get("shop-2").await.unwrap().is_none());

    // A state from another browser (no or another cookie) is refused, and consumes nothing.
    let (callback, cookie) = authorize(&svc, "shop-1", "allow").await;
    assert_eq!(get_text(&svc, &callback, None).await.0, 400);
    let forged = format!("bcf_oauth_state={}", "0".repeat(64));
    assert_eq!(get_text(&svc, &callback, Some(&forged)).await.0, 400);
    // Allow: connected, the token shown masked.
    let (status, body) = get_text(&svc, &callback, Some(&cookie)).await;
    assert_eq!(status, 200, "{body}");
    let account = mock.account_id().to_string();
    assert_eq!(between(&body, "id=\"account\">", "<"), account);
    let sealed = svc
        .merchants
        .credentials("shop-1")
        .await
        .unwrap()
        .unwrap()
        .1;
    let token = svc.cipher.open("shop-1", &sealed).unwrap();
    assert!(token.expose().starts_with("bcmock_"));
    assert!(
        !body.contains(token.expose()),
        "the page shows the whole token"
    );
    assert!(
        !sealed
            .windows(7)
            .any(|w| w == b"bcmock_" || w == &token.expose().as_bytes()[7..14]),
        "the database holds the token in clear"
    );
    assert!(
        svc.cipher.open("shop-2", &sealed).is_err(),
        "a sealed token opens for its merchant only"
    );
    // The same answer again: the state works once.
    assert_eq!(get_text(&svc, &callback, Some(&cookie)).await.0, 400);
    let link = between(&body, "id=\"status-link\" href=\"", "\"").to_string();
    assert!(link.starts_with(&format!("{}/m/", svc.url)) && link.len() > svc.url.len() + 60);

    // A worker fulfils the shop's orders.
    let center = ReferenceCenter::start(ReferenceConfig::default())
        .await
        .unwrap();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(bigcartel_fulfillment::service::worker::run(
        svc.merchants.clone(),
        svc.cipher.clone(),
        HttpCenter::new(center.url()).unwrap(),
        WorkerOptions {
            name: "test-worker".into(),
            slots: 2,
            lease_ttl: Duration::from_secs(10),
            interval: Duration::from_millis(200),
            pass_budget: Duration::from_secs(30),
            request_budget: 10_000,
            poll: Duration::from_millis(50),
            settings: common::settings(),
            api_base_url: mock.url().into(),
            user_agent: UA.into(),
        },
        stopped,
    ));
    let ledger = db.ledger("shop-1");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let s = ledger.status().await.unwrap();
        if s.count(OrderState::Done) as usize == expected.fulfilled.len() && s.in_progress() == 0 {
            assert_eq!(s.count(OrderState::Held) as usize, expected.held.len());
            break;
        }
        assert!(Instant::now() < deadline, "not fulfilled in time: {s}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(center.snapshot().records.len(), expected.fulfilled.len());

    // The merchant's status page.
    let (status, page) = get_text(&svc, &link, None).await;
    assert_eq!(status, 200);
    assert_eq!(
        between(&page, "data-state=\"done\">", "<"),
        expected.fulfilled.len().to_string()
    );
    assert!(page.contains("<svg id=\"chart\""));
    assert!(page.contains(&format!("submitted ({})", expected.fulfilled.len())));
    assert!(page.contains("id=\"held\"") && page.contains("What to do"));
    assert!(page.contains("id=\"passes\"") && page.contains("test-worker"));
    assert!(!page.contains("<script"));
    // Another key shows nothing.
    let (status, _) = get_text(&svc, &format!("{}/m/{}", svc.url, "f".repeat(64)), None).await;
    assert_eq!(status, 404);

    // The operators' page: refused without the token, shown with it (bearer or Basic).
    let resp = svc
        .http
        .get(format!("{}/ops", svc.url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert!(resp.headers().contains_key("www-authenticate"));
    let resp = svc
        .http
        .get(format!("{}/ops", svc.url))
        .bearer_auth("wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let resp = svc
        .http
        .get(format!("{}/ops", svc.url))
        .bearer_auth(OPERATOR)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let ops = resp.text().await.unwrap();
    assert!(ops.contains("<td>shop-1</td>") && ops.contains(&account));
    let resp = svc
        .http
        .get(format!("{}/ops", svc.url))
        .basic_auth("ops", Some(OPERATOR))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);

    // Webhooks: a bad signature is refused before anything else.
    let resp = svc
        .http
        .post(&webhook_url)
        .header("X-Webhook-Signature", "0".repeat(64))
        .body(format!(
            r#"{{"account_id":"{account}","type":"account.deauthorized","payload":{{"id":"{account}"}}}}"#
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert!(
        svc.merchants
            .get("shop-1")
            .await
            .unwrap()
            .unwrap()
            .connected
    );
    // order.created wakes the merchant's pass.
    let order = mock.place_order();
    let deadline = Instant::now() + Duration::from_secs(20);
    while ledger.entry(&order.to_string()).await.unwrap().is_none() {
        assert!(
            Instant::now() < deadline,
            "order {order} never reached the ledger"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // account.deauthorized (signed by the mock): the token is deleted, passes stop.
    let status = mock
        .send_webhook(
            &webhook_url,
            "account.deauthorized",
            serde_json::json!({ "id": account }),
        )
        .await
        .unwrap();
    assert_eq!(status, 200);
    let m = svc.merchants.get("shop-1").await.unwrap().unwrap();
    assert!(!m.connected);
    assert!(svc.merchants.credentials("shop-1").await.unwrap().is_none());
    let (_, page) = get_text(&svc, &link, None).await;
    assert!(page.contains("disconnected"));

    // Reconnect: a new token and a new link; the old link stops working.
    let (callback, cookie) = authorize(&svc, "shop-1", "allow").await;
    let (status, body) = get_text(&svc, &callback, Some(&cookie)).await;
    assert_eq!(status, 200, "{body}");
    let new_link = between(&body, "id=\"status-link\" href=\"", "\"").to_string();
    assert_ne!(new_link, link);
    assert_eq!(get_text(&svc, &link, None).await.0, 404);
    // The same shop under another merchant id is refused.
    let (callback, cookie) = authorize(&svc, "shop-3", "allow").await;
    assert_eq!(get_text(&svc, &callback, Some(&cookie)).await.0, 409);

    // Disconnect from the status page: token deleted, Big Cartel told.
    let key = new_link.rsplit('/').next().unwrap();
    let resp = svc
        .http
        .post(format!("{}/m/{key}/disconnect", svc.url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.text().await.unwrap().contains("disconnected"));
    assert!(svc.merchants.credentials("shop-1").await.unwrap().is_none());
    assert!(mock.snapshot().is_deauthorized());

    let _ = stop.send(true);
    worker.await.unwrap();
    println!(
        "service over HTTP: {} orders fulfilled, {} held, connect/deny/forged/replayed/reconnect/disconnect checked in {:.1?}",
        expected.fulfilled.len(),
        expected.held.len(),
        started.elapsed()
    );
}

#[test]
fn serve_refuses_to_start_without_the_key() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_bigcartel-fulfill"))
        .args(["serve", "--listen", "127.0.0.1:0", "--client-id", "x"])
        .env_remove("BIGCARTEL_FULFILL_TOKEN_KEY")
        .env(
            "BIGCARTEL_FULFILL_DATABASE_URL",
            "postgres://u:hunter2@127.0.0.1:1/db",
        )
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("BIGCARTEL_FULFILL_TOKEN_KEY"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
    // A key that is not 32 bytes is refused too, without echoing it.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_bigcartel-fulfill"))
        .args(["serve", "--listen", "127.0.0.1:0", "--client-id", "x"])
        .env("BIGCARTEL_FULFILL_TOKEN_KEY", "c2hvcnQta2V5")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("32 random bytes") && !err.contains("c2hvcnQta2V5"),
        "{err}"
    );
}
