//! The types of the spec's tables (generated into `generated_schema.rs`, used by
//! [`crate::dynamic`]): operations, their query parameters, bodies, answers and integer bounds,
//! and the JSON arguments and answers of the table-driven request path. They live apart from
//! `dynamic` so that the generated tables and the code reading them do not import each other.

pub use bigcartel_jsonapi::table::{Field, Kind, ModelSchema, Rel};
#[cfg(feature = "client")]
use bigcartel_jsonapi::{jsonapi::Page, table::page_json};
#[cfg(feature = "client")]
use serde_json::Value;

/// Where an integer bound applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoundOf {
    /// A query parameter (`page[limit]`).
    Query,
    /// An attribute of the request body's `data.attributes`.
    Attribute,
}

/// An integer bound the spec states (`minimum`/`maximum`). The generated clients type such
/// integers as plain `i64` (progenitor's `NonZero*` would not cross FFI), so the bound is
/// checked here, from the spec's table, for the typed methods and [`crate::Client::call`] alike.
#[derive(Debug)]
pub struct IntBound {
    /// The operationId (`listOrders`).
    pub operation: &'static str,
    /// The raw client's name of the operation (`list_orders`), which its hooks see.
    pub raw_operation: &'static str,
    /// A query parameter or a body attribute.
    pub of: BoundOf,
    /// The wire name (`page[limit]`, `percent_discount`).
    pub name: &'static str,
    /// The smallest allowed value.
    pub min: Option<i64>,
    /// The largest allowed value.
    pub max: Option<i64>,
}

/// A query parameter.
#[derive(Debug)]
pub struct QueryParam {
    /// The argument's key (`filter_status`), as in the typed `...Params` struct.
    pub field: &'static str,
    /// The wire name (`filter[status]`).
    pub wire_name: &'static str,
    /// Its type.
    pub kind: Kind,
}

/// What an operation's request body carries.
#[derive(Debug)]
pub enum BodySchema {
    /// No body.
    None,
    /// `{"data": {"type", "id"?, "attributes", "relationships"?}}`.
    Resource {
        /// The JSON:API type.
        wire_type: &'static str,
        /// The attributes that may be sent.
        input: &'static [Field],
        /// Whether `data.id` is sent (the last path parameter).
        with_id: bool,
        /// The relationships that may be sent: `(name, JSON:API type of the ids)`.
        relationships: Option<&'static [(&'static str, &'static str)]>,
    },
    /// `{"data": [{"type", "id"}, ...]}` (reposition).
    Identifiers {
        /// The JSON:API type of the ids.
        wire_type: &'static str,
    },
}

/// What an operation's successful response carries.
#[derive(Debug)]
pub enum Returns {
    /// One resource of this model (an index into [`crate::dynamic::MODELS`]).
    One(usize),
    /// A list of this model.
    Many(usize),
    /// No body (204).
    Nothing,
}

/// An operation of the high-level client.
#[derive(Debug)]
pub struct OperationSchema {
    /// Its operationId, method and path template.
    pub operation: crate::Operation,
    /// Path parameters other than `account_id`, in path order.
    pub path_params: &'static [&'static str],
    /// Whether the path contains `{account_id}` (filled in by the client).
    pub uses_account: bool,
    /// Its query parameters.
    pub query: &'static [QueryParam],
    /// Its request body.
    pub body: BodySchema,
    /// Its response.
    pub returns: Returns,
    /// Whether it pages with `page[limit]` and `page[offset]`.
    pub paged: bool,
    /// Whether it carries the JSON:API media type.
    pub json_api: bool,
}

#[cfg(feature = "client")]
/// An operation's arguments as JSON, named as the typed methods name them.
#[derive(Debug, Clone, Default)]
pub struct Args {
    /// The path parameters other than `account_id`, in path order (non-empty strings).
    pub path: Vec<String>,
    /// The query parameters: an object keyed like the typed `...Params` struct
    /// (`{"filter_status": "active", "page_limit": 20}`); null or absent for none.
    pub params: Option<Value>,
    /// The attributes to send (create and update): an object keyed by wire name.
    pub input: Option<Value>,
    /// The relationships to send: an object of id lists (`{"categories": ["1", "2"]}`).
    pub relationships: Option<Value>,
    /// The ids to send (reposition), in the new order.
    pub ids: Option<Value>,
}

#[cfg(feature = "client")]
/// What an operation answered, as JSON text.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// One resolved resource.
    One(String),
    /// A page of resolved resources.
    Page(Page<String>),
    /// No content (204).
    Nothing,
}

#[cfg(feature = "client")]
impl Output {
    /// The whole answer as JSON text (`null` for no content; see [`page_json`]).
    pub fn into_json(self) -> String {
        match self {
            Output::One(s) => s,
            Output::Page(p) => page_json(&p),
            Output::Nothing => "null".into(),
        }
    }
}
