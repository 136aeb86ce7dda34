//! The spec as data: JSON in, JSON out.
//!
//! Every model and operation of the typed client is also described by a static table generated
//! from the spec ([`MODELS`], [`OPERATIONS`]). With them, [`decode_one`] and [`decode_list`] resolve
//! any document into the exact JSON the typed models serialize to, and `Client::call` (with the
//! default `client` feature) sends any operation from JSON arguments through the same transport,
//! authentication, retries and error mapping as the typed methods.
//!
//! Bindings for dynamic languages use this: the npm package calls one compiled function for every
//! operation instead of one per operation, which keeps its WebAssembly small. Relationships are
//! resolved by the same resolver as the typed models and attributes read by the same lenient rules
//! ([`crate::lenient`]); tests check both paths give identical JSON and identical requests.
//!
//! ```
//! use bigcartel::dynamic;
//! let artists = dynamic::model("Artist").unwrap();
//! let body = br#"{"data":{"type":"artists","id":"7","attributes":{"name":"Ada","position":"2","born":1815}}}"#;
//! let json = dynamic::decode_one(artists, body).unwrap();
//! assert_eq!(
//!     json,
//!     r#"{"id":"7","name":"Ada","permalink":null,"position":2,"resource_type":"artists","resolved":true,"extra_attributes":{"born":1815}}"#
//! );
//! ```

use crate::jsonapi::{DecodeError, Page};

pub use bigcartel_jsonapi::ascii::push_ascii_json;
pub use bigcartel_jsonapi::table::{Field, Kind, ModelSchema, Rel, page_json};

pub use crate::generated_schema::{BOUNDS, MODELS, OPERATIONS};
pub use crate::schema::{BodySchema, BoundOf, IntBound, OperationSchema, QueryParam, Returns};

/// Checks a request's integers against [`BOUNDS`]: its query pairs and its body's
/// `data.attributes`, as they go on the wire. Both request paths call it with what they are about
/// to send (the typed methods from the raw client's hook), so both refuse the same values with
/// the same message. `operation` is the operationId or the raw client's snake_case name.
pub fn check_bounds<K: AsRef<str>, V: AsRef<str>>(
    operation: &str,
    query: &[(K, V)],
    attributes: Option<&serde_json::Value>,
) -> Result<(), String> {
    for b in BOUNDS
        .iter()
        .filter(|b| b.operation == operation || b.raw_operation == operation)
    {
        let value = match b.of {
            // Text that is not an integer is not this check's concern: the types refuse it.
            BoundOf::Query => query
                .iter()
                .find(|(k, _)| k.as_ref() == b.name)
                .and_then(|(_, v)| v.as_ref().trim().parse::<i64>().ok()),
            BoundOf::Attribute => attributes
                .and_then(|a| a.get(b.name))
                .and_then(serde_json::Value::as_i64),
        };
        let Some(v) = value else { continue };
        if let Some(min) = b.min.filter(|min| v < *min) {
            return Err(format!("`{}` must be at least {min} (got {v})", b.name));
        }
        if let Some(max) = b.max.filter(|max| v > *max) {
            return Err(format!("`{}` must be at most {max} (got {v})", b.name));
        }
    }
    Ok(())
}

/// `json` rewritten as ASCII JSON text (every other character `\u`-escaped; see
/// [`push_ascii_json`] for why): what the npm package and Python's views parse.
///
/// ```
/// assert_eq!(bigcartel::dynamic::ascii_json(r#"{"name":"Café"}"#), r#"{"name":"Caf\u00e9"}"#);
/// ```
pub fn ascii_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 64);
    push_ascii_json(&mut out, json);
    out
}

/// The JSON texts of `items` as one ASCII JSON array (see [`ascii_json`]), written once.
///
/// ```
/// let items = vec![r#"{"id":"1"}"#.to_string(), r#"{"id":"2"}"#.to_string()];
/// assert_eq!(bigcartel::dynamic::ascii_json_array(&items), r#"[{"id":"1"},{"id":"2"}]"#);
/// ```
pub fn ascii_json_array(items: &[String]) -> String {
    let mut out = String::with_capacity(items.iter().map(|i| i.len() + 1).sum::<usize>() + 64);
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_ascii_json(&mut out, item);
    }
    out.push(']');
    out
}

/// JSON text parsed into a value, numbers keeping their exact text: the value parser the
/// decoder's lossless fields use (`bigcartel-json-cold`), so a size-optimised build carries one
/// copy of it.
///
/// ```
/// let v = bigcartel::dynamic::parse_json(r#"{"price": 20.50}"#).unwrap();
/// assert_eq!(bigcartel::dynamic::write_json(&v), r#"{"price":20.50}"#);
/// ```
pub fn parse_json(text: &str) -> Result<serde_json::Value, serde_json::Error> {
    bigcartel_json_cold::parse(text)
}

