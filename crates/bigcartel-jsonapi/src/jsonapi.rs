//! JSON:API decoding: bytes in, resolved models out.
//!
//! A document is parsed once, borrowing from the input: each resource's `attributes` stays raw
//! until a model asks for it, and `included` is indexed by `(type, id)` as the document states
//! them. Relationships resolve through that index, so an included resource of a type this crate
//! does not know, or a malformed one, never breaks the decoding of the others.

use serde_json::value::RawValue;
use std::borrow::Cow;
use std::cell::Cell;

#[doc(hidden)]
pub use crate::document::Linkage;
pub use crate::document::RawResource;
use crate::document::{included, parse_document, primary, read_linkage};
// Per-process seeded and several times faster than SipHash on short keys such as ids.
use foldhash::HashMap;

/// How deep relationships are followed; deeper links become stubs that carry only the id. Real
/// documents are two levels deep; the bound stops a cyclic or hostile document.
const MAX_DEPTH: u32 = 6;

/// Why a response body could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The body was empty where a document was expected.
    #[error("the response body is empty; expected a JSON:API document")]
    Empty,
    /// The body is not JSON (an HTML error page, a truncated body, invalid UTF-8...).
    #[error("the response body is not valid JSON ({message}); it starts with {excerpt:?}")]
    NotJson {
        /// The parser's message, with line and column.
        message: String,
        /// The first bytes of the body, lossily decoded, for diagnosis.
        excerpt: String,
    },
    /// Valid JSON, but not the document shape the operation returns.
    #[error("unexpected document shape: {0}")]
    Shape(String),
    /// One resource's attributes have the wrong types.
    #[error("resource {resource_type}/{id} has an invalid attribute: {message}")]
    Attribute {
        /// The resource's `type`.
        resource_type: String,
        /// The resource's `id`.
        id: String,
        /// What was wrong.
        message: String,
    },
}

impl DecodeError {
    /// What went wrong, as a name every facade uses (`not_json`): JavaScript's
    /// `DecodeError.reason`, and the text the generated TypeScript union is checked against.
    pub fn reason(&self) -> &'static str {
        match self {
            DecodeError::Empty => "empty",
            DecodeError::NotJson { .. } => "not_json",
            DecodeError::Shape(_) => "shape",
            DecodeError::Attribute { .. } => "attribute",
        }
    }

    pub(crate) fn not_json(err: &serde_json::Error, body: &[u8]) -> DecodeError {
        let mut excerpt: String = String::from_utf8_lossy(&body[..body.len().min(80)]).into_owned();
        excerpt.retain(|c| !c.is_control());
        DecodeError::NotJson {
            message: err.to_string(),
            excerpt,
        }
    }
}

/// A resolved model generated from the spec (`Product`, `Order`, ...).
pub trait Model: Sized {
    /// The JSON:API `type` the spec gives this resource.
    const TYPE: &'static str;
    /// A model carrying only its type and id, for a relationship whose target is not in the
    /// document (or lies past the depth bound): `resolved` is `false`, so its empty fields read
    /// as "not known" rather than "none".
    fn stub(resource_type: &str, id: &str) -> Self;
    /// Decodes one resource, resolving its relationships through `resolver`.
    fn from_resource(
        resource: &RawResource<'_>,
        resolver: &Resolver<'_>,
    ) -> Result<Self, DecodeError>;
}

/// A raw JSON value as a `serde_json::Value` (numbers keep their exact text).
#[inline(never)]
pub(crate) fn value(raw: &RawValue) -> Result<serde_json::Value, DecodeError> {
    bigcartel_json_cold::parse(raw.get()).map_err(|e| DecodeError::Shape(e.to_string()))
}

/// A resource's `attributes` as JSON text: `None` when absent or null, an error when it is not
/// an object (serde would otherwise read an array positionally). Typed and table-driven decoding
/// both read attributes through it.
#[doc(hidden)]
pub fn attributes_text<'a>(r: &RawResource<'a>) -> Result<Option<&'a str>, DecodeError> {
    match r.attributes.map(RawValue::get) {
        None | Some("null") => Ok(None),
        Some(text) if text.starts_with('{') => Ok(Some(text)),
        Some(_) => Err(DecodeError::Attribute {
            resource_type: r.resource_type.to_string(),
            id: r.id.clone(),
            message: "`attributes` is not an object".into(),
        }),
    }
}

