//! `generated_models.rs`: one resolved model per `x-model` resource (its struct, its open enums
//! for subtypes and documented values, `new`, and its decoder from a raw JSON:API resource).

use super::api::{Api, Model, Scalar};
use super::emit::{docs, field_ident, rust_type, subtype_enum_name};
use anyhow::{Result, bail};
use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// `generated_models.rs`: one struct per resolved model, and its decoders.
pub fn emit(input: &super::input::Input) -> Result<Vec<(String, String)>> {
    Ok(vec![
        input.core_file("generated_models.rs", tokens(input.api)?)?,
    ])
}

fn tokens(api: &Api) -> Result<TokenStream> {
    let mut out = TokenStream::new();
    for model in &api.models {
        out.extend(model_tokens(model)?);
    }
    let types = api.models.iter().map(|m| &m.wire_type);
    out.extend(quote! {
        /// Every JSON:API resource type the spec describes.
        pub const RESOURCE_TYPES: &[&str] = &[#(#types),*];
    });
    Ok(out)
}

/// The seed `crate::lenient` gives for a scalar's rule (the generated attribute readers read
/// each value through it).
fn lenient_seed(s: Scalar) -> TokenStream {
    match s {
        Scalar::String => quote!(crate::lenient::StringSeed),
        Scalar::Decimal => quote!(crate::lenient::DecimalSeed),
        Scalar::Int => quote!(crate::lenient::IntSeed),
        Scalar::Bool => quote!(crate::lenient::BoolSeed),
        Scalar::StringList => quote!(crate::lenient::StringListSeed),
    }
}

/// An open enum: an arm per documented value and `Other` keeping any other value as sent. It
/// serializes as its text, so a value round-trips byte for byte.
fn open_enum_tokens(
    name: &str,
    doc: &str,
    values: &[String],
    arm_doc: impl Fn(&str) -> String,
) -> TokenStream {
    let name = format_ident!("{}", name);
    let doc = docs(doc);
    let arms: Vec<_> = values
        .iter()
        .map(|s| format_ident!("{}", s.to_upper_camel_case()))
        .collect();
    let arm_docs = values.iter().map(|s| docs(&arm_doc(s)));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#arm_docs #arms,)*
            /// A value the spec does not list, as sent.
            Other(String),
        }

        impl #name {
            /// The value for its text; an unlisted one becomes `Other`.
            pub fn parse(text: &str) -> Self {
                match text {
                    #(#values => #name::#arms,)*
                    other => #name::Other(other.to_owned()),
                }
            }

            /// The value's text, exactly as the document gave it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#name::#arms => #values,)*
                    #name::Other(text) => text,
                }
            }
        }

        impl From<String> for #name {
            fn from(text: String) -> Self {
                match text.as_str() {
                    #(#values => #name::#arms,)*
                    _ => #name::Other(text),
                }
            }
        }

        impl From<&str> for #name {
            fn from(text: &str) -> Self {
                #name::parse(text)
            }
        }

        // Inputs and query parameters with the same documented values take text, so that a
        // value the spec does not list can still be sent: the typed value converts into it
        // (`OrderInput::new().shipping_status(OrderShippingStatus::Shipped)`).
        impl From<#name> for String {
            fn from(value: #name) -> String {
                match value {
                    #name::Other(text) => text,
                    known => known.as_str().to_owned(),
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    }
}

/// The enum of a polymorphic model's known subtypes, with an arm keeping any other as sent.
fn subtype_tokens(model: &Model) -> TokenStream {
    let name = subtype_enum_name(model);
    let wire = &model.wire_type;
    let doc = format!(
        "The subtype of a `{wire}` resource: the part of its JSON:API type after the slash \
         (`{wire}/{}`).\n\nSerializes as that text; a subtype the spec does not list is kept in \
         [`{name}::Other`].",
        model.subtypes[0]
    );
    open_enum_tokens(&name, &doc, &model.subtypes, |s| format!("`{wire}/{s}`"))
}

