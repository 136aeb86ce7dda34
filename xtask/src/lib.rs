//! The project's build tasks, as a library so tests can drive the generator directly.
pub mod advisories;
pub mod audit;
pub mod bench;
pub mod codegen;
pub mod drill;
pub mod npm;
pub mod npm_test;
pub mod plugins;
pub mod portable;
pub mod postgres;
pub mod process;
pub mod release;
pub mod scratch;
pub mod semver;
pub mod steps;
pub mod uniffi;
pub mod validators;
