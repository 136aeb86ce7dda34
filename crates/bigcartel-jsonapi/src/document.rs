//! A document's skeleton, read in one pass: `data` and each `included` entry become
//! [`RawResource`]s straight from the body, their members kept as raw text for the models to
//! read later.
//!
//! Why one pass: reading `data` and `included` first as raw text and then parsing each entry
//! from that text walked every byte of every resource twice before any attribute was read; a
//! profile of the typed decoder put that first walk at about a fifth of its instructions.
//!
//! Reading a resource never fails on its members' shapes: a malformed entry of `included` (not
//! an object, no string `type`, no string or number `id`, a member given twice, relationships
//! that are not an object of objects) is skipped, so that the others still resolve; a
//! malformed primary resource is a shape error. Relationships are read in the same pass, so a
//! resource's own text is never walked twice.

use crate::jsonapi::{DecodeError, Key};
use foldhash::HashMap;
use serde::Deserialize;
use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

/// One resource as it appears on the wire, with its attributes not yet decoded.
#[derive(Debug)]
pub struct RawResource<'a> {
    /// The resource's `type`.
    pub resource_type: Cow<'a, str>,
    /// The resource's `id` (numbers are accepted and kept as text).
    pub id: String,
    /// `attributes` as sent (`null` included).
    #[doc(hidden)]
    pub attributes: Option<&'a RawValue>,
    pub(crate) relationships: Option<HashMap<Cow<'a, str>, RawRelationship<'a>>>,
    /// `links` and `meta` as sent (`null` included: see [`RawResource::links_and_meta`]).
    links: Option<&'a RawValue>,
    meta: Option<&'a RawValue>,
    /// Members beyond these, to give an `included` entry back whole ([`RawResource::sent`]).
    others: Others<'a>,
    /// Whether `id` was sent as a number, `relationships` as `null`.
    id_number: bool,
    relationships_null: bool,
    /// Whether the resource is an entry of `included`.
    pub(crate) included: bool,
}

/// A resource object's members as read, before they are checked.
#[derive(Default)]
struct Sent<'a> {
    resource_type: Option<&'a RawValue>,
    id: Option<&'a RawValue>,
    attributes: Option<&'a RawValue>,
    relationships: Option<Relationships<'a>>,
    links: Option<&'a RawValue>,
    meta: Option<&'a RawValue>,
    /// Members JSON:API defines beyond these, or a server adds (`lid`...): rare, so the list
    /// allocates only when there are some.
    others: Others<'a>,
    /// The first member given twice, if any: which of the two was meant is unknown.
    repeated: Option<&'static str>,
}

/// Members beyond the ones read, as sent.
type Others<'a> = Vec<(Cow<'a, str>, &'a RawValue)>;

/// A resource's `relationships` member: `null`, or the relationships by name.
#[derive(Debug)]
enum Relationships<'a> {
    Null,
    Map(HashMap<Cow<'a, str>, RawRelationship<'a>>),
}

/// One relationship object, its members kept as sent.
#[derive(Debug, Default)]
pub(crate) struct RawRelationship<'a> {
    /// `Some("null")` for `"data": null`, `None` when `data` is absent (a links-only
    /// relationship): the two mean different things.
    pub(crate) data: Option<&'a RawValue>,
    links: Option<&'a RawValue>,
    meta: Option<&'a RawValue>,
    others: Others<'a>,
}

impl<'a> RawRelationship<'a> {
    /// The relationship's `links`; `null` reads as none.
    pub(crate) fn links(&self) -> Option<&'a RawValue> {
        not_null(self.links)
    }
    /// The relationship's `meta`; `null` reads as none.
    pub(crate) fn meta(&self) -> Option<&'a RawValue> {
        not_null(self.meta)
    }
    /// The relationship object as sent.
    fn sent(&self) -> Result<serde_json::Value, serde_json::Error> {
        let own = [
            ("data", self.data),
            ("links", self.links),
            ("meta", self.meta),
        ];
        let mut out = Vec::new();
        members(&mut out, own.into_iter(), &self.others)?;
        Ok(bigcartel_json_cold::object(out))
    }
}

/// Adds raw members, the named ones then `others`, to an object's members as values.
fn members<'a>(
    out: &mut Vec<(String, serde_json::Value)>,
    named: impl Iterator<Item = (&'static str, Option<&'a RawValue>)>,
    others: &Others<'a>,
) -> Result<(), serde_json::Error> {
    for (key, raw) in named
        .filter_map(|(k, v)| Some((k, v?)))
        .chain(others.iter().map(|(k, v)| (k.as_ref(), *v)))
    {
        out.push((key.to_owned(), bigcartel_json_cold::parse(raw.get())?));
    }
    Ok(())
}

