//! JavaScript errors: instances of the classes in `js/errors.js`, with their fields set.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeError)]
    fn make_error(class_name: &str, message: &str, fields: &Object) -> JsValue;
}

/// An object with these properties.
pub(crate) fn object(fields: &[(&str, JsValue)]) -> Object {
    let obj = Object::new();
    for (key, value) in fields {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&obj, &JsValue::from_str(key), value);
    }
    obj
}

/// A new instance of the named class of `js/errors.js` (`ApiError`, `WebhookSignatureError`...).
pub(crate) fn js_error(class_name: &str, message: &str, fields: &[(&str, JsValue)]) -> JsValue {
    make_error(class_name, message, &object(fields))
}

/// A `TypeError`, for an argument of the wrong JavaScript type.
pub(crate) fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

/// An optional string as `string | null`.
#[cfg(feature = "client")]
pub(crate) fn opt_str(value: Option<&str>) -> JsValue {
    value.map_or(JsValue::NULL, JsValue::from_str)
}

/// Wraps a core error in the matching JavaScript class. The message is the core's `Display`,
/// which never contains a credential.
#[cfg(feature = "client")]
pub(crate) fn from_core(err: &bigcartel::Error) -> JsValue {
    use bigcartel::Error;
    let message = err.to_string();
    let operation = |op: &bigcartel::Operation| -> JsValue {
        object(&[
            ("id", op.id.into()),
            ("method", op.method.into()),
            ("path", op.path.into()),
        ])
        .into()
    };
    match err {
        Error::Api(e) => {
            let errors = serde_json::to_string(&e.errors)
                .ok()
                .and_then(|s| js_sys::JSON::parse(&s).ok())
                .unwrap_or_else(|| js_sys::Array::new().into());
            js_error(
                "ApiError",
                &message,
                &[
                    ("status", e.status.into()),
                    ("kind", e.kind.as_str().into()),
                    ("operation", operation(&e.operation)),
                    ("errors", errors),
                    ("bodyExcerpt", opt_str(e.body_excerpt.as_deref())),
                    (
                        "retryAfter",
                        e.retry_after.map_or(JsValue::NULL, |s| (s as f64).into()),
                    ),
                ],
            )
        }
        Error::Decode {
            operation: op,
            status,
            source,
        } => js_error(
            "DecodeError",
            &message,
            &[
                ("status", (*status).into()),
                ("operation", operation(op)),
                ("reason", source.reason().into()),
            ],
        ),
        Error::Transport {
            operation: op,
            kind,
            ..
        } => js_error(
            "TransportError",
            &message,
            &[("kind", kind.as_str().into()), ("operation", operation(op))],
        ),
        Error::Paging { operation: op, .. } => {
            js_error("PagingError", &message, &[("operation", operation(op))])
        }
        Error::InvalidInput { operation: op, .. } => js_error(
            "InvalidInputError",
            &message,
            &[("operation", operation(op))],
        ),
        Error::Config(_) => js_error("ConfigError", &message, &[]),
        _ => js_error("BigCartelError", &message, &[]),
    }
}
