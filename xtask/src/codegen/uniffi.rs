//! Per-operation wrappers for the uniffi bindings (bindings/uniffi), generated from the same [`Api`] as the core.
//!
//! For every resolved model a `uniffi::Record` with a `From` conversion from the core's model; for
//! every list a `<Model>Page` record (uniffi has no generics); for every input and query-parameter
//! struct a record with a conversion into the core's; and one `Client` method per operation that
//! calls the core's method of the same name and converts. Paged lists also get `<op>_all`, which
//! collects the core's `<op>_stream`. Every model also gets `decode_<type>(body)` and
//! `decode_<model>(body)`, the core's JSON:API decoding of a body fetched by other means. No
//! behaviour lives here: only types and conversions.

use super::api::{Api, Body, Field, Model, Operation, Returns, Scalar};
use super::client_options::{ClientOption, Kind};
use super::core_defs::CoreDefs;
use super::emit::{
    docs, field_ident, format_tokens, rust_type, snake_decoder_names, subtype_enum_name,
};
use super::error_kinds::KindEnum;
use anyhow::{Result, bail};
use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::{BTreeMap, BTreeSet};

/// Where the generated file goes, relative to the workspace root.
pub const OUT_PATH: &str = "bindings/uniffi/src/generated.rs";

/// Files to write, as `(path relative to the workspace root, contents)`, each under the header.
pub fn emit(input: &super::input::Input) -> Result<Vec<(String, String)>> {
    let header = input.header();
    Ok(generate(input.api, input.core()?)?
        .into_iter()
        .map(|(path, contents)| (path, format!("{header}{contents}")))
        .collect())
}

