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

/// Members beyond the ones read, as sent: rare (`lid`, or what a server adds), so the list
/// allocates only when there are some.
type Others<'a> = Vec<(Cow<'a, str>, &'a RawValue)>;

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
}

/// A resource `id`: a string, or a number kept as its text.
fn lenient_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    crate::lenient::string(d)?.ok_or_else(|| serde::de::Error::custom("`id` is null"))
}

/// The contents of a JSON string literal that has no escape sequence in it.
pub(crate) fn plain_string(text: &str) -> Option<&str> {
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains('\\')).then_some(inner)
}

/// A `type` as sent, as text: borrowed unless it has escapes.
pub(crate) fn type_text(raw: &RawValue) -> Result<Cow<'_, str>, String> {
    match plain_string(raw.get()) {
        Some(text) => Ok(Cow::Borrowed(text)),
        None => Key::deserialize(&mut serde_json::Deserializer::from_str(raw.get()))
            .map(|k| k.0)
            .map_err(|e| format!("`type`: {e}")),
    }
}

/// An `id` as sent, as text (a number keeps its text): borrowed unless it has escapes or is a
/// number.
pub(crate) fn id_text(raw: &RawValue) -> Result<Cow<'_, str>, String> {
    match plain_string(raw.get()) {
        Some(text) => Ok(Cow::Borrowed(text)),
        None => lenient_id(&mut serde_json::Deserializer::from_str(raw.get()))
            .map(Cow::Owned)
            .map_err(|e| format!("`id`: {e}")),
    }
}

/// The members a resource object is read into, in this order (see [`read_members`]).
const RESOURCE_MEMBERS: &[&str] = &["type", "id", "attributes", "links", "meta"];
/// The members a relationship object is read into.
const RELATIONSHIP_MEMBERS: &[&str] = &["data", "links", "meta"];

impl<'a> RawResource<'a> {
    /// Makes a resource of the members read from one resource object (`slots` in the order of
    /// [`RESOURCE_MEMBERS`]); the error says what is wrong.
    fn from_members(
        [resource_type, id, attributes, links, meta]: [Option<&'a RawValue>; 5],
        relationships: Option<Option<HashMap<Cow<'a, str>, RawRelationship<'a>>>>,
        others: Others<'a>,
    ) -> Result<RawResource<'a>, String> {
        let resource_type = type_text(resource_type.ok_or("missing field `type`")?)?;
        let id_raw = id.ok_or("missing field `id`")?;
        Ok(RawResource {
            resource_type,
            id: id_text(id_raw)?.into_owned(),
            attributes,
            relationships_null: matches!(relationships, Some(None)),
            relationships: relationships.flatten(),
            links,
            meta,
            others,
            id_number: !id_raw.get().starts_with('"'),
            included: false,
        })
    }

    /// The resource's own `links` and `meta` as sent; `null` reads as none.
    pub(crate) fn links_and_meta(&self) -> (Option<&'a RawValue>, Option<&'a RawValue>) {
        (not_null(self.links), not_null(self.meta))
    }

    /// The resource object as sent, for an entry of `included`: its members' own text is kept
    /// exactly (the object's key order is the map's).
    #[inline(never)]
    pub(crate) fn sent(&self) -> Option<Result<serde_json::Value, DecodeError>> {
        if !self.included {
            return None;
        }
        // Written out as JSON text and parsed once: less code than building the value member by
        // member, and this is a rare path.
        let mut out = b"{\"type\":".to_vec();
        push_str(&mut out, &self.resource_type);
        out.extend_from_slice(b",\"id\":");
        match self.id_number {
            true => out.extend_from_slice(self.id.as_bytes()),
            false => push_str(&mut out, &self.id),
        }
        if let Some(rels) = &self.relationships {
            out.extend_from_slice(b",\"relationships\":{");
            for (i, (name, rel)) in rels.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                push_str(&mut out, name);
                out.extend_from_slice(b":{");
                let own = [rel.data, rel.links, rel.meta];
                push_members(&mut out, RELATIONSHIP_MEMBERS, &own, &rel.others, true);
                out.push(b'}');
            }
            out.push(b'}');
        } else if self.relationships_null {
            out.extend_from_slice(b",\"relationships\":null");
        }
        let own = [None, None, self.attributes, self.links, self.meta];
        push_members(&mut out, RESOURCE_MEMBERS, &own, &self.others, false);
        out.push(b'}');
        Some(
            std::str::from_utf8(&out)
                .map_err(|e| e.to_string())
                .and_then(|text| bigcartel_json_cold::parse(text).map_err(|e| e.to_string()))
                .map_err(DecodeError::Shape),
        )
    }
}

/// Writes `"name":raw` for each member present, then the others; `first` when nothing has been
/// written into the object yet.
fn push_members(
    out: &mut Vec<u8>,
    names: &[&str],
    raws: &[Option<&RawValue>],
    others: &Others<'_>,
    mut first: bool,
) {
    let named = names
        .iter()
        .zip(raws)
        .filter_map(|(n, r)| Some((*n, (*r)?)));
    for (name, raw) in named.chain(others.iter().map(|(k, v)| (k.as_ref(), *v))) {
        if !first {
            out.push(b',');
        }
        first = false;
        push_str(out, name);
        out.push(b':');
        out.extend_from_slice(raw.get().as_bytes());
    }
}

/// Writes a JSON string literal.
pub(crate) fn push_str(out: &mut Vec<u8>, s: &str) {
    // Writing a &str into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

/// `None` for an absent member and for `null`, which mean the same for these members.
fn not_null(raw: Option<&RawValue>) -> Option<&RawValue> {
    raw.filter(|r| r.get() != "null")
}

/// One element of `data` or `included`: a resource, or why it is not one.
pub(crate) struct Entry<'a>(pub(crate) Result<RawResource<'a>, String>);

