//! The admin API under `/__mock`, for tests written in any language.
//!
//! No authentication (the server only listens on 127.0.0.1); JSON in and out. Because any web
//! page can make a browser send requests to 127.0.0.1, the admin API also:
//!
//! * sends no CORS headers (a cross-origin page cannot read answers or pass a preflight);
//! * answers 415 to a `POST` or `PUT` without `Content-Type: application/json` (what a page can
//!   send cross-origin without a preflight: forms, `text/plain`);
//! * answers 403 unless the `Host` is `localhost`, a loopback IP literal or `[::1]`, with any
//!   port (DNS rebinding: a page whose name resolves to 127.0.0.1 still sends its own `Host`);
//! * delivers webhooks only to http(s) URLs on a loopback address (see
//!   [`crate::webhooks::check_target`]), without following redirects.
//!
//! | request | effect |
//! | --- | --- |
//! | `GET /__mock` | `{"url","account_id","subdomain","operations":[...],"canned":[...]}` |
//! | `GET /__mock/counters` | the [`crate::Counters`] as JSON |
//! | `DELETE /__mock/counters` | zero the counters (204) |
//! | `GET /__mock/faults` | the current [`crate::FaultConfig`] |
//! | `PUT /__mock/faults` | replace it (body: a `FaultConfig`, every field optional) (204) |
//! | `DELETE /__mock/faults` | no faults (204) |
//! | `GET /__mock/overrides` | `{"createArtist": {"canned": "html_502"}, ...}` |
//! | `PUT /__mock/overrides/{operationId}` | body: a [`crate::CannedResponse`], e.g. `{"canned":"wrong_types"}` (204) |
//! | `DELETE /__mock/overrides/{operationId}` / `DELETE /__mock/overrides` | remove one / all (204) |
//! | `POST /__mock/orders` | place a random new order; `{"id":"1041"}` (201) |
//! | `GET /__mock/webhooks` | every webhook delivery attempted |
//! | `POST /__mock/webhooks` | `{"type","payload","url"?}`: send one signed webhook now (to a loopback `url` only; 400 otherwise); `{"status":200}` |
//! | `POST /__mock/reset` | re-seed the shop, clear counters, overrides and log (204) |

use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use crate::app::{App, MAX_BODY_BYTES, error_response, lock};
use crate::config::{CannedResponse, FaultConfig};
use crate::jsonapi::ApiError;
use crate::ops::Operation;

