//! Arguments in, results out: what the generated per-operation methods call.
//!
//! Every method is one row of the core's operation table ([`bigcartel::dynamic`]): arguments cross
//! as JSON (`JSON.stringify` in), the core checks them against the spec, sends the request and
//! resolves the answer into the JSON the TypeScript types describe (`JSON.parse` out). Decimals
//! stay strings; a wrong argument becomes an `InvalidInputError` naming the operation and the
//! argument.

use crate::errors::{from_core, js_error};
use bigcartel::dynamic::{self, Args, MODELS, OPERATIONS, OperationSchema, Output};
use bigcartel::jsonapi::DecodeError;
use bigcartel::{Error, Operation, PageOptions};
use futures::future::LocalBoxFuture;
use futures::stream::{LocalBoxStream, StreamExt};
use js_sys::{Promise, Reflect};
use std::future::Future;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// The JavaScript error for a core error.
pub(crate) fn error(err: Error) -> JsValue {
    from_core(&err)
}

fn invalid(op: &Operation, message: String) -> JsValue {
    error(Error::InvalidInput {
        operation: *op,
        message,
    })
}

fn absent(value: &JsValue) -> bool {
    value.is_undefined() || value.is_null()
}

/// An argument as JSON (`None` when absent).
fn to_json(
    op: &Operation,
    name: &str,
    value: Option<JsValue>,
) -> Result<Option<serde_json::Value>, JsValue> {
    let Some(value) = value.filter(|v| !absent(v)) else {
        return Ok(None);
    };
    let text = js_sys::JSON::stringify(&value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| invalid(op, format!("`{name}` cannot be converted to JSON")))?;
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| invalid(op, format!("`{name}`: {e}")))
}

/// A method's arguments as JavaScript gave them.
#[derive(Default)]
pub(crate) struct JsArgs {
    pub path: Vec<JsValue>,
    pub params: Option<JsValue>,
    pub input: Option<JsValue>,
    pub relationships: Option<JsValue>,
    pub ids: Option<JsValue>,
}

impl JsArgs {
    fn into_core(self, op: &OperationSchema) -> Result<Args, JsValue> {
        let operation = &op.operation;
        let mut path = Vec::with_capacity(self.path.len());
        for (value, name) in self.path.into_iter().zip(op.path_params) {
            match value.as_string() {
                Some(s) => path.push(s),
                None => return Err(invalid(operation, format!("`{name}` must be a string"))),
            }
        }
        Ok(Args {
            path,
            params: to_json(operation, "params", self.params)?,
            input: to_json(operation, "input", self.input)?,
            relationships: to_json(operation, "relationships", self.relationships)?,
            ids: to_json(operation, "ids", self.ids)?,
        })
    }
}

/// JSON text from the core as a JavaScript value, parsed from ASCII text (see
/// [`dynamic::push_ascii_json`] for why ASCII).
fn parse(text: &str) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&dynamic::ascii_json(text))
}

/// JSON items from the core as a JavaScript array, written once as ASCII text.
fn parse_array(items: &[String]) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&dynamic::ascii_json_array(items))
}

/// Operation `index` of the core's table, called with these arguments.
pub(crate) fn call(client: Rc<bigcartel::Client>, index: usize, args: JsArgs) -> Promise {
    promise(async move {
        let op = &OPERATIONS[index];
        let args = args.into_core(op)?;
        match client.call(op, &args).await.map_err(error)? {
            Output::Nothing => Ok(JsValue::UNDEFINED),
            out => parse(&out.into_json()),
        }
    })
}

/// A `DecodeError` for a body given to a `decode...` function (no request, so no status or
/// operation).
fn decode_error(wire_type: &str, err: &DecodeError) -> JsValue {
    js_error(
        "DecodeError",
        &format!("could not decode the `{wire_type}` document: {err}"),
        &[("reason", err.reason().into())],
    )
}

/// `decodeOrders(body)` and the like: the resolved items of a list document of model `index`.
pub(crate) fn decode_list(index: usize, body: &JsValue) -> Result<JsValue, JsValue> {
    let model = &MODELS[index];
    let bytes = crate::webhook::bytes_of(body, "body")?;
    let page =
        dynamic::decode_list(model, &bytes).map_err(|e| decode_error(model.wire_type, &e))?;
    parse_array(&page.items)
}

