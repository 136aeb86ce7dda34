//! The spec as data (crates/bigcartel/src/generated_schema.rs): one static table of models and one
//! of operations, generated from the same [`Api`] as the typed client. The core's `dynamic` module
//! reads them to call any operation and resolve any document with JSON in and JSON out; the npm
//! package is built on that, so each operation costs a table row there rather than compiled code.

use super::api::{Api, Body, Bounds, Field, Returns, Scalar};
use anyhow::{Result, anyhow};
use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::quote;

/// The generated file, relative to the crate's `src`.
pub const FILE: &str = "generated_schema.rs";

fn kind(s: Scalar) -> TokenStream {
    match s {
        Scalar::String => quote!(Kind::String),
        Scalar::Decimal => quote!(Kind::Decimal),
        Scalar::Int => quote!(Kind::Int),
        Scalar::Bool => quote!(Kind::Bool),
        Scalar::StringList => quote!(Kind::StringList),
    }
}

/// A field row. `key` is the name the typed models serialize it under (their Rust field name), so
/// the dynamic output is byte for byte the typed models' JSON.
fn field(f: &Field) -> TokenStream {
    let (name, key, kind, required) = (&f.name, f.name.to_snake_case(), kind(f.scalar), f.required);
    quote! { Field { name: #name, key: #key, kind: #kind, required: #required } }
}

/// `generated_schema.rs`: the models and operations as static tables.
pub fn emit(input: &super::input::Input) -> Result<Vec<(String, String)>> {
    Ok(vec![input.core_file(FILE, tokens(input.api)?)?])
}

/// The tokens of `generated_schema.rs`.
fn tokens(api: &Api) -> Result<TokenStream> {
    let index = |name: &str| -> Result<usize> {
        api.models
            .iter()
            .position(|m| m.name == name)
            .ok_or_else(|| anyhow!("no model named `{name}`"))
    };
    let mut models = Vec::new();
    for m in &api.models {
        let (name, wire) = (&m.name, &m.wire_type);
        let fields = m.fields.iter().map(field);
        let mut rels = Vec::new();
        for r in &m.rels {
            let (rel, key, many) = (&r.name, r.name.to_snake_case(), r.many);
            let model = index(&r.model)?;
            rels.push(quote! { Rel { name: #rel, key: #key, model: #model, many: #many } });
        }
        let subtypes = &m.subtypes;
        models.push(quote! {
            ModelSchema {
                name: #name,
                wire_type: #wire,
                fields: &[#(#fields),*],
                rels: &[#(#rels),*],
                subtypes: &[#(#subtypes),*],
            }
        });
    }
    let mut operations = Vec::new();
    let mut bounds = Vec::new();
    let bound = |op: &super::api::Operation, of: TokenStream, name: &str, b: &Bounds| {
        let (id, raw) = (&op.id, op.fn_name());
        let opt = |v: Option<i64>| match v {
            Some(v) => quote!(Some(#v)),
            None => quote!(None),
        };
        let (min, max) = (opt(b.min), opt(b.max));
        quote! {
            IntBound { operation: #id, raw_operation: #raw, of: #of, name: #name, min: #min, max: #max }
        }
    };
    for op in &api.operations {
        for q in &op.query {
            if let Some(b) = &q.bounds {
                bounds.push(bound(op, quote!(BoundOf::Query), &q.wire_name, b));
            }
        }
        if let Body::Resource { input, .. } = &op.body
            && let Some(input) = api.inputs.iter().find(|i| &i.name == input)
        {
            for (name, b) in &input.bounds {
                bounds.push(bound(op, quote!(BoundOf::Attribute), name, b));
            }
        }
    }
    for op in &api.operations {
        let (id, method, path) = (&op.id, &op.method, &op.path);
        let path_params = &op.path_params;
        let uses_account = op.uses_account;
        let query = op.query.iter().map(|q| {
            let (field, wire, kind) = (&q.field, &q.wire_name, kind(q.scalar));
            quote! { QueryParam { field: #field, wire_name: #wire, kind: #kind } }
        });
        let body = match &op.body {
            Body::None => quote!(BodySchema::None),
            Body::Identifiers { wire_type, .. } => {
                quote!(BodySchema::Identifiers { wire_type: #wire_type })
            }
            Body::Resource {
                wire_type,
                input,
                with_id,
                relationships,
                ..
            } => {
                let input = api
                    .inputs
                    .iter()
                    .find(|i| &i.name == input)
                    .ok_or_else(|| anyhow!("{id}: no input named `{input}`"))?;
                let fields = input.fields.iter().map(field);
                let rels = match relationships {
                    None => quote!(None),
                    Some(r) => {
                        let r = api
                            .relationship_inputs
                            .iter()
                            .find(|x| &x.name == r)
                            .ok_or_else(|| anyhow!("{id}: no relationships input `{r}`"))?;
                        let pairs = r.rels.iter().map(|(n, t)| quote! { (#n, #t) });
                        quote!(Some(&[#(#pairs),*]))
                    }
                };
                quote! {
                    BodySchema::Resource {
                        wire_type: #wire_type,
                        input: &[#(#fields),*],
                        with_id: #with_id,
                        relationships: #rels,
                    }
                }
            }
        };
        let returns = match &op.returns {
            Returns::One(m) => {
                let i = index(m)?;
                quote!(Returns::One(#i))
            }
            Returns::Many(m) => {
                let i = index(m)?;
                quote!(Returns::Many(#i))
            }
            Returns::Nothing => quote!(Returns::Nothing),
        };
        let paged = op.paged;
        let json_api = api.jsonapi_operations.contains(&op.fn_name());
        operations.push(quote! {
            OperationSchema {
                operation: crate::Operation { id: #id, method: #method, path: #path },
                path_params: &[#(#path_params),*],
                uses_account: #uses_account,
                query: &[#(#query),*],
                body: #body,
                returns: #returns,
                paged: #paged,
                json_api: #json_api,
            }
        });
    }
    let dispatch = typed_dispatch(api);
    Ok(quote! {
        use crate::schema::{BodySchema, BoundOf, Field, IntBound, Kind, ModelSchema, OperationSchema, QueryParam, Rel, Returns};

        /// Every resolved model of the spec, in the order the typed models are generated.
        pub static MODELS: &[ModelSchema] = &[#(#models),*];

        /// Every operation of the high-level client, in the order of its methods.
        pub static OPERATIONS: &[OperationSchema] = &[#(#operations),*];

        /// The integer bounds the spec states, per operation (checked by `dynamic::check_bounds`).
        pub static BOUNDS: &[IntBound] = &[#(#bounds),*];

        #dispatch
    })
}

/// `Client::call_typed`: the typed method of an operation, with the arguments and result as JSON.
/// It is what the equivalence tests hold `Client::call` against, operation by operation.
pub fn typed_dispatch(api: &Api) -> TokenStream {
    use heck::ToUpperCamelCase;
    use quote::format_ident;
    let arms = api.operations.iter().map(|op| {
        let id = &op.id;
        let method = format_ident!("{}", op.fn_name());
        let mut lets = Vec::new();
        let mut args = Vec::new();
        if let Some(params) = op.params_type() {
            let ty = format_ident!("{}", params);
            lets.push(quote! { let params: crate::#ty = typed(op, "params", &args.params)?.unwrap_or_default(); });
            args.push(quote! { &params });
        }
        for (i, _) in op.path_params.iter().enumerate() {
            args.push(quote! { args.path[#i].as_str() });
        }
        match &op.body {
            Body::None => {}
            Body::Identifiers { .. } => {
                lets.push(quote! { let ids: Vec<String> = typed(op, "ids", &args.ids)?.unwrap_or_default(); });
                args.push(quote! { &ids });
            }
            Body::Resource { input, relationships, .. } => {
                let ty = format_ident!("{}", input.to_upper_camel_case());
                lets.push(quote! {
                    let input: crate::#ty = typed(op, "input", &args.input)?
                        .ok_or_else(|| crate::Error::invalid_input(&op.operation, "`input` is required".into()))?;
                });
                args.push(quote! { &input });
                if let Some(rel) = relationships {
                    let ty = format_ident!("{}", rel.to_upper_camel_case());
                    lets.push(quote! { let relationships: crate::#ty = typed(op, "relationships", &args.relationships)?.unwrap_or_default(); });
                    args.push(quote! { &relationships });
                }
            }
        }
        let finish = match &op.returns {
            Returns::One(_) => quote! { Output::One(json(&result)) },
            Returns::Many(_) => quote! { Output::Page(result.map_items(|item| json(&item))) },
            Returns::Nothing => quote! { { let () = result; Output::Nothing } },
        };
        let n = op.path_params.len();
        quote! {
            #id => {
                if args.path.len() != #n {
                    return Err(crate::Error::invalid_input(&op.operation, format!("expected {} path parameter(s)", #n)));
                }
                #(#lets)*
                let result = self.#method(#(#args),*).await?;
                Ok(#finish)
            }
        }
    });
    quote! {
        #[cfg(feature = "client")]
        impl crate::Client {
            /// Calls the typed method of `op` with arguments given as JSON (deserialized into its
            /// `...Params`/`...Input` structs) and serializes its result: the reference
            /// [`crate::Client::call`] is tested against, operation by operation.
            pub async fn call_typed(
                &self,
                op: &OperationSchema,
                args: &crate::schema::Args,
            ) -> Result<crate::schema::Output, crate::Error> {
                use crate::schema::Output;
                fn typed<T: serde::de::DeserializeOwned>(
                    op: &OperationSchema,
                    name: &str,
                    value: &Option<serde_json::Value>,
                ) -> Result<Option<T>, crate::Error> {
                    match value {
                        None | Some(serde_json::Value::Null) => Ok(None),
                        Some(v) => serde_json::from_value(v.clone())
                            .map(Some)
                            .map_err(|e| crate::Error::invalid_input(&op.operation, format!("`{name}`: {e}"))),
                    }
                }
                fn json<T: serde::Serialize>(value: &T) -> String {
                    serde_json::to_string(value).unwrap_or_default()
                }
                match op.operation.id {
                    #(#arms)*
                    other => Err(crate::Error::invalid_input(&op.operation, format!("no typed method for `{other}`"))),
                }
            }
        }
    }
}
