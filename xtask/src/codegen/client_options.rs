//! The core's `ClientOptions` (`crates/bigcartel/src/options.rs`), read for the facades.
//!
//! The struct is the one definition of the client's settings: the npm package's TypeScript
//! declarations and JavaScript reader, and the uniffi record (Python, Kotlin, Swift), are written
//! from its fields and doc comments, so an option added there reaches every language with the
//! same name and the same documentation. (The CLI derives its flags from the struct directly.)

use anyhow::{Context, Result, bail};
use heck::ToLowerCamelCase;
use std::path::Path;

/// The file holding the struct, relative to the workspace root.
pub const SOURCE: &str = "crates/bigcartel/src/options.rs";

/// The type of an option's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text (`Option<String>`).
    Text,
    /// A count (`Option<u32>`).
    U32,
    /// A size or a duration in milliseconds (`Option<u64>`).
    U64,
}

/// One option: a field of `ClientOptions`.
#[derive(Debug, Clone)]
pub struct ClientOption {
    /// The field's name (snake_case).
    pub name: String,
    /// Its value's type.
    pub kind: Kind,
    /// Its doc comment, lines joined with spaces (one paragraph).
    pub doc: String,
}

impl ClientOption {
    /// The name JavaScript uses (camelCase).
    pub fn js_name(&self) -> String {
        self.name.to_lower_camel_case()
    }
}

/// Reads the options from the workspace at `root`.
pub fn read(root: &Path) -> Result<Vec<ClientOption>> {
    let text =
        std::fs::read_to_string(root.join(SOURCE)).with_context(|| format!("reading {SOURCE}"))?;
    parse(&text)
}

/// Reads the options from the text of [`SOURCE`].
pub fn parse(text: &str) -> Result<Vec<ClientOption>> {
    let file = syn::parse_file(text).with_context(|| format!("parsing {SOURCE}"))?;
    let strukt = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Struct(s) if s.ident == "ClientOptions" => Some(s),
            _ => None,
        })
        .with_context(|| format!("{SOURCE} has no `struct ClientOptions`"))?;
    let mut out = Vec::new();
    for field in &strukt.fields {
        let name = field
            .ident
            .as_ref()
            .context("ClientOptions has an unnamed field")?
            .to_string();
        let kind = match option_inner(&field.ty).as_deref() {
            Some("String") => Kind::Text,
            Some("u32") => Kind::U32,
            Some("u64") => Kind::U64,
            other => bail!(
                "ClientOptions.{name}: the facades know Option<String>, Option<u32> and \
                 Option<u64>, not {other:?}; teach xtask/src/client_options.rs the new type"
            ),
        };
        let doc = doc_of(&field.attrs);
        if doc.is_empty() {
            bail!("ClientOptions.{name} has no doc comment: every facade shows it");
        }
        out.push(ClientOption { name, kind, doc });
    }
    Ok(out)
}

/// `T` of an `Option<T>` whose `T` is a plain path, as text.
fn option_inner(ty: &syn::Type) -> Option<String> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(syn::Type::Path(inner)) => {
            Some(inner.path.segments.last()?.ident.to_string())
        }
        _ => None,
    }
}

/// The `///` lines of an item, joined into one paragraph.
pub(crate) fn doc_of(attrs: &[syn::Attribute]) -> String {
    doc_lines(attrs).join(" ").trim().to_string()
}

/// The first paragraph of an item's doc comment, as one line: its summary, without the
/// examples and details below it.
pub(crate) fn summary_of(attrs: &[syn::Attribute]) -> String {
    doc_lines(attrs)
        .into_iter()
        .skip_while(String::is_empty)
        .take_while(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// An item's doc comment, line by line (trimmed; an empty line between paragraphs).
fn doc_lines(attrs: &[syn::Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value().trim().to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_core_options_are_read_with_their_docs() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let options = read(root).unwrap();
        let names: Vec<&str> = options.iter().map(|o| o.name.as_str()).collect();
        for expected in [
            "base_url",
            "account_id",
            "max_retries",
            "max_response_bytes",
        ] {
            assert!(names.contains(&expected), "{names:?}");
        }
        let retries = options.iter().find(|o| o.name == "max_retries").unwrap();
        assert_eq!(retries.kind, Kind::U32);
        assert_eq!(retries.js_name(), "maxRetries");
        assert!(
            retries.doc.contains("429, 500, 502, 503 and 504"),
            "{}",
            retries.doc
        );
    }

    #[test]
    fn an_unknown_type_or_a_missing_doc_is_refused() {
        let bad_type = "pub struct ClientOptions { /// Doc.\n pub x: Option<f64> }";
        assert!(parse(bad_type).is_err());
        let no_doc = "pub struct ClientOptions { pub x: Option<u32> }";
        assert!(parse(no_doc).is_err());
    }
}
