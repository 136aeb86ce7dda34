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
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
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

    /// The resource's own `links` and `meta` as sent, unparsed (`null` reads as none): what
    /// [`crate::jsonapi::links_and_meta`] parses, and what the table writer copies as text.
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

/// What a document member is read as: one visitor for every shape, so that serde_json's
/// any-value reader is compiled once (a visitor type each made the npm module 4 KB larger).
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// `data`: a list of resources, or one.
    Data,
    /// `included`: a list of resources, malformed ones skipped.
    Included,
    /// A resource object.
    Resource,
    /// A resource's `relationships` object.
    Relationships,
    /// One relationship object.
    Relationship,
    /// A relationship's `data`: resource identifiers, a list or one.
    Linkage,
    /// One resource identifier.
    Identifier,
}

/// A value read as a [`Kind`], never failing on its shape (only on its syntax).
enum Read<'a> {
    /// `null`.
    Null,
    /// Not what the kind reads (a scalar, a list where an object is wanted...).
    Other,
    List(Result<Vec<RawResource<'a>>, String>),
    Resource(Result<RawResource<'a>, String>),
    Relationships(Result<HashMap<Cow<'a, str>, RawRelationship<'a>>, String>),
    Relationship(Result<RawRelationship<'a>, String>),
    Linkage(Result<Linkage<'a>, String>),
    Identifier(Result<Pair<'a>, String>),
}

/// A resource identifier's `(type, id)`.
type Pair<'r> = (Cow<'r, str>, Cow<'r, str>);

/// The `(type, id)` pairs of a relationship's linkage.
pub type Linkage<'r> = Vec<Pair<'r>>;

/// The seed and visitor of a [`Kind`].
#[derive(Clone, Copy)]
struct Lenient(Kind);

impl<'de> DeserializeSeed<'de> for Lenient {
    type Value = Read<'de>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Read<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Lenient {
    type Value = Read<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON:API member")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Read<'de>, A::Error> {
        match self.0 {
            Kind::Data | Kind::Resource => resource(&mut map).map(Read::Resource),
            Kind::Relationships => relationships(&mut map).map(Read::Relationships),
            Kind::Relationship => {
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
                Ok(Read::Relationship(match (stop, repeated) {
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
            Kind::Linkage => Ok(Read::Linkage(identifier(&mut map)?.map(|i| vec![i]))),
            Kind::Identifier => identifier(&mut map).map(Read::Identifier),
            Kind::Included => {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Read::Other)
            }
        }
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Read<'de>, A::Error> {
        if self.0 == Kind::Linkage {
            let mut list = Ok(Vec::new());
            while let Some(entry) = seq.next_element_seed(Lenient(Kind::Identifier))? {
                match (&mut list, entry) {
                    (Ok(list), Read::Identifier(Ok(pair))) => list.push(pair),
                    (Ok(_), Read::Identifier(Err(why))) => list = Err(why),
                    (Ok(_), _) => list = Err(NOT_AN_OBJECT.into()),
                    (Err(_), _) => {}
                }
            }
            return Ok(Read::Linkage(list));
        }
        if !matches!(self.0, Kind::Data | Kind::Included) {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(Read::Other);
        }
        let mut list = Vec::new();
        let mut bad = None;
        while let Some(entry) = seq.next_element_seed(Lenient(Kind::Resource))? {
            match entry {
                Read::Resource(Ok(mut r)) => {
                    r.included = self.0 == Kind::Included;
                    list.push(r);
                }
                Read::Resource(Err(why)) => {
                    bad.get_or_insert(why);
                }
                _ => {
                    bad.get_or_insert_with(|| NOT_AN_OBJECT.to_owned());
                }
            }
        }
        // A malformed entry of `included` cannot be referenced by (type, id) anyway: skipped.
        Ok(Read::List(match bad {
            Some(why) if self.0 == Kind::Data => Err(why),
            _ => Ok(list),
        }))
    }
    fn visit_unit<E>(self) -> Result<Read<'de>, E> {
        Ok(Read::Null)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Read<'de>, E> {
        Ok(Read::Other)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Read<'de>, E> {
        Ok(Read::Other)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Read<'de>, E> {
        Ok(Read::Other)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Read<'de>, E> {
        Ok(Read::Other)
    }
    fn visit_str<E>(self, _: &str) -> Result<Read<'de>, E> {
        Ok(Read::Other)
    }
}

/// Reads a resource identifier object: its `type` and `id` as text.
fn identifier<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Result<Pair<'de>, String>, A::Error> {
    let mut slots = [None; 2];
    let mut others = Others::new();
    let mut repeated = None;
    let stop = read_members(
        map,
        &["type", "id"],
        &mut slots,
        &mut others,
        &mut repeated,
        "",
    )?;
    Ok(match (stop, repeated, slots) {
        (Stop::Number, _, _) => Err(NOT_AN_OBJECT.into()),
        (_, Some(member), _) => Err(format!("duplicate field `{member}`")),
        (_, None, [Some(t), Some(id)]) => type_text(t).and_then(|t| Ok((t, id_text(id)?))),
        (_, None, [None, _]) => Err("missing field `type`".into()),
        (_, None, [_, None]) => Err("missing field `id`".into()),
    })
}

/// Reads a relationship's `data` (`null`, or not linkage at all, reads as none).
pub(crate) fn read_linkage(text: &str) -> Result<Linkage<'_>, String> {
    if let Some(pairs) = crate::compact::linkage(text) {
        return Ok(pairs
            .into_iter()
            .map(|(t, id)| (Cow::Borrowed(t), Cow::Borrowed(id)))
            .collect());
    }
    parse_linkage(text)
}

/// [`read_linkage`] through the parser, for every form.
fn parse_linkage(text: &str) -> Result<Linkage<'_>, String> {
    let mut de = serde_json::Deserializer::from_str(text);
    match Lenient(Kind::Linkage)
        .deserialize(&mut de)
        .map_err(|e| e.to_string())?
    {
        Read::Linkage(list) => list,
        _ => Ok(Vec::new()),
    }
}

/// Reads a resource object's members into a resource, or says why they do not make one.
fn resource<'de, A: MapAccess<'de>>(
    map: &mut A,
) -> Result<Result<RawResource<'de>, String>, A::Error> {
    let mut slots = [None; 5];
    let mut others = Others::new();
    let mut repeated = None;
    // `None`: no member; `Some(None)`: `null`.
    let mut relationships = None;
    let mut bad = None;
    loop {
        match read_members(
            map,
            RESOURCE_MEMBERS,
            &mut slots,
            &mut others,
            &mut repeated,
            "relationships",
        )? {
            Stop::End => break,
            Stop::Number => return Ok(Err(NOT_AN_OBJECT.into())),
            Stop::At => {
                if relationships.is_some() {
                    repeated.get_or_insert("relationships");
                }
                match map.next_value_seed(Lenient(Kind::Relationships))? {
                    Read::Null => relationships = Some(None),
                    Read::Relationships(Ok(rels)) => relationships = Some(Some(rels)),
                    Read::Relationships(Err(why)) => {
                        bad.get_or_insert(format!("`relationships`: {why}"));
                    }
                    _ => {
                        bad.get_or_insert(format!("`relationships`: {NOT_AN_OBJECT}"));
                    }
                }
            }
        }
    }
    if let Some(member) = repeated {
        bad.get_or_insert(format!("duplicate field `{member}`"));
    }
    Ok(match bad {
        Some(why) => Err(why),
        None => RawResource::from_members(slots, relationships, others),
    })
}