/// Attributes a resource carries that its model does not declare, keyed by wire name, each the
/// JSON value as sent (numbers keep their exact text). The API sends more than its docs list
/// (`customer_phone_number` on orders, `has_digital_file` on product options...): nothing is
/// dropped.
pub type ExtraAttributes = std::collections::BTreeMap<String, serde_json::Value>;

/// Where a model's decoder puts the attributes it declares. The typed models implement it
/// (generated, one `match` on the wire name) and so does the table-driven decoder: both read a
/// resource's attributes through [`read_attributes`], in one pass, by one rule.
#[doc(hidden)]
pub trait AttributeSink<'de> {
    /// The slot (0..128) of a declared attribute, `None` for one the model does not declare.
    fn slot(&self, key: &str) -> Option<usize>;
    /// Reads the value of the attribute in `slot` from `map`.
    fn take<A: serde::de::MapAccess<'de>>(
        &mut self,
        slot: usize,
        map: &mut A,
    ) -> Result<(), A::Error>;
}

struct ReadAttributes<'s, S>(&'s mut S);

/// A map key, borrowed from the input when it has no escapes (serde's own `Cow<str>` always
/// copies): attribute names are read for every resource, so this saves an allocation per key.
pub(crate) struct Key<'de>(pub(crate) Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de, S: AttributeSink<'de>> serde::de::DeserializeSeed<'de> for ReadAttributes<'_, S> {
    type Value = ExtraAttributes;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<ExtraAttributes, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, S: AttributeSink<'de>> serde::de::Visitor<'de> for ReadAttributes<'_, S> {
    type Value = ExtraAttributes;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an attributes object")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> Result<ExtraAttributes, A::Error> {
        // One bit per slot (0..128), in two words: 128-bit integers are slow and large in
        // WebAssembly.
        let mut seen = [0u64; 2];
        let mut extra = ExtraAttributes::new();
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            match self.0.slot(&key) {
                Some(slot) => {
                    // A declared attribute sent twice is ambiguous: refuse it rather than pick one.
                    if let Some(word) = seen.get_mut(slot / 64) {
                        let bit = 1u64 << (slot % 64);
                        if *word & bit != 0 {
                            return Err(serde::de::Error::custom(format!(
                                "duplicate field `{key}`"
                            )));
                        }
                        *word |= bit;
                    }
                    self.0.take(slot, &mut map)?;
                }
                // An undeclared one is kept as sent; a repeated key keeps its last value.
                None => {
                    // Read as raw text first: the one `value` parse is shared with the other
                    // lossless fields (one copy of serde_json's `Value` parser in the module).
                    let raw = map.next_value::<&'de RawValue>()?;
                    let value =
                        bigcartel_json_cold::parse(raw.get()).map_err(serde::de::Error::custom)?;
                    extra.insert(key.into_owned(), value);
                }
            }
        }
        Ok(extra)
    }
}

/// Reads `r`'s attributes in one pass: each declared one into `sink`, the others returned as
/// they were sent. Absent or null attributes read as none.
#[doc(hidden)]
pub fn read_attributes<'a, S: AttributeSink<'a>>(
    r: &RawResource<'a>,
    sink: &mut S,
) -> Result<ExtraAttributes, DecodeError> {
    use serde::de::DeserializeSeed;
    match attributes_text(r)? {
        None => Ok(ExtraAttributes::new()),
        Some(text) => {
            let mut de = serde_json::Deserializer::from_str(text);
            ReadAttributes(sink)
                .deserialize(&mut de)
                .and_then(|extra| de.end().map(|()| extra))
                .map_err(|e| DecodeError::Attribute {
                    resource_type: r.resource_type.to_string(),
                    id: r.id.clone(),
                    message: e.to_string(),
                })
        }
    }
}

/// A relationship as the document gives it, for one the typed fields do not carry whole: an
/// undeclared relationship (`warnings` on an order), or a declared one that also has `links` or
/// `meta`, or has no `data` at all (links-only: "not given", which is not "none").
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Relationship {
    /// `data` as sent: `null`, one resource identifier or a list of them. `None` (and left out
    /// of the JSON) when the relationship has no `data` member.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
    /// The relationship's `links`, as sent.
    pub links: Option<serde_json::Value>,
    /// The relationship's `meta`, as sent.
    pub meta: Option<serde_json::Value>,
    /// For an undeclared relationship, the resources its `data` names that the document's
    /// `included` carries, each resource object as sent, in linkage order (a target not
    /// included is left out). Empty for a declared relationship: its typed field resolves it.
    pub included: Vec<serde_json::Value>,
}

