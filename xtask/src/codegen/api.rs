//! The spec, described once for every generator: resolved models, operations and their inputs.
//! The core client, the npm package and the uniffi bindings are all generated from an [`Api`], so a
//! new attribute or operation in the spec reaches every language the same way.

use anyhow::{Result, anyhow, bail};
use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A scalar type every language can carry (money is an exact decimal string).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    /// A string.
    String,
    /// An exact decimal amount, carried as its text ("20.0").
    Decimal,
    /// A 64-bit integer.
    Int,
    /// A boolean.
    Bool,
    /// A list of strings.
    StringList,
}

impl Scalar {
    /// The scalar a schema describes, if it is one.
    pub fn of(schema: &Value) -> Option<Scalar> {
        match (
            schema.get("type").and_then(Value::as_str),
            schema.get("format").and_then(Value::as_str),
        ) {
            (Some("string"), Some("decimal")) | (Some("number"), _) => Some(Scalar::Decimal),
            (Some("string"), _) => Some(Scalar::String),
            (Some("integer"), _) => Some(Scalar::Int),
            (Some("boolean"), _) => Some(Scalar::Bool),
            (Some("array"), _)
                if schema.pointer("/items/type").and_then(Value::as_str) == Some("string") =>
            {
                Some(Scalar::StringList)
            }
            _ => None,
        }
    }
}

/// The integer bounds a schema states (`minimum`/`maximum`; an `exclusive` flag moves the bound
/// by one). The generated clients type such integers as plain `i64` (see `normalise.rs`), so the
/// bounds travel in the schema table and are checked there.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Bounds {
    /// The smallest allowed value.
    pub min: Option<i64>,
    /// The largest allowed value.
    pub max: Option<i64>,
}

impl Bounds {
    /// The bounds of an integer schema, if it states any.
    pub fn of(schema: &Value) -> Option<Bounds> {
        if schema.get("type").and_then(Value::as_str) != Some("integer") {
            return None;
        }
        let bound = |key: &str, exclusive: &str, step: f64| {
            let v = schema.get(key).and_then(Value::as_f64)?;
            let v = if schema.get(exclusive) == Some(&Value::Bool(true)) {
                v + step
            } else {
                v
            };
            // A fractional bound on an integer: the nearest integer inside it.
            Some(if step > 0.0 { v.ceil() } else { v.floor() } as i64)
        };
        let b = Bounds {
            min: bound("minimum", "exclusiveMinimum", 1.0),
            max: bound("maximum", "exclusiveMaximum", -1.0),
        };
        (b != Bounds::default()).then_some(b)
    }
}

/// An attribute or input field.
#[derive(Debug, Clone)]
pub struct Field {
    /// The wire name (already snake_case in this API).
    pub name: String,
    /// Its type.
    pub scalar: Scalar,
    /// Required and not nullable.
    pub required: bool,
    /// Its description from the spec.
    pub doc: String,
    /// The values a string attribute is documented to take (its `enum`, `null` left out); empty
    /// when the set is open. Resolved models type such an attribute as an enum that also keeps
    /// any other value as sent.
    pub values: Vec<String>,
    /// A string with `format: date-time`: resolved models carry it as a timestamp type that
    /// keeps the text and parses it on request.
    pub timestamp: bool,
}

impl Field {
    /// Whether a model's attribute is a date-time (see [`Field::timestamp`]).
    pub fn is_timestamp(&self) -> bool {
        self.timestamp && self.scalar == Scalar::String && self.values.is_empty()
    }

    /// The name of the enum a model's attribute with documented values gets (`OrderPaymentStatus`).
    pub fn enum_name(&self, model: &str) -> Option<String> {
        (!self.values.is_empty() && self.scalar == Scalar::String)
            .then(|| format!("{model}{}", self.name.to_upper_camel_case()))
    }
}

/// A relationship of a resolved model.
#[derive(Debug, Clone)]
pub struct Rel {
    /// The relationship's name.
    pub name: String,
    /// The model it resolves to.
    pub model: String,
    /// To-many (a list) or to-one.
    pub many: bool,
}