/// `decodeOrder(body)` and the like: the resolved resource of a document of model `index`.
pub(crate) fn decode_one(index: usize, body: &JsValue) -> Result<JsValue, JsValue> {
    let model = &MODELS[index];
    let bytes = crate::webhook::bytes_of(body, "body")?;
    let item = dynamic::decode_one(model, &bytes).map_err(|e| decode_error(model.wire_type, &e))?;
    parse(&item)
}

/// A future as a `Promise`. Boxed first, so the promise machinery is compiled once.
pub(crate) fn promise(fut: impl Future<Output = Result<JsValue, JsValue>> + 'static) -> Promise {
    let fut: LocalBoxFuture<'static, Result<JsValue, JsValue>> = Box::pin(fut);
    wasm_bindgen_futures::future_to_promise(fut)
}

#[wasm_bindgen]
extern "C" {
    /// A `PageOptions` passed from JavaScript.
    #[wasm_bindgen(typescript_type = "PageOptions")]
    pub type PageOptionsArg;
}

/// `{ pageSize?, concurrency?, startOffset?, maxPages?, maxItems? }` as the core's [`PageOptions`].
pub(crate) fn page_options(op: &Operation, value: Option<JsValue>) -> Result<PageOptions, JsValue> {
    let mut options = PageOptions::default();
    let Some(value) = value.filter(|v| !absent(v)) else {
        return Ok(options);
    };
    let number = |key: &str| -> Result<Option<f64>, JsValue> {
        let v = Reflect::get(&value, &JsValue::from_str(key))?;
        if absent(&v) {
            return Ok(None);
        }
        match v.as_f64() {
            Some(n) if n.is_finite() && n >= 0.0 && n.fract() == 0.0 => Ok(Some(n)),
            _ => Err(invalid(
                op,
                format!("`options.{key}` must be a non-negative integer"),
            )),
        }
    };
    if let Some(n) = number("pageSize")? {
        options.page_size = n as i64;
    }
    if let Some(n) = number("concurrency")? {
        options.concurrency = n as usize;
    }
    if let Some(n) = number("startOffset")? {
        options.start_offset = n as i64;
    }
    if let Some(n) = number("maxPages")? {
        options.max_pages = n as u64;
    }
    if let Some(n) = number("maxItems")? {
        options.max_items = n as u64;
    }
    Ok(options)
}

#[wasm_bindgen(module = "/js/iter.js")]
extern "C" {
    #[wasm_bindgen(js_name = asyncIterable)]
    fn async_iterable(source: ItemStream) -> JsValue;
}

type Items = LocalBoxStream<'static, Result<JsValue, JsValue>>;

/// The items of a `_stream` method, pulled one `next()` at a time (see `js/iter.js`).
#[wasm_bindgen(skip_typescript)]
pub struct ItemStream {
    items: Rc<futures::lock::Mutex<Option<Items>>>,
}

#[wasm_bindgen]
impl ItemStream {
    /// The next `{ done, value }`; an error rejects the promise and ends the stream.
    pub fn next(&self) -> Promise {
        let items = self.items.clone();
        promise(async move {
            let mut guard = items.lock().await;
            let item = match guard.as_mut() {
                Some(s) => s.next().await,
                None => None,
            };
            let step = |done: bool, value: JsValue| -> Result<JsValue, JsValue> {
                Ok(crate::errors::object(&[("done", done.into()), ("value", value)]).into())
            };
            match item {
                Some(Ok(value)) => step(false, value),
                Some(Err(e)) => {
                    *guard = None;
                    Err(e)
                }
                None => {
                    *guard = None;
                    step(true, JsValue::UNDEFINED)
                }
            }
        })
    }

    /// Stops the stream: no further page is requested.
    pub fn close(&self) {
        if let Some(mut guard) = self.items.try_lock() {
            *guard = None;
        }
    }
}

/// The items of paged operation `index` as a JavaScript async iterator: the core's paging over
/// its `Client::call_page`. Arguments are checked before the first page is asked for.
pub(crate) fn stream(
    client: Rc<bigcartel::Client>,
    index: usize,
    args: JsArgs,
    options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let op = &OPERATIONS[index];
    let args = args.into_core(op)?;
    let options = page_options(&op.operation, options)?;
    let items: Items = dynamic::call_stream(client, op, args, options)
        .map_err(error)?
        .map(|r| r.map_err(error).and_then(|item| parse(&item)))
        .boxed_local();
    Ok(async_iterable(ItemStream {
        items: Rc::new(futures::lock::Mutex::new(Some(items))),
    }))
}
