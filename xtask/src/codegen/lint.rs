//! Spec lint: everything progenitor (or our own generators) would reject or panic on, reported as
//! messages with a location, before any generation runs.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// One problem found in a spec.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// A JSON-pointer-like location (`paths./v1/x.get`).
    pub location: String,
    /// What is wrong and what to do about it.
    pub message: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Media types progenitor 0.15 accepts for request bodies (after `+json` normalisation).
const REQUEST_MEDIA: &[&str] = &[
    "application/json",
    "application/octet-stream",
    "application/x-www-form-urlencoded",
    "text/plain",
    "text/x-markdown",
];

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Lints a spec. An empty result means generation can proceed.
pub fn lint(spec: &Value) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut push = |location: String, message: String| out.push(Finding { location, message });

    match spec.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") => {}
        Some(v) => push(
            "openapi".into(),
            format!("version {v} is not supported; progenitor reads OpenAPI 3.0.x only"),
        ),
        None => push("openapi".into(), "missing `openapi` version field".into()),
    }

    find_external_refs(spec, "", &mut |loc, r| {
        push(
            loc,
            format!("external $ref `{r}`: only local `#/components/...` references are supported"),
        )
    });

    let mut seen_ids: BTreeMap<String, String> = BTreeMap::new();
    let paths = spec.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let loc = format!("paths.{path}.{method}");
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                push(
                    loc.clone(),
                    "operation has no operationId; every operation needs one".into(),
                );
                continue;
            };
            if let Some(prev) = seen_ids.insert(id.to_string(), loc.clone()) {
                push(
                    loc.clone(),
                    format!("operationId `{id}` is already used by {prev}"),
                );
            }
            let params = item
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .chain(
                    op.get("parameters")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten(),
                );
            for p in params {
                let p = resolve(spec, p);
                let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
                if p.get("style").and_then(Value::as_str) == Some("deepObject") {
                    push(
                        format!("{loc}.parameters.{name}"),
                        "style: deepObject is not supported by progenitor; declare each bracket key \
                         (`filter[status]`) as its own scalar query parameter"
                            .into(),
                    );
                }
                if p.get("in").and_then(Value::as_str) == Some("cookie") {
                    push(
                        format!("{loc}.parameters.{name}"),
                        "cookie parameters are not supported by progenitor".into(),
                    );
                }
            }
            if let Some(body) = op.get("requestBody").map(|b| resolve(spec, b)) {
                let media: Vec<&String> = body
                    .get("content")
                    .and_then(Value::as_object)
                    .map(|m| m.keys().collect())
                    .unwrap_or_default();
                if media.len() > 1 {
                    push(
                        format!("{loc}.requestBody"),
                        format!(
                            "{} request media types ({}); progenitor supports exactly one per operation",
                            media.len(),
                            media
                                .iter()
                                .map(|s| s.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                }
                for (m, body) in body
                    .get("content")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    if has_encoding(body) {
                        push(
                            format!("{loc}.requestBody"),
                            "`encoding` on a request body is not supported by progenitor; remove it"
                                .into(),
                        );
                    }
                    if body.get("schema").is_none() {
                        push(
                            format!("{loc}.requestBody"),
                            format!("request media type `{m}` has no schema; progenitor needs one"),
                        );
                    }
                    let normalised = normalise_media(m);
                    if !REQUEST_MEDIA.contains(&normalised.as_str()) {
                        push(
                            format!("{loc}.requestBody"),
                            format!("request media type `{m}` is not supported by progenitor"),
                        );
                    }
                }
            }
            lint_responses(spec, &loc, op, &mut push);
        }
    }

    find_schemas(spec, "", &mut |loc, schema| {
        lint_schema(schema, &loc, &mut push)
    });

    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    let names: BTreeSet<&str> = schemas
        .into_iter()
        .flatten()
        .map(|(k, _)| k.as_str())
        .collect();
    let mut models = BTreeMap::new();
    for (name, schema) in schemas.into_iter().flatten() {
        if let Some(model) = schema.get("x-model").and_then(Value::as_str) {
            models.insert(model.to_string(), name.clone());
        }
    }
    for (name, schema) in schemas.into_iter().flatten() {
        let loc = format!("components.schemas.{name}");
        find_closed_objects(schema, &loc, &mut |l| {
            if !name.ends_with("Request") && !name.ends_with("Input") {
                push(
                    l,
                    "additionalProperties: false on a response schema makes every new attribute a decode \
                     error; leave responses open"
                        .into(),
                )
            }
        });
        if schema.get("x-model").is_none() {
            continue;
        }
        if schema
            .get("x-jsonapi-type")
            .and_then(Value::as_str)
            .is_none()
        {
            push(
                loc.clone(),
                "x-model resource without x-jsonapi-type (the wire `type`)".into(),
            );
        }
        match schema
            .pointer("/properties/attributes/$ref")
            .and_then(Value::as_str)
        {
            Some(r) if names.contains(r.trim_start_matches("#/components/schemas/")) => {
                let attrs = &schemas.unwrap()[r.trim_start_matches("#/components/schemas/")];
                for (attr, _) in attrs
                    .get("properties")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    if attr == "id" || attr == "type" {
                        push(
                            format!("{loc}.attributes.{attr}"),
                            "attribute clashes with the resource's own `{attr}`"
                                .replace("{attr}", attr),
                        );
                    }
                    if schema
                        .pointer(&format!("/x-relationships/{attr}"))
                        .is_some()
                    {
                        push(
                            format!("{loc}.attributes.{attr}"),
                            format!(
                                "`{attr}` is both an attribute and a relationship; the resolved model needs one field per name"
                            ),
                        );
                    }
                }
            }
            Some(r) => push(
                loc.clone(),
                format!("attributes reference `{r}` does not resolve"),
            ),
            None => push(
                loc.clone(),
                "x-model resource needs `attributes: {$ref: ...}`".into(),
            ),
        }
        for (rel, target) in schema
            .get("x-relationships")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            match target.get("model").and_then(Value::as_str) {
                Some(m) if models.contains_key(m) => {}
                Some(m) => push(
                    format!("{loc}.x-relationships.{rel}"),
                    format!(
                        "relationship target model `{m}` is not declared by any x-model schema"
                    ),
                ),
                None => push(
                    format!("{loc}.x-relationships.{rel}"),
                    "relationship needs `model: <Name>`".into(),
                ),
            }
        }
    }
    find_observed(spec, "", &mut |loc, v| {
        if v.as_str().is_none_or(|t| t.trim().is_empty()) {
            push(
                loc,
                "`x-observed` must say where the undocumented fact was seen (a non-empty string)"
                    .into(),
            );
        }
    });
    for (name, schema) in schemas.into_iter().flatten() {
        let Some(subtypes) = schema.get("x-jsonapi-subtypes") else {
            continue;
        };
        let loc = format!("components.schemas.{name}.x-jsonapi-subtypes");
        if schema.get("x-model").is_none() {
            push(
                loc.clone(),
                "subtypes belong to an x-model resource (its wire type is `<x-jsonapi-type>/<subtype>`)"
                    .into(),
            );
        }
        let Some(list) = subtypes.as_array() else {
            push(loc, "must be a list of subtype names".into());
            continue;
        };
        let mut seen = BTreeSet::new();
        for s in list {
            match s.as_str() {
                Some(t) if !t.is_empty() && !t.contains('/') && seen.insert(t) => {}
                _ => push(
                    loc.clone(),
                    format!("`{s}` is not a subtype name (non-empty, no `/`, listed once)"),
                ),
            }
        }
    }
    out.sort();
    out
}

