//! Normalisation: rewrites, in an in-memory copy of a spec, the constructs progenitor cannot read
//! (or reads wrongly) into equivalents it can. Every rewrite that changes what the generated client
//! does is reported as a note: `cargo xtask lint` prints them and the generated file lists them in
//! its header, so nothing changes silently. The spec file itself is never touched.
//!
//! The rewrites, each general (none knows about a particular API):
//! - `+json` request media types (`application/vnd.api+json`) become `application/json`; the
//!   client's hooks put the real header back at run time (not noted: the bytes sent are the same).
//! - `Accept`, `Content-Type` and `Authorization` header parameters are dropped: OpenAPI 3.0.3
//!   (Parameter Object, `in: header`) says such definitions SHALL be ignored; the client sets them.
//! - Array query parameters that are not exploded (`explode: false`, `spaceDelimited`,
//!   `pipeDelimited`) become one string parameter: progenitor always explodes arrays
//!   (`a=1&a=2`), which would put the wrong thing on the wire. The caller joins the values.
//! - Path parameters not marked `required` are marked so (path parameters always are; progenitor
//!   asserts it).
//! - A JSON response without a schema gets the empty schema (any JSON value) instead of reaching
//!   progenitor's `todo!`.
//! - Inline response schemas of one operation get their own component names: typify names them all
//!   `<Operation>Response` and would silently decode an error body with the success type.
//! - One kind of success body and one kind of error body per operation (progenitor asserts it;
//!   `default` counts for both): bodiless responses beside a body are left undeclared (they arrive as
//!   `Error::UnexpectedResponse`, whose status the hand-written layer checks), and responses whose
//!   bodies have different schemas are all handed over as raw bytes (`ByteStream`).
//! - Integer bounds (`minimum`, `maximum` and their `exclusive` flags) are removed: typify turns a
//!   lower bound above zero into `NonZeroU64` (and `minimum: 0` into `u64`), types that do not
//!   cross FFI and that the operations layer cannot pass its `i64` into. The spec keeps the
//!   bounds; the table-driven check (`dynamic::check`, from the schema table) enforces them.
//! - Documented value sets (string `enum`s of more than one value) in schemas no request uses are
//!   removed: typify makes them closed enums, so a raw response with a value the API added later
//!   would fail to decode. The resolved models read the values from the spec itself, as open
//!   enums that keep the unknown. Request schemas keep theirs: they guide what a caller sends.

mod responses;

use super::lint::Finding;
#[cfg(test)]
use responses::RAW_MEDIA;
use responses::fix_responses;
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

