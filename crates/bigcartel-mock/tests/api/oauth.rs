//! OAuth: the code exchange and deauthorize.

use super::*;

#[tokio::test]
async fn oauth_exchange_and_deauthorize() {
    let server = start().await;
    let api = Api::new(&server);
    let token_url = format!("{}/oauth/token", api.url);

    // Form body.
    let r = send(api.http.post(&token_url).header(USER_AGENT, UA).form(&[
        ("client_id", "mock-client-id"),
        ("client_secret", "mock-client-secret"),
        ("code", "mock-code"),
        ("redirect_uri", "https://example.com/callback"),
    ]))
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.json["token_type"], "bearer");
    assert_eq!(r.json["account_id"], json!(12345));
    assert!(r.json["account_id"].is_u64());
    let token = r.json["access_token"].as_str().unwrap().to_string();
    let as_token = |t: &str| {
        send(
            api.req(Method::GET, &api.acct(""))
                .header(AUTHORIZATION, format!("Bearer {t}")),
        )
    };
    assert_eq!(as_token(&token).await.status, StatusCode::OK);

    // JSON body, different token.
    let r = send(api.http.post(&token_url).header(USER_AGENT, UA).json(&json!({
        "client_id": "mock-client-id", "client_secret": "mock-client-secret", "code": "mock-code"
    })))
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let token2 = r.json["access_token"].as_str().unwrap().to_string();
    assert_ne!(token, token2);

    for (params, status, error) in [
        (
            vec![
                ("client_id", "mock-client-id"),
                ("client_secret", "wrong"),
                ("code", "mock-code"),
            ],
            401,
            "invalid_client_secret",
        ),
        (
            vec![
                ("client_id", "other"),
                ("client_secret", "mock-client-secret"),
                ("code", "mock-code"),
            ],
            401,
            "invalid_client_id",
        ),
        (
            vec![
                ("client_id", "mock-client-id"),
                ("client_secret", "mock-client-secret"),
                ("code", "stale"),
            ],
            400,
            "invalid_grant",
        ),
        (
            vec![("client_id", "mock-client-id")],
            400,
            "invalid_request",
        ),
    ] {
        let r = send(
            api.http
                .post(&token_url)
                .header(USER_AGENT, UA)
                .form(&params),
        )
        .await;
        assert_eq!(r.status.as_u16(), status, "{params:?}");
        assert_eq!(r.json["error"], error);
        assert!(
            !r.bytes.windows(18).any(|w| w == b"mock-client-secret"),
            "secret never echoed"
        );
    }
    let r = send(api.http.post(&token_url).form(&[("client_id", "x")])).await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "User-Agent required here too"
    );

    // Deauthorize needs the app's Basic credentials.
    let deauth = format!("{}/oauth/deauthorize/12345", api.url);
    let r = send(
        api.http
            .post(&deauth)
            .header(USER_AGENT, UA)
            .basic_auth("mock-client-id", Some("wrong")),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.json["error"], "invalid_client_secret");
    let r = send(api.http.post(&deauth).header(USER_AGENT, UA)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        as_token(&token).await.status,
        StatusCode::OK,
        "failed deauthorize changes nothing"
    );
    let r = send(
        api.http
            .post(format!("{}/oauth/deauthorize/999", api.url))
            .header(USER_AGENT, UA)
            .basic_auth("mock-client-id", Some("mock-client-secret")),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let r = send(
        api.http
            .post(&deauth)
            .header(USER_AGENT, UA)
            .basic_auth("mock-client-id", Some("mock-client-secret")),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    for t in [&token, &token2, &"mock-token".to_string()] {
        assert_eq!(
            as_token(t).await.status,
            StatusCode::UNAUTHORIZED,
            "token {t} revoked"
        );
    }
    assert!(server.snapshot().is_deauthorized());
    // Personal (Basic) access is not an OAuth grant and keeps working.
    let r = send(
        api.req(Method::GET, &api.acct(""))
            .header(AUTHORIZATION, "Basic bW9ja3Nob3A6bW9jay1wYXNzd29yZA=="),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    // Re-authorizing issues a working token again.
    let r = send(api.http.post(&token_url).header(USER_AGENT, UA).form(&[
        ("client_id", "mock-client-id"),
        ("client_secret", "mock-client-secret"),
        ("code", "mock-code"),
    ]))
    .await;
    let token3 = r.json["access_token"].as_str().unwrap().to_string();
    assert_eq!(as_token(&token3).await.status, StatusCode::OK);
    let w = server.counters().writes_for("tokens");
    assert_eq!((w.creates, w.deletes), (3, 1));
}