/// Every fact the spec states beyond the API's docs: each `x-observed` note, with its location
/// and where the fact was seen. `cargo xtask lint` lists them, so what rests on observation
/// rather than documentation stays visible.
pub fn observed(spec: &Value) -> Vec<Finding> {
    let mut out = Vec::new();
    find_observed(spec, "", &mut |location, v| {
        out.push(Finding {
            location,
            message: format!("observed beyond the docs: {}", v.as_str().unwrap_or("?")),
        })
    });
    out.sort();
    out
}

/// Calls `f` on every `x-observed` value (examples are data, so they are skipped).
fn find_observed(v: &Value, loc: &str, f: &mut impl FnMut(String, &Value)) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                if k == "x-observed" {
                    f(loc.to_string(), child);
                } else if k != "example" && k != "examples" {
                    find_observed(child, &join(loc, k), f);
                }
            }
        }
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, c)| find_observed(c, &join(loc, &i.to_string()), f)),
        _ => {}
    }
}

fn lint_responses(spec: &Value, loc: &str, op: &Value, push: &mut impl FnMut(String, String)) {
    let Some(responses) = op.get("responses").and_then(Value::as_object) else {
        push(
            format!("{loc}.responses"),
            "operation has no responses".into(),
        );
        return;
    };
    // Mixed success or error body kinds are rewritten by `normalise` (and noted there); what is
    // left here is what progenitor would still panic on.
    for (code, resp) in responses {
        let resp = resolve(spec, resp);
        for (media, body) in resp
            .get("content")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if media.starts_with("application/json") && has_encoding(body) {
                push(
                    format!("{loc}.responses.{code}"),
                    "`encoding` on a JSON response is not supported by progenitor; remove it"
                        .into(),
                );
            }
        }
    }
}