/// A normalised spec and what was changed to get it.
#[derive(Debug, Clone)]
pub struct Normalised {
    /// The spec progenitor reads.
    pub spec: Value,
    /// One note per rewrite that changes the generated client's behaviour.
    pub notes: Vec<Finding>,
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Normalises a spec (see the module documentation for the rewrites).
pub fn normalise(spec: &Value) -> Normalised {
    let mut spec = spec.clone();
    let mut notes = Vec::new();
    let mut note = |location: String, message: String| notes.push(Finding { location, message });

    // Shared parameters first, so that every operation using them sees the rewritten form.
    let shared: Vec<String> = spec
        .pointer("/components/parameters")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    for name in shared {
        let loc = format!("components.parameters.{name}");
        if let Some(p) = spec.pointer_mut(&format!("/components/parameters/{}", escape(&name))) {
            rewrite_parameter(p, &loc, &mut note);
        }
    }

    let paths: Vec<String> = spec
        .get("paths")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let mut hoisted = Map::new();
    for path in paths {
        let item_ptr = format!("/paths/{}", escape(&path));
        // Path-item parameters.
        let resolved = resolved_params(&spec, &format!("{item_ptr}/parameters"));
        if let Some(params) = spec
            .pointer_mut(&format!("{item_ptr}/parameters"))
            .and_then(Value::as_array_mut)
        {
            fix_params(params, &resolved, &format!("paths.{path}"), &mut note);
        }
        let methods: Vec<String> = spec
            .pointer(&item_ptr)
            .and_then(Value::as_object)
            .map(|m| {
                m.keys()
                    .filter(|k| METHODS.contains(&k.as_str()))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        for method in methods {
            let loc = format!("paths.{path}.{method}");
            let op_ptr = format!("{item_ptr}/{method}");
            let resolved = resolved_params(&spec, &format!("{op_ptr}/parameters"));
            let responses = resolved_responses(&spec, &format!("{op_ptr}/responses"));
            let schemas = spec
                .pointer("/components/schemas")
                .and_then(Value::as_object)
                .map(|m| m.keys().cloned().collect::<BTreeSet<_>>())
                .unwrap_or_default();
            let Some(op) = spec.pointer_mut(&op_ptr) else {
                continue;
            };
            if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
                fix_params(params, &resolved, &loc, &mut note);
            }
            if let Some(content) = op
                .pointer_mut("/requestBody/content")
                .and_then(Value::as_object_mut)
            {
                let renamed: Map<String, Value> = std::mem::take(content)
                    .into_iter()
                    .map(|(k, v)| (super::lint::normalise_media(&k), v))
                    .collect();
                *content = renamed;
            }
            let op_id = op
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or("operation")
                .to_string();
            if let Some(resps) = op.get_mut("responses").and_then(Value::as_object_mut) {
                // Work on inlined copies of shared responses: only this operation changes.
                for (code, resolved) in responses {
                    resps.insert(code, resolved);
                }
                fix_responses(resps, &op_id, &loc, &schemas, &mut hoisted, &mut note);
            }
        }
    }
    for loc in strip_integer_bounds(&mut spec, "") {
        note(
            loc,
            "integer bounds removed for progenitor (they would make NonZero*/unsigned types); \
             the integer is plain i64 and the bounds are checked from the spec's table"
                .into(),
        );
    }
    // Only what requests never use: a request's value set guides what the caller may send.
    let sent = request_schemas(&spec);
    let names: Vec<String> = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().filter(|k| !sent.contains(*k)).cloned().collect())
        .unwrap_or_default();
    for name in names {
        let loc = format!("components.schemas.{name}");
        let Some(schema) = spec.pointer_mut(&format!("/components/schemas/{}", escape(&name)))
        else {
            continue;
        };
        for loc in strip_value_sets(schema, &loc) {
            note(
                loc,
                "documented value set removed for progenitor in a response-only schema (it \
                 would make a closed enum that refuses values the API adds later); the raw type \
                 is the string as sent"
                    .into(),
            );
        }
    }
    let titles = strip_nested_titles(&mut spec);
    if titles > 0 {
        note(
            "components".into(),
            format!(
                "{titles} `title`(s) of nested schemas dropped: typify names a type after its title, \
                 and equal titles (or a title equal to a component's name) make duplicate types"
            ),
        );
    }
    if !hoisted.is_empty() {
        let schemas = spec
            .as_object_mut()
            .expect("a spec is an object")
            .entry("components")
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .and_then(|c| {
                c.entry("schemas")
                    .or_insert_with(|| json!({}))
                    .as_object_mut()
            });
        if let Some(schemas) = schemas {
            schemas.extend(hoisted);
        }
    }
    notes.sort();
    Normalised { spec, notes }
}

/// Calls `strip` on every schema object under `v` (examples are data and are left alone);
/// returns the locations (`components.schemas.X.properties.y`) where it removed something.
fn strip_everywhere(
    v: &mut Value,
    loc: &str,
    strip: &dyn Fn(&mut Map<String, Value>) -> bool,
) -> Vec<String> {
    let mut out = Vec::new();
    match v {
        Value::Object(m) => {
            if strip(m) {
                out.push(loc.to_string());
            }
            for (k, child) in m.iter_mut() {
                if k != "example" && k != "examples" {
                    let here = if loc.is_empty() {
                        k.clone()
                    } else {
                        format!("{loc}.{k}")
                    };
                    out.extend(strip_everywhere(child, &here, strip));
                }
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter_mut().enumerate() {
                out.extend(strip_everywhere(c, &format!("{loc}.{i}"), strip));
            }
        }
        _ => {}
    }
    out
}

/// Removes `minimum`, `maximum`, `exclusiveMinimum` and `exclusiveMaximum` from every integer
/// schema. Returns where it removed them.
fn strip_integer_bounds(v: &mut Value, loc: &str) -> Vec<String> {
    const BOUNDS: [&str; 4] = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"];
    strip_everywhere(v, loc, &|m| {
        if m.get("type").and_then(Value::as_str) != Some("integer") {
            return false;
        }
        let before = m.len();
        m.retain(|k, _| !BOUNDS.contains(&k.as_str()));
        m.len() != before
    })
}

/// The component schemas a request can carry: those request bodies and parameters refer to,
/// and everything they refer to in turn.
fn request_schemas(spec: &Value) -> BTreeSet<String> {
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                    out.push(r.to_string());
                }
                m.values().for_each(|c| refs(c, out));
            }
            Value::Array(a) => a.iter().for_each(|c| refs(c, out)),
            _ => {}
        }
    }
    let mut todo = Vec::new();
    for item in spec
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|p| p.values())
    {
        refs(item.get("parameters").unwrap_or(&Value::Null), &mut todo);
        for method in METHODS {
            if let Some(op) = item.get(*method) {
                refs(op.get("parameters").unwrap_or(&Value::Null), &mut todo);
                refs(op.get("requestBody").unwrap_or(&Value::Null), &mut todo);
            }
        }
    }
    let mut seen = BTreeSet::new();
    while let Some(r) = todo.pop() {
        let Some(pointer) = r.strip_prefix('#') else {
            continue;
        };
        // Shared parameters and request bodies lead on to schemas too.
        if let Some(name) = pointer.strip_prefix("/components/schemas/")
            && !seen.insert(name.to_string())
        {
            continue;
        }
        if let Some(target) = spec.pointer(pointer) {
            refs(target, &mut todo);
        }
    }
    seen
}