fn generate(api: &Api, core: &CoreDefs) -> Result<Vec<(String, String)>> {
    check_acyclic(api)?;
    let mut out = TokenStream::new();
    out.extend(quote! {
        use crate::{BigCartelError, Client, DocumentError, PageOptions};
    });
    out.extend(client_options_record(&core.options));
    for kinds in core.kinds.iter().filter(|k| k.uniffi) {
        // Decoding failures are `DocumentError`'s variants, each with its own fields.
        out.extend(kind_enum(kinds));
    }
    for model in &api.models {
        out.extend(model_enums(model));
        out.extend(model_record(model));
    }
    let paged = api.listed_models();
    for model in paged {
        out.extend(page_record(model));
    }
    for input in &api.inputs {
        out.extend(input_record(&input.name, &input.doc, &input.fields));
    }
    for rel in &api.relationship_inputs {
        let name = format_ident!("{}", rel.name);
        let core = quote!(bigcartel::#name);
        let doc = docs(&rel.doc);
        let fields = rel.rels.iter().map(|(r, wire)| {
            let f = field_ident(r);
            let d = docs(&format!(
                "Ids of the related `{wire}` (`relationships.{r}`)."
            ));
            quote! { #d #[uniffi(default)] pub #f: Option<Vec<String>>, }
        });
        let moves = rel.rels.iter().map(|(r, _)| {
            let f = field_ident(r);
            quote! { core.#f = v.#f; }
        });
        out.extend(quote! {
            #doc
            #[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
            pub struct #name { #(#fields)* }
            impl From<#name> for #core {
                // Field by field onto the default: the core's struct is `#[non_exhaustive]`.
                fn from(v: #name) -> Self {
                    let mut core = #core::default();
                    #(#moves)*
                    core
                }
            }
        });
    }
    for op in &api.operations {
        if let Some(params) = op.params_type() {
            let fields: Vec<Field> = op
                .query
                .iter()
                .map(|q| Field {
                    name: q.field.clone(),
                    scalar: q.scalar,
                    required: false,
                    doc: format!("`{}`: {}", q.wire_name, q.doc),
                    values: Vec::new(),
                    timestamp: false,
                })
                .collect();
            let doc = format!("Query parameters of `{}` (every one optional).", op.id);
            out.extend(input_record(&params, &doc, &fields));
        }
    }
    out.extend(decoders(api)?);
    let methods = api.operations.iter().map(method);
    out.extend(quote! {
        #[uniffi::export(async_runtime = "tokio")]
        impl Client {
            #(#methods)*
        }
    });
    Ok(vec![(OUT_PATH.to_string(), format_tokens(out)?)])
}

/// Records are values: a model that (indirectly) contains itself cannot be one in Swift or Kotlin.
fn check_acyclic(api: &Api) -> Result<()> {
    let edges: BTreeMap<&str, Vec<&str>> = api
        .models
        .iter()
        .map(|m| {
            (
                m.name.as_str(),
                m.rels.iter().map(|r| r.model.as_str()).collect(),
            )
        })
        .collect();
    fn visit<'a>(
        node: &'a str,
        edges: &BTreeMap<&'a str, Vec<&'a str>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Result<()> {
        if let Some(i) = path.iter().position(|n| *n == node) {
            bail!(
                "x-relationships form a cycle ({} -> {node}); the uniffi bindings carry resolved \
                 models as value records, which cannot contain themselves",
                path[i..].join(" -> ")
            );
        }
        if done.contains(node) {
            return Ok(());
        }
        path.push(node);
        for next in edges.get(node).into_iter().flatten() {
            visit(next, edges, path, done)?;
        }
        path.pop();
        done.insert(node);
        Ok(())
    }
    let mut done = BTreeSet::new();
    for m in &api.models {
        visit(&m.name, &edges, &mut Vec::new(), &mut done)?;
    }
    Ok(())
}

/// An open enum of the core's as a uniffi enum (a sealed class in Kotlin, an enum with an
/// associated value in Swift): an arm per listed value and `Other` keeping any other text.
fn open_enum(
    name: &str,
    doc: &str,
    values: &[String],
    arm_doc: impl Fn(&str) -> String,
) -> TokenStream {
    let name = format_ident!("{}", name);
    let core = quote!(bigcartel::models::#name);
    let doc = docs(doc);
    let arms: Vec<_> = values
        .iter()
        .map(|s| format_ident!("{}", s.to_upper_camel_case()))
        .collect();
    let arm_docs = values.iter().map(|s| docs(&arm_doc(s)));
    quote! {
        #doc
        // Display gives each language its idiomatic text form (`str()` in Python, `toString()`
        // in Kotlin, `description` in Swift): the value exactly as sent.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Enum)]
        #[uniffi::export(Display, Eq, Hash)]
        pub enum #name {
            #(#arm_docs #arms,)*
            /// A value the spec does not list, as sent.
            Other {
                /// The value's text.
                value: String,
            },
        }
        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(match self {
                    #(#name::#arms => #values,)*
                    #name::Other { value } => value,
                })
            }
        }
        impl From<#core> for #name {
            fn from(s: #core) -> Self {
                match s {
                    #(#core::#arms => #name::#arms,)*
                    // The core's enum is non-exhaustive: anything else is kept as its text.
                    other => #name::Other { value: other.as_str().to_owned() },
                }
            }
        }
    }
}

/// A core error-kind enum as a uniffi enum with the core's docs, and its conversion from the
/// core's (a kind the core adds later than this facade was built for becomes `Other`).
fn kind_enum(kinds: &KindEnum) -> TokenStream {
    let name = format_ident!("{}", kinds.name);
    let doc = docs(&kinds.doc);
    let variants = kinds.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let d = docs(&v.doc);
        quote! { #d #ident, }
    });
    let arms = kinds
        .variants
        .iter()
        .filter(|v| v.name != "Other")
        .map(|v| {
            let ident = format_ident!("{}", v.name);
            quote! { K::#ident => Self::#ident, }
        });
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
        pub enum #name { #(#variants)* }

        impl From<bigcartel::#name> for #name {
            fn from(k: bigcartel::#name) -> Self {
                use bigcartel::#name as K;
                match k {
                    #(#arms)*
                    _ => Self::Other,
                }
            }
        }
    }
}

