//! Helpers every emitter shares (the core's models in `models`, the npm glue in `wasm`, the
//! uniffi layer in `uniffi`, the spec tables in `schema`): deterministic formatting, doc
//! attributes, identifiers and type names. They live here so that the emitters depend on this
//! module and `codegen` depends on the emitters, never the other way round.

use super::api::{Api, Model, Scalar};
use anyhow::{Context, Result};
use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Formats generated tokens deterministically (prettyplease: no rustfmt, no nightly).
pub fn format_tokens(tokens: TokenStream) -> Result<String> {
    let file: syn::File = syn::parse2(tokens).context("generated tokens do not parse as Rust")?;
    Ok(prettyplease::unparse(&file))
}

/// The Rust type of a scalar.
pub fn rust_type(s: Scalar) -> TokenStream {
    match s {
        Scalar::String | Scalar::Decimal => quote!(String),
        Scalar::Int => quote!(i64),
        Scalar::Bool => quote!(bool),
        Scalar::StringList => quote!(Vec<String>),
    }
}

/// One `#[doc = " line"]` per line, so prettyplease prints ordinary `///` comments.
pub fn docs(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    });
    quote! { #(#[doc = #lines])* }
}

/// A field or method identifier for a wire name (raw identifiers for keywords).
pub fn field_ident(name: &str) -> proc_macro2::Ident {
    let snake = name.to_snake_case();
    if syn::parse_str::<syn::Ident>(&snake).is_ok() {
        format_ident!("{}", snake)
    } else {
        format_ident!("r#{}", snake)
    }
}

/// Every model with the names of its decoding functions in snake_case (the uniffi functions and
/// Python's): `(model, list, one)`, e.g. `decode_orders` and `decode_order`. The list decoder is
/// named after the JSON:API type, the one-resource decoder after the model; a name two models
/// would share is refused.
pub fn snake_decoder_names(api: &Api) -> Result<Vec<(&Model, String, String)>> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for m in &api.models {
        let (list, one) = (
            format!("decode_{}", m.wire_type.to_snake_case()),
            format!("decode_{}", m.name.to_snake_case()),
        );
        for name in [&list, &one] {
            if !seen.insert(name.clone()) {
                anyhow::bail!(
                    "model {} (type `{}`): the decoder name `{name}` is taken; the list decoder is \
                     named after the JSON:API type and the one-resource decoder after the model, so \
                     they must differ",
                    m.name,
                    m.wire_type
                );
            }
        }
        out.push((m, list, one));
    }
    Ok(out)
}

/// The name of a polymorphic model's subtype enum (`OrderAdjustmentSubtype`).
pub fn subtype_enum_name(model: &Model) -> String {
    format!("{}Subtype", model.name)
}