/// The enum of an attribute's documented values.
fn value_enum_tokens(model: &Model, field: &super::api::Field, name: &str) -> TokenStream {
    let doc = format!(
        "The documented values of `{}`'s `{}` attribute.\n\nSerializes as its text; a value the \
         spec does not list is kept in [`{name}::Other`], so it round-trips byte for byte.",
        model.wire_type, field.name
    );
    open_enum_tokens(name, &doc, &field.values, |v| format!("`{v}`"))
}

fn model_tokens(model: &Model) -> Result<TokenStream> {
    let name = format_ident!("{}", model.name);
    let wire = &model.wire_type;
    let doc = if model.doc.is_empty() {
        format!("A `{wire}` resource.")
    } else {
        model.doc.clone()
    };
    let doc = docs(&format!(
        "{doc}\n\nJSON:API type `{wire}`; relationships are resolved from the document's `included`."
    ));
    if model.fields.len() > 128 {
        bail!(
            "{}: {} attributes; the attribute reader tracks at most 128",
            model.name,
            model.fields.len()
        );
    }
    let mut fields = Vec::new();
    let mut attr_fields = Vec::new();
    let mut slots = Vec::new();
    let mut takes = Vec::new();
    let mut assigns = Vec::new();
    let mut value_enums = Vec::new();
    for (slot, f) in model.fields.iter().enumerate() {
        let ident = field_ident(&f.name);
        let enum_name = f.enum_name(&model.name);
        let ty = match &enum_name {
            Some(e) => {
                value_enums.push(value_enum_tokens(model, f, e));
                let e = format_ident!("{}", e);
                quote!(#e)
            }
            None if f.is_timestamp() => quote!(crate::Timestamp),
            None => rust_type(f.scalar),
        };
        let d = docs(&if f.doc.is_empty() {
            format!("`{}`", f.name)
        } else {
            f.doc.clone()
        });
        let wire_name = &f.name;
        let seed = lenient_seed(f.scalar);
        fields.push(quote! { #d pub #ident: Option<#ty>, });
        attr_fields.push(quote! { #ident: Option<#ty>, });
        slots.push(quote! { #wire_name => Some(#slot), });
        takes.push(match &enum_name {
            Some(e) => {
                let e = format_ident!("{}", e);
                quote! { #slot => self.#ident = map.next_value_seed(#seed)?.map(#e::from), }
            }
            None if f.is_timestamp() => quote! {
                #slot => self.#ident = map.next_value_seed(#seed)?.map(crate::Timestamp::from),
            },
            None => quote! { #slot => self.#ident = map.next_value_seed(#seed)?, },
        });
        assigns.push(quote! { #ident: attributes.#ident, });
    }
    let rel_names: Vec<&str> = model.rels.iter().map(|r| r.name.as_str()).collect();
    for r in &model.rels {
        let ident = field_ident(&r.name);
        let target = format_ident!("{}", r.model);
        let rel_name = &r.name;
        if r.many {
            let d = docs(&format!(
                "`{}`: the related {} resources, resolved.",
                r.name, r.model
            ));
            fields.push(quote! { #d pub #ident: Vec<#target>, });
            assigns.push(quote! { #ident: resolver.to_many(resource, #rel_name)?, });
        } else {
            let d = docs(&format!(
                "`{}`: the related {}, resolved (None when the relationship is empty).",
                r.name, r.model
            ));
            fields.push(quote! { #d pub #ident: Option<Box<#target>>, });
            assigns.push(quote! { #ident: resolver.to_one(resource, #rel_name)?.map(Box::new), });
        }
    }
    let (subtype_enum, subtype_field, subtype_of) = if model.subtypes.is_empty() {
        (quote!(), quote!(), None)
    } else {
        let sub = format_ident!("{}", subtype_enum_name(model));
        (
            subtype_tokens(model),
            quote! {
                /// The subtype of a polymorphic type (`tax` in `order_adjustments/tax`), `None`
                /// when the type has none.
                pub subtype: Option<#sub>,
            },
            Some(sub),
        )
    };
    let subtype_stub = subtype_of.as_ref().map(|sub| {
        quote! { subtype: crate::jsonapi::subtype(resource_type).map(#sub::parse), }
    });
    let subtype_decoded = subtype_of.as_ref().map(|sub| {
        quote! { subtype: crate::jsonapi::subtype(&resource.resource_type).map(#sub::parse), }
    });
    let slot_match = if slots.is_empty() {
        quote! { let _ = key; None }
    } else {
        quote! { match key { #(#slots)* _ => None } }
    };
    let take_match = if takes.is_empty() {
        quote! { let _ = (slot, map); }
    } else {
        quote! { match slot { #(#takes)* _ => {} } }
    };
    Ok(quote! {
        #subtype_enum
        #(#value_enums)*

        #doc
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
        #[non_exhaustive]
        pub struct #name {
            /// The resource's unique identifier.
            pub id: String,
            #(#fields)*
            /// The JSON:API `type` as the document gives it: a subtype after a slash
            /// (`order_adjustments/tax`) is kept.
            pub resource_type: String,
            #subtype_field
            /// Whether the document carried this resource. `false` for a relationship target it
            /// does not include (an orders list never includes the products): only
            /// `resource_type` and `id` are known, and empty fields mean "not known", not "none".
            pub resolved: bool,
            /// Attributes the spec does not declare, as sent (keyed by wire name). Left out of
            /// the JSON when there are none, as are the three fields after it: most resources
            /// have none, and the npm package parses every key it is given.
            #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
            pub extra_attributes: crate::jsonapi::ExtraAttributes,
            /// Relationships the fields above do not carry whole, as sent: undeclared ones (with
            /// the targets the document includes), and declared ones that also have `links` or
            /// `meta` or have no `data`.
            #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
            pub extra_relationships: crate::jsonapi::ExtraRelationships,
            /// The resource's own `links`, as sent.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub links: Option<serde_json::Value>,
            /// The resource's own `meta`, as sent.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub meta: Option<serde_json::Value>,
        }

        impl #name {
            /// A resolved resource with this id and its JSON:API type, every other field empty
            /// (fields are public: set them after). For tests and for building a value to compare.
            pub fn new(id: impl Into<String>) -> Self {
                #name {
                    id: id.into(),
                    resource_type: #wire.to_owned(),
                    resolved: true,
                    ..Default::default()
                }
            }
        }

        impl crate::jsonapi::Model for #name {
            const TYPE: &'static str = #wire;

            fn stub(resource_type: &str, id: &str) -> Self {
                #name {
                    id: id.to_owned(),
                    resource_type: resource_type.to_owned(),
                    #subtype_stub
                    ..Default::default()
                }
            }

            fn from_resource(
                resource: &crate::jsonapi::RawResource<'_>,
                resolver: &crate::jsonapi::Resolver<'_>,
            ) -> Result<Self, crate::jsonapi::DecodeError> {
                #[derive(Default)]
                struct Attributes {
                    #(#attr_fields)*
                }
                impl<'de> crate::jsonapi::AttributeSink<'de> for Attributes {
                    fn slot(&self, key: &str) -> Option<usize> {
                        #slot_match
                    }
                    fn take<A: serde::de::MapAccess<'de>>(
                        &mut self,
                        slot: usize,
                        map: &mut A,
                    ) -> Result<(), A::Error> {
                        #take_match
                        Ok(())
                    }
                }
                let mut attributes = Attributes::default();
                let extra_attributes = crate::jsonapi::read_attributes(resource, &mut attributes)?;
                let (links, meta) = crate::jsonapi::links_and_meta(resource)?;
                Ok(#name {
                    id: resource.id.clone(),
                    #(#assigns)*
                    resource_type: resource.resource_type.to_string(),
                    #subtype_decoded
                    resolved: true,
                    extra_attributes,
                    extra_relationships: crate::jsonapi::extra_relationships(
                        resource,
                        |name| [#(#rel_names),*].contains(&name),
                        resolver,
                    )?,
                    links,
                    meta,
                })
            }
        }
    })
}

// ------------------------------------------------------------------------------------------------
// High-level operations
