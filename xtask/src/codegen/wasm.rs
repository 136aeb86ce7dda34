//! The npm package's spec-dependent half (bindings/wasm/src/generated.rs), generated from the same
//! [`Api`] as the core: the TypeScript types of every model, input and query-parameter struct,
//! one `Client` method per operation (plus a `...Stream` async iterator per paged list), and two
//! decoding functions per model: `decodeOrders(body)` (a list document's resolved items, named
//! after the model's JSON:API type) and `decodeOrder(body)` (a one-resource document).
//!
//! Values cross the boundary as JSON, so each TypeScript property is named exactly as the core's
//! serde shape names it: models and query parameters by their Rust field, inputs by their wire name.

use super::api::{Api, Body, Field, Model, Operation, Returns, Scalar};
use super::client_options::{ClientOption, Kind};
use super::core_defs::CoreDefs;
use super::emit::{docs, field_ident, format_tokens, subtype_enum_name};
use super::error_kinds::KindEnum;
use anyhow::{Result, anyhow};
use heck::{ToLowerCamelCase, ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use std::fmt::Write;

/// Where the generated file goes, relative to the workspace root.
pub const OUTPUT: &str = "bindings/wasm/src/generated.rs";

/// The TypeScript unions of the core's error kinds, beside the hand-written error classes that
/// use them (both entries of the package share the file).
pub const ERROR_KINDS: &str = "bindings/wasm/js/error-kinds.d.ts";

/// Files to write, as `(path relative to the workspace root, contents)`, each under the header.
pub fn emit(input: &super::input::Input) -> Result<Vec<(String, String)>> {
    let header = input.header();
    Ok(generate(input.api, input.core()?)?
        .into_iter()
        .map(|(path, contents)| (path, format!("{header}{contents}")))
        .collect())
}

fn generate(api: &Api, core: &CoreDefs) -> Result<Vec<(String, String)>> {
    let options = &core.options;
    let mut ts = typescript(api);
    ts.push_str(&options_typescript(options));
    if ts.contains("\"##") {
        return Err(anyhow!(
            "a spec description contains `\"##`, which the generated TypeScript section cannot carry"
        ));
    }
    // A raw string keeps the TypeScript readable in the generated file.
    let ts_literal: Literal = format!("r##\"{ts}\"##")
        .parse()
        .map_err(|e| anyhow!("TypeScript section: {e}"))?;
    let methods: Vec<TokenStream> = api
        .operations
        .iter()
        .enumerate()
        .map(|(i, op)| method_tokens(i, op))
        .collect();
    let arg_types = arg_types(api);
    let decoders = decoders(api)?;
    let read_options = options_reader(options);
    let tokens = quote! {
        //! Per-operation methods and TypeScript types of the npm package, generated from the spec.

        use crate::client::Client;
        use crate::convert;
        use wasm_bindgen::prelude::*;

        #[wasm_bindgen(typescript_custom_section)]
        const TYPES: &str = #ts_literal;

        #arg_types

        #[wasm_bindgen]
        impl Client {
            #(#methods)*
        }

        #decoders

        #read_options
    };
    Ok(vec![
        (OUTPUT.to_string(), format_tokens(tokens)?),
        (ERROR_KINDS.to_string(), error_kinds_typescript(&core.kinds)),
    ])
}

// ------------------------------------------------------------------------------------------------
// Client options: the core's `ClientOptions`, one property each (camelCase)

/// One string-literal union per core error-kind enum, each member with the core's doc.
fn error_kinds_typescript(kinds: &[KindEnum]) -> String {
    let mut out = String::new();
    for k in kinds {
        jsdoc(&mut out, "", &k.doc);
        let _ = writeln!(out, "export type {} =", k.name);
        for (i, v) in k.variants.iter().enumerate() {
            jsdoc(&mut out, "  ", &v.doc);
            let end = if i + 1 == k.variants.len() { ";" } else { "" };
            let _ = writeln!(out, "  | \"{}\"{end}", v.wire());
        }
        out.push('\n');
    }
    out
}

/// `ClientSettings`: the core's options. The hand-written `ClientOptions` (in `client.rs`) adds
/// who the application is and its credentials.
fn options_typescript(options: &[ClientOption]) -> String {
    let mut out = String::new();
    jsdoc(
        &mut out,
        "",
        "How a `Client` connects and retries: the core's client options, each optional (an absent \
         one keeps the default its comment states).",
    );
    out.push_str("export interface ClientSettings {\n");
    for o in options {
        jsdoc(&mut out, "  ", &o.doc);
        let ty = match o.kind {
            Kind::Text => "string",
            Kind::U32 | Kind::U64 => "number",
        };
        let _ = writeln!(out, "  {}?: {ty};", o.js_name());
    }
    out.push_str("}\n");
    out
}

/// `read_client_options`: the options object's properties into the core's `ClientOptions`, each
/// through the reader for its type (which names the property, never its value, in an error).
fn options_reader(options: &[ClientOption]) -> TokenStream {
    let sets = options.iter().map(|o| {
        let field = format_ident!("{}", o.name);
        let js = o.js_name();
        let reader = match o.kind {
            Kind::Text => quote!(crate::client::text_option),
            Kind::U32 => quote!(crate::client::u32_option),
            Kind::U64 => quote!(crate::client::u64_option),
        };
        quote! { options.#field = #reader(object, #js)?; }
    });
    quote! {
        /// The core's client options from a JavaScript options object.
        pub(crate) fn read_client_options(
            object: &JsValue,
        ) -> Result<bigcartel::ClientOptions, JsValue> {
            let mut options = bigcartel::ClientOptions::default();
            #(#sets)*
            Ok(options)
        }
    }
}

// ------------------------------------------------------------------------------------------------
// TypeScript

fn ts_scalar(s: Scalar) -> &'static str {
    match s {
        Scalar::String | Scalar::Decimal => "string",
        Scalar::Int => "number",
        Scalar::Bool => "boolean",
        Scalar::StringList => "string[]",
    }
}

/// A property name, quoted when it is not an identifier.
fn ts_prop(name: &str) -> String {
    let ident = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if ident {
        name.to_string()
    } else {
        format!("{name:?}")
    }
}

/// A JSDoc comment (empty text gives nothing).
fn jsdoc(out: &mut String, indent: &str, text: &str) {
    let text = text.trim().replace("*/", "*\\/");
    if text.is_empty() {
        return;
    }
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() == 1 {
        let _ = writeln!(out, "{indent}/** {} */", lines[0]);
        return;
    }
    let _ = writeln!(out, "{indent}/**");
    for line in lines {
        let _ = writeln!(
            out,
            "{indent} *{}{line}",
            if line.is_empty() { "" } else { " " }
        );
    }
    let _ = writeln!(out, "{indent} */");
}

fn field_doc(f: &Field) -> String {
    let base = if f.doc.is_empty() {
        format!("`{}`", f.name)
    } else {
        f.doc.clone()
    };
    if f.scalar == Scalar::Decimal {
        format!(
            "{base}\n\nAn exact decimal string (\"20.0\"): never parse it into a float for arithmetic."
        )
    } else {
        base
    }
}

fn typescript(api: &Api) -> String {
    let mut out = String::from("\n");
    jsdoc(
        &mut out,
        "",
        "A date-time attribute as the API sent it: RFC 3339 text, kept whole (`Date` would drop its \
         offset and the digits past the millisecond). `new Date(text)` reads the instant; \
         `Temporal.Instant.from(text)`, where the runtime has it, keeps every digit.",
    );
    out.push_str("export type Timestamp = string;\n\n");
    jsdoc(
        &mut out,
        "",
        "A relationship as the document gives it, for one a model's typed fields do not carry \
         whole: an undeclared relationship, or a declared one that also has `links` or `meta` or \
         has no `data`.",
    );
    out.push_str("export interface Relationship {\n");
    jsdoc(
        &mut out,
        "  ",
        "`data` as sent: null, one resource identifier or a list; absent when the relationship \
         has no `data` member (links only).",
    );
    out.push_str(
        "  data?: { type: string; id: string } | { type: string; id: string }[] | null;\n",
    );
    jsdoc(&mut out, "  ", "The relationship's `links`, as sent.");
    out.push_str("  links: Record<string, unknown> | null;\n");
    jsdoc(&mut out, "  ", "The relationship's `meta`, as sent.");
    out.push_str("  meta: Record<string, unknown> | null;\n");
    jsdoc(
        &mut out,
        "  ",
        "For an undeclared relationship, the resources its `data` names that the document \
         includes, each resource object as sent. Empty for a declared one.",
    );
    out.push_str("  included: Record<string, unknown>[];\n}\n\n");
    for m in &api.models {
        if !m.subtypes.is_empty() {
            jsdoc(
                &mut out,
                "",
                &format!(
                    "The subtype of a `{}` resource (the part of its type after the slash); a \
                     string not listed here is a subtype the spec does not know, kept as sent.",
                    m.wire_type
                ),
            );
            let known: Vec<String> = m.subtypes.iter().map(|s| format!("\"{s}\"")).collect();
            let _ = writeln!(
                out,
                "export type {} = {} | (string & {{}});\n",
                subtype_enum_name(m),
                known.join(" | ")
            );
        }
        for f in &m.fields {
            if let Some(name) = f.enum_name(&m.name) {
                jsdoc(
                    &mut out,
                    "",
                    &format!(
                        "The documented values of `{}`'s `{}` attribute; a string not listed here \
                         is a value the spec does not know, kept as sent.",
                        m.wire_type, f.name
                    ),
                );
                let known: Vec<String> = f.values.iter().map(|v| format!("\"{v}\"")).collect();
                let _ = writeln!(
                    out,
                    "export type {name} = {} | (string & {{}});\n",
                    known.join(" | ")
                );
            }
        }
    }
    for m in &api.models {
        let doc = if m.doc.is_empty() {
            format!("A `{}` resource.", m.wire_type)
        } else {
            m.doc.clone()
        };
        jsdoc(
            &mut out,
            "",
            &format!(
                "{doc}\n\nJSON:API type `{}`; relationships are resolved.",
                m.wire_type
            ),
        );
        let _ = writeln!(out, "export interface {} {{", m.name);
        jsdoc(&mut out, "  ", "The resource's unique identifier.");
        out.push_str("  id: string;\n");
        for f in &m.fields {
            jsdoc(&mut out, "  ", &field_doc(f));
            let ty = f.enum_name(&m.name).unwrap_or_else(|| {
                if f.is_timestamp() {
                    "Timestamp".to_string()
                } else {
                    ts_scalar(f.scalar).to_string()
                }
            });
            let _ = writeln!(out, "  {}: {ty} | null;", ts_prop(&f.name.to_snake_case()),);
        }
        for r in &m.rels {
            let prop = ts_prop(&r.name.to_snake_case());
            if r.many {
                jsdoc(
                    &mut out,
                    "  ",
                    &format!("`{}`: the related {} resources.", r.name, r.model),
                );
                let _ = writeln!(out, "  {prop}: {}[];", r.model);
            } else {
                jsdoc(
                    &mut out,
                    "  ",
                    &format!("`{}`: the related {} (null when empty).", r.name, r.model),
                );
                let _ = writeln!(out, "  {prop}: {} | null;", r.model);
            }
        }
        jsdoc(
            &mut out,
            "  ",
            "The JSON:API `type` as the document gives it: a subtype after a slash \
             (`order_adjustments/tax`) is kept.",
        );
        out.push_str("  resource_type: string;\n");
        if !m.subtypes.is_empty() {
            jsdoc(
                &mut out,
                "  ",
                "The subtype of a polymorphic type (`tax` in `order_adjustments/tax`), null when \
                 the type has none.",
            );
            let _ = writeln!(out, "  subtype: {} | null;", subtype_enum_name(m));
        }
        jsdoc(
            &mut out,
            "  ",
            "Whether the document carried this resource. `false` for a relationship target it \
             does not include: only `resource_type` and `id` are known, and empty fields mean \
             \"not known\", not \"none\".",
        );
        out.push_str("  resolved: boolean;\n");
        jsdoc(
            &mut out,
            "  ",
            "Attributes the spec does not declare, as sent (keyed by wire name); absent when \
             there are none.",
        );
        out.push_str("  extra_attributes?: Record<string, unknown>;\n");
        jsdoc(
            &mut out,
            "  ",
            "Relationships the fields above do not carry whole, keyed by name; absent when there \
             are none.",
        );
        out.push_str("  extra_relationships?: Record<string, Relationship>;\n");
        jsdoc(
            &mut out,
            "  ",
            "The resource's own `links`, as sent; absent when the resource has none.",
        );
        out.push_str("  links?: Record<string, unknown>;\n");
        jsdoc(
            &mut out,
            "  ",
            "The resource's own `meta`, as sent; absent when the resource has none.",
        );
        out.push_str("  meta?: Record<string, unknown>;\n");
        out.push_str("}\n\n");
    }
    for input in &api.inputs {
        jsdoc(&mut out, "", &input.doc);
        let _ = writeln!(out, "export interface {} {{", input.name);
        for f in &input.fields {
            jsdoc(&mut out, "  ", &field_doc(f));
            if f.required {
                let _ = writeln!(out, "  {}: {};", ts_prop(&f.name), ts_scalar(f.scalar));
            } else {
                let _ = writeln!(
                    out,
                    "  {}?: {} | null;",
                    ts_prop(&f.name),
                    ts_scalar(f.scalar)
                );
            }
        }
        out.push_str("}\n\n");
    }
    for rel in &api.relationship_inputs {
        jsdoc(&mut out, "", &rel.doc);
        let _ = writeln!(out, "export interface {} {{", rel.name);
        for (name, wire_type) in &rel.rels {
            jsdoc(
                &mut out,
                "  ",
                &format!("Ids of the related `{wire_type}` (`relationships.{name}`)."),
            );
            let _ = writeln!(
                out,
                "  {}?: string[] | null;",
                ts_prop(&name.to_snake_case())
            );
        }
        out.push_str("}\n\n");
    }
    for op in &api.operations {
        let Some(params) = op.params_type() else {
            continue;
        };
        jsdoc(
            &mut out,
            "",
            &format!("Query parameters of `Client.{}`.", op.id),
        );
        let _ = writeln!(out, "export interface {params} {{");
        for q in &op.query {
            jsdoc(&mut out, "  ", &format!("`{}`: {}", q.wire_name, q.doc));
            let _ = writeln!(
                out,
                "  {}?: {} | null;",
                ts_prop(&q.field),
                ts_scalar(q.scalar)
            );
        }
        out.push_str("}\n\n");
    }
    out
}

// ------------------------------------------------------------------------------------------------
// Decoding functions

/// The JavaScript names of a model's decoders: `(list, one)`, e.g. `("decodeOrders", "decodeOrder")`.
pub fn decoder_names(model: &Model) -> (String, String) {
    (
        format!("decode{}", model.wire_type.to_upper_camel_case()),
        format!("decode{}", model.name.to_upper_camel_case()),
    )
}

/// `decodeOrders(body): Order[]` and `decodeOrder(body): Order` for every model: the core's
/// `dynamic::decode_list` / `decode_one`, for bodies fetched by other means (and the benchmark).
fn decoders(api: &Api) -> Result<TokenStream> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = TokenStream::new();
    for (index, m) in api.models.iter().enumerate() {
        let (list_js, one_js) = decoder_names(m);
        for name in [&list_js, &one_js] {
            if !seen.insert(name.clone()) {
                return Err(anyhow!(
                    "model {} (type `{}`): the decoder name `{name}` is taken; the list decoder is named \
                     after the JSON:API type and the one-resource decoder after the model, so they must differ",
                    m.name,
                    m.wire_type
                ));
            }
        }
        let (wire, name) = (&m.wire_type, &m.name);
        let body_param = quote! {
            #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer")] body: JsValue
        };
        let list_fn = format_ident!("{}", list_js.to_snake_case());
        let list_ident = format_ident!("{}", list_js);
        let list_ts = format!("{name}[]");
        let list_docs = docs(&format!(
            "The resolved `{name}` items of a JSON:API list document (`{{\"data\": [{{\"type\": \"{wire}\", ...}}], \"included\": [...]}}`), \
             given as its text or its UTF-8 bytes: relationships resolved, money as exact decimal strings, \
             exactly as `Client` methods return them.\n\n\
             Throws a `DecodeError` (`reason`) when the body is not such a document, a `TypeError` when it \
             is not a string, `Uint8Array` or `ArrayBuffer`."
        ));
        let one_fn = format_ident!("{}", one_js.to_snake_case());
        let one_ident = format_ident!("{}", one_js);
        let one_docs = docs(&format!(
            "The resolved `{name}` of a JSON:API document whose `data` is one `{wire}` resource, given as \
             its text or its UTF-8 bytes.\n\nThrows a `DecodeError` (`reason`) when the body is not such a \
             document, a `TypeError` when it is not a string, `Uint8Array` or `ArrayBuffer`."
        ));
        out.extend(quote! {
            #list_docs
            #[wasm_bindgen(js_name = #list_ident, unchecked_return_type = #list_ts)]
            pub fn #list_fn(#body_param) -> Result<JsValue, JsValue> {
                convert::decode_list(#index, &body)
            }

            #one_docs
            #[wasm_bindgen(js_name = #one_ident, unchecked_return_type = #name)]
            pub fn #one_fn(#body_param) -> Result<JsValue, JsValue> {
                convert::decode_one(#index, &body)
            }
        });
    }
    Ok(out)
}