/// Reads a `relationships` object: each relationship by name, or why one is malformed.
#[allow(clippy::type_complexity)]
fn relationships<'de, A: MapAccess<'de>>(
    map: &mut A,
) -> Result<Result<HashMap<Cow<'de, str>, RawRelationship<'de>>, String>, A::Error> {
    let mut rels = HashMap::default();
    let mut bad = None;
    while let Some(Key(name)) = map.next_key::<Key<'de>>()? {
        if name == NUMBER_TOKEN {
            map.next_value::<IgnoredAny>()?;
            return Ok(Err(NOT_AN_OBJECT.into()));
        }
        match map.next_value_seed(Lenient(Kind::Relationship))? {
            // A name given twice keeps its last relationship, as a map would.
            Read::Relationship(Ok(rel)) => {
                rels.insert(name, rel);
            }
            Read::Relationship(Err(why)) => {
                bad.get_or_insert(format!("`{name}`: {why}"));
            }
            _ => {
                bad.get_or_insert(format!("`{name}`: {NOT_AN_OBJECT}"));
            }
        }
    }
    Ok(match bad {
        Some(why) => Err(why),
        None => Ok(rels),
    })
}

/// A document's `data` or `included`, as read.
pub(crate) struct Member<'a>(Read<'a>);

#[derive(Deserialize)]
pub(crate) struct RawDocument<'a> {
    #[serde(borrow, default, deserialize_with = "read_data")]
    pub(crate) data: Option<Member<'a>>,
    #[serde(borrow, default, deserialize_with = "read_included")]
    pub(crate) included: Option<Member<'a>>,
    #[serde(borrow, default)]
    pub(crate) meta: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub(crate) links: Option<&'a RawValue>,
}

