//! Signed webhook delivery.
//!
//! Body: `{"account_id":"12345","type":"order.updated","payload":{...}}`
//! (compact JSON), header `X-Webhook-Signature` = lowercase hex
//! HMAC-SHA256 of those exact bytes keyed with the client secret, computed by
//! [`bigcartel::webhook::sign`].

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

/// One webhook the server tried to deliver.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WebhookDelivery {
    /// Event type, e.g. `order.updated`.
    pub event_type: String,
    /// Where it was sent.
    pub url: String,
    /// The exact body sent.
    pub body: String,
    /// The `X-Webhook-Signature` value sent.
    pub signature: String,
    /// The receiver's status, if it answered.
    pub status: Option<u16>,
    /// Why delivery failed, if it did.
    pub error: Option<String>,
}

impl WebhookDelivery {
    /// Whether the receiver answered 2xx.
    pub fn delivered(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// The exact body bytes of a webhook.
///
/// ```
/// let body = bigcartel_mock::webhooks::envelope(12345, "product.deleted", &serde_json::json!({"id": "7"}));
/// assert_eq!(body, br#"{"account_id":"12345","type":"product.deleted","payload":{"id":"7"}}"#);
/// ```
pub fn envelope(account_id: u64, event_type: &str, payload: &Value) -> Vec<u8> {
    // Written by hand so the member order is fixed whatever serde_json's map is.
    let mut out = Vec::new();
    out.extend_from_slice(b"{\"account_id\":");
    out.extend(serde_json::to_vec(&account_id.to_string()).unwrap_or_default());
    out.extend_from_slice(b",\"type\":");
    out.extend(serde_json::to_vec(event_type).unwrap_or_default());
    out.extend_from_slice(b",\"payload\":");
    out.extend(serde_json::to_vec(payload).unwrap_or_else(|_| b"null".to_vec()));
    out.push(b'}');
    out
}

pub(crate) fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .user_agent("bigcartel-mock webhooks")
        .build()
        .unwrap_or_default()
}

/// POSTs one signed webhook and reports what happened.
pub(crate) async fn deliver(
    client: &reqwest::Client,
    url: &str,
    secret: &str,
    account_id: u64,
    event_type: &str,
    payload: &Value,
) -> WebhookDelivery {
    let body = envelope(account_id, event_type, payload);
    let signature = bigcartel::webhook::sign(secret.as_bytes(), &body);
    let result = client
        .post(url)
        .header("Content-Type", "application/json")
        .header(bigcartel::webhook::SIGNATURE_HEADER, &signature)
        .body(body.clone())
        .send()
        .await;
    let (status, error) = match result {
        Ok(resp) => (Some(resp.status().as_u16()), None),
        Err(e) => (None, Some(e.without_url().to_string())),
    };
    WebhookDelivery {
        event_type: event_type.to_string(),
        url: url.to_string(),
        body: String::from_utf8_lossy(&body).into_owned(),
        signature,
        status,
        error,
    }
}
