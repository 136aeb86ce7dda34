//! Reading a cart request's body: each field checked, with a message per field path for the
//! 422 answer (`line_items.0.quantity`), and the cart's version for the 409 answer.

use super::{Cart, Contact, FieldErrors, GiftCertificate, cents, integer};
use crate::catalog::{self, Product};
use crate::error::ApiError;
use serde_json::{Map, Value};

pub(super) fn object(body: &Value) -> Result<&Map<String, Value>, ApiError> {
    body.as_object()
        .ok_or_else(|| ApiError::new(400, "The request body must be a JSON object.".into()))
}

/// With `version`, a change applies only to the cart at that version.
pub(super) fn check_version(cart: &Cart, body: &Map<String, Value>) -> Result<(), ApiError> {
    match body.get("version") {
        None | Some(Value::Null) => Ok(()),
        Some(v) => match integer(v) {
            Some(version) if version == cart.version => Ok(()),
            Some(version) => Err(ApiError::new(
                409,
                format!(
                    "The cart is at version {}, not {version}: it changed since it was read. \
                     Read it again and retry.",
                    cart.version
                ),
            )),
            None => {
                let mut errors = FieldErrors::new();
                errors.insert("version".into(), "must be an integer".into());
                Err(ApiError::invalid(errors))
            }
        },
    }
}

pub(super) fn check_stock(product: &Product, total: i64, path: &str, errors: &mut FieldErrors) {
    if let Some(stock) = product.stock
        && total > stock
    {
        errors.insert(
            path.into(),
            format!("only {stock} of {} are in stock", product.name),
        );
    }
}

pub(super) fn optional_id(
    body: &Map<String, Value>,
    key: &str,
    errors: &mut FieldErrors,
) -> Option<i64> {
    match body.get(key) {
        None | Some(Value::Null) => None,
        Some(v) => match integer(v) {
            Some(id) if id >= 0 => Some(id),
            _ => {
                errors.insert(key.into(), "must be a non-negative integer".into());
                None
            }
        },
    }
}

pub(super) fn required_id(
    body: &Map<String, Value>,
    key: &str,
    path: &str,
    errors: &mut FieldErrors,
) -> Option<i64> {
    match body.get(key).and_then(integer) {
        Some(id) if id > 0 => Some(id),
        Some(_) => {
            errors.insert(path.into(), "must be a positive integer".into());
            None
        }
        None => {
            errors.insert(path.into(), "is required (an integer)".into());
            None
        }
    }
}

pub(super) fn quantity(
    body: &Map<String, Value>,
    path: &str,
    errors: &mut FieldErrors,
) -> Option<i64> {
    match body.get("quantity").and_then(integer) {
        Some(q) if (1..=10_000).contains(&q) => Some(q),
        Some(_) => {
            errors.insert(path.into(), "must be between 1 and 10000".into());
            None
        }
        None => {
            errors.insert(path.into(), "is required (an integer)".into());
            None
        }
    }
}

pub(super) fn list_price(
    body: &Map<String, Value>,
    path: &str,
    errors: &mut FieldErrors,
) -> Option<i64> {
    match body.get("list_price") {
        None | Some(Value::Null) => None,
        Some(v) => match cents(v) {
            Some(c) if c >= 0 => Some(c),
            _ => {
                errors.insert(
                    path.into(),
                    "must be a non-negative amount with at most two decimals".into(),
                );
                None
            }
        },
    }
}

pub(super) fn valid_locale(l: &str) -> bool {
    let (lang, region) = l.split_once('-').unwrap_or((l, ""));
    lang.len() == 2
        && lang.bytes().all(|b| b.is_ascii_lowercase())
        && (region.is_empty()
            || (region.len() == 2 && region.bytes().all(|b| b.is_ascii_uppercase())))
}

fn contact(v: Option<&Value>, path: &str, errors: &mut FieldErrors) -> Option<Contact> {
    let Some(obj) = v.and_then(Value::as_object) else {
        errors.insert(
            path.into(),
            "is required (an object with name and email)".into(),
        );
        return None;
    };
    let name = obj.get("name").and_then(Value::as_str).unwrap_or("").trim();
    let email = obj
        .get("email")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim();
    let before = errors.len();
    if name.is_empty() {
        errors.insert(format!("{path}.name"), "is required".into());
    }
    let valid_email = email.split_once('@').is_some_and(|(user, domain)| {
        !user.is_empty() && domain.contains('.') && !email.contains(' ')
    });
    if !valid_email {
        errors.insert(format!("{path}.email"), "must be an email address".into());
    }
    (errors.len() == before).then(|| Contact {
        name: name.into(),
        email: email.into(),
    })
}

/// Validates one gift certificate.
pub(super) fn gift_certificate(
    v: &Value,
    path: &str,
    id: String,
    errors: &mut FieldErrors,
) -> Option<GiftCertificate> {
    let Some(obj) = v.as_object() else {
        errors.insert(path.into(), "must be an object".into());
        return None;
    };
    let before = errors.len();
    let name = obj.get("name").and_then(Value::as_str).unwrap_or("").trim();
    if name.is_empty() {
        errors.insert(format!("{path}.name"), "is required".into());
    }
    let theme = obj.get("theme").and_then(Value::as_str).unwrap_or("");
    if !catalog::THEMES.contains(&theme) {
        errors.insert(
            format!("{path}.theme"),
            format!("must be one of {}", catalog::THEMES.join(", ")),
        );
    }
    let amount = obj.get("amount").and_then(cents);
    if !amount.is_some_and(|a| (1_00..=1000_00).contains(&a)) {
        errors.insert(
            format!("{path}.amount"),
            "must be between 1 and 1000".into(),
        );
    }
    let quantity = match obj.get("quantity").and_then(integer) {
        Some(q) if q >= 1 => Some(q),
        _ => {
            errors.insert(format!("{path}.quantity"), "must be at least 1".into());
            None
        }
    };
    let sender = contact(obj.get("sender"), &format!("{path}.sender"), errors);
    let recipient = contact(obj.get("recipient"), &format!("{path}.recipient"), errors);
    let message = match obj.get("message") {
        None | Some(Value::Null) => None,
        Some(Value::String(m)) if m.chars().count() <= 200 => Some(m.clone()),
        Some(_) => {
            errors.insert(
                format!("{path}.message"),
                "must be text of at most 200 characters".into(),
            );
            None
        }
    };
    if errors.len() > before {
        return None;
    }
    Some(GiftCertificate {
        id,
        name: name.into(),
        theme: theme.into(),
        amount_cents: amount?,
        quantity: quantity?,
        sender: sender?,
        recipient: recipient?,
        message,
    })
}
