//! Webhook verification: [`bigcartel::webhook`] for JavaScript. These functions are in both the
//! main entry and the small `<pkg>/webhooks` entry; parsing into typed events needs the models and
//! is in the main entry only.

use crate::errors::{js_error, type_error};
use bigcartel::webhook::{self, VerifyError};
use wasm_bindgen::prelude::*;

/// The bytes of a `string` (as UTF-8), `Uint8Array` (Node's `Buffer` too) or `ArrayBuffer`.
pub(crate) fn bytes_of(value: &JsValue, what: &str) -> Result<Vec<u8>, JsValue> {
    if let Some(s) = value.as_string() {
        return Ok(s.into_bytes());
    }
    if let Some(view) = value.dyn_ref::<js_sys::Uint8Array>() {
        return Ok(view.to_vec());
    }
    if let Some(buf) = value.dyn_ref::<js_sys::ArrayBuffer>() {
        return Ok(js_sys::Uint8Array::new(buf).to_vec());
    }
    Err(type_error(&format!(
        "{what} must be a string, a Uint8Array or an ArrayBuffer"
    )))
}

/// The signature header's value: `null`/`undefined` when the request had none.
fn header_of(value: &JsValue) -> Result<Option<String>, JsValue> {
    if value.is_null() || value.is_undefined() {
        return Ok(None);
    }
    value
        .as_string()
        .map(Some)
        .ok_or_else(|| type_error("signature must be a string, null or undefined"))
}

fn signature_error(err: VerifyError) -> JsValue {
    let mut fields = vec![("status", JsValue::from(401))];
    match err {
        VerifyError::WrongLength { len } => fields.push(("len", (len as f64).into())),
        VerifyError::NonHex { index } => fields.push(("index", (index as f64).into())),
        _ => {}
    }
    fields.push(("reason", err.reason().into()));
    js_error("WebhookSignatureError", &err.to_string(), &fields)
}

/// Verifies a webhook's `X-Webhook-Signature`: the hex HMAC-SHA256 of the raw body, keyed with
/// your app's client secret, compared in constant time. Pass the body exactly as it arrived
/// (`await request.arrayBuffer()` or the raw text), never re-serialised JSON.
///
/// Throws a `WebhookSignatureError` (`status` 401, `reason`) when it does not verify.
#[wasm_bindgen(js_name = verifyWebhook)]
pub fn verify_webhook(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer")] secret: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer")] body: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | null | undefined")] signature: JsValue,
) -> Result<(), JsValue> {
    let secret = bytes_of(&secret, "secret")?;
    let body = bytes_of(&body, "body")?;
    let header = header_of(&signature)?;
    webhook::verify(&secret, &body, header.as_deref()).map_err(signature_error)
}

/// The `X-Webhook-Signature` value Big Cartel sends for `body`: for tests and local tools. Check
/// incoming webhooks with `verifyWebhook`, not by comparing strings.
#[wasm_bindgen(js_name = signWebhook)]
pub fn sign_webhook(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer")] secret: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer")] body: JsValue,
) -> Result<String, JsValue> {
    Ok(webhook::sign(
        &bytes_of(&secret, "secret")?,
        &bytes_of(&body, "body")?,
    ))
}

#[cfg(feature = "client")]
mod events {
    use super::*;
    use bigcartel::webhook::ParseError;

    #[wasm_bindgen(typescript_custom_section)]
    const WEBHOOK_EVENT: &str = r#"
/** Fields every webhook event has. */
interface WebhookEventBase {
  /** The account (shop) the webhook is about. */
  account_id: string;
  /** The event type as sent (`account.closed` reads as `account.deauthorized`). */
  event_type: string;
  /** The id of the order, product or account the event is about; null for unknown events. */
  resource_id: string | null;
}

/** A parsed webhook: narrow on `type`. Event types this version does not know are `"unknown"`. */
export type WebhookEvent =
  | (WebhookEventBase & { type: "account.updated" | "account.plan.downgraded" | "account.plan.upgraded"; account: Account })
  | (WebhookEventBase & { type: "account.deauthorized"; id: string })
  | (WebhookEventBase & { type: "order.created" | "order.updated"; order: Order })
  | (WebhookEventBase & { type: "product.created" | "product.updated"; product: Product })
  | (WebhookEventBase & { type: "product.deleted"; id: string })
  | (WebhookEventBase & { type: "unknown"; payload: unknown });
"#;

    fn parse_error(err: &ParseError) -> JsValue {
        let reason = match err {
            ParseError::InvalidJson(_) => "invalid_json",
            ParseError::InvalidEnvelope(_) => "invalid_envelope",
            _ => "invalid_payload",
        };
        js_error(
            "WebhookParseError",
            &err.to_string(),
            &[("status", 400.into()), ("reason", reason.into())],
        )
    }

    /// Parses a webhook body into a typed event **without** checking its signature: use
    /// `verifyAndParseWebhook` on anything that came over the network.
    ///
    /// Throws a `WebhookParseError` (`status` 400, `reason`) when the body is not a webhook.
    #[wasm_bindgen(js_name = parseWebhook, unchecked_return_type = "WebhookEvent")]
    pub fn parse_webhook(
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer")] body: JsValue,
    ) -> Result<JsValue, JsValue> {
        let body = bytes_of(&body, "body")?;
        let event = webhook::parse_json(&body).map_err(|e| parse_error(&e))?;
        js_sys::JSON::parse(&event)
    }

    /// Verifies the signature, then parses the body: the one call a webhook receiver needs. The
    /// body is never parsed when the signature fails.
    ///
    /// Throws a `WebhookSignatureError` (401) or a `WebhookParseError` (400); answer with the
    /// error's `status`.
    #[wasm_bindgen(js_name = verifyAndParseWebhook, unchecked_return_type = "WebhookEvent")]
    pub fn verify_and_parse_webhook(
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer")] secret: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer")] body: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | null | undefined")] signature: JsValue,
    ) -> Result<JsValue, JsValue> {
        let secret = bytes_of(&secret, "secret")?;
        let body = bytes_of(&body, "body")?;
        let header = header_of(&signature)?;
        // Never parsed before the signature checks out.
        webhook::verify(&secret, &body, header.as_deref()).map_err(signature_error)?;
        let event = webhook::parse_json(&body).map_err(|e| parse_error(&e))?;
        js_sys::JSON::parse(&event)
    }
}

#[cfg(feature = "client")]
pub use events::{parse_webhook, verify_and_parse_webhook};