/// A resolved model (`x-model` resource).
#[derive(Debug, Clone)]
pub struct Model {
    /// The model's name (`Product`).
    pub name: String,
    /// The JSON:API type (`products`).
    pub wire_type: String,
    /// Its description.
    pub doc: String,
    /// Its attributes (all optional in resolved models).
    pub fields: Vec<Field>,
    /// Its relationships.
    pub rels: Vec<Rel>,
    /// The subtypes its polymorphic JSON:API type is known to take (`x-jsonapi-subtypes`: `tax`
    /// for `order_adjustments/tax`); empty for a type without subtypes.
    pub subtypes: Vec<String>,
}

/// The attributes sent to create or update a resource.
#[derive(Debug, Clone)]
pub struct Input {
    /// The schema's name (`ArtistInput`).
    pub name: String,
    /// Its description.
    pub doc: String,
    /// Its fields.
    pub fields: Vec<Field>,
    /// The integer bounds of its fields, by field name.
    pub bounds: BTreeMap<String, Bounds>,
}

/// The relationships sent with a resource (lists of ids).
#[derive(Debug, Clone)]
pub struct RelationshipsInput {
    /// The schema's name.
    pub name: String,
    /// Its description.
    pub doc: String,
    /// `(relationship name, JSON:API type of the ids)`.
    pub rels: Vec<(String, String)>,
}

/// What an operation's successful response carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Returns {
    /// One resource, resolved as this model.
    One(String),
    /// A list of this model.
    Many(String),
    /// No body (204).
    Nothing,
}

/// What an operation's request body carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// No body.
    None,
    /// `{data: {type, [id], attributes, [relationships]}}`.
    Resource {
        /// The request schema (the raw client's body type).
        schema: String,
        /// The JSON:API type.
        wire_type: String,
        /// The attributes' input schema.
        input: String,
        /// Whether `data.id` is sent (taken from the last path parameter).
        with_id: bool,
        /// The relationships' input schema, if any.
        relationships: Option<String>,
    },
    /// `{data: [{type, id}, ...]}` (reposition).
    Identifiers {
        /// The request schema.
        schema: String,
        /// The JSON:API type of the ids.
        wire_type: String,
    },
}

/// A query parameter.
#[derive(Debug, Clone)]
pub struct QueryParam {
    /// The wire name (`filter[status]`).
    pub wire_name: String,
    /// The field name (`filter_status`): the raw client's builder method too.
    pub field: String,
    /// Its type.
    pub scalar: Scalar,
    /// Its description.
    pub doc: String,
    /// Its integer bounds, if the spec states any.
    pub bounds: Option<Bounds>,
}

/// An operation of the high-level client.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The operationId (`listProducts`).
    pub id: String,
    /// The HTTP method, upper case.
    pub method: String,
    /// The path template.
    pub path: String,
    /// The summary.
    pub summary: String,
    /// The description.
    pub description: String,
    /// Path parameters other than `account_id`, in path order.
    pub path_params: Vec<String>,
    /// Whether the path contains `{account_id}` (filled in by the client).
    pub uses_account: bool,
    /// Query parameters.
    pub query: Vec<QueryParam>,
    /// The request body.
    pub body: Body,
    /// The response.
    pub returns: Returns,
    /// Whether it takes `page[limit]` and `page[offset]` (it gets a `_stream` method).
    pub paged: bool,
}

impl Operation {
    /// The snake_case method name (`list_products`).
    pub fn fn_name(&self) -> String {
        self.id.to_snake_case()
    }
    /// The query parameters' struct name, when it has query parameters.
    pub fn params_type(&self) -> Option<String> {
        (!self.query.is_empty()).then(|| format!("{}Params", self.id.to_upper_camel_case()))
    }
}

/// The spec, described for generators.
#[derive(Debug, Clone)]
pub struct Api {
    /// Resolved models, by name order of their schemas.
    pub models: Vec<Model>,
    /// High-level operations, by path then method.
    pub operations: Vec<Operation>,
    /// Operations (progenitor's snake_case ids) that carry the JSON:API headers.
    pub jsonapi_operations: Vec<String>,
    /// Attribute inputs used by request bodies.
    pub inputs: Vec<Input>,
    /// Relationship inputs used by request bodies.
    pub relationship_inputs: Vec<RelationshipsInput>,
}