/// Relationships the typed fields do not carry whole, keyed by name (see [`Relationship`]).
pub type ExtraRelationships = std::collections::BTreeMap<String, Relationship>;

/// The relationships of `r` that its model's fields (those `declared` says, by wire name) do not
/// carry whole.
#[doc(hidden)]
pub fn extra_relationships(
    r: &RawResource<'_>,
    declared: impl Fn(&str) -> bool,
    resolver: &Resolver<'_>,
) -> Result<ExtraRelationships, DecodeError> {
    Ok(extra_relationship_list(r, &declared, resolver)?
        .into_iter()
        .collect())
}

/// [`extra_relationships`] as a list sorted by name, the order the map serializes in. The
/// table-driven decoder writes it without building the map (a map of its own type would be a
/// second copy of the map's code in the size-optimised WebAssembly).
#[doc(hidden)]
#[inline(never)]
pub fn extra_relationship_list(
    r: &RawResource<'_>,
    declared: &dyn Fn(&str) -> bool,
    resolver: &Resolver<'_>,
) -> Result<Vec<(String, Relationship)>, DecodeError> {
    let mut out = Vec::new();
    let Some(rels) = &r.relationships else {
        return Ok(out);
    };
    for (name, rel) in rels {
        let is_declared = declared(name);
        if is_declared && rel.data.is_some() && rel.links().is_none() && rel.meta().is_none() {
            continue;
        }
        let included = if is_declared {
            Vec::new()
        } else {
            resolver
                .linkage(r, name)?
                .iter()
                .filter_map(|(t, id)| resolver.included_sent(t, id))
                .collect::<Result<_, _>>()?
        };
        let relationship = Relationship {
            data: rel.data.map(value).transpose()?,
            links: rel.links().map(value).transpose()?,
            meta: rel.meta().map(value).transpose()?,
            included,
        };
        // Kept sorted by name, the order the typed map serializes in (a document's
        // relationships object has each name once: it was read into a map). Lists are a few
        // entries long, so inserting in place is cheaper than a sort.
        let at = out.partition_point(|(n, _): &(String, Relationship)| n.as_str() < name.as_ref());
        out.insert(at, (name.to_string(), relationship));
    }
    Ok(out)
}

/// A resource's own `links` and `meta`, as sent.
#[doc(hidden)]
#[inline(never)]
pub fn links_and_meta(
    r: &RawResource<'_>,
) -> Result<(Option<serde_json::Value>, Option<serde_json::Value>), DecodeError> {
    let (links, meta) = r.links_and_meta();
    Ok((links.map(value).transpose()?, meta.map(value).transpose()?))
}

/// The subtype of a polymorphic JSON:API type, the text after its first slash
/// (`order_adjustments/tax` gives `tax`); `None` for a type without one.
pub fn subtype(resource_type: &str) -> Option<&str> {
    let slash = resource_type.bytes().position(|b| b == b'/')?;
    resource_type.get(slash + 1..)
}

/// Resolves relationships against a document's resources.
pub struct Resolver<'a> {
    index: HashMap<(&'a str, &'a str), &'a RawResource<'a>>,
    depth: Cell<u32>,
    /// The resources the index points into, for [`Resolver::position`].
    documents: [&'a [RawResource<'a>]; 2],
}

impl<'a> Resolver<'a> {
    /// The resource object `included` carries for `(type, id)`, as sent.
    fn included_sent(
        &self,
        resource_type: &str,
        id: &str,
    ) -> Option<Result<serde_json::Value, DecodeError>> {
        self.index.get(&(resource_type, id)).and_then(|r| r.sent())
    }