/// A value's JSON text; the one copy of `serde_json`'s writer, as [`parse_json`]. Use it rather
/// than `Value`'s `to_string()`, whose `Display` instantiates the writer twice more (compact and
/// pretty, over a formatter): 1.6 KB gzipped of the npm module.
pub fn write_json(value: &serde_json::Value) -> String {
    let mut out = Vec::new();
    bigcartel_json_cold::write(&mut out, value);
    // serde_json writes UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

/// A model by name (`Product`) or JSON:API type (`products`).
pub fn model(name: &str) -> Option<&'static ModelSchema> {
    MODELS
        .iter()
        .find(|m| m.name == name || m.wire_type == name)
}

/// An operation by operationId (`listProducts`).
pub fn operation(id: &str) -> Option<&'static OperationSchema> {
    OPERATIONS.iter().find(|o| o.operation.id == id)
}

/// The resolved JSON of a document whose `data` is one resource of `model`: the same text
/// `serde_json::to_string` gives for the typed model.
pub fn decode_one(model: &ModelSchema, body: &[u8]) -> Result<String, DecodeError> {
    bigcartel_jsonapi::table::decode_one(MODELS, model, body)
}

/// The resolved JSON of each item of a list document of `model`, with the paging facts.
pub fn decode_list(model: &ModelSchema, body: &[u8]) -> Result<Page<String>, DecodeError> {
    bigcartel_jsonapi::table::decode_list(MODELS, model, body)
}

#[cfg(feature = "client")]
pub use crate::schema::{Args, Output};
#[cfg(feature = "client")]
pub use request::{call_stream, check};

#[cfg(feature = "client")]
mod request {
    use super::{
        Args, BodySchema, Kind, MODELS, OperationSchema, Output, Returns, decode_list, decode_one,
    };
    use crate::jsonapi::{Page, identifier_list, identifiers_document, resource_document};
    use crate::{Client, Error};
    use serde_json::{Map, Value, json};