fn read_data<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Member<'de>>, D::Error> {
    Lenient(Kind::Data).deserialize(d).map(|r| Some(Member(r)))
}

fn read_included<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Member<'de>>, D::Error> {
    Lenient(Kind::Included)
        .deserialize(d)
        .map(|r| Some(Member(r)))
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

/// The resources of `included` (none when it is not a list).
pub(crate) fn included(member: Option<Member<'_>>) -> Vec<RawResource<'_>> {
    match member {
        Some(Member(Read::List(Ok(list)))) => list,
        _ => Vec::new(),
    }
}

/// The primary resources: the list, or the one resource, `data` holds.
pub(crate) fn primary(
    data: Option<Member<'_>>,
    want_list: bool,
) -> Result<Vec<RawResource<'_>>, DecodeError> {
    let shape = |e: String| DecodeError::Shape(format!("`data` is not a resource: {e}"));
    match (want_list, data.map(|m| m.0)) {
        (_, None | Some(Read::Null)) => {
            Err(DecodeError::Shape("the document has no `data`".into()))
        }
        (true, Some(Read::List(list))) => list.map_err(shape),
        (false, Some(Read::Resource(r))) => Ok(vec![r.map_err(shape)?]),
        (true, _) => Err(DecodeError::Shape(
            "expected a list in `data`, found something else".into(),
        )),
        (false, _) => Err(DecodeError::Shape(
            "expected one resource in `data`, found something else".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_linkage, read_linkage};

    /// The compact reader gives the parser's answer wherever it answers.
    #[test]
    fn compact_linkage_reads_as_the_parser_does() {
        for text in [
            "null",
            "[]",
            r#"{"type":"products","id":"7"}"#,
            r#"{"type":"","id":""}"#,
            r#"[{"type":"a","id":"1"},{"type":"order_adjustments/tax","id":"x y"}]"#,
            r#"[{"type":"a","id":"1"},{"type":"a","id":"1"}]"#,
            r#"{"type":"café","id":"1"}"#,
            r#"{"type":"a","id":12}"#,
            r#"[{"id":"9","type":"countries"},{"type":"b","id":"2"}]"#,
            r#"{"id":"1","type":"a","id":"2"}"#,
        ] {
            assert_eq!(read_linkage(text), parse_linkage(text), "{text}");
        }
    }
}
