//! The spec as data, for decoding: a model's attributes and relationships as a static table,
//! and a decoder that resolves any document of that model into the JSON text its typed model
//! serializes to. `bigcartel` generates the tables from the spec (`bigcartel::dynamic::MODELS`)
//! and wraps these functions; use it from there.

use crate::document::{plain_string, push_str};
use crate::jsonapi::{self, DecodeError, Page, RawResource, Resolver};
use serde::de::MapAccess;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::cell::RefCell;

/// An attribute's or parameter's type, as the typed models carry it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string (numbers are accepted on responses and kept as their text).
    String,
    /// An exact decimal amount, carried as its text ("20.0").
    Decimal,
    /// A 64-bit integer.
    Int,
    /// A boolean.
    Bool,
    /// A list of strings.
    StringList,
}

/// An attribute of a model, or a field of a request's attributes.
#[derive(Debug)]
pub struct Field {
    /// The wire name.
    pub name: &'static str,
    /// The key the typed model serializes it under: ASCII letters, digits and `_` only (it is
    /// written without escaping).
    pub key: &'static str,
    /// Its type.
    pub kind: Kind,
    /// Required (request fields only; model attributes are all optional).
    pub required: bool,
}

/// A relationship of a model.
#[derive(Debug)]
pub struct Rel {
    /// The relationship's name on the wire.
    pub name: &'static str,
    /// The key the typed model serializes it under: ASCII letters, digits and `_` only (it is
    /// written without escaping).
    pub key: &'static str,
    /// The related model, an index into the models table it belongs to.
    pub model: usize,
    /// To-many (a list) or to-one (an object or null).
    pub many: bool,
}

/// A resolved model: its JSON:API type, attributes and relationships.
#[derive(Debug)]
pub struct ModelSchema {
    /// The model's name (`Product`).
    pub name: &'static str,
    /// The JSON:API type (`products`).
    pub wire_type: &'static str,
    /// Its attributes, in the typed model's field order.
    pub fields: &'static [Field],
    /// Its relationships, in the typed model's field order.
    pub rels: &'static [Rel],
    /// The subtypes its polymorphic type is known to take (`tax` for `order_adjustments/tax`);
    /// a model with any has a `subtype` field. Empty for a type without subtypes.
    pub subtypes: &'static [&'static str],
}

// ------------------------------------------------------------------------------------------------
// Decoding

/// The resolved JSON of a document whose `data` is one resource of `model`: the same text
/// `serde_json::to_string` gives for the typed model.
pub fn decode_one(
    models: &[ModelSchema],
    model: &ModelSchema,
    body: &[u8],
) -> Result<String, DecodeError> {
    let (out, _) = jsonapi::with_document(body, false, |data, resolver| {
        let mut out = Vec::with_capacity(body.len());
        let cx = Context::new(models, resolver);
        write_resource(&mut out, &cx, model, &data[0])?;
        Ok(out)
    })?;
    Ok(into_string(out))
}

/// The resolved JSON of each item of a list document of `model`, with the paging facts.
pub fn decode_list(
    models: &[ModelSchema],
    model: &ModelSchema,
    body: &[u8],
) -> Result<Page<String>, DecodeError> {
    let (items, paging) = jsonapi::with_document(body, true, |data, resolver| {
        // Resolved items are about as long as the document's share of them.
        let hint = body.len() / data.len().max(1);
        let cx = Context::new(models, resolver);
        data.iter()
            .map(|r| {
                let mut out = Vec::with_capacity(hint);
                write_resource(&mut out, &cx, model, r)?;
                Ok(into_string(out))
            })
            .collect::<Result<Vec<String>, DecodeError>>()
    })?;
    Ok(paging.with_items(items))
}

/// A page as JSON: `{"items": [...], "total", "next", "has_links", "links", "meta"}`, as a typed
/// [`Page`] serializes.
pub fn page_json(page: &Page<String>) -> String {
    // Once per page, so written for size: this crate is compiled for speed even in the
    // size-optimised npm module, where an inlined version of this was 2.5 KB.
    let total = page
        .total
        .map_or_else(|| "null".to_owned(), |n| n.to_string());
    let next = page
        .next
        .as_deref()
        .map_or_else(|| "null".to_owned(), json_string);
    format!(
        "{{\"items\":[{}],\"total\":{total},\"next\":{next},\"has_links\":{},\"links\":{},\"meta\":{}}}",
        page.items.join(","),
        page.has_links,
        json_value(&page.links),
        json_value(&page.meta),
    )
}

