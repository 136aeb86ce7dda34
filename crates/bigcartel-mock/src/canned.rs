//! Canned broken responses for hardening tests (see [`CannedResponse`]).

use axum::body::Body;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use serde_json::{Map, Value, json};

use crate::app::App;
use crate::config::CannedResponse;
use crate::handlers::{self, Call};
use crate::jsonapi::MEDIA_TYPE;
use crate::ops::Route;

const HTML_502: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

fn raw(status: u16, content_type: &str, body: Vec<u8>) -> Response {
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
    if let Ok(v) = HeaderValue::from_str(content_type) {
        resp.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    resp
}

/// The real response body for a read, without side effects; a stand-in
/// document for writes (which must not change state).
fn real_body(app: &App, route: &Route, path: &str, query: &[(String, String)]) -> Value {
    if route.op.method() != Method::GET {
        let kind = route.op.path().split('/').nth(4).unwrap_or("artists");
        return json!({"data": {"id": "1", "type": kind, "attributes": {"name": "Canned"}}});
    }
    let call = Call {
        route,
        path,
        query,
        body: b"",
        content_type: None,
        base: &app.base,
        basic: None,
        cfg: &app.cfg,
    };
    let mut store = app.store_for_write();
    let outcome = handlers::handle(&mut store, &call);
    outcome.reply.body.unwrap_or(Value::Null)
}

/// Numbers become strings, numeric strings and ids become numbers,
/// booleans become strings.
fn wrong_types(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                if k == "id"
                    && let Some(n) = child
                        .as_str()
                        .and_then(|s| s.parse::<serde_json::Number>().ok())
                {
                    *child = Value::Number(n);
                    continue;
                }
                wrong_types(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(wrong_types),
        Value::Number(n) => *v = Value::String(n.to_string()),
        Value::Bool(b) => *v = Value::String(if *b { "yes" } else { "no" }.into()),
        Value::String(s) => {
            if let Ok(n) = s.parse::<serde_json::Number>() {
                *v = Value::Number(n);
            }
        }
        Value::Null => {}
    }
}

fn unknown_included(mut doc: Value) -> Value {
    let mystery = json!({
        "id": "1",
        "type": "mystery_widgets",
        "attributes": {"spin": 11, "colour": "octarine"},
        "relationships": {"gadgets": {"data": [{"type": "gadgets", "id": "9"}]}}
    });
    let link = json!({"data": {"type": "mystery_widgets", "id": "1"}});
    let add_rel = |res: &mut Value| {
        if let Some(obj) = res.as_object_mut() {
            let rels = obj
                .entry("relationships")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(r) = rels.as_object_mut() {
                r.insert("widget".into(), link.clone());
            }
        }
    };
    match doc.get_mut("data") {
        Some(Value::Array(items)) => items.iter_mut().for_each(add_rel),
        Some(res @ Value::Object(_)) => add_rel(res),
        _ => {}
    }
    if let Some(obj) = doc.as_object_mut() {
        let inc = obj
            .entry("included")
            .or_insert_with(|| Value::Array(vec![]));
        if let Some(list) = inc.as_array_mut() {
            list.push(mystery);
            list.push(json!({"id": "9", "type": "gadgets", "attributes": {}}));
        }
    }
    doc
}

/// Builds the canned response for one request.
pub(crate) fn respond(
    app: &App,
    canned: &CannedResponse,
    route: &Route,
    path: &str,
    query: &[(String, String)],
) -> Response {
    let json = |v: &Value| serde_json::to_vec(v).unwrap_or_default();
    match canned {
        CannedResponse::Html502 => raw(502, "text/html", HTML_502.as_bytes().to_vec()),
        CannedResponse::Empty200 => raw(200, MEDIA_TYPE, Vec::new()),
        CannedResponse::TruncatedJson => {
            let full = json(&real_body(app, route, path, query));
            let half = full[..full.len() / 2].to_vec();
            raw(200, MEDIA_TYPE, half)
        }
        CannedResponse::WrongTypes => {
            let mut v = real_body(app, route, path, query);
            wrong_types(&mut v);
            raw(200, MEDIA_TYPE, json(&v))
        }
        CannedResponse::DataObjectForList => {
            let mut v = real_body(app, route, path, query);
            if let Some(obj) = v.as_object_mut() {
                let data = obj.remove("data").unwrap_or(Value::Null);
                let wrong = match data {
                    Value::Array(mut items) if !items.is_empty() => items.swap_remove(0),
                    Value::Array(_) => json!({}),
                    other => Value::Array(vec![other]),
                };
                obj.insert("data".into(), wrong);
            }
            raw(200, MEDIA_TYPE, json(&v))
        }
        CannedResponse::UnknownIncludedTypes => {
            let v = unknown_included(real_body(app, route, path, query));
            raw(200, MEDIA_TYPE, json(&v))
        }
        CannedResponse::InvalidUtf8 => {
            let mut body =
                br#"{"data":{"id":"1","type":"artists","attributes":{"name":"bad "#.to_vec();
            body.extend_from_slice(&[0xff, 0xfe, 0xc3, 0x28]);
            body.extend_from_slice(br#"","permalink":"bad","position":1}}}"#);
            raw(200, MEDIA_TYPE, body)
        }
        CannedResponse::Custom {
            status,
            content_type,
            body,
        } => raw(*status, content_type, body.clone().into_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_types_flips_scalars() {
        let mut v = json!({"data": {"id": "7", "attributes": {"price": "20.0", "quantity": 3, "on_sale": false, "name": "x"}}});
        wrong_types(&mut v);
        assert_eq!(v["data"]["id"], json!(7));
        assert_eq!(v["data"]["attributes"]["price"], json!(20.0));
        assert_eq!(v["data"]["attributes"]["quantity"], json!("3"));
        assert_eq!(v["data"]["attributes"]["on_sale"], json!("no"));
        assert_eq!(v["data"]["attributes"]["name"], json!("x"));
    }
}
