//! `cargo xtask codegen`: spec -> lint -> normalise -> describe -> every emitter.
//!
//! Every file comes out of one spec, formatted deterministically (prettyplease for Rust) so the
//! output is byte-for-byte reproducible without nightly rustfmt:
//! - `generated_raw.rs`: progenitor's client (wire-level request building, one method per
//!   operation), from the normalised spec.
//! - the core's emitters ([`models`], [`operations`], [`schema`]): resolved models and their
//!   decoders, the typed client methods, and the same models and operations as static tables
//!   for the core's `dynamic` module.
//! - the facades' emitters ([`wasm`], [`uniffi`], [`python`]): the npm package's glue and
//!   TypeScript types, the uniffi layer, Python's typed views.
//!
//! Every emitter has the one signature [`input::Emitter`]; they share [`emit`]'s helpers and never
//! name this module.

pub mod api;
pub mod builders;
pub mod client_options;
pub mod core_defs;
pub mod emit;
pub mod error_kinds;
pub mod input;
pub mod lint;
pub mod models;
pub mod normalise;
pub mod operations;
pub mod python;
pub mod schema;
pub mod target;
pub mod uniffi;
pub mod wasm;

pub use self::api::parse_spec;
pub use self::emit::{docs, field_ident, format_tokens, rust_type, subtype_enum_name};
use self::input::{Emitter, Input};
use self::lint::Finding;
pub use self::target::{Target, targets};
use anyhow::{Result, anyhow, bail};
use proc_macro2::TokenStream;
use serde_json::Value;

/// Lint failures, reported as a list rather than a panic.
#[derive(Debug)]
pub struct LintFailed(pub Vec<Finding>);

impl std::fmt::Display for LintFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "the spec has {} problem(s):", self.0.len())?;
        for finding in &self.0 {
            writeln!(f, "  - {finding}")?;
        }
        Ok(())
    }
}
impl std::error::Error for LintFailed {}

/// The core crate's emitters, for every JSON:API target: models, operations, spec tables.
const CORE: [Emitter; 3] = [models::emit, operations::emit, schema::emit];

/// The facades' emitters, for the targets the npm package and uniffi wrap.
const FACADES: [Emitter; 3] = [wasm::emit, uniffi::emit, python::emit];

/// Generates every file for a target from spec text. Returns `(path relative to the workspace
/// root, contents)` pairs: the core crate's files, then each facade's (npm package, uniffi).
/// `root` is the workspace the facades' shared definitions are read from (the core's
/// `ClientOptions`, see [`self::client_options`]).
pub fn generate(
    root: &std::path::Path,
    target: &Target,
    text: &str,
) -> Result<Vec<(String, String)>> {
    let spec = parse_spec(text)?;
    let findings = lint::lint(&spec);
    if !findings.is_empty() {
        return Err(LintFailed(findings).into());
    }
    let header = target.header();
    let normalised = self::normalise::normalise(&spec);
    let mut raw_header = header.clone();
    if !normalised.notes.is_empty() {
        // What the generator rewrote to read the spec, where the raw client's users can see it.
        raw_header
            .push_str("// Normalised before generation (see xtask/src/codegen/normalise.rs):\n");
        for n in &normalised.notes {
            raw_header.push_str(&format!("// - {n}\n"));
        }
        raw_header.push('\n');
    }
    let mut files = vec![(
        format!("{}/generated_raw.rs", target.out_dir),
        format!("{raw_header}{}", raw_client(target, normalised.spec)?),
    )];
    if target.jsonapi {
        let api = api::describe(&spec)?;
        let core_defs = match target.facades {
            true => Some(core_defs::CoreDefs::read(root)?),
            false => None,
        };
        let input = Input {
            target,
            api: &api,
            core: core_defs.as_ref(),
        };
        let facades: &[Emitter] = if target.facades { &FACADES } else { &[] };
        for emit in CORE.iter().chain(facades) {
            files.extend(emit(&input)?);
        }
    }
    Ok(files)
}

/// The spec progenitor reads: see [`mod@self::normalise`] for the rewrites (and their notes).
pub fn normalise(spec: &Value) -> Value {
    self::normalise::normalise(spec).spec
}

fn raw_client(target: &Target, normalised: Value) -> Result<String> {
    let api: openapiv3::OpenAPI = serde_path_to_error::deserialize(normalised).map_err(|e| {
        anyhow!(
            "the spec does not match the OpenAPI 3.0 schema at `{}`: {}",
            e.path(),
            e.inner()
        )
    })?;
    let mut settings = progenitor::GenerationSettings::default();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged);
    if let Some(inner) = target.inner_type {
        let inner: TokenStream = inner
            .parse()
            .map_err(|e| anyhow!("inner type `{inner}` is not a Rust path: {e}"))?;
        settings
            .with_hooks(progenitor::HooksMode::Expected)
            .with_inner_type(inner);
    }
    // progenitor reports some unsupported constructs with assert!/todo!; turn those into errors.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(move || {
        let mut generator = progenitor::Generator::new(&settings);
        generator
            .generate_tokens(&api)
            .map_err(|e| anyhow!("progenitor: {e}"))
    });
    std::panic::set_hook(previous);
    let tokens = match result {
        Ok(r) => r?,
        Err(panic) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".into());
            bail!(
                "progenitor could not handle this spec (it panicked: {msg}); run `cargo xtask lint`"
            )
        }
    };
    format_tokens(tokens)
}

// ------------------------------------------------------------------------------------------------
// Resolved models