const NOT_AN_OBJECT: &str = "not an object";

/// The one key of the map serde_json hands an arbitrary-precision number over as; its value is
/// not raw JSON text.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// How [`read_members`] stopped.
enum Stop {
    /// The object ended.
    End,
    /// At the member named `stop`, whose value is next.
    At,
    /// The "object" is serde_json's form of a number (read to its end).
    Number,
}

/// Reads an object's members as raw text: each named one (in `names`) into its slot, the others
/// into `others`, and notes the first member given twice in `repeated`. Stops before the value
/// of a member named `stop` so that the caller reads it. One reader for resource and
/// relationship objects alike.
fn read_members<'de, A: MapAccess<'de>>(
    map: &mut A,
    names: &'static [&'static str],
    slots: &mut [Option<&'de RawValue>],
    others: &mut Others<'de>,
    repeated: &mut Option<&'static str>,
    stop: &str,
) -> Result<Stop, A::Error> {
    while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
        match names.iter().position(|n| *n == key) {
            Some(i) => {
                if slots[i].is_some() {
                    repeated.get_or_insert(names[i]);
                }
                slots[i] = Some(map.next_value()?);
            }
            None if key == stop => return Ok(Stop::At),
            None if key == NUMBER_TOKEN => {
                map.next_value::<IgnoredAny>()?;
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                return Ok(Stop::Number);
            }
            None => others.push((key, map.next_value()?)),
        }
    }
    Ok(Stop::End)
}

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

/// Reads the rest of a list whose elements are not wanted.
fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

/// Reads any JSON value without failing on its shape: an object's members become a resource
/// (or the reason they do not), anything else is "not an object".
struct EntryVisitor;

impl<'de> Visitor<'de> for EntryVisitor {
    type Value = Entry<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a resource object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entry<'de>, A::Error> {
        let mut slots = [None; 5];
        let mut others = Others::new();
        let mut repeated = None;
        // `None`: no member; `Some(None)`: `null`.
        let mut relationships = None;
        let mut bad = None;
        loop {
            let stop = read_members(
                &mut map,
                RESOURCE_MEMBERS,
                &mut slots,
                &mut others,
                &mut repeated,
                "relationships",
            )?;
            match stop {
                Stop::End => break,
                Stop::Number => return Ok(Entry(Err(NOT_AN_OBJECT.into()))),
                Stop::At => {
                    if relationships.is_some() {
                        repeated.get_or_insert("relationships");
                    }
                    match map.next_value::<Relationships<'de>>()?.0 {
                        Ok(rels) => relationships = Some(rels),
                        Err(why) => {
                            bad.get_or_insert(format!("`relationships`: {why}"));
                        }
                    }
                }
            }
        }
        if let Some(member) = repeated {
            bad.get_or_insert(format!("duplicate field `{member}`"));
        }
        Ok(Entry(match bad {
            Some(why) => Err(why),
            None => RawResource::from_members(slots, relationships, others),
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

/// A resource's `relationships` member read without failing on its shape: `None` for `null`,
/// the relationships by name, or why it is malformed.
struct Relationships<'a>(Result<Option<HashMap<Cow<'a, str>, RawRelationship<'a>>>, String>);

impl<'de: 'a, 'a> Deserialize<'de> for Relationships<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Relationships<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("relationships")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut rels = HashMap::default();
                let mut bad = None;
                while let Some(Key(name)) = map.next_key::<Key<'de>>()? {
                    if name == NUMBER_TOKEN {
                        map.next_value::<IgnoredAny>()?;
                        return Ok(Relationships(Err(NOT_AN_OBJECT.into())));
                    }
                    match map.next_value::<OneRelationship<'de>>()?.0 {
                        // A name given twice keeps its last relationship, as a map would.
                        Ok(rel) => {
                            rels.insert(name, rel);
                        }
                        Err(why) => {
                            bad.get_or_insert(format!("`{name}`: {why}"));
                        }
                    }
                }
                Ok(Relationships(match bad {
                    Some(why) => Err(why),
                    None => Ok(Some(rels)),
                }))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Relationships(Ok(None)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                drain_seq(seq)?;
                Ok(Relationships(Err(NOT_AN_OBJECT.into())))
            }
            scalars_are!(Self::Value, Relationships(Err(NOT_AN_OBJECT.into())));
        }
        d.deserialize_any(V)
    }
}

/// One relationship object read without failing on its shape.
struct OneRelationship<'a>(Result<RawRelationship<'a>, String>);

impl<'de: 'a, 'a> Deserialize<'de> for OneRelationship<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OneRelationship<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a relationship object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut slots = [None; 3];
                let mut others = Others::new();
                let mut repeated = None;
                let stop = read_members(
                    &mut map,
                    RELATIONSHIP_MEMBERS,
                    &mut slots,
                    &mut others,
                    &mut repeated,
                    "",
                )?;
                let [data, links, meta] = slots;
                Ok(OneRelationship(match (stop, repeated) {
                    (Stop::Number, _) => Err(NOT_AN_OBJECT.into()),
                    (_, Some(member)) => Err(format!("duplicate field `{member}`")),
                    _ => Ok(RawRelationship {
                        data,
                        links,
                        meta,
                        others,
                    }),
                }))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                drain_seq(seq)?;
                Ok(OneRelationship(Err(NOT_AN_OBJECT.into())))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(OneRelationship(Err(NOT_AN_OBJECT.into())))
            }
            scalars_are!(Self::Value, OneRelationship(Err(NOT_AN_OBJECT.into())));
        }
        d.deserialize_any(V)
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