fn into_string(out: Vec<u8>) -> String {
    // Only JSON text from serde_json's writers and ASCII punctuation is ever written.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn json_string(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len() + 2);
    push_str(&mut out, s);
    into_string(out)
}

fn json_value(value: &Option<serde_json::Value>) -> String {
    let mut out = Vec::new();
    write_optional(&mut out, value.as_ref());
    into_string(out)
}

/// A value's JSON, or `null`, as `Option<Value>` serializes.
fn write_optional(out: &mut Vec<u8>, value: Option<&serde_json::Value>) {
    match value {
        Some(v) => bigcartel_json_cold::write(out, v),
        None => out.extend_from_slice(b"null"),
    }
}

fn push_key(out: &mut Vec<u8>, key: &str) {
    // Keys are the generated tables' snake_case names (see [`Field::key`]), which JSON needs no
    // escape for: they are copied as they stand, which is most of the cost of writing a key.
    debug_assert!(key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
    out.extend_from_slice(b",\"");
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\":");
}

/// The table decoder's side of [`jsonapi::read_attributes`]: each declared attribute's raw value,
/// by its index in the model's fields.
struct RawSlots<'a, 'm> {
    fields: &'m [Field],
    values: Vec<Option<&'a RawValue>>,
}

impl<'a> jsonapi::AttributeSink<'a> for RawSlots<'a, '_> {
    fn slot(&self, key: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == key)
    }
    fn take<A: MapAccess<'a>>(&mut self, slot: usize, map: &mut A) -> Result<(), A::Error> {
        self.values[slot] = Some(map.next_value::<&'a RawValue>()?);
        Ok(())
    }
}

fn attribute_error(r: &RawResource<'_>, message: String) -> DecodeError {
    DecodeError::Attribute {
        resource_type: r.resource_type.to_string(),
        id: r.id.clone(),
        message,
    }
}

