//! Attribute deserializers that accept what the API really sends: numbers as strings ("10"),
//! strings as numbers, and nulls anywhere. Money keeps its exact text: with serde_json's
//! `arbitrary_precision`, a JSON number is never turned into a binary float.

use serde::de::{self, Deserializer, Visitor};
use std::fmt;

struct Any;

/// What a scalar arrived as, keeping numbers as their exact source text.
enum Scalar {
    Null,
    Bool(bool),
    Text(String),
}

impl<'de> Visitor<'de> for Any {
    type Value = Scalar;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, number, boolean or null")
    }
    fn visit_unit<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_none<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(Any)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_string()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Scalar, E> {
        // Only reachable without `arbitrary_precision`; refuse rather than round.
        Err(E::custom(
            "a floating-point number would lose precision; expected its exact text",
        ))
    }
    fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar::Text(v))
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        // serde_json's arbitrary_precision hands numbers over as a one-entry map.
        match map.next_key::<String>()? {
            Some(k) if k == "$serde_json::private::Number" => Ok(Scalar::Text(map.next_value()?)),
            _ => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
        }
    }
}

/// A string attribute; numbers are accepted and kept as their text.
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match d.deserialize_any(Any)? {
        Scalar::Null => Ok(None),
        Scalar::Text(s) => Ok(Some(s)),
        Scalar::Bool(_) => Err(de::Error::invalid_type(
            de::Unexpected::Other("boolean"),
            &"a string",
        )),
    }
}

/// A decimal amount as its exact text ("20.0"), from a JSON string or number.
pub fn decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match d.deserialize_any(Any)? {
        Scalar::Null => Ok(None),
        Scalar::Text(s) if is_decimal(&s) => Ok(Some(s)),
        Scalar::Text(s) => Err(de::Error::invalid_value(
            de::Unexpected::Str(&s),
            &"a decimal amount",
        )),
        Scalar::Bool(_) => Err(de::Error::invalid_type(
            de::Unexpected::Other("boolean"),
            &"a decimal amount",
        )),
    }
}

/// An integer, from a JSON number or a numeric string.
pub fn int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match d.deserialize_any(Any)? {
        Scalar::Null => Ok(None),
        Scalar::Text(s) => s
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| de::Error::invalid_value(de::Unexpected::Str(&s), &"an integer")),
        Scalar::Bool(_) => Err(de::Error::invalid_type(
            de::Unexpected::Other("boolean"),
            &"an integer",
        )),
    }
}

/// A boolean, from `true`/`false` or the strings "true"/"false".
pub fn boolean<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    match d.deserialize_any(Any)? {
        Scalar::Null => Ok(None),
        Scalar::Bool(b) => Ok(Some(b)),
        Scalar::Text(s) if s == "true" => Ok(Some(true)),
        Scalar::Text(s) if s == "false" => Ok(Some(false)),
        Scalar::Text(s) => Err(de::Error::invalid_value(
            de::Unexpected::Str(&s),
            &"a boolean",
        )),
    }
}

/// A list of strings (null becomes None).
pub fn string_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    <Option<Vec<String>> as serde::Deserialize>::deserialize(d)
}

/// Whether `s` is a plain decimal amount: optional sign, digits, optional fraction.
///
/// ```
/// assert!(bigcartel_jsonapi::lenient::is_decimal("20.0"));
/// assert!(bigcartel_jsonapi::lenient::is_decimal("-0.5"));
/// assert!(!bigcartel_jsonapi::lenient::is_decimal("1e3"));
/// ```
pub fn is_decimal(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// The rules above as `DeserializeSeed`s, for decoders that read a map's values one by one (the
/// generated models' attribute readers).
macro_rules! seeds {
    ($($(#[$doc:meta])* $name:ident => $rule:ident: $ty:ty;)*) => {$(
        $(#[$doc])*
        #[doc(hidden)]
        #[derive(Debug, Clone, Copy)]
        pub struct $name;
        impl<'de> de::DeserializeSeed<'de> for $name {
            type Value = Option<$ty>;
            fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<$ty>, D::Error> {
                $rule(d)
            }
        }
    )*};
}

seeds! {
    /// [`string`] as a seed.
    StringSeed => string: String;
    /// [`decimal`] as a seed.
    DecimalSeed => decimal: String;
    /// [`int`] as a seed.
    IntSeed => int: i64;
    /// [`boolean`] as a seed.
    BoolSeed => boolean: bool;
    /// [`string_list`] as a seed.
    StringListSeed => string_list: Vec<String>;
}