/// The keys an OpenAPI 3.0 Schema Object may have (besides `x-` extensions). A Reference Object
/// (`$ref`) is allowed too; its siblings are ignored by every reader, so they are not checked.
const SCHEMA_KEYS: &[&str] = &[
    "title",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
    "enum",
    "type",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "items",
    "properties",
    "additionalProperties",
    "description",
    "format",
    "default",
    "nullable",
    "discriminator",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
    "example",
    "deprecated",
];

/// Calls `f` on every schema of the document that is not nested in another schema: component
/// schemas and the `schema` of parameters, headers and media types. Examples are data, not
/// schemas, so they are skipped.
fn find_schemas(v: &Value, loc: &str, f: &mut impl FnMut(String, &Value)) {
    let Value::Object(m) = v else {
        if let Value::Array(a) = v {
            for (i, c) in a.iter().enumerate() {
                find_schemas(c, &join(loc, &i.to_string()), f);
            }
        }
        return;
    };
    for (k, child) in m {
        let here = join(loc, k);
        if k == "schema" {
            f(here, child);
        } else if loc == "components" && k == "schemas" {
            for (name, schema) in child.as_object().into_iter().flatten() {
                f(join(&here, name), schema);
            }
        } else if k != "example" && k != "examples" && !k.starts_with("x-") {
            find_schemas(child, &here, f);
        }
    }
}

/// A schema (and the schemas inside it) has only the keys OpenAPI 3.0 defines. The usual way to
/// get another key is a plain YAML flow-style description with a comma in it
/// (`{ description: A, b }`): YAML reads `b` as a key, and the text after the comma is lost.
fn lint_schema(schema: &Value, loc: &str, push: &mut impl FnMut(String, String)) {
    let Value::Object(m) = schema else {
        push(loc.to_string(), "a schema must be an object".into());
        return;
    };
    if m.contains_key("$ref") {
        return;
    }
    for (k, v) in m {
        if SCHEMA_KEYS.contains(&k.as_str()) || k.starts_with("x-") {
            continue;
        }
        let hint = if v.is_null() {
            " (a flow-style `{ description: ... }` with a comma? quote the description)"
        } else {
            ""
        };
        push(
            loc.to_string(),
            format!("`{k}` is not a schema keyword of OpenAPI 3.0{hint}"),
        );
    }
    for key in ["not", "items"] {
        if let Some(s) = m.get(key) {
            lint_schema(s, &join(loc, key), push);
        }
    }
    if let Some(s) = m.get("additionalProperties").filter(|s| s.is_object()) {
        lint_schema(s, &join(loc, "additionalProperties"), push);
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        match m.get(key) {
            None => {}
            Some(Value::Array(a)) => {
                for (i, s) in a.iter().enumerate() {
                    lint_schema(s, &join(&join(loc, key), &i.to_string()), push);
                }
            }
            Some(_) => push(join(loc, key), format!("`{key}` must be a list of schemas")),
        }
    }
    match m.get("properties") {
        None => {}
        Some(Value::Object(props)) => {
            for (name, s) in props {
                lint_schema(s, &join(&join(loc, "properties"), name), push);
            }
        }
        Some(_) => push(join(loc, "properties"), "`properties` must be a map".into()),
    }
}

fn has_encoding(media: &Value) -> bool {
    media
        .get("encoding")
        .and_then(Value::as_object)
        .is_some_and(|e| !e.is_empty())
}

/// `application/vnd.api+json` and friends are JSON; progenitor only knows `application/json`.
pub fn normalise_media(media: &str) -> String {
    let base = media.split(';').next().unwrap_or(media).trim();
    if base.ends_with("+json") {
        "application/json".into()
    } else {
        base.to_string()
    }
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

fn find_external_refs(v: &Value, loc: &str, f: &mut impl FnMut(String, &str)) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                if k == "$ref" {
                    if let Some(r) = child.as_str().filter(|r| !r.starts_with('#')) {
                        f(loc.to_string(), r);
                    }
                } else {
                    find_external_refs(child, &join(loc, k), f);
                }
            }
        }
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, c)| find_external_refs(c, &join(loc, &i.to_string()), f)),
        _ => {}
    }
}

fn find_closed_objects(v: &Value, loc: &str, f: &mut impl FnMut(String)) {
    match v {
        Value::Object(m) => {
            if m.get("additionalProperties") == Some(&Value::Bool(false)) {
                f(loc.to_string());
            }
            for (k, child) in m {
                find_closed_objects(child, &join(loc, k), f);
            }
        }
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, c)| find_closed_objects(c, &join(loc, &i.to_string()), f)),
        _ => {}
    }
}

