//! The project's build tasks, as a library so tests can drive the generator directly.
pub mod api;
pub mod bench;
pub mod bindings;
pub mod carts_drill;
pub mod codegen;
pub mod emit;
pub mod gen_schema;
pub mod gen_uniffi;
pub mod gen_wasm;
pub mod lint;
pub mod normalise;
pub mod postgres;
pub mod scratch;
pub mod tasks;
pub mod validators;
pub mod wasm;