/// Writes one attribute value by the same lenient rules as the typed models.
fn write_value(out: &mut Vec<u8>, kind: Kind, raw: &RawValue) -> Result<(), serde_json::Error> {
    use crate::lenient;
    // Most attributes are plain string literals. One with no escape in it is already exactly
    // what serde_json writes for its value (the parser refused raw control characters, and only
    // `"`, `\` and those are ever escaped), so it is copied as it stands.
    let text = raw.get();
    if let Some(inner) = plain_string(text) {
        match kind {
            Kind::String => {
                out.extend_from_slice(text.as_bytes());
                return Ok(());
            }
            Kind::Decimal if crate::lenient::is_decimal(inner) => {
                out.extend_from_slice(text.as_bytes());
                return Ok(());
            }
            _ => {}
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    match kind {
        Kind::String => match lenient::string(&mut de)? {
            Some(s) => push_str(out, &s),
            None => out.extend_from_slice(b"null"),
        },
        Kind::Decimal => match lenient::decimal(&mut de)? {
            Some(s) => push_str(out, &s),
            None => out.extend_from_slice(b"null"),
        },
        Kind::Int => match lenient::int(&mut de)? {
            Some(n) => out.extend_from_slice(n.to_string().as_bytes()),
            None => out.extend_from_slice(b"null"),
        },
        Kind::Bool => match lenient::boolean(&mut de)? {
            Some(true) => out.extend_from_slice(b"true"),
            Some(false) => out.extend_from_slice(b"false"),
            None => out.extend_from_slice(b"null"),
        },
        Kind::StringList => match lenient::string_list(&mut de)? {
            Some(list) => {
                let _ = serde_json::to_writer(&mut *out, &list);
            }
            None => out.extend_from_slice(b"null"),
        },
    }
    Ok(())
}

fn write_stub(out: &mut Vec<u8>, model: &ModelSchema, resource_type: &str, id: &str) {
    out.extend_from_slice(b"{\"id\":");
    push_str(out, id);
    for f in model.fields {
        push_key(out, f.key);
        out.extend_from_slice(b"null");
    }
    for rel in model.rels {
        push_key(out, rel.key);
        out.extend_from_slice(if rel.many { b"[]" } else { b"null" });
    }
    write_identity(out, model, resource_type, false);
    // No extra attributes or relationships, no links or meta: all four are left out.
    out.push(b'}');
}

/// The fields every model has after its relationships: `resource_type` (as sent: a subtype
/// such as `order_adjustments/tax` included), `subtype` for a polymorphic model, and
/// `resolved`.
fn write_identity(out: &mut Vec<u8>, model: &ModelSchema, resource_type: &str, resolved: bool) {
    push_key(out, "resource_type");
    push_str(out, resource_type);
    if !model.subtypes.is_empty() {
        push_key(out, "subtype");
        match jsonapi::subtype(resource_type) {
            Some(sub) => push_str(out, sub),
            None => out.extend_from_slice(b"null"),
        }
    }
    out.extend_from_slice(if resolved {
        b",\"resolved\":true"
    } else {
        b",\"resolved\":false"
    });
}

/// A resource's text kept by [`Context`]: the model it was written as (its address), and the
/// range of the kept text.
type Kept = (usize, usize, usize);

/// What writing one document's resources shares: the tables, the resolver, and the text already
/// written for resources of models without relationships.
struct Context<'c, 'a> {
    models: &'c [ModelSchema],
    resolver: &'c Resolver<'a>,
    /// By the resource's [`Resolver::position`]: the model it was written as, and its text as a
    /// range of the second member. Only models without relationships are kept: their text depends
    /// on nothing but the resource (no depth bound, no other resource), so a second reference to
    /// the same country or category is a copy, not a second parse of its attributes and `links`.
    leaves: RefCell<(Vec<Option<Kept>>, Vec<u8>)>,
}

impl<'c, 'a> Context<'c, 'a> {
    fn new(models: &'c [ModelSchema], resolver: &'c Resolver<'a>) -> Self {
        Context {
            models,
            resolver,
            leaves: RefCell::default(),
        }
    }

    /// Writes a resource reached through a relationship, from the leaves' text when it can be.
    fn write_target(
        &self,
        out: &mut Vec<u8>,
        model: &ModelSchema,
        r: &RawResource<'_>,
    ) -> Result<(), DecodeError> {
        // A model with relationships is never kept: no need to find the resource's position.
        let Some(at) = model
            .rels
            .is_empty()
            .then(|| self.resolver.position(r))
            .flatten()
        else {
            return write_resource(out, self, model, r);
        };
        let model_id = std::ptr::from_ref(model) as usize;
        {
            let leaves = self.leaves.borrow();
            if let Some(&Some((m, start, end))) = leaves.0.get(at)
                && m == model_id
            {
                out.extend_from_slice(&leaves.1[start..end]);
                return Ok(());
            }
        }
        let start = out.len();
        write_resource(out, self, model, r)?;
        let mut leaves = self.leaves.borrow_mut();
        let (index, text) = &mut *leaves;
        if index.len() <= at {
            index.resize(at + 1, None);
        }
        let from = text.len();
        text.extend_from_slice(&out[start..]);
        index[at] = Some((model_id, from, text.len()));
        Ok(())
    }
}

fn write_resource(
    out: &mut Vec<u8>,
    cx: &Context<'_, '_>,
    model: &ModelSchema,
    r: &RawResource<'_>,
) -> Result<(), DecodeError> {
    let (models, resolver) = (cx.models, cx.resolver);
    let mut slots = RawSlots {
        fields: model.fields,
        values: vec![None; model.fields.len()],
    };
    let extra = jsonapi::read_attributes(r, &mut slots)?;
    out.extend_from_slice(b"{\"id\":");
    push_str(out, &r.id);
    for (f, raw) in model.fields.iter().zip(&slots.values) {
        push_key(out, f.key);
        match raw {
            Some(raw) => write_value(out, f.kind, raw)
                .map_err(|e| attribute_error(r, format!("`{}`: {e}", f.name)))?,
            None => out.extend_from_slice(b"null"),
        }
    }
    for rel in model.rels {
        push_key(out, rel.key);
        // A table whose index points outside it is a generator bug; refuse it as a shape error.
        let target = models.get(rel.model).ok_or_else(|| {
            DecodeError::Shape(format!("relationship `{}` names no model", rel.name))
        })?;
        let links = resolver.linkage(r, rel.name)?;
        let follow = |out: &mut Vec<u8>, t: &str, id: &str| {
            resolver.follow(t, id, |found| match found {
                Some(x) => cx.write_target(out, target, x),
                None => {
                    write_stub(out, target, t, id);
                    Ok(())
                }
            })
        };
        if rel.many {
            out.push(b'[');
            for (i, (t, id)) in links.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                follow(out, t, id)?;
            }
            out.push(b']');
        } else {
            match links.first() {
                Some((t, id)) => follow(out, t, id)?,
                None => out.extend_from_slice(b"null"),
            }
        }
    }
    write_identity(out, model, &r.resource_type, true);
    // The four lossless fields are left out when empty, as the typed models' `Serialize` does.
    if !extra.is_empty() {
        push_key(out, "extra_attributes");
        bigcartel_json_cold::write_map(out, &extra);
    }
    let declared = |name: &str| model.rels.iter().any(|rel| rel.name == name);
    let rels = jsonapi::extra_relationship_list(r, &declared, resolver)?;
    if !rels.is_empty() {
        // Written as the typed model's map serializes: by name, in order.
        out.extend_from_slice(b",\"extra_relationships\":{");
        for (i, (name, rel)) in rels.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            push_str(out, name);
            out.push(b':');
            write_relationship(out, rel);
        }
        out.push(b'}');
    }
    let (links, meta) = r.links_and_meta();
    if let Some(links) = links {
        push_key(out, "links");
        write_member(out, links)?;
    }
    if let Some(meta) = meta {
        push_key(out, "meta");
        write_member(out, meta)?;
    }
    out.push(b'}');
    Ok(())
}

