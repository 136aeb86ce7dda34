//! The resolved JSON of the core's spec-table path, for bindings that build their own views.
//!
//! Python reads every response through these: lifting a uniffi record is Python code run per
//! field (about nine tenths of a `decode_orders` call when it was measured), while `json.loads`
//! of the same resolved JSON is C. The Python package's generated classes are read-only views
//! over that JSON. Resolution, paging, retries and argument checks are the core's
//! (`bigcartel::dynamic`, `bigcartel::pagination`), the same code the npm package runs. (The
//! exported items' docs become the foreign languages' docs, so the Rust example is here.)
//!
//! ```
//! let body = br#"{"data":[{"type":"artists","id":"7","attributes":{"name":"Ada"}}]}"#.to_vec();
//! let json = bigcartel_uniffi::resolve_json("Artist".into(), &body, true).unwrap();
//! assert!(json.starts_with(r#"{"items":[{"id":"7","name":"Ada""#));
//! ```

use crate::{BigCartelError, Client, DocumentError, FillReport, PageOptions};
use bigcartel::dynamic::{self, Args, Output};
use futures::TryStreamExt;
use serde_json::Value;

/// A `DocumentError::Shape` for a name the spec does not have: the generated callers only pass
/// names from the spec, so this reaches only a hand-written call.
fn unknown(what: &str, name: &str) -> DocumentError {
    DocumentError::Shape {
        reason: format!("the spec has no {what} named `{name}`"),
    }
}

/// The resolved JSON of a JSON:API document of `model` (a model name such as `Order`, or its
/// JSON:API type), as JSON text: one resource's object when `many` is false, otherwise the page
/// `{"items": [...], "total", "next", "has_links", "links", "meta"}`. The same JSON the npm
/// package's decoders parse, and the same values the typed records carry, written as ASCII.
///
/// Why ASCII and a `String`: Python parses a one-byte string about a third faster than the same
/// JSON with non-ASCII text in it (3.4 ms against 5.0 ms for the bench's orders page, Python
/// 3.11), and uniffi hands a `String` over without a copy, while a `Vec<u8>` is written into the
/// buffer one byte at a time (a tenth of a `resolve_json` call under perf).
#[uniffi::export]
pub fn resolve_json(model: String, body: &[u8], many: bool) -> Result<String, DocumentError> {
    let schema = dynamic::model(&model).ok_or_else(|| unknown("model", &model))?;
    Ok(if many {
        dynamic::ascii_json(&dynamic::page_json(&dynamic::decode_list(schema, body)?))
    } else {
        dynamic::ascii_json(&dynamic::decode_one(schema, body)?)
    })
}

/// The core's arguments from `{"params", "input", "relationships", "ids"}` (each optional).
fn args(operation: &str, path: Vec<String>, args_json: &str) -> Result<Args, BigCartelError> {
    let invalid = |reason: String| BigCartelError::InvalidInput {
        reason: format!("{operation}: {reason}"),
        operation_id: operation.to_owned(),
    };
    let mut given = match serde_json::from_str::<Value>(args_json) {
        Ok(Value::Object(map)) => map,
        Ok(_) => return Err(invalid("the arguments must be a JSON object".into())),
        Err(e) => return Err(invalid(format!("the arguments are not JSON: {e}"))),
    };
    Ok(Args {
        path,
        params: given.remove("params"),
        input: given.remove("input"),
        relationships: given.remove("relationships"),
        ids: given.remove("ids"),
    })
}

/// Orders filled by `fill_line_item_products_json`, and what was done.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FilledJson {
    /// The orders as a JSON array, each line item's product resolved where it could be.
    pub orders_json: String,
    /// What was fetched and filled.
    pub report: FillReport,
}

fn operation(id: &str) -> Result<&'static dynamic::OperationSchema, BigCartelError> {
    dynamic::operation(id).ok_or_else(|| BigCartelError::InvalidInput {
        reason: format!("the spec has no operation `{id}`"),
        operation_id: id.to_owned(),
    })
}

#[uniffi::export(async_runtime = "tokio")]
impl Client {
    /// Sends any operation of the spec by its operationId (`listOrders`) and answers its resolved
    /// JSON text: a page's `{"items", ...}` object, one resource's object, or `null` for
    /// no content. `path` holds the path parameters other than the account id, in path order;
    /// `args_json` is a JSON object with any of `params`, `input`, `relationships` and `ids`,
    /// keyed as the typed methods' records are. Arguments are checked against the spec before
    /// anything is sent, and the request, retries and errors are those of the typed methods.
    pub async fn call_json(
        &self,
        operation_id: String,
        path: Vec<String>,
        args_json: String,
    ) -> Result<String, BigCartelError> {
        let op = operation(&operation_id)?;
        let args = args(&operation_id, path, &args_json)?;
        Ok(match self.inner.call(op, &args).await? {
            Output::One(json) => dynamic::ascii_json(&json),
            Output::Page(page) => dynamic::ascii_json(&dynamic::page_json(&page)),
            Output::Nothing => "null".to_owned(),
        })
    }

    /// Every item of a paged operation, following the API's paging as the typed `_all` methods
    /// do (the core's paging over `call_json`'s request), as the JSON text of a JSON array of
    /// resolved objects. `params`' own page fields are replaced.
    #[uniffi::method(default(options = None))]
    pub async fn call_all_json(
        &self,
        operation_id: String,
        path: Vec<String>,
        args_json: String,
        options: Option<PageOptions>,
    ) -> Result<String, BigCartelError> {
        let op = operation(&operation_id)?;
        let args = args(&operation_id, path, &args_json)?;
        let options: bigcartel::PageOptions = options.map(Into::into).unwrap_or_default();
        let items: Vec<String> = dynamic::call_stream(&self.inner, op, args, options)?
            .try_collect()
            .await?;
        Ok(dynamic::ascii_json_array(&items))
    }

    /// The core's fill of the line items' products an orders list does not include, over
    /// orders as resolved JSON (`orders_json`: a JSON array of orders, each with its `items`):
    /// each missing product fetched once, at most `concurrency` at a time (1 to 16), put in
    /// place with the line item's option taken from the product's options. A product the API
    /// no longer has stays a stub and is listed in `report.missing`; any other error is raised.
    pub async fn fill_line_item_products_json(
        &self,
        orders_json: String,
        concurrency: u32,
    ) -> Result<FilledJson, BigCartelError> {
        let mut orders: Vec<Value> =
            serde_json::from_str(&orders_json).map_err(|e| BigCartelError::InvalidInput {
                reason: format!("getProduct: the orders are not a JSON array: {e}"),
                operation_id: "getProduct".to_owned(),
            })?;
        let report = self
            .inner
            .fill_line_item_products_json(&mut orders, concurrency as usize)
            .await?;
        Ok(FilledJson {
            orders_json: dynamic::ascii_json(&dynamic::write_json(&Value::from(orders))),
            report: report.into(),
        })
    }
}
