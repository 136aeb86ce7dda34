//! Constructors and chainable setters for the generated params, inputs and models.
//!
//! Those structs are `#[non_exhaustive]`: a field the spec gains is then not a breaking change
//! for Rust users, who cannot write the struct literal that a new field would break. They build
//! values with `new` (taking the required fields) and one setter per field instead, which this
//! module emits. Setters take `impl Into<T>` (and any iterable of strings for a list), so
//! callers pass `"text"` or `50` without conversions.

use super::api::Scalar;
use super::emit::{docs, field_ident, rust_type};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// A field to set: its Rust name, its scalar type, whether it is an `Option`, and what the
/// setter's doc calls it.
pub struct Settable<'a> {
    /// The field's name (snake_case, made a valid identifier by [`field_ident`]).
    pub name: &'a str,
    /// Its type.
    pub scalar: Scalar,
    /// `Option<T>` (set to `Some`), or a plain `T`.
    pub optional: bool,
    /// How the setter's doc names it (the wire name, in backticks).
    pub label: String,
}

/// The argument type a setter or constructor takes, and how the argument `arg` becomes the
/// field's type.
fn argument(scalar: Scalar, arg: &Ident) -> (TokenStream, TokenStream) {
    match scalar {
        Scalar::StringList => (
            quote!(impl IntoIterator<Item = impl Into<String>>),
            quote!(#arg.into_iter().map(Into::into).collect()),
        ),
        other => {
            let ty = rust_type(other);
            (quote!(impl Into<#ty>), quote!(#arg.into()))
        }
    }
}

/// One chainable setter per field.
pub fn setters(fields: &[Settable<'_>]) -> TokenStream {
    let each = fields.iter().map(|f| {
        let ident = field_ident(f.name);
        let (arg, convert) = argument(f.scalar, &format_ident!("value"));
        let stored = if f.optional {
            quote!(Some(#convert))
        } else {
            convert
        };
        let doc = docs(&format!("Sets {}.", f.label));
        quote! {
            #doc
            #[must_use]
            pub fn #ident(mut self, value: #arg) -> Self {
                self.#ident = #stored;
                self
            }
        }
    });
    quote! { #(#each)* }
}

/// `new`, taking the required fields in spec order (every other field empty).
pub fn constructor(type_name: &str, required: &[Settable<'_>]) -> TokenStream {
    let args = required.iter().map(|f| {
        let ident = field_ident(f.name);
        let (arg, _) = argument(f.scalar, &ident);
        quote! { #ident: #arg }
    });
    let sets = required.iter().map(|f| {
        let ident = field_ident(f.name);
        let (_, convert) = argument(f.scalar, &ident);
        quote! { #ident: #convert, }
    });
    // The spec decides how many fields are required; clippy's limit is a style rule.
    let allow = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let doc = if required.is_empty() {
        format!("An empty `{type_name}`; set fields with the methods below.")
    } else {
        let names: Vec<String> = required.iter().map(|f| f.label.clone()).collect();
        format!(
            "A `{type_name}` with its required {}; set the others with the methods below.",
            names.join(", ")
        )
    };
    let doc = docs(&doc);
    let body = if required.is_empty() {
        quote!(Self::default())
    } else {
        quote! {
            Self {
                #(#sets)*
                ..Self::default()
            }
        }
    };
    quote! {
        #doc
        #allow
        pub fn new(#(#args),*) -> Self {
            #body
        }
    }
}
