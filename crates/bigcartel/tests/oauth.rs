//! The OAuth calls run on spawned tasks: servers await them in their request handlers on a
//! multi-threaded runtime, which needs their futures to be `Send` (`tokio::spawn` will not take
//! one that is not, so these tests do not compile if either call's future stops being `Send`).

use bigcartel::oauth::OAuthApp;
use serde_json::json;
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn app(server: &MockServer) -> OAuthApp {
    OAuthApp::new("the-client", "the-secret", "oauth test (dev@example.com)")
        .redirect_uri("https://app.example/callback")
        .base_url(server.uri())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_code_exchange_runs_on_a_spawned_task() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("code=the-code"))
        .and(body_string_contains("client_secret=the-secret"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": "tok-1", "token_type": "bearer", "account_id": 42}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let app = app(&server);
    let token = tokio::spawn(async move { app.exchange_code("the-code").await })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(token.access_token.expose(), "tok-1");
    assert_eq!(token.account_id.as_deref(), Some("42"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deauthorizing_runs_on_a_spawned_task() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/deauthorize/42"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let app = app(&server);
    tokio::spawn(async move { app.deauthorize("42").await })
        .await
        .unwrap()
        .unwrap();
}
