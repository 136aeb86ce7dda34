//! Request bodies: parsing a JSON:API document and validating its attributes, each refusal a
//! JSON:API error pointing at the member.

// The handlers' shared imports and helpers come from the parent module.
use super::*;

pub(super) fn parse_body(call: &Call) -> R<Value> {
    if call.body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "A JSON:API request body is required.",
        ));
    }
    serde_json::from_slice(call.body)
        .map_err(|e| ApiError::bad_request(format!("The request body is not valid JSON: {e}.")))
}

/// Checks `data` is an object of type `kind`; with `id`, that `data.id`
/// matches it; without, that no `id` is given.
pub(super) fn data_object<'v>(
    doc: &'v Value,
    kind: &str,
    id: Option<u64>,
) -> R<&'v Map<String, Value>> {
    let data = doc
        .get("data")
        .ok_or_else(|| ApiError::invalid("/data", "The request body must have a `data` member."))?
        .as_object()
        .ok_or_else(|| ApiError::invalid("/data", "`data` must be a resource object."))?;
    match data.get("type") {
        Some(Value::String(t)) if t == kind => {}
        Some(Value::String(t)) => {
            return Err(ApiError::invalid(
                "/data/type",
                format!("`type` must be \"{kind}\", not \"{t}\"."),
            ));
        }
        _ => {
            return Err(ApiError::invalid(
                "/data/type",
                format!("`type` is required and must be \"{kind}\"."),
            ));
        }
    }
    match (id, data.get("id")) {
        (Some(want), Some(Value::String(got))) if got.parse::<u64>().ok() == Some(want) => {}
        // JSON:API: a PATCH whose resource does not match the endpoint is a 409 Conflict.
        (Some(want), Some(Value::String(got))) => {
            return Err(ApiError {
                status: 409,
                ..ApiError::invalid(
                    "/data/id",
                    format!("`id` \"{got}\" does not match the URL ({want})."),
                )
            });
        }
        (Some(_), Some(_)) => return Err(ApiError::invalid("/data/id", "`id` must be a string.")),
        (Some(_), None) => return Err(ApiError::invalid("/data/id", "`id` is required.")),
        (None, Some(_)) => {
            return Err(ApiError::invalid(
                "/data/id",
                "Client-generated ids are not supported.",
            ));
        }
        (None, None) => {}
    }
    for key in data.keys() {
        if !matches!(
            key.as_str(),
            "type" | "id" | "attributes" | "relationships" | "meta" | "links"
        ) {
            return Err(ApiError::invalid(
                &format!("/data/{key}"),
                format!("Unknown member `{key}`."),
            ));
        }
    }
    Ok(data)
}

pub(super) fn attributes<'v>(
    data: &'v Map<String, Value>,
    allowed: &[&str],
) -> R<Option<&'v Map<String, Value>>> {
    let Some(attrs) = data.get("attributes") else {
        return Ok(None);
    };
    let attrs = attrs
        .as_object()
        .ok_or_else(|| ApiError::invalid("/data/attributes", "`attributes` must be an object."))?;
    for key in attrs.keys() {
        if !allowed.contains(&key.as_str()) {
            return Err(ApiError::invalid(
                &format!("/data/attributes/{key}"),
                format!("`{key}` is not a writable attribute."),
            ));
        }
    }
    Ok(Some(attrs))
}

pub(super) fn ptr(key: &str) -> String {
    format!("/data/attributes/{key}")
}

pub(super) fn non_empty_string(key: &str, v: &Value, max: usize) -> R<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() && s.chars().count() <= max => {
            Ok(s.trim().to_string())
        }
        Value::String(s) if s.trim().is_empty() => Err(ApiError::invalid(
            &ptr(key),
            format!("`{key}` can't be blank."),
        )),
        Value::String(_) => Err(ApiError::invalid(
            &ptr(key),
            format!("`{key}` is too long (max {max} characters)."),
        )),
        _ => Err(ApiError::invalid(
            &ptr(key),
            format!("`{key}` must be a string."),
        )),
    }
}

pub(super) fn any_string(key: &str, v: &Value, max: usize) -> R<String> {
    match v {
        Value::String(s) if s.chars().count() <= max => Ok(s.clone()),
        Value::String(_) => Err(ApiError::invalid(
            &ptr(key),
            format!("`{key}` is too long (max {max} characters)."),
        )),
        _ => Err(ApiError::invalid(
            &ptr(key),
            format!("`{key}` must be a string."),
        )),
    }
}

pub(super) fn one_of(key: &str, v: &Value, allowed: &[&str]) -> R<String> {
    match v.as_str() {
        Some(s) if allowed.contains(&s) => Ok(s.to_string()),
        _ => Err(ApiError::invalid(
            &ptr(key),
            format!("`{key}` must be one of: {}.", allowed.join(", ")),
        )),
    }
}

pub(super) fn timestamp(key: &str, v: &Value) -> R<time::Millis> {
    v.as_str().and_then(time::parse).ok_or_else(|| {
        ApiError::invalid(&ptr(key), format!("`{key}` must be an RFC 3339 timestamp."))
    })
}

pub(super) fn integer(key: &str, v: &Value, min: i64, max: i64) -> R<i64> {
    let n = match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    };
    n.filter(|n| (min..=max).contains(n)).ok_or_else(|| {
        ApiError::invalid(
            &ptr(key),
            format!("`{key}` must be an integer from {min} to {max}."),
        )
    })
}

pub(super) fn amount(key: &str, v: &Value) -> R<i64> {
    money::parse(v).filter(|c| *c >= 0).ok_or_else(|| {
        ApiError::invalid(
            &ptr(key),
            format!("`{key}` must be a non-negative decimal amount like \"5.00\"."),
        )
    })
}

/// Parses `{"data":[{"type":kind,"id":"1"},...]}` into ids.
pub(super) fn linkage_ids(v: &Value, kind: &str, pointer: &str) -> R<Vec<u64>> {
    let list = v.get("data").and_then(Value::as_array).ok_or_else(|| {
        ApiError::invalid(pointer, "`data` must be an array of resource identifiers.")
    })?;
    let mut ids = Vec::with_capacity(list.len());
    for (i, item) in list.iter().enumerate() {
        let p = format!("{pointer}/{i}");
        match item.get("type").and_then(Value::as_str) {
            Some(t) if t == kind => {}
            _ => {
                return Err(ApiError::invalid(
                    &format!("{p}/type"),
                    format!("`type` must be \"{kind}\"."),
                ));
            }
        }
        let id = match item.get("id") {
            Some(Value::String(s)) => s.parse::<u64>().ok(),
            Some(Value::Number(n)) => n.as_u64(),
            _ => None,
        };
        match id {
            Some(id) if !ids.contains(&id) => ids.push(id),
            Some(id) => {
                return Err(ApiError::invalid(
                    &format!("{p}/id"),
                    format!("{kind} {id} is listed twice."),
                ));
            }
            None => return Err(ApiError::not_found(format!("No {kind} with id at {p}/id."))),
        }
    }
    Ok(ids)
}
