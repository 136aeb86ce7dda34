//! What the spec leaves open-ended (undeclared attributes and relationships, `links`, `meta`) as
//! each language's own data: a sealed class in Kotlin, an enum in Swift. A caller walks it
//! without parsing JSON text again, and `toString()` / `description` / `str()` give the JSON.

use std::collections::HashMap;

/// A JSON value as the server sent it. Numbers keep their exact text, so no precision is lost to
/// a floating-point type; the value's string form is its compact JSON.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
#[uniffi::export(Display)]
pub enum JsonValue {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool {
        /// The value.
        value: bool,
    },
    /// A number, as its exact text (`19.99`, `1e3`).
    Number {
        /// The number's text, as sent.
        text: String,
    },
    /// A string.
    Text {
        /// The string.
        value: String,
    },
    /// A list of values.
    Array {
        /// The values, in order.
        items: Vec<JsonValue>,
    },
    /// An object: its members by name.
    Object {
        /// The members.
        members: HashMap<String, JsonValue>,
    },
}

impl From<serde_json::Value> for JsonValue {
    fn from(v: serde_json::Value) -> Self {
        use serde_json::Value;
        match v {
            Value::Null => JsonValue::Null,
            Value::Bool(value) => JsonValue::Bool { value },
            // With `arbitrary_precision`, a number's string form is the text as sent.
            Value::Number(n) => JsonValue::Number {
                text: n.to_string(),
            },
            Value::String(value) => JsonValue::Text { value },
            Value::Array(items) => JsonValue::Array {
                items: items.into_iter().map(Into::into).collect(),
            },
            Value::Object(members) => JsonValue::Object {
                members: members.into_iter().map(|(k, v)| (k, v.into())).collect(),
            },
        }
    }
}

impl From<&JsonValue> for serde_json::Value {
    fn from(v: &JsonValue) -> Self {
        use serde_json::Value;
        match v {
            JsonValue::Null => Value::Null,
            JsonValue::Bool { value } => Value::Bool(*value),
            // Built from a parsed number's text; anything else (a value built by hand in a
            // foreign language) becomes a string rather than invalid JSON.
            JsonValue::Number { text } => text
                .parse::<serde_json::Number>()
                .map_or_else(|_| Value::String(text.clone()), Value::Number),
            JsonValue::Text { value } => Value::String(value.clone()),
            JsonValue::Array { items } => Value::Array(items.iter().map(Into::into).collect()),
            JsonValue::Object { members } => {
                Value::Object(members.iter().map(|(k, v)| (k.clone(), v.into())).collect())
            }
        }
    }
}

impl std::fmt::Display for JsonValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        serde_json::Value::from(self).fmt(f)
    }
}

/// A relationship the typed fields do not carry whole: an undeclared one (with the targets the
/// document includes), or a declared one that also has `links` or `meta`, or has no `data` (a
/// links-only relationship: "not given", which is not "none").
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ExtraRelationship {
    /// `data` as sent: null, one resource identifier or a list of them; absent when the
    /// relationship has no `data` member.
    pub data: Option<JsonValue>,
    /// The relationship's `links`, as sent.
    pub links: Option<JsonValue>,
    /// The relationship's `meta`, as sent.
    pub meta: Option<JsonValue>,
    /// For an undeclared relationship, the resources its `data` names that the document
    /// includes, each resource object as sent, in linkage order.
    pub included: Vec<JsonValue>,
}

impl From<bigcartel::jsonapi::Relationship> for ExtraRelationship {
    fn from(r: bigcartel::jsonapi::Relationship) -> Self {
        ExtraRelationship {
            data: r.data.map(Into::into),
            links: r.links.map(Into::into),
            meta: r.meta.map(Into::into),
            included: r.included.into_iter().map(Into::into).collect(),
        }
    }
}
