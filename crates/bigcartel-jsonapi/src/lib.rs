//! JSON:API decoding for [`bigcartel`](https://docs.rs/bigcartel): the document parser and
//! relationship resolver ([`jsonapi`]), the lenient attribute rules the API's real responses
//! need ([`lenient`]), the spec-table decoder that writes a document's resolved JSON
//! ([`table`]), and the ASCII re-writing of that JSON for JavaScript hosts ([`ascii`]).
//!
//! Use these through `bigcartel` (`bigcartel::jsonapi`, `bigcartel::lenient`,
//! `bigcartel::dynamic`), which re-exports them beside the generated models. They live in a crate
//! of their own so that a build optimised for size, such as the npm package's WebAssembly, can
//! still compile the decoding hot path for speed (cargo sets optimisation levels per crate).
//!
//! ```
//! use bigcartel_jsonapi::table::{Field, Kind, ModelSchema, decode_one};
//! static MODELS: &[ModelSchema] = &[ModelSchema {
//!     name: "Artist",
//!     wire_type: "artists",
//!     fields: &[Field { name: "name", key: "name", kind: Kind::String, required: false }],
//!     rels: &[],
//!     subtypes: &[],
//! }];
//! let body = br#"{"data":{"type":"artists","id":7,"attributes":{"name":"Ada","born":1815}}}"#;
//! assert_eq!(
//!     decode_one(MODELS, &MODELS[0], body).unwrap(),
//!     r#"{"id":"7","name":"Ada","resource_type":"artists","resolved":true,"extra_attributes":{"born":1815}}"#
//! );
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod ascii;
mod compact;
mod document;
pub mod jsonapi;
pub mod lenient;
pub mod table;
