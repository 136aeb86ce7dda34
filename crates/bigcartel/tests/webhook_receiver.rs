//! Drives the `webhook_receiver` example's router in memory (no sockets):
//! 204 for a signed webhook, 401 for a bad or missing signature, 400 for a
//! signed body that is not a webhook.

#[allow(dead_code)]
#[path = "../examples/webhook_receiver.rs"]
mod receiver;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use bigcartel::webhook;
use tower::ServiceExt;

const SECRET: &[u8] = b"receiver-test-secret";

async fn post(body: &'static [u8], signature: Option<&str>) -> StatusCode {
    let mut req = Request::post("/webhooks");
    if let Some(sig) = signature {
        req = req.header(webhook::SIGNATURE_HEADER, sig);
    }
    let req = req.body(Body::from(body)).unwrap();
    receiver::app(SECRET).oneshot(req).await.unwrap().status()
}

#[tokio::test]
async fn answers_by_outcome() {
    let good: &[u8] = br#"{"account_id":"1","type":"product.deleted","payload":{"id":"7"}}"#;
    let sig = webhook::sign(SECRET, good);
    assert_eq!(post(good, Some(&sig)).await, StatusCode::NO_CONTENT);
    assert_eq!(
        post(good, Some(&sig.to_uppercase())).await,
        StatusCode::NO_CONTENT
    );

    let unknown: &[u8] = br#"{"account_id":"1","type":"future.thing","payload":null}"#;
    let sig_unknown = webhook::sign(SECRET, unknown);
    assert_eq!(
        post(unknown, Some(&sig_unknown)).await,
        StatusCode::NO_CONTENT
    );

    assert_eq!(post(good, None).await, StatusCode::UNAUTHORIZED);
    assert_eq!(post(good, Some("")).await, StatusCode::UNAUTHORIZED);
    let wrong = webhook::sign(b"another-secret", good);
    assert_eq!(post(good, Some(&wrong)).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        post(good, Some(&format!("{sig} "))).await,
        StatusCode::UNAUTHORIZED
    );

    let bad: &[u8] = b"this is not json";
    let sig_bad = webhook::sign(SECRET, bad);
    assert_eq!(post(bad, Some(&sig_bad)).await, StatusCode::BAD_REQUEST);
    // Bad body AND bad signature: the signature is checked first.
    assert_eq!(post(bad, Some(&sig)).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn non_ascii_header_is_unauthorized() {
    let body: &[u8] = br#"{"account_id":"1","type":"product.deleted","payload":{"id":"7"}}"#;
    let req = Request::post("/webhooks")
        .header(
            webhook::SIGNATURE_HEADER,
            axum::http::HeaderValue::from_bytes(&[0xe9; 64]).unwrap(),
        )
        .body(Body::from(body))
        .unwrap();
    let status = receiver::app(SECRET).oneshot(req).await.unwrap().status();
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