    fn new(primary: &'a [RawResource<'a>], included: &'a [RawResource<'a>]) -> Self {
        let mut index =
            HashMap::with_capacity_and_hasher(primary.len() + included.len(), Default::default());
        for r in included.iter().chain(primary) {
            index
                .entry((r.resource_type.as_ref(), r.id.as_str()))
                .or_insert(r);
        }
        Resolver {
            index,
            depth: Cell::new(0),
            documents: [included, primary],
        }
    }

    /// Where `r` stands among the document's resources (`included`, then the primary data): a
    /// dense index for per-resource tables, `None` for a resource from elsewhere.
    pub(crate) fn position(&self, r: &RawResource<'_>) -> Option<usize> {
        let size = std::mem::size_of::<RawResource<'_>>();
        let at = std::ptr::from_ref(r) as usize;
        let mut before = 0;
        for part in self.documents {
            let start = part.as_ptr() as usize;
            if at >= start && at < start + std::mem::size_of_val(part) {
                return Some(before + (at - start) / size);
            }
            before += part.len();
        }
        None
    }

    /// The `(type, id)` pairs a relationship of `r` names, in order, borrowed from the document
    /// where they have no escapes.
    #[doc(hidden)]
    pub fn linkage<'r>(
        &self,
        r: &'r RawResource<'_>,
        rel: &str,
    ) -> Result<Linkage<'r>, DecodeError> {
        let Some(data) = r
            .relationships
            .as_ref()
            .and_then(|m| m.get(rel))
            .and_then(|l| l.data)
        else {
            return Ok(Vec::new());
        };
        read_linkage(data.get()).map_err(|e| {
            DecodeError::Shape(format!(
                "relationship `{rel}` of {}/{} is not resource linkage: {e}",
                r.resource_type, r.id
            ))
        })
    }

    fn resolve<T: Model>(&self, resource_type: &str, id: &str) -> Result<T, DecodeError> {
        self.follow(resource_type, id, |found| match found {
            Some(r) => T::from_resource(r, self),
            None => Ok(T::stub(resource_type, id)),
        })
    }

    /// The one rule for following a link, typed or not: `f` gets the resource the document gives
    /// for `(type, id)`, one level deeper, or `None` (a stub) when it is absent or the depth bound
    /// is reached.
    #[doc(hidden)]
    pub fn follow<R>(
        &self,
        resource_type: &str,
        id: &str,
        f: impl FnOnce(Option<&RawResource<'_>>) -> Result<R, DecodeError>,
    ) -> Result<R, DecodeError> {
        match self.index.get(&(resource_type, id)) {
            Some(r) if self.depth.get() < MAX_DEPTH => {
                self.depth.set(self.depth.get() + 1);
                let out = f(Some(r));
                self.depth.set(self.depth.get() - 1);
                out
            }
            _ => f(None),
        }
    }

    /// Resolves a to-many relationship, in the order the document lists it.
    pub fn to_many<T: Model>(&self, r: &RawResource<'_>, rel: &str) -> Result<Vec<T>, DecodeError> {
        let links = self.linkage(r, rel)?;
        // Sized up front: a collect through `Result` cannot know the length, and models are
        // large enough for the growth copies to show in a profile.
        let mut out = Vec::with_capacity(links.len());
        for (t, id) in &links {
            out.push(self.resolve(t, id)?);
        }
        Ok(out)
    }

    /// Resolves a to-one relationship.
    pub fn to_one<T: Model>(
        &self,
        r: &RawResource<'_>,
        rel: &str,
    ) -> Result<Option<T>, DecodeError> {
        match self.linkage(r, rel)?.first() {
            Some((t, id)) => self.resolve(t, id).map(Some),
            None => Ok(None),
        }
    }
}

impl<T> Page<T> {
    /// The same page with each item mapped.
    pub fn map_items<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            next: self.next,
            has_links: self.has_links,
            links: self.links,
            meta: self.meta,
            fingerprint: self.fingerprint,
        }
    }
}

impl Page<()> {
    /// The same paging facts around these items.
    #[doc(hidden)]
    pub fn with_items<T>(self, items: Vec<T>) -> Page<T> {
        Page {
            items,
            total: self.total,
            next: self.next,
            has_links: self.has_links,
            links: self.links,
            meta: self.meta,
            fingerprint: self.fingerprint,
        }
    }
}

/// A page of a list, with what is needed to fetch the next one.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Page<T> {
    /// The resolved items, in the order the API sent them.
    pub items: Vec<T>,
    /// `meta.count`: how many items match in total, when the API says.
    pub total: Option<u64>,
    /// `links.next`: the next page's URL, absent on the last page.
    pub next: Option<String>,
    /// Whether the document had a `links` object at all (some lists are not paginated).
    pub has_links: bool,
    /// The document's `links`, as sent.
    pub links: Option<serde_json::Value>,
    /// The document's `meta`, as sent (`count` included, whatever its type).
    pub meta: Option<serde_json::Value>,
    /// A digest of the page's primary resources (each `type` and `id`, in order): two pages with
    /// the same digest list the same resources. Paging uses it to notice a server that sends the
    /// same page again instead of the next one. Not serialized.
    #[serde(skip)]
    pub fingerprint: u64,
}