impl Api {
    /// The models some operation returns a list of: each gets a `<Model>Page` type.
    pub fn listed_models(&self) -> std::collections::BTreeSet<&str> {
        self.operations
            .iter()
            .filter_map(|op| match &op.returns {
                Returns::Many(m) => Some(m.as_str()),
                _ => None,
            })
            .collect()
    }
}

/// The `#/components/schemas/` name a `$ref` points to.
pub fn schema_ref_name(v: &Value) -> Option<&str> {
    v.get("$ref")
        .and_then(Value::as_str)
        .map(|r| r.trim_start_matches("#/components/schemas/"))
}

/// A schema's or operation's description, trimmed.
pub fn doc_of(v: &Value) -> String {
    v.get("description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim()
        .to_string()
}

/// The strings of the list under `key` (non-strings, such as an enum's `null`, left out).
fn strings_at(schema: &Value, key: &str) -> Vec<String> {
    schema
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

fn fields_of(schemas: &Map<String, Value>, schema: &Value, context: &str) -> Result<Vec<Field>> {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut fields = Vec::new();
    for (name, prop) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let prop = match schema_ref_name(prop) {
            Some(r) => schemas
                .get(r)
                .ok_or_else(|| anyhow!("{context}.{name}: `{r}` does not resolve"))?,
            None => prop,
        };
        let scalar = Scalar::of(prop).ok_or_else(|| {
            anyhow!(
                "{context}.{name}: only string, decimal, integer, boolean and string-list attributes can be \
                 carried to every language; model nested data as a relationship"
            )
        })?;
        let nullable = prop
            .get("nullable")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        fields.push(Field {
            name: name.clone(),
            scalar,
            required: required.contains(&name.as_str()) && !nullable,
            doc: doc_of(prop),
            values: strings_at(prop, "enum"),
            timestamp: prop.get("format").and_then(Value::as_str) == Some("date-time"),
        });
    }
    Ok(fields)
}

fn enum_type(schema: &Value) -> Option<String> {
    schema
        .pointer("/properties/type/enum/0")
        .and_then(Value::as_str)
        .map(str::to_string)
}

fn has_jsonapi_media(content: Option<&Value>) -> bool {
    content
        .and_then(Value::as_object)
        .map(|c| c.keys().any(|k| k.contains("vnd.api+json")))
        .unwrap_or(false)
}

/// Describes a JSON:API spec. The spec must already pass the lint.
pub fn describe(spec: &Value) -> Result<Api> {
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();

    let mut models = Vec::new();
    let mut model_by_schema = BTreeMap::new();
    for (schema_name, schema) in &schemas {
        let Some(name) = schema.get("x-model").and_then(Value::as_str) else {
            continue;
        };
        let attrs_name = schema
            .pointer("/properties/attributes")
            .and_then(schema_ref_name)
            .ok_or_else(|| anyhow!("{schema_name}: attributes must be a $ref"))?;
        // Attributes are optional in resolved models: sparse or stub resources must decode.
        let mut fields = fields_of(&schemas, &schemas[attrs_name], attrs_name)?;
        fields.iter_mut().for_each(|f| f.required = false);
        let rels = schema
            .get("x-relationships")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(rel, target)| Rel {
                name: rel.clone(),
                model: target["model"].as_str().unwrap_or_default().to_string(),
                many: target.get("many").and_then(Value::as_bool).unwrap_or(false),
            })
            .collect();
        model_by_schema.insert(schema_name.clone(), name.to_string());
        models.push(Model {
            name: name.to_string(),
            wire_type: schema["x-jsonapi-type"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            doc: doc_of(schema),
            fields,
            rels,
            subtypes: strings_at(schema, "x-jsonapi-subtypes"),
        });
    }

    let mut operations = Vec::new();
    let mut jsonapi_operations = Vec::new();
    let mut inputs: BTreeMap<String, Input> = BTreeMap::new();
    let mut relationship_inputs: BTreeMap<String, RelationshipsInput> = BTreeMap::new();
    let mut paths: Vec<(&String, &Value)> =
        spec["paths"].as_object().into_iter().flatten().collect();
    paths.sort_by(|a, b| a.0.cmp(b.0));
    for (path, item) in paths {
        for (method, op) in item.as_object().into_iter().flatten() {
            let Some(op_id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let success = op["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .find(|(code, _)| code.starts_with('2'))
                .map(|(_, r)| r.clone())
                .unwrap_or(Value::Null);
            let jsonapi_body = has_jsonapi_media(op.pointer("/requestBody/content"));
            let jsonapi_response = has_jsonapi_media(success.get("content"));
            let no_body = success.get("content").is_none();
            let jsonapi = jsonapi_response || jsonapi_body || (no_body && path.starts_with("/v1/"));
            if jsonapi {
                // progenitor's OperationInfo carries the snake_case operation id.
                jsonapi_operations.push(op_id.to_snake_case());
            }
            let handwritten = op
                .get("x-sdk-handwritten")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if handwritten || !jsonapi || !(jsonapi_response || no_body) {
                continue;
            }
            let returns = if no_body {
                Returns::Nothing
            } else {
                let doc_schema = success
                    .pointer("/content/application~1vnd.api+json/schema")
                    .and_then(schema_ref_name)
                    .ok_or_else(|| {
                        anyhow!("{op_id}: the success response must $ref a document schema")
                    })?;
                let data = schemas
                    .get(doc_schema)
                    .and_then(|d| d.pointer("/properties/data"))
                    .ok_or_else(|| anyhow!("{op_id}: `{doc_schema}` has no `data`"))?;
                let (many, res) = if data.get("type").and_then(Value::as_str) == Some("array") {
                    (true, data.get("items").and_then(schema_ref_name))
                } else {
                    (false, schema_ref_name(data))
                };
                let res = res
                    .ok_or_else(|| anyhow!("{op_id}: `{doc_schema}.data` must $ref a resource"))?;
                let model = model_by_schema
                    .get(res)
                    .ok_or_else(|| anyhow!("{op_id}: `{res}` has no x-model"))?
                    .clone();
                if many {
                    Returns::Many(model)
                } else {
                    Returns::One(model)
                }
            };
            let body = match op
                .pointer("/requestBody/content")
                .and_then(Value::as_object)
            {
                None => Body::None,
                Some(c) => {
                    let schema_name = c
                        .values()
                        .next()
                        .and_then(|m| m.get("schema"))
                        .and_then(schema_ref_name)
                        .unwrap_or_default()
                        .to_string();
                    let schema = schemas
                        .get(&schema_name)
                        .ok_or_else(|| anyhow!("{op_id}: request body must $ref a schema"))?;
                    let data = schema
                        .pointer("/properties/data")
                        .cloned()
                        .unwrap_or(Value::Null);
                    if data.get("type").and_then(Value::as_str) == Some("array") {
                        Body::Identifiers {
                            schema: schema_name,
                            wire_type: enum_type(&data["items"]).ok_or_else(|| {
                                anyhow!("{op_id}: identifiers need `type: {{enum: [..]}}`")
                            })?,
                        }
                    } else {
                        let input = data
                            .pointer("/properties/attributes")
                            .and_then(schema_ref_name)
                            .ok_or_else(|| {
                                anyhow!("{op_id}: data.attributes must $ref an input schema")
                            })?
                            .to_string();
                        if !inputs.contains_key(&input) {
                            let s = &schemas[&input];
                            let doc = match doc_of(s) {
                                d if d.is_empty() => format!(
                                    "Attributes sent when creating or updating (`{input}`)."
                                ),
                                d => d,
                            };
                            inputs.insert(
                                input.clone(),
                                Input {
                                    name: input.clone(),
                                    doc,
                                    fields: fields_of(&schemas, s, &input)?,
                                    bounds: s
                                        .get("properties")
                                        .and_then(Value::as_object)
                                        .into_iter()
                                        .flatten()
                                        .filter_map(|(n, p)| Some((n.clone(), Bounds::of(p)?)))
                                        .collect(),
                                },
                            );
                        }
                        let relationships = data
                            .pointer("/properties/relationships")
                            .and_then(schema_ref_name)
                            .map(str::to_string);
                        if let Some(rel) = &relationships
                            && !relationship_inputs.contains_key(rel)
                        {
                            relationship_inputs
                                .insert(rel.clone(), relationships_input(&schemas, rel)?);
                        }
                        Body::Resource {
                            schema: schema_name,
                            wire_type: enum_type(&data)
                                .ok_or_else(|| anyhow!("{op_id}: data.type needs an enum"))?,
                            input,
                            with_id: data.pointer("/properties/id").is_some(),
                            relationships,
                        }
                    }
                }
            };
            let params: Vec<Value> = item
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .chain(
                    op.get("parameters")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten(),
                )
                .map(|p| {
                    match p
                        .get("$ref")
                        .and_then(Value::as_str)
                        .and_then(|r| r.strip_prefix('#'))
                    {
                        Some(ptr) => spec.pointer(ptr).cloned().unwrap_or(Value::Null),
                        None => p.clone(),
                    }
                })
                .collect();
            let path_params: Vec<String> = params
                .iter()
                .filter(|p| p["in"] == "path" && p["name"] != "account_id")
                .map(|p| p["name"].as_str().unwrap_or_default().to_string())
                .collect();
            if matches!(body, Body::Resource { with_id: true, .. }) && path_params.is_empty() {
                bail!("{op_id}: a body with an id needs the resource id as a path parameter");
            }
            let mut query = Vec::new();
            for p in params.iter().filter(|p| p["in"] == "query") {
                let wire_name = p["name"].as_str().unwrap_or_default().to_string();
                let scalar = Scalar::of(&p["schema"]).ok_or_else(|| {
                    anyhow!("{op_id}: query parameter `{wire_name}` must be a scalar")
                })?;
                query.push(QueryParam {
                    field: wire_name.to_snake_case(),
                    wire_name,
                    scalar,
                    doc: doc_of(p),
                    bounds: Bounds::of(&p["schema"]),
                });
            }
            let paged = query.iter().any(|q| q.wire_name == "page[limit]")
                && query.iter().any(|q| q.wire_name == "page[offset]");
            if paged && !matches!(returns, Returns::Many(_)) {
                bail!("{op_id}: paged operations must return a list");
            }
            operations.push(Operation {
                id: op_id.to_string(),
                method: method.to_uppercase(),
                path: path.clone(),
                summary: op
                    .get("summary")
                    .and_then(Value::as_str)
                    .unwrap_or(op_id)
                    .to_string(),
                description: doc_of(op),
                uses_account: params
                    .iter()
                    .any(|p| p["in"] == "path" && p["name"] == "account_id"),
                path_params,
                query,
                body,
                returns,
                paged,
            });
        }
    }
    Ok(Api {
        models,
        operations,
        jsonapi_operations,
        inputs: inputs.into_values().collect(),
        relationship_inputs: relationship_inputs.into_values().collect(),
    })
}

fn relationships_input(schemas: &Map<String, Value>, name: &str) -> Result<RelationshipsInput> {
    let schema = schemas
        .get(name)
        .ok_or_else(|| anyhow!("`{name}` does not resolve"))?;
    let mut rels = Vec::new();
    for (rel, prop) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let wire_type = prop
            .pointer("/properties/data/items/properties/type/enum/0")
            .and_then(Value::as_str)
            .ok_or_else(|| anyhow!("{name}.{rel}: needs data.items.type with an enum"))?;
        rels.push((rel.clone(), wire_type.to_string()));
    }
    Ok(RelationshipsInput {
        name: name.to_string(),
        doc: doc_of(schema),
        rels,
    })
}

/// Parses YAML or JSON spec text into a JSON value.
pub fn parse_spec(text: &str) -> anyhow::Result<serde_json::Value> {
    use anyhow::Context;
    serde_norway::from_str(text).context("the spec is not valid YAML/JSON")
}
