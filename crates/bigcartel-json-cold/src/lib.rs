//! `serde_json::Value` parsing and writing for the lossless fields of
//! [`bigcartel`](https://docs.rs/bigcartel)'s models, kept out of the speed-compiled decoder
//! crate (see this crate's manifest for why). Use it through `bigcartel`.
//!
//! ```
//! let v = bigcartel_json_cold::parse(r#"{"b": 1.50, "a": [true, null]}"#).unwrap();
//! let mut out = Vec::new();
//! bigcartel_json_cold::write(&mut out, &v);
//! assert_eq!(out, br#"{"a":[true,null],"b":1.50}"#);
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use serde_json::Value;

/// Parses JSON text into a value (numbers keep their exact text with `arbitrary_precision`).
#[inline(never)]
pub fn parse(text: &str) -> Result<Value, serde_json::Error> {
    serde_json::from_str(text)
}

/// Writes a value's JSON text (as `serde_json::to_writer` does).
#[inline(never)]
pub fn write(out: &mut Vec<u8>, value: &Value) {
    // Writing a value into a Vec cannot fail.
    let _ = serde_json::to_writer(out, value);
}

/// Writes a map of values as a JSON object, keys in the map's order.
#[inline(never)]
pub fn write_map(out: &mut Vec<u8>, map: &std::collections::BTreeMap<String, Value>) {
    // Writing a map of values into a Vec cannot fail.
    let _ = serde_json::to_writer(out, map);
}
