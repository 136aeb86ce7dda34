//! Paging (`page[limit]`, `page[offset]`), filters, comma lists and `sort`, checked as the API
//! checks them.

// The handlers' shared imports and helpers come from the parent module.
use super::*;

pub(super) struct Page {
    limit: usize,
    offset: usize,
}

pub(super) fn page(call: &Call) -> R<Page> {
    let limit = match call.q("page[limit]") {
        None => DEFAULT_PAGE_LIMIT,
        // An int64 like the spec says; a large one is clamped, one past int64 is invalid.
        Some(s) => match s.trim().parse::<i64>() {
            Ok(n) if n >= 1 => (n.min(MAX_PAGE_LIMIT as i64)) as usize,
            _ => {
                return Err(ApiError::bad_param(
                    "page[limit]",
                    "`page[limit]` must be a positive integer.",
                ));
            }
        },
    };
    let offset = match call.q("page[offset]") {
        None => 0,
        // The spec's page[offset] is an int64: anything past it is invalid, not "very far".
        Some(s) => match s.trim().parse::<i64>() {
            Ok(n) if n >= 0 => usize::try_from(n).unwrap_or(usize::MAX),
            _ => {
                return Err(ApiError::bad_param(
                    "page[offset]",
                    "`page[offset]` must be a non-negative integer.",
                ));
            }
        },
    };
    Ok(Page { limit, offset })
}

/// Slices `items` and builds the list document with `meta.count` and links.
pub(super) fn paginated<T>(
    call: &Call,
    items: Vec<T>,
    render: impl Fn(&T, &mut Included) -> Value,
) -> R<Outcome> {
    let page = page(call)?;
    let count = items.len();
    let mut inc = Included::default();
    let data: Vec<Value> = items
        .iter()
        .skip(page.offset)
        .take(page.limit)
        .map(|item| render(item, &mut inc))
        .collect();
    let keep: Vec<&(String, String)> = call
        .query
        .iter()
        .filter(|(k, _)| k != "page[limit]" && k != "page[offset]")
        .collect();
    let link = |offset: usize| {
        let mut ser = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &keep {
            ser.append_pair(k, v);
        }
        ser.append_pair("page[limit]", &page.limit.to_string());
        ser.append_pair("page[offset]", &offset.to_string());
        format!("{}{}?{}", call.base, call.path, ser.finish())
    };
    let mut links = Map::new();
    if page.offset.saturating_add(page.limit) < count {
        links.insert("next".into(), Value::String(link(page.offset + page.limit)));
    }
    let last = if count == 0 {
        0
    } else {
        (count - 1) / page.limit * page.limit
    };
    links.insert("last".into(), Value::String(link(last)));
    let mut doc = inc.document(Value::Array(data));
    doc.insert("meta".into(), json!({ "count": count }));
    doc.insert("links".into(), Value::Object(links));
    Ok(Outcome::read(Reply::doc(200, Value::Object(doc))))
}

/// Rejects `filter[...]` keys other than `allowed`.
pub(super) fn check_filters(call: &Call, allowed: &[&str]) -> R<()> {
    for (k, _) in call.query {
        if let Some(name) = k.strip_prefix("filter[").and_then(|r| r.strip_suffix(']')) {
            if !allowed.contains(&name) {
                return Err(ApiError::bad_param(k, format!("Unsupported filter `{k}`.")));
            }
        } else if k == "filter" {
            return Err(ApiError::bad_param(
                k,
                "Use `filter[<attribute>]=<values>`.",
            ));
        }
    }
    Ok(())
}

pub(super) fn comma_values<'c>(
    call: &'c Call,
    key: &str,
    allowed: &[&str],
) -> R<Option<Vec<&'c str>>> {
    let Some(raw) = call.q(key) else {
        return Ok(None);
    };
    let vals: Vec<&str> = raw
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect();
    for v in &vals {
        if !allowed.contains(v) {
            return Err(ApiError::bad_param(
                key,
                format!("`{key}` values must be among: {}.", allowed.join(", ")),
            ));
        }
    }
    Ok(Some(vals))
}

pub(super) fn comma_ids(call: &Call, key: &str) -> R<Option<Vec<u64>>> {
    let Some(raw) = call.q(key) else {
        return Ok(None);
    };
    raw.split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| {
            v.parse::<u64>().map_err(|_| {
                ApiError::bad_param(
                    key,
                    format!("`{key}` must be a comma separated list of ids."),
                )
            })
        })
        .collect::<R<Vec<u64>>>()
        .map(Some)
}

/// Parses `sort` into (attribute, descending).
pub(super) fn sort_param<'c>(
    call: &'c Call,
    allowed: &[&str],
    default: (&'c str, bool),
) -> R<(&'c str, bool)> {
    let Some(raw) = call.q("sort") else {
        return Ok(default);
    };
    let (attr, desc) = match raw.strip_prefix('-') {
        Some(a) => (a, true),
        None => (raw, false),
    };
    if allowed.contains(&attr) {
        Ok((attr, desc))
    } else {
        Err(ApiError::bad_param(
            "sort",
            format!(
                "`sort` must be one of {} (prefix - for descending).",
                allowed.join(", ")
            ),
        ))
    }
}
