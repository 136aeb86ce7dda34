//! `generated_operations.rs`: the high-level client methods (raw client call, then resolve), one
//! per operation, with their params, inputs and relationship inputs (`#[non_exhaustive]`, built
//! with `new` and setters).

use super::api::{Api, Body, Input, RelationshipsInput, Returns, Scalar};
use super::builders::{self, Settable};
use super::emit::{docs, field_ident, rust_type};
use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// `generated_operations.rs`: the typed client methods.
pub fn emit(input: &super::input::Input) -> anyhow::Result<Vec<(String, String)>> {
    Ok(vec![
        input.core_file("generated_operations.rs", tokens(input.api))?,
    ])
}

fn tokens(api: &Api) -> TokenStream {
    let mut items = TokenStream::new();
    let mut methods = TokenStream::new();
    for input in &api.inputs {
        items.extend(input_tokens(input));
    }
    for rel in &api.relationship_inputs {
        items.extend(relationships_input_tokens(rel));
    }
    for op in &api.operations {
        let op_id = &op.id;
        let fn_name = format_ident!("{}", op.fn_name());
        let mut args = Vec::new();
        let mut setters = Vec::new();
        if let Some(params_ty) = op.params_type() {
            let params_ty = format_ident!("{}", params_ty);
            let mut qfields = Vec::new();
            for q in &op.query {
                let ident = field_ident(&q.field);
                let ty = rust_type(q.scalar);
                let d = docs(&format!("`{}`: {}", q.wire_name, q.doc));
                qfields.push(quote! { #d pub #ident: Option<#ty>, });
                setters.push(quote! { if let Some(v) = &params.#ident { request = request.#ident(v.clone()); } });
            }
            let d = docs(&format!(
                "Query parameters of [`Client::{}`].",
                op.fn_name()
            ));
            let settable: Vec<Settable> = op
                .query
                .iter()
                .map(|q| Settable {
                    name: &q.field,
                    scalar: q.scalar,
                    optional: true,
                    label: format!("`{}`", q.wire_name),
                })
                .collect();
            let setters = builders::setters(&settable);
            let new = builders::constructor(&params_ty.to_string(), &[]);
            items.extend(quote! {
                #d
                #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
                #[non_exhaustive]
                pub struct #params_ty { #(#qfields)* }

                impl #params_ty {
                    #new
                    #setters
                }
            });
            args.push(quote! { params: &#params_ty });
        }
        let mut path_setters = Vec::new();
        for p in &op.path_params {
            let ident = field_ident(p);
            args.push(quote! { #ident: &str });
            path_setters.push(quote! { .#ident(#ident) });
        }
        let account_setter = if op.uses_account {
            quote! { let account_id = self.account_id().await?; let request = request.account_id(account_id.as_str()); }
        } else {
            quote! {}
        };
        let body_setter = match &op.body {
            Body::None => quote! {},
            Body::Identifiers { schema, wire_type } => {
                let body_ty = format_ident!("{}", schema.to_upper_camel_case());
                args.push(quote! { ids: &[String] });
                quote! {
                    let request = request.body(crate::jsonapi::identifiers_body::<crate::raw::types::#body_ty>(&OPERATION, #wire_type, ids)?);
                }
            }
            Body::Resource {
                schema,
                wire_type,
                input,
                with_id,
                relationships,
            } => {
                let body_ty = format_ident!("{}", schema.to_upper_camel_case());
                let input_ty = format_ident!("{}", input);
                args.push(quote! { input: &#input_ty });
                let id_expr = if *with_id {
                    let id = field_ident(op.path_params.last().expect("checked by api::describe"));
                    quote! { Some(#id) }
                } else {
                    quote! { None }
                };
                let rel_expr = match relationships {
                    Some(rel) => {
                        let rel_ty = format_ident!("{}", rel);
                        args.push(quote! { relationships: &#rel_ty });
                        quote! { Some(relationships.to_json()) }
                    }
                    None => quote! { None },
                };
                quote! {
                    let request = request.body(crate::jsonapi::resource_body::<crate::raw::types::#body_ty, _>(&OPERATION, #wire_type, #id_expr, input, #rel_expr)?);
                }
            }
        };
        let (ret_ty, finish) = match &op.returns {
            Returns::One(m) => {
                let m = format_ident!("{}", m);
                (
                    quote!(#m),
                    quote!(self.finish_one(&OPERATION, request.send().await).await),
                )
            }
            Returns::Many(m) => {
                let m = format_ident!("{}", m);
                (
                    quote!(crate::Page<#m>),
                    quote!(self.finish_page(&OPERATION, request.send().await).await),
                )
            }
            Returns::Nothing => (
                quote!(()),
                quote!(self.finish_empty(&OPERATION, request.send().await).await),
            ),
        };
        let (method, path) = (&op.method, &op.path);
        let method_docs = docs(&format!(
            "{}\n\n{}\n\n`{method} {path}` (operationId `{op_id}`).",
            op.summary, op.description
        ));
        methods.extend(quote! {
            #method_docs
            pub async fn #fn_name(&self, #(#args),*) -> Result<#ret_ty, crate::Error> {
                const OPERATION: crate::Operation = crate::Operation { id: #op_id, method: #method, path: #path };
                let request = self.raw().#fn_name() #(#path_setters)*;
                #account_setter
                #[allow(unused_mut)]
                let mut request = request;
                #(#setters)*
                #body_setter
                #finish
            }
        });
        if op.paged {
            let Returns::Many(m) = &op.returns else {
                unreachable!("checked by api::describe")
            };
            let m = format_ident!("{}", m);
            let params_ty = format_ident!(
                "{}",
                op.params_type()
                    .expect("paged operations have query parameters")
            );
            let stream_fn = format_ident!("{}_stream", op.fn_name());
            let path_args: Vec<TokenStream> = op
                .path_params
                .iter()
                .map(|p| {
                    let i = field_ident(p);
                    quote!(#i: &'a str)
                })
                .collect();
            let path_names: Vec<proc_macro2::Ident> =
                op.path_params.iter().map(|p| field_ident(p)).collect();
            let d = docs(&format!(
                "Every item of [`Client::{}`], following the API's paging (see [`crate::PageOptions`]).",
                op.fn_name()
            ));
            methods.extend(quote! {
                #d
                pub fn #stream_fn<'a>(
                    &'a self,
                    #(#path_args,)*
                    params: #params_ty,
                    options: crate::PageOptions,
                ) -> impl futures::Stream<Item = Result<#m, crate::Error>> + 'a {
                    const OPERATION: crate::Operation = crate::Operation { id: #op_id, method: #method, path: #path };
                    crate::pagination::paginate(
                        OPERATION,
                        move |offset, limit| {
                            let mut params = params.clone();
                            params.page_offset = Some(offset);
                            params.page_limit = Some(limit);
                            async move { self.#fn_name(#(#path_names,)* &params).await }
                        },
                        options,
                    )
                }
            });
        }
    }
    let ops = api.jsonapi_operations.iter();
    quote! {
        use crate::Client;
        use crate::models::*;

        /// Operations (progenitor's snake_case ids) whose requests carry the JSON:API `Accept`/`Content-Type` headers.
        pub(crate) const JSON_API_OPERATIONS: &[&str] = &[#(#ops),*];

        #items

        impl Client {
            #methods
        }
    }
}

fn input_tokens(input: &Input) -> TokenStream {
    let ident = format_ident!("{}", input.name);
    let mut out = Vec::new();
    for f in &input.fields {
        let i = field_ident(&f.name);
        let ty = rust_type(f.scalar);
        let wire = &f.name;
        let d = docs(&if f.doc.is_empty() {
            format!("`{}`", f.name)
        } else {
            f.doc.clone()
        });
        if f.required {
            out.push(quote! { #d #[serde(rename = #wire)] pub #i: #ty, });
        } else {
            out.push(quote! {
                #d
                #[serde(rename = #wire, skip_serializing_if = "Option::is_none", default)]
                pub #i: Option<#ty>,
            });
        }
    }
    let settable: Vec<Settable> = input
        .fields
        .iter()
        .map(|f| Settable {
            name: &f.name,
            scalar: f.scalar,
            optional: !f.required,
            label: format!("`{}`", f.name),
        })
        .collect();
    let (required, optional): (Vec<Settable>, Vec<Settable>) =
        settable.into_iter().partition(|f| !f.optional);
    let new = builders::constructor(&input.name, &required);
    let setters = builders::setters(&optional);
    let doc = docs(&input.doc);
    quote! {
        #doc
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        #[non_exhaustive]
        pub struct #ident { #(#out)* }

        impl #ident {
            #new
            #setters
        }
    }
}

fn relationships_input_tokens(rel: &RelationshipsInput) -> TokenStream {
    let ident = format_ident!("{}", rel.name);
    let mut fields = Vec::new();
    let mut pushes = Vec::new();
    for (name, wire_type) in &rel.rels {
        let i = field_ident(name);
        let d = docs(&format!(
            "Ids of the related `{wire_type}` (`relationships.{name}`)."
        ));
        fields.push(quote! { #d pub #i: Option<Vec<String>>, });
        pushes.push(quote! {
            if let Some(ids) = &self.#i {
                let data: Vec<serde_json::Value> =
                    ids.iter().map(|id| serde_json::json!({"type": #wire_type, "id": id})).collect();
                map.insert(#name.to_string(), serde_json::json!({ "data": data }));
            }
        });
    }
    let settable: Vec<Settable> = rel
        .rels
        .iter()
        .map(|(name, wire_type)| Settable {
            name,
            scalar: Scalar::StringList,
            optional: true,
            label: format!("the ids of the related `{wire_type}` (`relationships.{name}`)"),
        })
        .collect();
    let new = builders::constructor(&rel.name, &[]);
    let setters = builders::setters(&settable);
    let doc = docs(&rel.doc);
    quote! {
        #doc
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        #[non_exhaustive]
        pub struct #ident { #(#fields)* }

        impl #ident {
            #new
            #setters

            /// The JSON:API `relationships` object.
            pub fn to_json(&self) -> serde_json::Value {
                let mut map = serde_json::Map::new();
                #(#pushes)*
                serde_json::Value::Object(map)
            }
        }
    }
}
