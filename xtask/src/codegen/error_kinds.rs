//! The core's error kinds, read for the facades: `ApiErrorKind` (`crates/bigcartel/src/error.rs`),
//! `TransportKind` (`crates/api-runtime/src/lib.rs`) and the reasons of `DecodeError`
//! (`crates/bigcartel-jsonapi/src/jsonapi.rs`).
//!
//! Each enum's variants and doc comments are the one definition: the npm package's TypeScript
//! unions (`js/error-kinds.d.ts`) and the uniffi enums (Python, Kotlin, Swift) are written from
//! them. A variant's name in every facade is its snake_case form (`too_large`), which is what
//! the core's `as_str()`/`reason()` answer (a test in each crate holds them to it).

use super::client_options::{doc_of, summary_of};
use anyhow::{Context, Result, bail};
use heck::ToSnakeCase;
use std::path::Path;

/// One variant of a core enum.
#[derive(Debug, Clone)]
pub struct Variant {
    /// Its Rust name (`TooLarge`).
    pub name: String,
    /// Its doc comment, as one paragraph.
    pub doc: String,
}

impl Variant {
    /// Its name in every facade (`too_large`).
    pub fn wire(&self) -> String {
        self.name.to_snake_case()
    }
}

/// A core enum the facades mirror.
#[derive(Debug, Clone)]
pub struct KindEnum {
    /// The name the facades give it (`ApiErrorKind`, `DecodeErrorReason`).
    pub name: &'static str,
    /// The first paragraph of its doc comment.
    pub doc: String,
    /// Its variants, in source order.
    pub variants: Vec<Variant>,
    /// Whether the uniffi layer gets it as an enum of its own (see [`Source::uniffi`]).
    pub uniffi: bool,
}

/// Where a mirrored enum comes from, and which facades mirror it.
#[derive(Debug, Clone, Copy)]
pub struct Source {
    /// The facades' name for it.
    pub name: &'static str,
    /// The core enum.
    pub core: &'static str,
    /// The file that defines it, relative to the workspace root.
    pub file: &'static str,
    /// Whether the uniffi layer gets it as an enum of its own. The others are reasons of an
    /// error variant there (`DocumentError`, `WebhookError`), which uniffi carries as variants.
    pub uniffi: bool,
}

/// Every mirrored enum.
pub const SOURCES: [Source; 4] = [
    Source {
        name: "ApiErrorKind",
        core: "ApiErrorKind",
        file: "crates/bigcartel/src/error.rs",
        uniffi: true,
    },
    Source {
        name: "TransportKind",
        core: "TransportKind",
        file: "crates/api-runtime/src/lib.rs",
        uniffi: true,
    },
    Source {
        name: "DecodeErrorReason",
        core: "DecodeError",
        file: "crates/bigcartel-jsonapi/src/jsonapi.rs",
        uniffi: false,
    },
    Source {
        name: "WebhookSignatureReason",
        core: "VerifyError",
        file: "crates/bigcartel/src/webhook.rs",
        uniffi: false,
    },
];

/// Reads the mirrored enums from the workspace at `root`.
pub fn read(root: &Path) -> Result<Vec<KindEnum>> {
    SOURCES
        .iter()
        .map(
            |&Source {
                 name,
                 core,
                 file,
                 uniffi,
             }| {
                let text = std::fs::read_to_string(root.join(file))
                    .with_context(|| format!("reading {file}"))?;
                let mut kinds = parse(name, core, &text).with_context(|| format!("in {file}"))?;
                kinds.uniffi = uniffi;
                for v in &kinds.variants {
                    if v.doc.is_empty() {
                        bail!(
                            "{core}::{} has no doc comment: every facade shows it",
                            v.name
                        );
                    }
                    if v.doc.contains("[`") {
                        bail!(
                            "{core}::{}'s doc links Rust items; every facade shows it, so it must \
                         read without them",
                            v.name
                        );
                    }
                }
                Ok(kinds)
            },
        )
        .collect()
}

/// Reads enum `core` from a source file's text, as the facades' `name`.
pub fn parse(name: &'static str, core: &str, text: &str) -> Result<KindEnum> {
    let file = syn::parse_file(text)?;
    let e = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Enum(e) if e.ident == core => Some(e),
            _ => None,
        })
        .with_context(|| format!("no `enum {core}`"))?;
    let mut variants = Vec::new();
    for v in &e.variants {
        variants.push(Variant {
            name: v.ident.to_string(),
            doc: doc_of(&v.attrs),
        });
    }
    Ok(KindEnum {
        name,
        doc: summary_of(&e.attrs),
        variants,
        uniffi: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_core_enums_are_read() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let kinds = read(root).unwrap();
        let transport = kinds.iter().find(|k| k.name == "TransportKind").unwrap();
        let wires: Vec<String> = transport.variants.iter().map(Variant::wire).collect();
        assert!(wires.contains(&"too_large".to_string()), "{wires:?}");
        let reasons = kinds
            .iter()
            .find(|k| k.name == "DecodeErrorReason")
            .unwrap();
        assert_eq!(reasons.variants.len(), 4, "{:?}", reasons.variants);
    }
}
