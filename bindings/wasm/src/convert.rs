//! Arguments in, results out: what the generated per-operation methods call.
//!
//! Values cross as JSON (`JSON.stringify` in, `JSON.parse` out): the models' serde shape is the
//! TypeScript shape generated beside them, decimals stay strings, and a wrong argument type becomes
//! an `InvalidInputError` naming the operation and the argument.

use crate::errors::{decode_reason, from_core, js_error};
use bigcartel::jsonapi::{self, DecodeError, Model};
use bigcartel::{Error, Operation, PageOptions};
use futures::future::LocalBoxFuture;
use futures::stream::{LocalBoxStream, Stream, StreamExt};
use js_sys::{Promise, Reflect};
use serde::Serialize;
use serde::de::DeserializeOwned;
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

fn from_json<T: DeserializeOwned>(
    op: &Operation,
    name: &str,
    value: &JsValue,
) -> Result<T, JsValue> {
    let text = js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| invalid(op, format!("`{name}` cannot be converted to JSON")))?;
    serde_json::from_str(&text).map_err(|e| invalid(op, format!("`{name}`: {e}")))
}

/// An optional argument (query parameters, relationships): absent means the default.
pub(crate) fn optional<T: DeserializeOwned + Default>(
    op: &Operation,
    name: &str,
    value: Option<JsValue>,
) -> Result<T, JsValue> {
    match value {
        Some(v) if !absent(&v) => from_json(op, name, &v),
        _ => Ok(T::default()),
    }
}

/// A required argument (a create or update body, a list of ids).
pub(crate) fn required<T: DeserializeOwned>(
    op: &Operation,
    name: &str,
    value: JsValue,
) -> Result<T, JsValue> {
    if absent(&value) {
        return Err(invalid(op, format!("`{name}` is required")));
    }
    from_json(op, name, &value)
}

/// A resource id: a non-empty string.
pub(crate) fn id(op: &Operation, name: &str, value: JsValue) -> Result<String, JsValue> {
    match value.as_string() {
        Some(s) if !s.is_empty() => Ok(s),
        Some(_) => Err(invalid(op, format!("`{name}` is empty"))),
        None => Err(invalid(op, format!("`{name}` must be a string"))),
    }
}

/// A result as a plain JavaScript value.
pub(crate) fn output<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value)
        .map_err(|e| js_error("BigCartelError", &e.to_string(), &[]))?;
    js_sys::JSON::parse(&text)
}

/// A `DecodeError` for a body given to a `decode...` function (no request, so no status or
/// operation).
fn decode_error(wire_type: &str, err: &DecodeError) -> JsValue {
    js_error(
        "DecodeError",
        &format!("could not decode the `{wire_type}` document: {err}"),
        &[("reason", decode_reason(err).into())],
    )
}

/// `decodeOrders(body)` and the like: the core's [`jsonapi::decode_list`], the items out.
pub(crate) fn decode_list<T: Model + Serialize>(
    wire_type: &str,
    body: &JsValue,
) -> Result<JsValue, JsValue> {
    let bytes = crate::webhook::bytes_of(body, "body")?;
    let page = jsonapi::decode_list::<T>(&bytes).map_err(|e| decode_error(wire_type, &e))?;
    output(&page.items)
}

/// `decodeOrder(body)` and the like: the core's [`jsonapi::decode_one`].
pub(crate) fn decode_one<T: Model + Serialize>(
    wire_type: &str,
    body: &JsValue,
) -> Result<JsValue, JsValue> {
    let bytes = crate::webhook::bytes_of(body, "body")?;
    let item = jsonapi::decode_one::<T>(&bytes).map_err(|e| decode_error(wire_type, &e))?;
    output(&item)
}

/// A future as a `Promise`. Boxed first, so the promise machinery is compiled once rather than
/// once per operation (a large part of the module's size otherwise).
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

/// `{ pageSize?, concurrency?, startOffset? }` as the core's [`PageOptions`].
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

/// A core item stream as a JavaScript async iterator.
pub(crate) fn stream<T: Serialize + 'static>(
    items: impl Stream<Item = Result<T, Error>> + 'static,
) -> JsValue {
    let items: Items = items
        .map(|r| r.map_err(error).and_then(|v| output(&v)))
        .boxed_local();
    async_iterable(ItemStream {
        items: Rc::new(futures::lock::Mutex::new(Some(items))),
    })
}