fn join(loc: &str, k: &str) -> String {
    if loc.is_empty() {
        k.to_string()
    } else {
        format!("{loc}.{k}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(yaml: &str) -> Vec<String> {
        let spec: Value = serde_norway::from_str(yaml).unwrap();
        lint(&spec).iter().map(ToString::to_string).collect()
    }

    const HEAD: &str = "openapi: 3.0.3\ninfo: { title: t, version: '1' }\npaths: {}\n";

    #[test]
    fn a_comma_in_a_flow_style_description_is_caught() {
        let out = findings(&format!(
            "{HEAD}components:\n  schemas:\n    A:\n      type: object\n      properties:\n        \
             url: {{ type: string, description: The URL of the store, either custom or default. }}\n"
        ));
        assert_eq!(
            out,
            [
                "components.schemas.A.properties.url: `either custom or default.` is not a schema \
              keyword of OpenAPI 3.0 (a flow-style `{ description: ... }` with a comma? quote the \
              description)"
            ]
        );
    }

    #[test]
    fn quoted_descriptions_extensions_and_nested_schemas_pass() {
        let out = findings(&format!(
            "{HEAD}components:\n  schemas:\n    A:\n      type: object\n      x-note: A\n      \
             properties:\n        url: {{ type: string, description: \"The URL, quoted.\" }}\n        \
             list: {{ type: array, items: {{ $ref: '#/components/schemas/A' }} }}\n      \
             example: {{ anything: goes }}\n"
        ));
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn integer_bounds_are_facts_the_spec_may_state() {
        // The generator strips them from what progenitor reads (see normalise.rs), so a lower
        // bound above zero no longer turns into NonZero* and is not refused here.
        let spec = |schema: &str| {
            format!(
                "openapi: 3.0.3\ninfo: {{ title: t, version: '1' }}\npaths:\n  /x:\n    get:\n      \
                 operationId: x\n      parameters:\n        - {{ name: q, in: query, schema: {schema} }}\n      \
                 responses: {{ '200': {{ description: ok }} }}\n"
            )
        };
        for ok in [
            "{ type: integer, minimum: 0 }",
            "{ type: integer, minimum: 1, maximum: 100 }",
            "{ type: integer, minimum: 0, exclusiveMinimum: true }",
        ] {
            assert!(findings(&spec(ok)).is_empty(), "{ok}");
        }
    }

    #[test]
    fn observed_notes_are_listed_and_must_say_where() {
        let yaml = format!(
            "{HEAD}components:\n  schemas:\n    A:\n      type: object\n      x-model: A\n      \
             x-jsonapi-type: as\n      x-jsonapi-subtypes: [one, two]\n      \
             properties:\n        attributes: {{ $ref: '#/components/schemas/B' }}\n    B:\n      \
             type: object\n      properties:\n        \
             phone: {{ type: string, x-observed: live responses }}\n        \
             blank: {{ type: string, x-observed: '' }}\n"
        );
        assert_eq!(
            findings(&yaml),
            [
                "components.schemas.B.properties.blank: `x-observed` must say where the undocumented \
              fact was seen (a non-empty string)"
            ]
        );
        let spec: Value = serde_norway::from_str(&yaml).unwrap();
        let listed: Vec<String> = observed(&spec).iter().map(ToString::to_string).collect();
        assert_eq!(
            listed,
            [
                "components.schemas.B.properties.blank: observed beyond the docs: ",
                "components.schemas.B.properties.phone: observed beyond the docs: live responses",
            ]
        );
    }

    #[test]
    fn subtypes_are_names_on_a_model() {
        let out = findings(&format!(
            "{HEAD}components:\n  schemas:\n    A:\n      type: object\n      \
             x-jsonapi-subtypes: [tax, 'a/b', tax]\n"
        ));
        assert_eq!(
            out,
            [
                "components.schemas.A.x-jsonapi-subtypes: `\"a/b\"` is not a subtype name (non-empty, no `/`, listed once)",
                "components.schemas.A.x-jsonapi-subtypes: `\"tax\"` is not a subtype name (non-empty, no `/`, listed once)",
                "components.schemas.A.x-jsonapi-subtypes: subtypes belong to an x-model resource (its wire type is `<x-jsonapi-type>/<subtype>`)",
            ]
        );
    }

    #[test]
    fn unknown_keys_are_found_in_parameter_and_nested_schemas() {
        let out = findings(
            "openapi: 3.0.3\ninfo: { title: t, version: '1' }\npaths:\n  /x:\n    get:\n      \
             operationId: x\n      parameters:\n        - { name: q, in: query, schema: { type: string, maxlength: 3 } }\n      \
             responses:\n        '200':\n          description: ok\n          content:\n            \
             application/json:\n              schema:\n                allOf:\n                  - { type: object, propertys: {} }\n",
        );
        assert_eq!(
            out,
            [
                "paths./x.get.parameters.0.schema: `maxlength` is not a schema keyword of OpenAPI 3.0",
                "paths./x.get.responses.200.content.application/json.schema.allOf.0: `propertys` is not a schema keyword of OpenAPI 3.0",
            ]
        );
    }
}