    fn kind_name(kind: Kind) -> &'static str {
        match kind {
            Kind::String => "a string",
            Kind::Decimal => "a decimal string such as \"20.00\"",
            Kind::Int => "an integer",
            Kind::Bool => "a boolean",
            Kind::StringList => "a list of strings",
        }
    }

    /// A value checked against its kind, as the text a query string or body carries.
    fn checked(kind: Kind, v: &Value) -> Option<Value> {
        match (kind, v) {
            (Kind::String, Value::String(_)) | (Kind::Bool, Value::Bool(_)) => Some(v.clone()),
            (Kind::Decimal, Value::String(s)) if crate::money::is_decimal(s) => Some(v.clone()),
            (Kind::Int, Value::Number(n)) => n.as_i64().map(Value::from),
            (Kind::StringList, Value::Array(items)) if items.iter().all(Value::is_string) => {
                Some(v.clone())
            }
            _ => None,
        }
    }

    /// `name` as an object whose keys are all `known`: a misspelt key is refused, never dropped.
    fn known_object<'v>(
        op: &OperationSchema,
        name: &str,
        v: &'v Value,
        known: impl Iterator<Item = &'static str>,
    ) -> Result<&'v Map<String, Value>, Error> {
        let map = v.as_object().ok_or_else(|| {
            Error::invalid_input(&op.operation, format!("`{name}` must be an object"))
        })?;
        let known: Vec<&str> = known.collect();
        match map.keys().find(|k| !known.contains(&k.as_str())) {
            None => Ok(map),
            Some(key) => Err(Error::invalid_input(
                &op.operation,
                format!(
                    "`{name}.{key}` is not a parameter of this operation (expected one of: {})",
                    known.join(", ")
                ),
            )),
        }
    }

    fn present(v: Option<&Value>) -> Option<&Value> {
        v.filter(|v| !v.is_null())
    }

    /// `params` as query pairs, sorted by name.
    fn query(
        op: &OperationSchema,
        params: Option<&Value>,
    ) -> Result<Vec<(&'static str, String)>, Error> {
        let Some(params) = present(params) else {
            return Ok(Vec::new());
        };
        let map = known_object(op, "params", params, op.query.iter().map(|q| q.field))?;
        let mut pairs = Vec::new();
        for q in op.query {
            let Some(v) = present(map.get(q.field)) else {
                continue;
            };
            let v = checked(q.kind, v).ok_or_else(|| {
                Error::invalid_input(
                    &op.operation,
                    format!("`params.{}` must be {}", q.field, kind_name(q.kind)),
                )
            })?;
            let text = match v {
                Value::String(s) => s,
                Value::Array(items) => items
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(","),
                // Not `to_string()`: `Display` compiles two more copies of the writer into the npm module.
                other => crate::dynamic::write_json(&other),
            };
            pairs.push((q.wire_name, text));
        }
        // The generated raw client sends them sorted by name: the same URL either way.
        pairs.sort_by_key(|(name, _)| *name);
        Ok(pairs)
    }

    fn id_list(op: &OperationSchema, name: &str, v: &Value) -> Result<Vec<String>, Error> {
        let bad = || {
            Error::invalid_input(
                &op.operation,
                format!("`{name}` must be a list of ids (strings)"),
            )
        };
        v.as_array()
            .ok_or_else(bad)?
            .iter()
            .map(|i| i.as_str().map(str::to_owned).ok_or_else(bad))
            .collect()
    }

    /// The request body, if the operation has one.
    fn body(op: &OperationSchema, args: &Args) -> Result<Option<Value>, Error> {
        match &op.body {
            BodySchema::None => Ok(None),
            BodySchema::Identifiers { wire_type } => {
                let ids = present(args.ids.as_ref()).ok_or_else(|| {
                    Error::invalid_input(&op.operation, "`ids` is required".into())
                })?;
                let ids = id_list(op, "ids", ids)?;
                identifiers_document(&op.operation, wire_type, &ids).map(Some)
            }
            BodySchema::Resource {
                wire_type,
                input,
                with_id,
                relationships,
            } => {
                let given = present(args.input.as_ref()).ok_or_else(|| {
                    Error::invalid_input(&op.operation, "`input` is required".into())
                })?;
                let given = known_object(op, "input", given, input.iter().map(|f| f.name))?;
                let mut attributes = Map::new();
                for f in *input {
                    match present(given.get(f.name)) {
                        None if f.required => {
                            return Err(Error::invalid_input(
                                &op.operation,
                                format!("`input.{}` is required", f.name),
                            ));
                        }
                        None => {}
                        Some(v) => {
                            let v = checked(f.kind, v).ok_or_else(|| {
                                Error::invalid_input(
                                    &op.operation,
                                    format!("`input.{}` must be {}", f.name, kind_name(f.kind)),
                                )
                            })?;
                            attributes.insert(f.name.to_owned(), v);
                        }
                    }
                }
                let id = with_id.then(|| args.path.last().map(String::as_str).unwrap_or_default());
                let rels = relationships.unwrap_or(&[]);
                let mut out = Map::new();
                if let Some(given) = present(args.relationships.as_ref()) {
                    let given =
                        known_object(op, "relationships", given, rels.iter().map(|(n, _)| *n))?;
                    for (name, wire_type) in rels {
                        if let Some(v) = present(given.get(*name)) {
                            let ids = id_list(op, &format!("relationships.{name}"), v)?;
                            out.insert(
                                (*name).to_owned(),
                                json!({ "data": identifier_list(wire_type, &ids) }),
                            );
                        }
                    }
                }
                Ok(Some(resource_document(
                    wire_type,
                    id,
                    Value::Object(attributes),
                    Some(Value::Object(out)),
                )))
            }
        }
    }

    /// A checked request: its query pairs and its body.
    type Checked = (Vec<(&'static str, String)>, Option<Value>);

    fn checked_request(op: &OperationSchema, args: &Args) -> Result<Checked, Error> {
        let operation = &op.operation;
        if args.path.len() != op.path_params.len() {
            return Err(Error::invalid_input(
                operation,
                format!("expected {} path parameter(s)", op.path_params.len()),
            ));
        }
        if let Some(i) = args.path.iter().position(String::is_empty) {
            return Err(Error::invalid_input(
                operation,
                format!("`{}` is empty", op.path_params[i]),
            ));
        }
        let (query, body) = (query(op, args.params.as_ref())?, body(op, args)?);
        let attributes = body
            .as_ref()
            .and_then(|b| b.get("data").and_then(|d| d.get("attributes")));
        super::check_bounds(operation.id, &query, attributes)
            .map_err(|message| Error::invalid_input(operation, message))?;
        Ok((query, body))
    }

    /// Checks arguments against the spec as [`Client::call`] does, without sending anything (a
    /// stream checks them before its first page is asked for).
    ///
    /// ```
    /// use bigcartel::dynamic::{self, Args};
    /// let op = dynamic::operation("listOrders").unwrap();
    /// let args = Args { params: Some(serde_json::json!({ "sort": 5 })), ..Default::default() };
    /// assert!(dynamic::check(op, &args).unwrap_err().to_string().contains("`params.sort` must be a string"));
    /// ```
    pub fn check(op: &OperationSchema, args: &Args) -> Result<(), Error> {
        checked_request(op, args).map(|_| ())
    }

    impl Client {
        /// Sends any operation of [`super::OPERATIONS`] from JSON arguments and answers JSON: the
        /// same request, retries and errors as the typed method, the same JSON as its result
        /// serializes to. Arguments are checked against the spec first; a wrong one is an
        /// [`Error::InvalidInput`] naming it, and nothing is sent.
        ///
        /// ```no_run
        /// # async fn run() -> Result<(), bigcartel::Error> {
        /// use bigcartel::dynamic::{self, Args};
        /// let client = bigcartel::Client::builder("MyApp (me@example.com)").bearer("TOKEN").build()?;
        /// let op = dynamic::operation("listProducts").expect("in the spec");
        /// let args = Args { params: Some(serde_json::json!({ "filter_status": "active" })), ..Default::default() };
        /// println!("{}", client.call(op, &args).await?.into_json());
        /// # Ok(()) }
        /// ```
        pub async fn call(&self, op: &OperationSchema, args: &Args) -> Result<Output, Error> {
            let operation = &op.operation;
            let (query, body) = checked_request(op, args)?;
            let account = if op.uses_account {
                Some(self.account_id().await?)
            } else {
                None
            };
            let mut path = String::from(operation.path);
            if let Some(account) = &account {
                path = path.replace("{account_id}", &progenitor_client::encode_path(account));
            }
            for (name, value) in op.path_params.iter().zip(&args.path) {
                path = path.replace(
                    &format!("{{{name}}}"),
                    &progenitor_client::encode_path(value),
                );
            }
            let (status, bytes) = self.send(op, &path, &query, body.as_ref()).await?;
            let decoded = match op.returns {
                Returns::Nothing => return Ok(Output::Nothing),
                Returns::One(m) => decode_one(&MODELS[m], &bytes).map(Output::One),
                // A large page decodes off this task, as the typed pages do.
                Returns::Many(m) => {
                    api_runtime::work::cpu(bytes.len(), move || {
                        decode_list(&MODELS[m], &bytes).map(Output::Page)
                    })
                    .await
                }
            };
            decoded.map_err(|source| Error::Decode {
                operation: *operation,
                status,
                source,
            })
        }

        /// One page of a paged operation at `(offset, limit)`: what the `_stream` methods fetch.
        pub async fn call_page(
            &self,
            op: &OperationSchema,
            args: &Args,
            offset: i64,
            limit: i64,
        ) -> Result<Page<String>, Error> {
            let mut args = args.clone();
            let mut params = match args.params.take() {
                Some(Value::Object(m)) => m,
                Some(Value::Null) | None => Map::new(),
                Some(_) => {
                    return Err(Error::invalid_input(
                        &op.operation,
                        "`params` must be an object".into(),
                    ));
                }
            };
            params.insert("page_offset".into(), offset.into());
            params.insert("page_limit".into(), limit.into());
            args.params = Some(Value::Object(params));
            match self.call(op, &args).await? {
                Output::Page(p) => Ok(p),
                _ => Err(Error::invalid_input(
                    &op.operation,
                    "this operation does not return a list".into(),
                )),
            }
        }
    }

    /// Every item of a paged operation as JSON text, page after page with the core's paging
    /// (the `_stream` methods' rules: `options`, server caps, repeated pages, bounds), for the
    /// table-driven path. The arguments are checked first: a wrong one is an
    /// [`Error::InvalidInput`] and nothing is sent. `client` is any handle of a client (`&Client`,
    /// `Rc<Client>`, `Arc<Client>`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), bigcartel::Error> {
    /// use futures::TryStreamExt;
    /// use bigcartel::dynamic::{self, Args};
    /// let client = bigcartel::Client::builder("MyApp (me@example.com)").bearer("TOKEN").build()?;
    /// let op = dynamic::operation("listOrders").expect("in the spec");
    /// let orders: Vec<String> = dynamic::call_stream(&client, op, Args::default(), Default::default())?
    ///     .try_collect()
    ///     .await?;
    /// println!("{} orders", orders.len());
    /// # Ok(()) }
    /// ```
    pub fn call_stream<'a, C>(
        client: C,
        op: &'static OperationSchema,
        args: Args,
        options: crate::PageOptions,
    ) -> Result<impl futures::Stream<Item = Result<String, Error>> + 'a, Error>
    where
        C: std::ops::Deref<Target = Client> + Clone + 'a,
    {
        check(op, &args)?;
        let args = std::sync::Arc::new(args);
        Ok(crate::pagination::paginate(
            op.operation,
            move |offset, limit| {
                let (client, args) = (client.clone(), args.clone());
                async move { client.call_page(op, &args, offset, limit).await }
            },
            options,
        ))
    }
}