/// Removes `enum` from every string schema that lists more than one value. Returns where it
/// removed one. A one-value enum is a discriminator (a JSON:API `type`), which the request types
/// need as it is.
fn strip_value_sets(v: &mut Value, loc: &str) -> Vec<String> {
    strip_everywhere(v, loc, &|m| {
        let values = m
            .get("enum")
            .and_then(Value::as_array)
            .map(|e| e.iter().filter(|x| !x.is_null()).count());
        let set = m.get("type").and_then(Value::as_str) == Some("string") && values > Some(1);
        if set {
            m.remove("enum");
        }
        set
    })
}

/// Removes `title` from every schema that is not itself a named component schema (those are named
/// by their key). Returns how many were removed.
fn strip_nested_titles(spec: &mut Value) -> usize {
    let mut count = 0;
    if let Some(schemas) = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for schema in schemas.values_mut() {
            strip_schema_children(schema, &mut count);
        }
    }
    // Schemas under paths, shared responses, request bodies and parameters: every `schema` key.
    for section in [
        "/paths",
        "/components/responses",
        "/components/requestBodies",
        "/components/parameters",
    ] {
        if let Some(v) = spec.pointer_mut(section) {
            strip_under_schema_keys(v, &mut count);
        }
    }
    count
}

/// Finds `schema` keys (media types, parameters) outside components.schemas and strips those schemas.
fn strip_under_schema_keys(v: &mut Value, count: &mut usize) {
    match v {
        Value::Object(m) => {
            for (k, child) in m.iter_mut() {
                if k == "schema" {
                    strip_schema(child, count);
                } else if k != "example" && k != "examples" {
                    strip_under_schema_keys(child, count);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|c| strip_under_schema_keys(c, count)),
        _ => {}
    }
}

/// Strips `title` from a schema and everything nested in it.
fn strip_schema(schema: &mut Value, count: &mut usize) {
    if let Some(m) = schema.as_object_mut()
        && m.remove("title").is_some()
    {
        *count += 1;
    }
    strip_schema_children(schema, count);
}

/// Strips `title` from the schemas nested in `schema` (not from `schema` itself).
fn strip_schema_children(schema: &mut Value, count: &mut usize) {
    let Some(m) = schema.as_object_mut() else {
        return;
    };
    if let Some(props) = m.get_mut("properties").and_then(Value::as_object_mut) {
        for p in props.values_mut() {
            strip_schema(p, count);
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = m.get_mut(key).filter(|c| c.is_object()) {
            strip_schema(child, count);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(list) = m.get_mut(key).and_then(Value::as_array_mut) {
            for child in list {
                strip_schema(child, count);
            }
        }
    }
}

/// JSON-pointer escaping of one key.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn resolve<'a>(spec: &'a Value, v: &'a Value) -> &'a Value {
    match v
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
    {
        Some(ptr) => spec.pointer(ptr).unwrap_or(v),
        None => v,
    }
}

fn resolved_params(spec: &Value, ptr: &str) -> Vec<Value> {
    spec.pointer(ptr)
        .and_then(Value::as_array)
        .map(|a| a.iter().map(|p| resolve(spec, p).clone()).collect())
        .unwrap_or_default()
}

fn resolved_responses(spec: &Value, ptr: &str) -> Vec<(String, Value)> {
    spec.pointer(ptr)
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, r)| (k.clone(), resolve(spec, r).clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// Drops the header parameters the client owns and rewrites the rest in place. `resolved` holds
/// the parameters with `$ref`s followed, index for index.
fn fix_params(
    params: &mut Vec<Value>,
    resolved: &[Value],
    loc: &str,
    note: &mut impl FnMut(String, String),
) {
    let mut keep = Vec::with_capacity(params.len());
    for (p, r) in std::mem::take(params).into_iter().zip(resolved) {
        let name = r.get("name").and_then(Value::as_str).unwrap_or("?");
        let is_header = r.get("in").and_then(Value::as_str) == Some("header");
        if is_header
            && ["accept", "content-type", "authorization"].contains(&name.to_lowercase().as_str())
        {
            note(
                format!("{loc}.parameters.{name}"),
                format!(
                    "header parameter `{name}` dropped (OpenAPI 3.0.3 says it SHALL be ignored); \
                     the client sets it"
                ),
            );
            continue;
        }
        let mut p = p;
        if p.get("$ref").is_none() {
            rewrite_parameter(&mut p, &format!("{loc}.parameters.{name}"), note);
        }
        keep.push(p);
    }
    *params = keep;
}

/// Rewrites one (inline) parameter object: delimited arrays become strings, path parameters required.
fn rewrite_parameter(p: &mut Value, loc: &str, note: &mut impl FnMut(String, String)) {
    let Some(obj) = p.as_object_mut() else {
        return;
    };
    let location = obj
        .get("in")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if location == "path" && obj.get("required") != Some(&Value::Bool(true)) {
        obj.insert("required".into(), Value::Bool(true));
        note(
            loc.to_string(),
            "path parameter marked required (path parameters always are)".into(),
        );
    }
    if location != "query" {
        return;
    }
    let is_array = obj
        .get("schema")
        .and_then(|s| s.get("type"))
        .and_then(Value::as_str)
        == Some("array");
    let style = obj.get("style").and_then(Value::as_str).unwrap_or("form");
    let delimiter = match style {
        "form" if obj.get("explode") == Some(&Value::Bool(false)) => ",",
        "spaceDelimited" => " ",
        "pipeDelimited" => "|",
        _ => return,
    };
    if !is_array {
        return;
    }
    let values: Vec<String> = obj
        .get("schema")
        .and_then(|s| s.pointer("/items/enum"))
        .and_then(Value::as_array)
        .map(|e| {
            e.iter()
                .filter_map(|v| v.as_str().map(|s| format!("`{s}`")))
                .collect()
        })
        .unwrap_or_default();
    let mut description = obj
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if !description.is_empty() {
        description.push_str("\n\n");
    }
    description.push_str(&format!("A `{delimiter}`-separated list"));
    if !values.is_empty() {
        description.push_str(&format!(" of {}", values.join(", ")));
    }
    description.push('.');
    obj.insert("description".into(), Value::String(description));
    obj.insert("schema".into(), json!({ "type": "string" }));
    obj.remove("style");
    obj.remove("explode");
    note(
        loc.to_string(),
        format!(
            "array sent as one `{delimiter}`-separated string (progenitor would explode it into \
             repeated parameters); the parameter is a string"
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimited_arrays_become_strings_and_owned_headers_go() {
        let spec = json!({
            "openapi": "3.0.3",
            "paths": { "/x/{id}": {
                "parameters": [ { "name": "Accept", "in": "header", "required": true, "schema": { "type": "string" } } ],
                "get": {
                    "operationId": "getX",
                    "parameters": [
                        { "name": "id", "in": "path", "schema": { "type": "string" } },
                        { "name": "include", "in": "query", "explode": false,
                          "schema": { "type": "array", "items": { "type": "string", "enum": ["a", "b"] } } },
                        { "name": "tags", "in": "query", "schema": { "type": "array", "items": { "type": "string" } } }
                    ],
                    "responses": { "200": { "description": "ok" } }
                }
            } }
        });
        let n = normalise(&spec);
        let op = &n.spec["paths"]["/x/{id}"];
        assert_eq!(op["parameters"], json!([]));
        let params = op["get"]["parameters"].as_array().unwrap();
        assert_eq!(params[0]["required"], json!(true));
        assert_eq!(params[1]["schema"], json!({ "type": "string" }));
        assert!(
            params[1]["description"]
                .as_str()
                .unwrap()
                .contains("`a`, `b`")
        );
        // An exploded array stays an array.
        assert_eq!(params[2]["schema"]["type"], json!("array"));
        assert_eq!(n.notes.len(), 3, "{:#?}", n.notes);
    }

    #[test]
    fn integer_bounds_are_removed_and_noted() {
        let spec = json!({
            "openapi": "3.0.3",
            "paths": { "/x": { "get": {
                "operationId": "getX",
                "parameters": [
                    { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 100 } },
                    { "name": "q", "in": "query", "schema": { "type": "string", "minLength": 1 } }
                ],
                "responses": { "200": { "description": "ok" } }
            } } },
            "components": { "schemas": { "In": { "type": "object", "properties": {
                "n": { "type": "integer", "format": "int64", "minimum": 0, "exclusiveMinimum": true, "example": 3 }
            } } } }
        });
        let n = normalise(&spec);
        assert_eq!(
            n.spec["paths"]["/x"]["get"]["parameters"][0]["schema"],
            json!({ "type": "integer" })
        );
        // Only integers: a string's length bounds stay.
        assert_eq!(
            n.spec["paths"]["/x"]["get"]["parameters"][1]["schema"]["minLength"],
            json!(1)
        );
        assert_eq!(
            n.spec["components"]["schemas"]["In"]["properties"]["n"],
            json!({ "type": "integer", "format": "int64", "example": 3 })
        );
        let at: Vec<&str> = n.notes.iter().map(|f| f.location.as_str()).collect();
        assert_eq!(
            at,
            [
                "components.schemas.In.properties.n",
                "paths./x.get.parameters.0.schema"
            ]
        );
        // The spec itself keeps them.
        assert_eq!(
            spec["paths"]["/x"]["get"]["parameters"][0]["schema"]["minimum"],
            json!(1)
        );
    }

    #[test]
    fn open_value_sets_become_plain_strings_and_discriminators_stay() {
        let spec = json!({
            "openapi": "3.0.3",
            "paths": { "/gifts": { "post": {
                "operationId": "createGift",
                "requestBody": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/GiftRequest" } } } },
                "responses": { "200": { "description": "ok" } }
            } } },
            "components": { "schemas": {
                "OrderAttributes": { "type": "object", "properties": {
                    "status": { "type": "string", "nullable": true, "enum": ["shipped", "unshipped", null] },
                    "kind": { "type": "string", "enum": ["a", "b"], "example": "a" }
                } },
                "ArtistData": { "type": "object", "properties": {
                    "type": { "type": "string", "enum": ["artists"] }
                } },
                "GiftRequest": { "type": "object", "properties": {
                    "theme": { "$ref": "#/components/schemas/Theme" }
                } },
                "Theme": { "type": "string", "enum": ["birthday", "general"] }
            } }
        });
        let n = normalise(&spec);
        let props = &n.spec["components"]["schemas"]["OrderAttributes"]["properties"];
        assert_eq!(
            props["status"],
            json!({ "type": "string", "nullable": true })
        );
        assert_eq!(props["kind"], json!({ "type": "string", "example": "a" }));
        // A one-value enum is a JSON:API type discriminator, not a value set: it stays.
        assert_eq!(
            n.spec["components"]["schemas"]["ArtistData"]["properties"]["type"]["enum"],
            json!(["artists"])
        );
        // A value set a request carries (through a reference) stays: it guides the caller.
        assert_eq!(
            n.spec["components"]["schemas"]["Theme"]["enum"],
            json!(["birthday", "general"])
        );
        let at: Vec<&str> = n.notes.iter().map(|f| f.location.as_str()).collect();
        assert_eq!(
            at,
            [
                "components.schemas.OrderAttributes.properties.kind",
                "components.schemas.OrderAttributes.properties.status"
            ]
        );
        // The spec itself keeps them.
        assert!(
            spec["components"]["schemas"]["OrderAttributes"]["properties"]["status"]["enum"]
                .is_array()
        );
    }

    #[test]
    fn mixed_response_kinds_become_one() {
        let spec = json!({
            "openapi": "3.0.3",
            "paths": { "/x": { "delete": {
                "operationId": "deleteX",
                "responses": {
                    "200": { "description": "ok", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/X" } } } },
                    "204": { "description": "gone" },
                    "400": { "description": "bad", "content": { "application/json": { "schema": { "type": "object" } } } },
                    "409": { "$ref": "#/components/responses/Conflict" }
                }
            } } },
            "components": {
                "schemas": { "X": { "type": "object" }, "E": { "type": "object" } },
                "responses": { "Conflict": { "description": "c", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/E" } } } } }
            }
        });
        let n = normalise(&spec);
        let r = &n.spec["paths"]["/x"]["delete"]["responses"];
        assert!(r.get("204").is_none());
        assert_eq!(
            r["200"]["content"]["application/json"]["schema"]["$ref"],
            json!("#/components/schemas/X")
        );
        assert!(r["400"]["content"].get(RAW_MEDIA).is_some());
        assert!(r["409"]["content"].get(RAW_MEDIA).is_some());
        // The shared response itself is untouched.
        assert!(
            n.spec["components"]["responses"]["Conflict"]["content"]
                .get("application/json")
                .is_some()
        );
        assert_eq!(n.notes.len(), 2, "{:#?}", n.notes);
    }
}