/// Writes a `links` or `meta` member as its `serde_json::Value` serializes (keys sorted, compact),
/// which is what the typed models hold. Most are a flat object of plain strings
/// (`{"self": "https://..."}`): those are written from the raw text, in this crate's fast code,
/// instead of through a parsed value in the size-compiled one (in the npm module, that parse
/// and write was about a tenth of decoding a products page).
fn write_member(out: &mut Vec<u8>, raw: &RawValue) -> Result<(), DecodeError> {
    let start = out.len();
    let mut de = serde_json::Deserializer::from_str(raw.get());
    if serde::Deserializer::deserialize_map(&mut de, PlainMembers(out)).is_ok() {
        return Ok(());
    }
    out.truncate(start);
    bigcartel_json_cold::write(out, &jsonapi::value(raw)?);
    Ok(())
}

/// Writes an object whose keys come in ascending order without escapes and whose values are
/// all plain strings: then its raw text, made compact, is what its `Value` serializes to (a
/// `Value` map sorts its keys and keeps a repeated key's last value, which ascending keys
/// rule out). Anything else is refused, for the general writer. Read with the same parser and
/// key type as the attributes, so the module holds no second copy of serde_json's object reader.
struct PlainMembers<'o>(&'o mut Vec<u8>);

impl<'de> serde::de::Visitor<'de> for PlainMembers<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let out = self.0;
        out.push(b'{');
        let mut last: Option<&str> = None;
        while let Some(jsonapi::Key(key)) = map.next_key::<jsonapi::Key<'de>>()? {
            let value = map.next_value::<&'de RawValue>()?.get();
            match key {
                Cow::Borrowed(key)
                    if last.is_none_or(|last| last < key) && plain_string(value).is_some() =>
                {
                    if last.is_some() {
                        out.push(b',');
                    }
                    push_str(out, key);
                    out.push(b':');
                    out.extend_from_slice(value.as_bytes());
                    last = Some(key);
                }
                _ => return Err(serde::de::Error::custom("")),
            }
        }
        out.push(b'}');
        Ok(())
    }
}

