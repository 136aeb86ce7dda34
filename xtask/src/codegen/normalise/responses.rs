//! The responses rewrite of [`super::normalise`]: one kind of success body and one kind of error
//! body per operation (progenitor asserts it), inline schemas hoisted under names of their own,
//! and a JSON response without a schema given the empty one.

use heck::ToUpperCamelCase;
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

/// The media type raw (byte stream) responses are given: anything but `application/json`.
pub(super) const RAW_MEDIA: &str = "application/octet-stream";

/// How progenitor sees a response: no body, a typed JSON body (named by its schema), or raw bytes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    None,
    Json(String),
    Raw,
}

fn json_media(content: &Map<String, Value>) -> Option<&String> {
    content
        .keys()
        .find(|k| *k == "application/json" || k.starts_with("application/json;"))
}

fn kind(resp: &Value) -> Kind {
    let Some(content) = resp.get("content").and_then(Value::as_object) else {
        return Kind::None;
    };
    if content.is_empty() {
        return Kind::None;
    }
    match json_media(content) {
        Some(m) => Kind::Json(
            match content[m].pointer("/schema/$ref").and_then(Value::as_str) {
                Some(r) => r.to_string(),
                None => format!(
                    "inline {}",
                    content[m].get("schema").unwrap_or(&Value::Null)
                ),
            },
        ),
        None => Kind::Raw,
    }
}

fn describe(kinds: &BTreeSet<Kind>) -> String {
    kinds
        .iter()
        .map(|k| match k {
            Kind::None => "no body".to_string(),
            Kind::Raw => "bytes".to_string(),
            Kind::Json(s) if s.starts_with("inline") => "json (inline schema)".to_string(),
            Kind::Json(s) => format!("json {}", s.trim_start_matches("#/components/schemas/")),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn is_success(code: &str) -> bool {
    code == "default" || code.starts_with('2')
}

fn is_error(code: &str) -> bool {
    code == "default" || code.starts_with('4') || code.starts_with('5')
}

pub(super) fn fix_responses(
    resps: &mut Map<String, Value>,
    op_id: &str,
    loc: &str,
    existing: &BTreeSet<String>,
    hoisted: &mut Map<String, Value>,
    note: &mut impl FnMut(String, String),
) {
    // JSON media without a schema: any JSON value.
    for (code, resp) in resps.iter_mut() {
        if let Some(content) = resp.get_mut("content").and_then(Value::as_object_mut)
            && let Some(m) = json_media(content).cloned()
            && content[&m].get("schema").is_none()
        {
            content[&m]
                .as_object_mut()
                .map(|o| o.insert("schema".into(), json!({})));
            note(
                format!("{loc}.responses.{code}"),
                "JSON response without a schema: typed as any JSON value".into(),
            );
        }
    }

    // Distinct inline schemas: one component each, so typify cannot merge them under one name.
    let inline: Vec<(String, Value)> = resps
        .iter()
        .filter_map(|(code, resp)| {
            let content = resp.get("content")?.as_object()?;
            let schema = content.get(json_media(content)?)?.get("schema")?;
            schema
                .get("$ref")
                .is_none()
                .then(|| (code.clone(), schema.clone()))
        })
        .collect();
    let distinct: BTreeSet<String> = inline.iter().map(|(_, s)| s.to_string()).collect();
    if distinct.len() > 1 {
        for (code, schema) in inline {
            let base = format!("{}-response-{code}", op_id).to_upper_camel_case();
            let mut name = base.clone();
            let mut n = 2;
            while existing.contains(&name) || hoisted.contains_key(&name) {
                name = format!("{base}{n}");
                n += 1;
            }
            let resp = resps.get_mut(&code).expect("collected above");
            let content = resp["content"].as_object_mut().expect("collected above");
            let m = json_media(content).cloned().expect("collected above");
            content[&m]["schema"] = json!({ "$ref": format!("#/components/schemas/{name}") });
            hoisted.insert(name, schema);
        }
    }

    // One kind of success body and one kind of error body. `default` is in both sets, so repeat
    // until nothing changes (each pass only removes responses or turns them raw).
    for _ in 0..3 {
        let mut changed = false;
        for (label, side) in [
            ("success", is_success as fn(&str) -> bool),
            ("error", is_error),
        ] {
            let codes: Vec<String> = resps.keys().filter(|c| side(c)).cloned().collect();
            let kinds: BTreeSet<Kind> = codes.iter().map(|c| kind(&resps[c])).collect();
            if kinds.len() <= 1 {
                continue;
            }
            changed = true;
            let bodies: BTreeSet<&Kind> = kinds.iter().filter(|k| **k != Kind::None).collect();
            let bodiless: Vec<&String> = codes
                .iter()
                .filter(|c| kind(&resps[*c]) == Kind::None)
                .collect();
            let mut message = format!("mixed {label} response kinds ({})", describe(&kinds));
            if !bodiless.is_empty() {
                message.push_str(&format!(
                    "; bodiless {} left undeclared: the raw client returns {} as \
                     Error::UnexpectedResponse (check its status)",
                    bodiless
                        .iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    if bodiless.len() == 1 { "it" } else { "them" }
                ));
            }
            let bodiless: Vec<String> = bodiless.into_iter().cloned().collect();
            for c in &bodiless {
                resps.remove(c);
            }
            if bodies.len() > 1 {
                message.push_str("; the bodies are handed over as raw bytes (ByteStream)");
                for c in codes.iter().filter(|c| !bodiless.contains(c)) {
                    let resp = resps.get_mut(c).expect("still declared");
                    resp["content"] = json!({ RAW_MEDIA: { "schema": { "type": "string", "format": "binary" } } });
                }
            }
            note(format!("{loc}.responses"), message);
        }
        if !changed {
            break;
        }
    }
}
