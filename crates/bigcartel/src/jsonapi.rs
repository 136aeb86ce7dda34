//! JSON:API decoding: bytes in, resolved models out; and the request documents the client sends.
//!
//! A document is parsed once, borrowing from the input: each resource's `attributes` stays raw
//! until a model asks for it, and `included` is indexed by `(type, id)` as the document states
//! them. Relationships resolve through that index, so an included resource of a type this crate
//! does not know, or a malformed one, never breaks the decoding of the others. (The decoding
//! itself lives in the `bigcartel-jsonapi` crate and is re-exported here.)
//!
//! One resource ([`decode_one`]):
//!
//! ```
//! use bigcartel::models::Artist;
//! let body = br#"{"data":{"type":"artists","id":"7","attributes":{"name":"Ada","position":"2"}}}"#;
//! let artist: Artist = bigcartel::jsonapi::decode_one(body).unwrap();
//! assert_eq!((artist.id.as_str(), artist.name.as_deref(), artist.position), ("7", Some("Ada"), Some(2)));
//! ```
//!
//! A list with its paging facts ([`decode_list`]); an included resource of an unknown type is
//! ignored:
//!
//! ```
//! use bigcartel::models::Product;
//! let body = br#"{"data":[{"type":"products","id":"1","attributes":{"name":"Tee","default_price":"20.0"},
//!   "relationships":{"options":{"data":[{"type":"product_options","id":"9"}]}}}],
//!   "included":[{"type":"product_options","id":"9","attributes":{"name":"Large","price":"18.0"}},
//!               {"type":"something_new","id":"1","attributes":{"x":[1,2]}}],
//!   "meta":{"count":"41"},"links":{"next":"https://api.bigcartel.com/v1/accounts/1/products?page%5Boffset%5D=20"}}"#;
//! let page = bigcartel::jsonapi::decode_list::<Product>(body).unwrap();
//! assert_eq!(page.total, Some(41));
//! assert_eq!(page.items[0].options[0].name.as_deref(), Some("Large"));
//! assert_eq!(page.items[0].default_price.as_deref(), Some("20.0"));
//! ```

pub use bigcartel_jsonapi::jsonapi::*;
use serde::de::DeserializeOwned;

/// Builds `{"data": {"type", "id"?, "attributes", "relationships"?}}` as the raw client's body type.
pub fn resource_body<B: DeserializeOwned, I: serde::Serialize>(
    op: &crate::Operation,
    resource_type: &str,
    id: Option<&str>,
    attributes: &I,
    relationships: Option<serde_json::Value>,
) -> Result<B, crate::Error> {
    let attributes = serde_json::to_value(attributes)
        .map_err(|e| crate::Error::invalid_input(op, e.to_string()))?;
    serde_json::from_value(resource_document(
        resource_type,
        id,
        attributes,
        relationships,
    ))
    .map_err(|e| crate::Error::invalid_input(op, e.to_string()))
}

/// The document [`resource_body`] sends, as JSON: what typed and table-driven requests share
/// (empty relationships are left out).
pub(crate) fn resource_document(
    resource_type: &str,
    id: Option<&str>,
    attributes: serde_json::Value,
    relationships: Option<serde_json::Value>,
) -> serde_json::Value {
    let mut data = serde_json::json!({ "type": resource_type, "attributes": attributes });
    if let Some(id) = id {
        data["id"] = id.into();
    }
    if let Some(rel) = relationships.filter(|r| r.as_object().is_some_and(|m| !m.is_empty())) {
        data["relationships"] = rel;
    }
    serde_json::json!({ "data": data })
}

/// Builds `{"data": [{"type", "id"}, ...]}` as the raw client's body type.
pub fn identifiers_body<B: DeserializeOwned>(
    op: &crate::Operation,
    resource_type: &str,
    ids: &[String],
) -> Result<B, crate::Error> {
    serde_json::from_value(identifiers_document(op, resource_type, ids)?)
        .map_err(|e| crate::Error::invalid_input(op, e.to_string()))
}

/// The document [`identifiers_body`] sends, as JSON (at least one id).
pub(crate) fn identifiers_document(
    op: &crate::Operation,
    resource_type: &str,
    ids: &[String],
) -> Result<serde_json::Value, crate::Error> {
    if ids.is_empty() {
        return Err(crate::Error::invalid_input(
            op,
            "at least one id is required".into(),
        ));
    }
    Ok(serde_json::json!({ "data": identifier_list(resource_type, ids) }))
}

/// `[{"type", "id"}, ...]`: resource linkage for these ids.
pub(crate) fn identifier_list(resource_type: &str, ids: &[String]) -> serde_json::Value {
    serde_json::Value::Array(
        ids.iter()
            .map(|id| serde_json::json!({ "type": resource_type, "id": id }))
            .collect(),
    )
}

/// Parses a response or webhook body. serde_json's byte-slice reader is a second copy of its
/// whole parser in the npm module (about 4 KB gzipped); the decoders read `&str`, so every body
/// is checked as UTF-8 once here and read with that same reader.
pub(crate) fn from_bytes<'a, T: serde::Deserialize<'a>>(body: &'a [u8]) -> serde_json::Result<T> {
    match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str(text),
        Err(e) => Err(serde::de::Error::custom(format_args!(
            "the body is not UTF-8: invalid byte at offset {}",
            e.valid_up_to()
        ))),
    }
}

// Error documents are a cold path: decoded here, in a crate the npm build compiles for size,
// rather than beside the speed-compiled decoder.
/// One JSON:API error object, as the API sends it in `errors`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct ErrorObject {
    /// The HTTP status, as a string.
    #[serde(default, deserialize_with = "crate::lenient::string")]
    pub status: Option<String>,
    /// An application-specific code.
    #[serde(default, deserialize_with = "crate::lenient::string")]
    pub code: Option<String>,
    /// A short summary.
    #[serde(default, deserialize_with = "crate::lenient::string")]
    pub title: Option<String>,
    /// What went wrong in this case.
    #[serde(default, deserialize_with = "crate::lenient::string")]
    pub detail: Option<String>,
    /// `source.pointer` or `source.parameter`: what in the request caused it.
    #[serde(default, deserialize_with = "source")]
    pub source: Option<String>,
}

fn source<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(serde::Deserialize)]
    struct Source {
        pointer: Option<String>,
        parameter: Option<String>,
    }
    Ok(<Option<Source> as serde::Deserialize>::deserialize(d)
        .ok()
        .flatten()
        .and_then(|s| s.pointer.or(s.parameter)))
}

/// Reads the `errors` of an error document; anything else gives an empty list.
pub fn decode_errors(body: &[u8]) -> Vec<ErrorObject> {
    #[derive(serde::Deserialize)]
    struct Doc {
        #[serde(default)]
        errors: Vec<ErrorObject>,
    }
    from_bytes::<Doc>(body)
        .map(|d| d.errors)
        .unwrap_or_default()
}