/// A resource `id`: a string, or a number kept as its text.
pub(crate) fn lenient_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    crate::lenient::string(d)?.ok_or_else(|| serde::de::Error::custom("`id` is null"))
}

/// The text of a JSON string without escapes, borrowed; `None` for anything else.
fn plain_string(raw: &RawValue) -> Option<&str> {
    raw.get()
        .strip_prefix('"')?
        .strip_suffix('"')
        .filter(|s| !s.contains('\\'))
}

impl<'a> RawResource<'a> {
    /// Checks the members read from one resource object and makes the resource of them; the
    /// error says what is wrong.
    fn from_sent(sent: Sent<'a>) -> Result<RawResource<'a>, String> {
        if let Some(member) = sent.repeated {
            return Err(format!("duplicate field `{member}`"));
        }
        let type_raw = sent.resource_type.ok_or("missing field `type`")?;
        let resource_type = match plain_string(type_raw) {
            Some(text) => Cow::Borrowed(text),
            None => {
                Key::deserialize(&mut serde_json::Deserializer::from_str(type_raw.get()))
                    .map_err(|e| format!("`type`: {e}"))?
                    .0
            }
        };
        let id_raw = sent.id.ok_or("missing field `id`")?;
        let id = match plain_string(id_raw) {
            Some(text) => text.to_owned(),
            None => lenient_id(&mut serde_json::Deserializer::from_str(id_raw.get()))
                .map_err(|e| format!("`id`: {e}"))?,
        };
        let (relationships, relationships_null) = match sent.relationships {
            Some(Relationships::Map(map)) => (Some(map), false),
            Some(Relationships::Null) => (None, true),
            None => (None, false),
        };
        Ok(RawResource {
            resource_type,
            id,
            attributes: sent.attributes,
            relationships,
            links: sent.links,
            meta: sent.meta,
            others: sent.others,
            id_number: !id_raw.get().starts_with('"'),
            relationships_null,
            included: false,
        })
    }

    /// The resource's own `links` and `meta` as sent; `null` reads as none.
    pub(crate) fn links_and_meta(&self) -> (Option<&'a RawValue>, Option<&'a RawValue>) {
        (not_null(self.links), not_null(self.meta))
    }

    /// The resource object as sent, member by member (a member's own text is kept exactly; the
    /// object's key order is the map's), for an entry of `included`.
    pub(crate) fn sent(&self) -> Option<Result<serde_json::Value, DecodeError>> {
        use serde_json::Value;
        if !self.included {
            return None;
        }
        let whole = || -> Result<Value, serde_json::Error> {
            let mut out = vec![
                (
                    "type".to_owned(),
                    Value::String(self.resource_type.to_string()),
                ),
                (
                    "id".to_owned(),
                    match self.id_number {
                        true => bigcartel_json_cold::parse(&self.id)?,
                        false => Value::String(self.id.clone()),
                    },
                ),
            ];
            match &self.relationships {
                Some(map) => {
                    let rels = map
                        .iter()
                        .map(|(name, rel)| Ok((name.to_string(), rel.sent()?)))
                        .collect::<Result<Vec<_>, serde_json::Error>>()?;
                    out.push(("relationships".into(), bigcartel_json_cold::object(rels)));
                }
                None if self.relationships_null => out.push(("relationships".into(), Value::Null)),
                None => {}
            }
            let named = [
                ("attributes", self.attributes),
                ("links", self.links),
                ("meta", self.meta),
            ];
            members(&mut out, named.into_iter(), &self.others)?;
            Ok(bigcartel_json_cold::object(out))
        };
        Some(whole().map_err(|e| DecodeError::Shape(e.to_string())))
    }
}

/// `None` for an absent member and for `null`, which mean the same for these members.
fn not_null(raw: Option<&RawValue>) -> Option<&RawValue> {
    raw.filter(|r| r.get() != "null")
}

/// One element of `data` or `included`: a resource, or why it is not one.
pub(crate) struct Entry<'a>(pub(crate) Result<RawResource<'a>, String>);

/// Reads any JSON value without failing on its shape: an object's members become a resource
/// (or the reason they do not), anything else is "not an object".
struct EntryVisitor;

const NOT_AN_OBJECT: &str = "not an object";