/// `meta.count`, read leniently (it has been seen as a string): an integer, or a string holding
/// one; anything else is no count.
fn meta_count(meta: &serde_json::Value) -> Option<u64> {
    match meta.get("count")? {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.trim_ascii().parse::<u64>().ok(),
        _ => None,
    }
}

/// `links.next`, when it is a string (or a number, kept as text).
fn links_next(links: &serde_json::Value) -> Option<String> {
    match links.get("next")? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The digest of [`Page::fingerprint`]: fixed-seeded, so equal inputs give equal digests.
fn fingerprint(data: &[RawResource<'_>]) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = foldhash::fast::FixedState::with_seed(0x6a09_e667_f3bc_c908).build_hasher();
    for r in data {
        h.write(r.resource_type.as_bytes());
        h.write_u8(0xff);
        h.write(r.id.as_bytes());
        h.write_u8(0xff);
    }
    h.write_usize(data.len());
    h.finish()
}

/// Decodes a document whose `data` is one resource (see `bigcartel::jsonapi` for an example).
pub fn decode_one<T: Model>(body: &[u8]) -> Result<T, DecodeError> {
    with_document(body, false, |data, resolver| {
        T::from_resource(&data[0], resolver)
    })
    .map(|(item, _)| item)
}

/// Parses a document once and hands its primary resources (one, or a list) and a resolver over
/// its `included` to `f`: what typed and dynamic decoding share. Also gives the paging facts.
#[doc(hidden)]
pub fn with_document<R>(
    body: &[u8],
    want_list: bool,
    f: impl FnOnce(&[RawResource<'_>], &Resolver<'_>) -> Result<R, DecodeError>,
) -> Result<(R, Page<()>), DecodeError> {
    let doc = parse_document(body)?;
    let data = primary(doc.data, want_list)?;
    let included = included(doc.included);
    let resolver = Resolver::new(&data, &included);
    let out = f(&data, &resolver)?;
    let links = doc.links.map(value).transpose()?;
    let meta = doc.meta.map(value).transpose()?;
    let paging = Page {
        items: Vec::new(),
        total: meta.as_ref().and_then(meta_count),
        next: links.as_ref().and_then(links_next),
        has_links: links.is_some(),
        links,
        meta,
        fingerprint: fingerprint(&data),
    };
    Ok((out, paging))
}

/// Decodes a document whose `data` is a list, with its paging information (see
/// `bigcartel::jsonapi` for an example).
pub fn decode_list<T: Model>(body: &[u8]) -> Result<Page<T>, DecodeError> {
    let (items, paging) = with_document(body, true, |data, resolver| {
        let mut items = Vec::with_capacity(data.len());
        for r in data {
            items.push(T::from_resource(r, resolver)?);
        }
        Ok(items)
    })?;
    Ok(paging.with_items(items))
}

/// Decodes a JSON:API document held as a `serde_json::Value` (a webhook payload, say).
pub fn decode_single<T: Model>(value: &serde_json::Value) -> Result<T, DecodeError> {
    let text = serde_json::to_vec(value).map_err(|e| DecodeError::Shape(e.to_string()))?;
    decode_one(&text)
}

/// Decodes a flat object (`{"id": .., "name": .., ...}`) as a resource of type `T`: the object's
/// members are its attributes. Webhook payloads may arrive in this shape.
pub fn from_flat<T: Model>(value: &serde_json::Value) -> Result<T, DecodeError> {
    decode_single(&flat_document(value, T::TYPE)?)
}

/// The one-resource document a flat object stands for (see [`from_flat`]).
#[doc(hidden)]
pub fn flat_document(
    value: &serde_json::Value,
    resource_type: &str,
) -> Result<serde_json::Value, DecodeError> {
    let obj = value
        .as_object()
        .ok_or_else(|| DecodeError::Shape("expected an object".into()))?;
    let id = obj
        .get("id")
        .cloned()
        .ok_or_else(|| DecodeError::Shape("the object has no `id`".into()))?;
    Ok(serde_json::json!({ "data": { "type": resource_type, "id": id, "attributes": value } }))
}