/// `ClientOptions`: who the application is (the User-Agent, which every call needs) and the
/// core's `ClientOptions`, one field each with its doc, carried into the core's builder.
fn client_options_record(options: &[ClientOption]) -> TokenStream {
    let fields = options.iter().map(|o| {
        let f = format_ident!("{}", o.name);
        let d = docs(&o.doc);
        let ty = match o.kind {
            Kind::Text => quote!(String),
            Kind::U32 => quote!(u32),
            Kind::U64 => quote!(u64),
        };
        quote! { #d #[uniffi(default)] pub #f: Option<#ty>, }
    });
    let moves = options.iter().map(|o| {
        let f = format_ident!("{}", o.name);
        quote! { options.#f = self.#f; }
    });
    quote! {
        /// How a `Client` is set up, besides its credentials. Absent values take the core's
        /// defaults, which each field's documentation states.
        #[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
        pub struct ClientOptions {
            /// Names your application and a contact URL or email; the API answers 400 without it.
            pub user_agent: String,
            #(#fields)*
        }

        impl ClientOptions {
            /// The core's builder for these options.
            pub(crate) fn builder(self) -> bigcartel::ClientBuilder {
                let mut options = bigcartel::ClientOptions::default();
                #(#moves)*
                options.apply(bigcartel::Client::builder(self.user_agent))
            }
        }
    }
}

/// A model's open enums: its subtypes (polymorphic types) and its attributes' documented values.
fn model_enums(model: &Model) -> TokenStream {
    let mut out = TokenStream::new();
    let wire = &model.wire_type;
    if !model.subtypes.is_empty() {
        out.extend(open_enum(
            &subtype_enum_name(model),
            &format!(
                "The subtype of a `{wire}` resource: the part of its JSON:API type after the slash."
            ),
            &model.subtypes,
            |s| format!("`{wire}/{s}`"),
        ));
    }
    for f in &model.fields {
        if let Some(name) = f.enum_name(&model.name) {
            out.extend(open_enum(
                &name,
                &format!(
                    "The documented values of `{wire}`'s `{}` attribute.",
                    f.name
                ),
                &f.values,
                |v| format!("`{v}`"),
            ));
        }
    }
    out
}

fn model_record(model: &Model) -> TokenStream {
    let name = format_ident!("{}", model.name);
    let core = quote!(bigcartel::models::#name);
    let doc = docs(&format!(
        "{}\n\nJSON:API type `{}`, with its relationships resolved.",
        model.doc, model.wire_type
    ));
    let mut fields = vec![quote! {
        /// The resource's unique identifier.
        pub id: String,
    }];
    let mut moves = vec![quote! { id: m.id, }];
    for f in &model.fields {
        let ident = field_ident(&f.name);
        let d = docs(&field_doc(f));
        match f.enum_name(&model.name) {
            Some(e) => {
                let e = format_ident!("{}", e);
                fields.push(quote! { #d pub #ident: Option<#e>, });
                moves.push(quote! { #ident: m.#ident.map(Into::into), });
            }
            None if f.is_timestamp() => {
                fields.push(quote! { #d pub #ident: Option<crate::DateTimeText>, });
                moves.push(quote! { #ident: m.#ident.map(Into::into), });
            }
            None => {
                let ty = rust_type(f.scalar);
                fields.push(quote! { #d pub #ident: Option<#ty>, });
                moves.push(quote! { #ident: m.#ident, });
            }
        }
    }
    for r in &model.rels {
        let ident = field_ident(&r.name);
        let target = format_ident!("{}", r.model);
        if r.many {
            let d = docs(&format!(
                "`{}`: the related {} records, resolved.",
                r.name, r.model
            ));
            fields.push(quote! { #d pub #ident: Vec<#target>, });
            moves.push(quote! { #ident: m.#ident.into_iter().map(Into::into).collect(), });
        } else {
            let d = docs(&format!(
                "`{}`: the related {}, resolved (absent when the relationship is empty).",
                r.name, r.model
            ));
            fields.push(quote! { #d pub #ident: Option<#target>, });
            moves.push(quote! { #ident: m.#ident.map(|b| (*b).into()), });
        }
    }
    // What the spec does not describe, carried as the core has it: the type as sent (subtypes
    // included), whether the document carried the resource, undeclared attributes and
    // relationships, and the resource's links and meta (as `JsonValue`s: each language's own
    // data, numbers kept as their exact text).
    fields.push(quote! {
        /// The JSON:API `type` as the document gives it: a subtype after a slash
        /// (`order_adjustments/tax`) is kept.
        pub resource_type: String,
    });
    moves.push(quote! { resource_type: m.resource_type, });
    if !model.subtypes.is_empty() {
        let sub = format_ident!("{}", subtype_enum_name(model));
        fields.push(quote! {
            /// The subtype of a polymorphic type (`tax` in `order_adjustments/tax`), absent when
            /// the type has none.
            pub subtype: Option<#sub>,
        });
        moves.push(quote! { subtype: m.subtype.map(Into::into), });
    }
    fields.push(quote! {
        /// Whether the document carried this resource. `false` for a relationship target it does
        /// not include: only `resource_type` and `id` are known, and empty fields mean "not
        /// known", not "none".
        pub resolved: bool,
        /// Attributes the spec does not declare, keyed by wire name, each value as sent.
        pub extra_attributes: std::collections::HashMap<String, crate::JsonValue>,
        /// Relationships the fields above do not carry whole (undeclared ones, with the targets
        /// the document includes; declared ones with `links` or `meta` or without `data`), keyed
        /// by name.
        pub extra_relationships: std::collections::HashMap<String, crate::ExtraRelationship>,
        /// The resource's own `links`, as sent.
        pub links: Option<crate::JsonValue>,
        /// The resource's own `meta`, as sent.
        pub meta: Option<crate::JsonValue>,
    });
    moves.push(quote! {
        resolved: m.resolved,
        extra_attributes: m.extra_attributes.into_iter().map(|(k, v)| (k, v.into())).collect(),
        extra_relationships: m
            .extra_relationships
            .into_iter()
            .map(|(k, v)| (k, v.into()))
            .collect(),
        links: m.links.map(Into::into),
        meta: m.meta.map(Into::into),
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, uniffi::Record)]
        pub struct #name { #(#fields)* }
        impl From<#core> for #name {
            fn from(m: #core) -> Self { #name { #(#moves)* } }
        }
    }
}

/// `decode_orders(body) -> Vec<Order>` and `decode_order(body) -> Order` for every model: the core's
/// `jsonapi::decode_list` / `decode_one` on bytes fetched by other means (a cache, a queue, the
/// benchmark), converted to the same records the `Client` methods return.
fn decoders(api: &Api) -> Result<TokenStream> {
    let mut out = TokenStream::new();
    for (m, list, one) in snake_decoder_names(api)? {
        let model = format_ident!("{}", m.name);
        let (list, one) = (format_ident!("{}", list), format_ident!("{}", one));
        let (name, wire) = (&m.name, &m.wire_type);
        let list_doc = docs(&format!(
            "The resolved `{name}` items of a JSON:API list document \
             (`{{\"data\": [{{\"type\": \"{wire}\", ...}}], \"included\": [...]}}`) given as its UTF-8 \
             bytes: relationships resolved, money as exact decimal strings, exactly as the `Client` \
             methods return them (the core's `jsonapi::decode_list`).\n\n\
             Fails with a `DocumentError` when the body is not such a document."
        ));
        let one_doc = docs(&format!(
            "The resolved `{name}` of a JSON:API document whose `data` is one `{wire}` resource, given \
             as its UTF-8 bytes (the core's `jsonapi::decode_one`).\n\n\
             Fails with a `DocumentError` when the body is not such a document."
        ));
        out.extend(quote! {
            #list_doc
            #[uniffi::export]
            pub fn #list(body: Vec<u8>) -> Result<Vec<#model>, DocumentError> {
                let page = bigcartel::jsonapi::decode_list::<bigcartel::models::#model>(&body)?;
                Ok(page.items.into_iter().map(Into::into).collect())
            }
            #one_doc
            #[uniffi::export]
            pub fn #one(body: Vec<u8>) -> Result<#model, DocumentError> {
                Ok(bigcartel::jsonapi::decode_one::<bigcartel::models::#model>(&body)?.into())
            }
        });
    }
    Ok(out)
}

fn field_doc(f: &Field) -> String {
    let mut d = f.doc.clone();
    if f.scalar == Scalar::Decimal {
        if !d.is_empty() {
            d.push_str("\n\n");
        }
        d.push_str("An exact decimal amount as text (\"20.0\"), never a float.");
    }
    d
}

fn page_record(model: &str) -> TokenStream {
    let item = format_ident!("{}", model);
    let name = format_ident!("{}Page", model);
    let doc = docs(&format!("One page of {model} records."));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, uniffi::Record)]
        pub struct #name {
            /// The resolved items, in the order the API sent them.
            pub items: Vec<#item>,
            /// `meta.count`: how many items match in total, when the API says.
            pub total: Option<i64>,
            /// `links.next`: the next page's URL, absent on the last page.
            pub next: Option<String>,
            /// Whether the document had a `links` object at all (some lists are not paginated).
            pub has_links: bool,
            /// The document's `links`, as sent.
            pub links: Option<crate::JsonValue>,
            /// The document's `meta`, as sent (`count` included, whatever its type).
            pub meta: Option<crate::JsonValue>,
        }
        impl From<bigcartel::Page<bigcartel::models::#item>> for #name {
            fn from(p: bigcartel::Page<bigcartel::models::#item>) -> Self {
                #name {
                    items: p.items.into_iter().map(Into::into).collect(),
                    total: p.total.map(crate::saturating_i64),
                    next: p.next,
                    has_links: p.has_links,
                    links: p.links.map(Into::into),
                    meta: p.meta.map(Into::into),
                }
            }
        }
    }
}

/// A record sent to the core: optional fields default to absent, required ones must be given.
fn input_record(name: &str, doc: &str, fields: &[Field]) -> TokenStream {
    let ident = format_ident!("{}", name);
    let core = quote!(bigcartel::#ident);
    let doc = docs(doc);
    // Required fields first: some languages want defaulted parameters last.
    let mut ordered: Vec<&Field> = fields.iter().filter(|f| f.required).collect();
    ordered.extend(fields.iter().filter(|f| !f.required));
    let decls = ordered.iter().map(|f| {
        let i = field_ident(&f.name);
        let ty = rust_type(f.scalar);
        let d = docs(&field_doc(f));
        if f.required {
            quote! { #d pub #i: #ty, }
        } else {
            quote! { #d #[uniffi(default)] pub #i: Option<#ty>, }
        }
    });
    let moves = fields.iter().map(|f| {
        let i = field_ident(&f.name);
        quote! { core.#i = v.#i; }
    });
    let derive_default = if fields.iter().all(|f| !f.required) {
        quote!(Default,)
    } else {
        quote!()
    };
    quote! {
        #doc
        #[derive(Debug, Clone, #derive_default PartialEq, uniffi::Record)]
        pub struct #ident { #(#decls)* }
        impl From<#ident> for #core {
            // Field by field onto the default: the core's struct is `#[non_exhaustive]`.
            fn from(v: #ident) -> Self {
                let mut core = #core::default();
                #(#moves)*
                core
            }
        }
    }
}

fn method(op: &Operation) -> TokenStream {
    let fn_name = format_ident!("{}", op.fn_name());
    let doc = docs(&format!(
        "{}\n\n{}\n\n`{} {}` (operationId `{}`).",
        op.summary, op.description, op.method, op.path, op.id
    ));
    let mut args = Vec::new();
    let mut prep = Vec::new();
    let mut call_args = Vec::new();
    let mut defaults = Vec::new();
    for p in &op.path_params {
        let i = field_ident(p);
        args.push(quote! { #i: String });
        call_args.push(quote! { &#i });
    }
    match &op.body {
        Body::None => {}
        Body::Resource {
            input,
            relationships,
            ..
        } => {
            let ty = format_ident!("{}", input);
            args.push(quote! { input: #ty });
            prep.push(quote! { let input: bigcartel::#ty = input.into(); });
            call_args.push(quote! { &input });
            if let Some(rel) = relationships {
                let rty = format_ident!("{}", rel);
                args.push(quote! { relationships: Option<#rty> });
                defaults.push(quote!(relationships = None));
                prep.push(quote! {
                    let relationships: bigcartel::#rty = relationships.map(Into::into).unwrap_or_default();
                });
                call_args.push(quote! { &relationships });
            }
        }
        Body::Identifiers { .. } => {
            args.push(quote! { ids: Vec<String> });
            call_args.push(quote! { &ids });
        }
    }
    let params_ty = op.params_type().map(|p| format_ident!("{}", p));
    if let Some(pty) = &params_ty {
        args.push(quote! { params: Option<#pty> });
        defaults.push(quote!(params = None));
        prep.push(quote! {
            let params: bigcartel::#pty = params.map(Into::into).unwrap_or_default();
        });
        call_args.push(quote! { &params });
    }
    let (ret, convert) = match &op.returns {
        Returns::One(m) => {
            let m = format_ident!("{}", m);
            (quote!(#m), quote!(.into()))
        }
        Returns::Many(m) => {
            let p = format_ident!("{}Page", m);
            (quote!(#p), quote!(.into()))
        }
        Returns::Nothing => (quote!(()), quote!()),
    };
    let attr = if defaults.is_empty() {
        quote!()
    } else {
        quote!(#[uniffi::method(default(#(#defaults),*))])
    };
    let mut out = quote! {
        #doc
        #attr
        pub async fn #fn_name(&self, #(#args),*) -> Result<#ret, BigCartelError> {
            #(#prep)*
            Ok(self.inner.#fn_name(#(#call_args),*).await? #convert)
        }
    };
    if op.paged
        && let (Returns::Many(m), Some(pty)) = (&op.returns, &params_ty)
    {
        let all = format_ident!("{}_all", op.fn_name());
        let stream = format_ident!("{}_stream", op.fn_name());
        let m = format_ident!("{}", m);
        let doc = docs(&format!(
            "Every item of `{}`, following the API's paging (the core's `{}`): `page_size` items per \
             request, `concurrency` pages at once. `params`' own page fields are replaced.",
            op.fn_name(),
            stream
        ));
        out.extend(quote! {
            #doc
            #[uniffi::method(default(params = None, options = None))]
            pub async fn #all(
                &self,
                params: Option<#pty>,
                options: Option<PageOptions>,
            ) -> Result<Vec<#m>, BigCartelError> {
                use futures::TryStreamExt;
                let params: bigcartel::#pty = params.map(Into::into).unwrap_or_default();
                let options: bigcartel::PageOptions = options.map(Into::into).unwrap_or_default();
                let items: Vec<bigcartel::models::#m> =
                    self.inner.#stream(params, options).try_collect().await?;
                Ok(items.into_iter().map(Into::into).collect())
            }
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relationship_cycle_is_refused_with_its_path() {
        let spec = crate::codegen::api::parse_spec(
            &std::fs::read_to_string(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/bigcartel.v1.yaml"),
            )
            .unwrap(),
        )
        .unwrap();
        let mut api = crate::codegen::api::describe(&spec).unwrap();
        assert!(generate(&api, &CoreDefs::default()).is_ok());
        let currency = api
            .models
            .iter()
            .position(|m| m.name == "Currency")
            .unwrap();
        api.models[currency].rels.push(crate::codegen::api::Rel {
            name: "account".into(),
            model: "Account".into(),
            many: false,
        });
        let err = generate(&api, &CoreDefs::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("Account -> Currency -> Account"), "{err}");
    }
}