/// The one key of the map serde_json hands an arbitrary-precision number over as; its value is
/// not raw JSON text.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// The visits of a JSON scalar other than `null`: each gives `$bad` (the default visits would
/// fail the whole document).
macro_rules! scalars_are {
    ($value:ty, $bad:expr) => {
        fn visit_bool<E>(self, _: bool) -> Result<$value, E> {
            Ok($bad)
        }
        fn visit_i64<E>(self, _: i64) -> Result<$value, E> {
            Ok($bad)
        }
        fn visit_u64<E>(self, _: u64) -> Result<$value, E> {
            Ok($bad)
        }
        fn visit_f64<E>(self, _: f64) -> Result<$value, E> {
            Ok($bad)
        }
        fn visit_str<E>(self, _: &str) -> Result<$value, E> {
            Ok($bad)
        }
    };
}

/// Reads the rest of a map whose value is not wanted (the first key has been read).
fn drain<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>()?;
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

/// Reads the rest of a list whose elements are not wanted.
fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

/// A member read without failing on its shape: the value, or why it is malformed.
struct Lenient<T>(Result<T, String>);

impl<'de: 'a, 'a> Deserialize<'de> for Lenient<Relationships<'a>> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Lenient<Relationships<'de>>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("relationships")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut rels = HashMap::default();
                let mut bad = None;
                while let Some(Key(name)) = map.next_key::<Key<'de>>()? {
                    if name == NUMBER_TOKEN {
                        drain(map)?;
                        return Ok(Lenient(Err(NOT_AN_OBJECT.into())));
                    }
                    match map.next_value::<Lenient<RawRelationship<'de>>>()?.0 {
                        // A name given twice keeps its last relationship, as a map would.
                        Ok(rel) => {
                            rels.insert(name, rel);
                        }
                        Err(why) => {
                            bad.get_or_insert(format!("`{name}`: {why}"));
                        }
                    }
                }
                Ok(Lenient(match bad {
                    Some(why) => Err(why),
                    None => Ok(Relationships::Map(rels)),
                }))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                drain_seq(seq)?;
                Ok(Lenient(Err(NOT_AN_OBJECT.into())))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Lenient(Ok(Relationships::Null)))
            }
            scalars_are!(Self::Value, Lenient(Err(NOT_AN_OBJECT.into())));
        }
        d.deserialize_any(V)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Lenient<RawRelationship<'a>> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Lenient<RawRelationship<'de>>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a relationship object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut rel = RawRelationship::default();
                let mut repeated = None;
                while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                    let (slot, name) = match key.as_ref() {
                        "data" => (&mut rel.data, "data"),
                        "links" => (&mut rel.links, "links"),
                        "meta" => (&mut rel.meta, "meta"),
                        NUMBER_TOKEN => {
                            drain(map)?;
                            return Ok(Lenient(Err(NOT_AN_OBJECT.into())));
                        }
                        _ => {
                            rel.others.push((key, map.next_value()?));
                            continue;
                        }
                    };
                    if slot.is_some() {
                        repeated.get_or_insert(name);
                    }
                    *slot = Some(map.next_value()?);
                }
                Ok(Lenient(match repeated {
                    Some(name) => Err(format!("duplicate field `{name}`")),
                    None => Ok(rel),
                }))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                drain_seq(seq)?;
                Ok(Lenient(Err(NOT_AN_OBJECT.into())))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Lenient(Err(NOT_AN_OBJECT.into())))
            }
            scalars_are!(Self::Value, Lenient(Err(NOT_AN_OBJECT.into())));
        }
        d.deserialize_any(V)
    }
}

impl<'de> Visitor<'de> for EntryVisitor {
    type Value = Entry<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a resource object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entry<'de>, A::Error> {
        let mut sent = Sent::default();
        let mut bad: Option<String> = None;
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            let (slot, name) = match key.as_ref() {
                "type" => (&mut sent.resource_type, "type"),
                "id" => (&mut sent.id, "id"),
                "attributes" => (&mut sent.attributes, "attributes"),
                "relationships" => {
                    if sent.relationships.is_some() {
                        sent.repeated.get_or_insert("relationships");
                    }
                    match map.next_value::<Lenient<Relationships<'de>>>()?.0 {
                        Ok(rels) => sent.relationships = Some(rels),
                        Err(why) => {
                            bad.get_or_insert(format!("`relationships`: {why}"));
                        }
                    }
                    continue;
                }
                "links" => (&mut sent.links, "links"),
                "meta" => (&mut sent.meta, "meta"),
                // serde_json hands an arbitrary-precision number over as a map with this one
                // key; its value is not raw JSON text.
                NUMBER_TOKEN => {
                    drain(map)?;
                    return Ok(Entry(Err(NOT_AN_OBJECT.into())));
                }
                _ => {
                    sent.others.push((key, map.next_value()?));
                    continue;
                }
            };
            if slot.is_some() && sent.repeated.is_none() {
                sent.repeated = Some(name);
            }
            *slot = Some(map.next_value()?);
        }
        Ok(Entry(match bad {
            Some(why) => Err(why),
            None => RawResource::from_sent(sent),
        }))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Entry<'de>, A::Error> {
        drain_seq(seq)?;
        Ok(Entry(Err(NOT_AN_OBJECT.into())))
    }
    fn visit_unit<E>(self) -> Result<Entry<'de>, E> {
        Ok(Entry(Err(NOT_AN_OBJECT.into())))
    }
    scalars_are!(Entry<'de>, Entry(Err(NOT_AN_OBJECT.into())));
}