// ------------------------------------------------------------------------------------------------
// Methods

/// A `#[wasm_bindgen(...)]` parameter: Rust name, JavaScript name and TypeScript type. An optional
/// one is an `Option` of the extern type [`arg_type`] declares, so TypeScript shows `name?: T`.
fn param(rust: &str, js: &str, ts: &str, optional: bool) -> TokenStream {
    let ident = field_ident(rust);
    let js = format_ident!("{}", js);
    if optional {
        let ty = arg_type(ts);
        quote! { #[wasm_bindgen(js_name = #js)] #ident: Option<#ty> }
    } else {
        quote! { #[wasm_bindgen(js_name = #js, unchecked_param_type = #ts)] #ident: JsValue }
    }
}

/// The Rust name of the extern type standing for a TypeScript type (`ListProductsParamsArg`).
fn arg_type(ts: &str) -> proc_macro2::Ident {
    format_ident!("{}Arg", ts)
}

/// The TypeScript types optional arguments take: query parameters and relationships.
fn arg_types(api: &Api) -> TokenStream {
    let names = api
        .operations
        .iter()
        .filter_map(Operation::params_type)
        .chain(api.relationship_inputs.iter().map(|r| r.name.clone()));
    let decls = names.map(|ts| {
        let ty = arg_type(&ts);
        let d = docs(&format!("A `{ts}` passed from JavaScript."));
        quote! {
            #d
            #[wasm_bindgen(typescript_type = #ts)]
            pub type #ty;
        }
    });
    quote! {
        #[wasm_bindgen]
        extern "C" {
            #(#decls)*
        }
    }
}

/// One method: its JavaScript signature and TypeScript types, and a call of the core's
/// `dynamic` table row `index` (the core's JSON-in/JSON-out `Client::call`): a few bytes of
/// WebAssembly per operation instead of a compiled copy of the request and decoding code.
fn method_tokens(index: usize, op: &Operation) -> TokenStream {
    let (op_id, method, path) = (&op.id, &op.method, &op.path);
    let fn_name = format_ident!("{}", op.fn_name());
    let js_name = format_ident!("{}", op.id.to_lower_camel_case());

    // JavaScript order: ids in the path, then the body, then what is optional.
    let mut params = Vec::new();
    let mut path_idents = Vec::new();
    for p in &op.path_params {
        let ident = field_ident(p);
        params.push(param(p, &p.to_lower_camel_case(), "string", false));
        path_idents.push(ident);
    }
    let mut trailing = Vec::new();
    let mut fields = vec![quote! { path: vec![#(#path_idents),*] }];
    if let Some(params_ty) = op.params_type() {
        trailing.push(param("params", "params", &params_ty, true));
        fields.push(quote! { params: params.map(JsValue::from) });
    }
    match &op.body {
        Body::None => {}
        Body::Identifiers { .. } => {
            params.push(param("ids", "ids", "string[]", false));
            fields.push(quote! { ids: Some(ids) });
        }
        Body::Resource {
            input,
            relationships,
            ..
        } => {
            params.push(param("input", "input", input, false));
            fields.push(quote! { input: Some(input) });
            if let Some(rel) = relationships {
                // Relationships come before the query parameters, both optional.
                trailing.insert(0, param("relationships", "relationships", rel, true));
                fields.push(quote! { relationships: relationships.map(JsValue::from) });
            }
        }
    }
    params.extend(trailing.iter().cloned());
    let ts_ret = match &op.returns {
        Returns::One(m) => format!("Promise<{m}>"),
        Returns::Many(m) => format!("Promise<Page<{m}>>"),
        Returns::Nothing => "Promise<void>".to_string(),
    };
    let method_docs = docs(&format!(
        "{}\n\n{}\n\n`{method} {path}` (operationId `{op_id}`).",
        op.summary, op.description
    ));
    let mut out = quote! {
        #method_docs
        #[wasm_bindgen(js_name = #js_name, unchecked_return_type = #ts_ret)]
        pub fn #fn_name(&self, #(#params),*) -> js_sys::Promise {
            convert::call(self.core(), #index, convert::JsArgs { #(#fields,)* ..Default::default() })
        }
    };

    if op.paged {
        let Returns::Many(model) = &op.returns else {
            unreachable!("checked by api::describe")
        };
        let params_ty = op
            .params_type()
            .expect("paged operations have query parameters");
        let stream_fn = format_ident!("{}_stream", op.fn_name());
        let stream_js = format_ident!("{}Stream", op.id.to_lower_camel_case());
        let ts_ret = format!("AsyncIterableIterator<{model}>");
        let mut stream_params: Vec<TokenStream> = op
            .path_params
            .iter()
            .map(|p| param(p, &p.to_lower_camel_case(), "string", false))
            .collect();
        stream_params.push(param("params", "params", &params_ty, true));
        stream_params.push(
            quote! { #[wasm_bindgen(js_name = options)] options: Option<convert::PageOptionsArg> },
        );
        let d = docs(&format!(
            "Every item of `{}`, following the API's paging: `for await (const item of client.{}Stream(...))`.\n\nThe list is fetched one page (`options.pageSize`, default 100) at a time, `options.concurrency` pages at once; `break` stops fetching.",
            op.id.to_lower_camel_case(),
            op.id.to_lower_camel_case()
        ));
        out.extend(quote! {
            #d
            #[wasm_bindgen(js_name = #stream_js, unchecked_return_type = #ts_ret)]
            pub fn #stream_fn(&self, #(#stream_params),*) -> Result<JsValue, JsValue> {
                convert::stream(
                    self.core(),
                    #index,
                    convert::JsArgs { path: vec![#(#path_idents),*], params: params.map(JsValue::from), ..Default::default() },
                    options.map(JsValue::from),
                )
            }
        });
    }
    out
}