/// Writes a relationship's JSON exactly as [`jsonapi::Relationship`]'s `Serialize` does (`data`
/// left out when absent), by hand: the derived serializer would be a larger copy of the same work.
fn write_relationship(out: &mut Vec<u8>, rel: &jsonapi::Relationship) {
    out.push(b'{');
    if let Some(data) = &rel.data {
        out.extend_from_slice(b"\"data\":");
        bigcartel_json_cold::write(out, data);
        out.push(b',');
    }
    out.extend_from_slice(b"\"links\":");
    write_optional(out, rel.links.as_ref());
    out.extend_from_slice(b",\"meta\":");
    write_optional(out, rel.meta.as_ref());
    out.extend_from_slice(b",\"included\":[");
    for (i, v) in rel.included.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        bigcartel_json_cold::write(out, v);
    }
    out.extend_from_slice(b"]}");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast writer of `links` and `meta` gives the text the parsed value serializes to, on
    /// the shapes it takes itself and on those it hands to the general writer.
    #[test]
    fn members_are_written_as_their_values_serialize() {
        for text in [
            r#"{"self":"https://api.bigcartel.com/v1/accounts/1/products/2"}"#,
            r#"{ "self" : "a", "related" : "b" }"#,
            r#"{"b":"2","a":"1","b":"3"}"#,
            r#"{"s\u0065lf":"a"}"#,
            r#"{"self":"caf\u00e9 \"q\""}"#,
            r#"{"self":"café/ü"}"#,
            r#"{"self":{"href":"x","meta":{"count":"3"}}}"#,
            r#"{"count":3,"total":1.50,"flag":true,"none":null,"list":["a",1]}"#,
            r#"{}"#,
            r#"null"#,
            r#"["a"]"#,
            r#""text""#,
        ] {
            let raw: &RawValue = serde_json::from_str(text).unwrap();
            let mut fast = Vec::new();
            write_member(&mut fast, raw).unwrap();
            let mut general = Vec::new();
            bigcartel_json_cold::write(&mut general, &jsonapi::value(raw).unwrap());
            assert_eq!(
                String::from_utf8(fast).unwrap(),
                String::from_utf8(general).unwrap(),
                "{text}"
            );
        }
    }

    static MODELS: &[ModelSchema] = &[
        ModelSchema {
            name: "Product",
            wire_type: "products",
            fields: &[],
            rels: &[
                Rel {
                    name: "category",
                    key: "category",
                    model: 1,
                    many: false,
                },
                Rel {
                    name: "also",
                    key: "also",
                    model: 2,
                    many: true,
                },
            ],
            subtypes: &[],
        },
        ModelSchema {
            name: "Category",
            wire_type: "categories",
            fields: &[Field {
                name: "name",
                key: "name",
                kind: Kind::String,
                required: false,
            }],
            rels: &[],
            subtypes: &[],
        },
        ModelSchema {
            name: "Label",
            wire_type: "categories",
            fields: &[Field {
                name: "slug",
                key: "slug",
                kind: Kind::String,
                required: false,
            }],
            rels: &[],
            subtypes: &[],
        },
    ];

    /// A resource referenced again is written from the text kept for it, which must be the text
    /// a fresh write gives, and a resource reached as two different models is written as each.
    #[test]
    fn repeated_targets_are_written_as_a_fresh_write_would() {
        let product = |id: u32| {
            format!(
                r#"{{"type":"products","id":"{id}","relationships":{{"category":{{"data":{{"type":"categories","id":"1"}}}},"also":{{"data":[{{"type":"categories","id":"1"}}]}}}}}}"#
            )
        };
        let included = r#"[{"type":"categories","id":"1","attributes":{"name":"Prints","slug":"prints","x":[1.50]},"links":{"self":"https://x/1"},"meta":{"b":"2","a":{"c":null}}}]"#;
        let list = format!(
            r#"{{"data":[{},{}],"included":{included}}}"#,
            product(1),
            product(2)
        );
        let page = decode_list(MODELS, &MODELS[0], list.as_bytes()).unwrap();
        for (i, item) in page.items.iter().enumerate() {
            let one = format!(
                r#"{{"data":{},"included":{included}}}"#,
                product(i as u32 + 1)
            );
            assert_eq!(
                item,
                &decode_one(MODELS, &MODELS[0], one.as_bytes()).unwrap()
            );
        }
        let item = &page.items[1];
        assert!(item.contains(r#""category":{"id":"1","name":"Prints","resource_type":"categories","resolved":true,"extra_attributes":{"slug":"prints","x":[1.50]},"links":{"self":"https://x/1"},"meta":{"a":{"c":null},"b":"2"}}"#), "{item}");
        assert!(item.contains(r#""also":[{"id":"1","slug":"prints","resource_type":"categories","resolved":true,"extra_attributes":{"name":"Prints","x":[1.50]},"#), "{item}");
    }
}