impl<'de: 'a, 'a> Deserialize<'de> for Entry<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(EntryVisitor)
    }
}

/// A document's `data`: a list of entries, one entry, or something else.
pub(crate) enum Data<'a> {
    /// The resources, or why the first malformed one is not a resource.
    List(Result<Vec<RawResource<'a>>, String>),
    One(Box<Entry<'a>>),
    Other,
}

impl<'de: 'a, 'a> Deserialize<'de> for Data<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Data<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("resources")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Data<'de>, A::Error> {
                let mut list = Ok(Vec::new());
                while let Some(Entry(entry)) = seq.next_element::<Entry<'de>>()? {
                    match (&mut list, entry) {
                        (Ok(list), Ok(r)) => list.push(r),
                        (Ok(_), Err(why)) => list = Err(why),
                        (Err(_), _) => {}
                    }
                }
                Ok(Data::List(list))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Data<'de>, A::Error> {
                EntryVisitor.visit_map(map).map(|e| Data::One(Box::new(e)))
            }
            fn visit_unit<E>(self) -> Result<Data<'de>, E> {
                Ok(Data::Other)
            }
            scalars_are!(Data<'de>, Data::Other);
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
pub(crate) struct RawDocument<'a> {
    #[serde(borrow, default)]
    pub(crate) data: Option<Data<'a>>,
    #[serde(borrow, default)]
    pub(crate) included: Option<Included<'a>>,
    #[serde(borrow, default)]
    pub(crate) meta: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub(crate) links: Option<&'a RawValue>,
}

/// Parses a document's skeleton.
pub(crate) fn parse_document(body: &[u8]) -> Result<RawDocument<'_>, DecodeError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(DecodeError::Empty);
    }
    let text = std::str::from_utf8(body).map_err(|e| DecodeError::NotJson {
        message: format!("invalid UTF-8 at byte {}", e.valid_up_to()),
        excerpt: String::from_utf8_lossy(&body[..body.len().min(80)]).into_owned(),
    })?;
    // One pass: syntax errors (and a cut-off body) are "not JSON"; well-formed JSON of the wrong
    // shape (an array, a string, `data` of the wrong type) is a shape error.
    if !text.trim_start().starts_with('{') && serde_json::from_str::<&RawValue>(text).is_ok() {
        return Err(DecodeError::Shape(
            "the document is not a JSON object".into(),
        ));
    }
    serde_json::from_str(text).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => DecodeError::Shape(e.to_string()),
        _ => DecodeError::not_json(&e, body),
    })
}

/// The resources of `included`, read straight into one list: a malformed entry cannot be
/// referenced by (type, id) anyway, so it is skipped.
pub(crate) struct Included<'a>(pub(crate) Vec<RawResource<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for Included<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Included<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of resources")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut list = Vec::new();
                while let Some(Entry(entry)) = seq.next_element::<Entry<'de>>()? {
                    if let Ok(mut r) = entry {
                        r.included = true;
                        list.push(r);
                    }
                }
                Ok(Included(list))
            }
        }
        d.deserialize_seq(V)
    }
}

/// The primary resources: the list, or the one resource, `data` holds.
pub(crate) fn primary(
    data: Option<Data<'_>>,
    want_list: bool,
) -> Result<Vec<RawResource<'_>>, DecodeError> {
    let shape = |e: String| DecodeError::Shape(format!("`data` is not a resource: {e}"));
    match (want_list, data) {
        (_, None) => Err(DecodeError::Shape("the document has no `data`".into())),
        (true, Some(Data::List(list))) => list.map_err(shape),
        (false, Some(Data::One(entry))) => Ok(vec![entry.0.map_err(shape)?]),
        (true, _) => Err(DecodeError::Shape(
            "expected a list in `data`, found something else".into(),
        )),
        (false, _) => Err(DecodeError::Shape(
            "expected one resource in `data`, found something else".into(),
        )),
    }
}