fn json_response(status: u16, v: &Value) -> Response {
    let mut resp = Response::new(Body::from(serde_json::to_vec(v).unwrap_or_default()));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

fn no_content() -> Response {
    let mut resp = Response::new(Body::empty());
    *resp.status_mut() = StatusCode::NO_CONTENT;
    resp
}

fn to_json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// The host part of `Host` (and of an absolute-form request target): all present must be
/// loopback, and one must be present.
fn addressed_to_loopback(parts: &axum::http::request::Parts) -> bool {
    let header = parts.headers.get(header::HOST).map(|v| v.to_str().ok());
    let target = parts.uri.authority().map(|a| Some(a.as_str()));
    let hosts: Vec<Option<&str>> = header.into_iter().chain(target).collect();
    !hosts.is_empty()
        && hosts.iter().all(|h| {
            h.and_then(|h| h.parse::<axum::http::uri::Authority>().ok())
                .is_some_and(|a| crate::webhooks::is_loopback_host(a.host()))
        })
}

fn is_json(parts: &axum::http::request::Parts) -> bool {
    parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|ct| ct.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
}

pub(crate) async fn handle(app: &Arc<App>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    if !addressed_to_loopback(&parts) {
        return error_response(ApiError::new(
            403,
            "The admin API only answers requests addressed to localhost, 127.0.0.1 or [::1].",
        ));
    }
    if matches!(parts.method, Method::POST | Method::PUT) && !is_json(&parts) {
        return error_response(ApiError::new(
            415,
            "Admin API writes need Content-Type: application/json.",
        ));
    }
    let path = parts.uri.path().trim_end_matches('/').to_string();
    let body = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(b) => b,
        Err(_) => return error_response(ApiError::new(413, "Body too large.")),
    };
    let parse = |what: &str| -> Result<Value, Box<Response>> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(json!({}));
        }
        serde_json::from_slice(&body).map_err(|e| {
            Box::new(error_response(ApiError::bad_request(format!(
                "Invalid {what} JSON: {e}."
            ))))
        })
    };
    let segs: Vec<&str> = path.split('/').skip(2).collect();
    match (&parts.method, segs.as_slice()) {
        (&Method::GET, []) => {
            let ops: Vec<&str> = Operation::ALL.iter().map(|o| o.id()).collect();
            json_response(
                200,
                &json!({
                    "url": app.url,
                    "base_url": app.base,
                    "account_id": app.cfg.account_id.to_string(),
                    "subdomain": app.cfg.subdomain,
                    "operations": ops,
                    "canned": CannedResponse::KINDS,
                }),
            )
        }
        (&Method::GET, ["counters"]) => json_response(200, &to_json(&*lock(&app.counters))),
        (&Method::DELETE, ["counters"]) => {
            *lock(&app.counters) = Default::default();
            no_content()
        }
        (&Method::GET, ["faults"]) => json_response(200, &to_json(lock(&app.faults).config())),
        (&Method::PUT, ["faults"]) => {
            let v = match parse("fault config") {
                Ok(v) => v,
                Err(r) => return *r,
            };
            match serde_json::from_value::<FaultConfig>(v) {
                Ok(cfg) => {
                    if let Some(bad) = cfg
                        .operations
                        .iter()
                        .find(|o| Operation::from_id(o).is_none())
                    {
                        return error_response(ApiError::bad_request(format!(
                            "Unknown operation id `{bad}`."
                        )));
                    }
                    lock(&app.faults).set(cfg);
                    no_content()
                }
                Err(e) => {
                    error_response(ApiError::bad_request(format!("Invalid fault config: {e}.")))
                }
            }
        }
        (&Method::DELETE, ["faults"]) => {
            lock(&app.faults).set(FaultConfig::none());
            no_content()
        }
        (&Method::GET, ["overrides"]) => {
            let map: serde_json::Map<String, Value> = lock(&app.overrides)
                .iter()
                .map(|(op, c)| (op.id().to_string(), to_json(c)))
                .collect();
            json_response(200, &Value::Object(map))
        }
        (&Method::DELETE, ["overrides"]) => {
            lock(&app.overrides).clear();
            no_content()
        }
        (&Method::PUT, ["overrides", op]) => {
            let Some(op) = Operation::from_id(op) else {
                return error_response(ApiError::not_found(format!(
                    "Unknown operation id `{op}`."
                )));
            };
            let v = match parse("override") {
                Ok(v) => v,
                Err(r) => return *r,
            };
            match serde_json::from_value::<CannedResponse>(v) {
                Ok(c) => {
                    lock(&app.overrides).insert(op, c);
                    no_content()
                }
                Err(e) => error_response(ApiError::bad_request(format!(
                    "Invalid canned response ({e}); kinds: {}.",
                    CannedResponse::KINDS.join(", ")
                ))),
            }
        }
        (&Method::DELETE, ["overrides", op]) => {
            if let Some(op) = Operation::from_id(op) {
                lock(&app.overrides).remove(&op);
            }
            no_content()
        }
        (&Method::POST, ["orders"]) => {
            let id = crate::app::place_order(app);
            json_response(201, &json!({ "id": id.to_string() }))
        }
        (&Method::GET, ["webhooks"]) => json_response(200, &to_json(&*lock(&app.deliveries))),
        (&Method::POST, ["webhooks"]) => {
            let v = match parse("webhook") {
                Ok(v) => v,
                Err(r) => return *r,
            };
            let Some(event_type) = v.get("type").and_then(Value::as_str) else {
                return error_response(ApiError::bad_request("`type` is required."));
            };
            let url = v
                .get("url")
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| app.cfg.webhook_url.clone());
            let Some(url) = url else {
                return error_response(ApiError::bad_request(
                    "Give `url` or start the mock with a webhook_url.",
                ));
            };
            if let Err(e) = crate::webhooks::check_target(&url) {
                return error_response(ApiError::bad_request(format!(
                    "Webhook target refused: {e}; only http(s) URLs on a loopback address are delivered to."
                )));
            }
            let payload = v.get("payload").cloned().unwrap_or(json!({}));
            let d = crate::webhooks::deliver(
                &app.http,
                &url,
                &app.cfg.client_secret,
                app.cfg.account_id,
                event_type,
                &payload,
            )
            .await;
            let out = json!({"status": d.status, "error": d.error});
            app.record_delivery(d);
            json_response(200, &out)
        }
        (&Method::POST, ["reset"]) => {
            app.reset();
            no_content()
        }
        _ => error_response(ApiError::not_found(
            "Unknown admin endpoint; see GET /__mock.",
        )),
    }
}
