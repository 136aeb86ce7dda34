//! Typed webhook events: the envelope (`account_id`, `type`, `payload`), the payload read as a
//! JSON:API document or a flat object, and [`WebhookEvent`]. Verification is in the parent
//! module.

use super::{VerifyError, verify};
use crate::jsonapi::{self, DecodeError, Model};
use crate::models::{Account, Order, Product};

/// A parsed webhook.
///
/// Each known event type has its own arm carrying the resolved model from
/// [`crate::models`]; `product.deleted` and `account.deauthorized` carry only
/// the id. A type this version does not know arrives as
/// [`WebhookEvent::Unknown`] with its raw payload, so new event types never
/// break a receiver.
///
/// The model is boxed to keep the enum small.
///
/// ```
/// use bigcartel::webhook::{parse, WebhookEvent};
///
/// let body = br#"{"account_id":"42","type":"order.created",
///   "payload":{"id":"ORD-1","customer_email":"ana@example.com","total":"25.0"}}"#;
/// match parse(body).unwrap() {
///     WebhookEvent::OrderCreated { account_id, order } => {
///         assert_eq!(account_id, "42");
///         assert_eq!(order.id, "ORD-1");
///         assert_eq!(order.customer_email.as_deref(), Some("ana@example.com"));
///     }
///     other => panic!("unexpected event {other:?}"),
/// }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum WebhookEvent {
    /// `account.updated`: the shop's settings changed.
    AccountUpdated {
        /// The account the webhook is about.
        account_id: String,
        /// The account as it is now.
        account: Box<Account>,
    },
    /// `account.plan.downgraded`: the shop moved to a smaller plan.
    AccountPlanDowngraded {
        /// The account the webhook is about.
        account_id: String,
        /// The account as it is now.
        account: Box<Account>,
    },
    /// `account.plan.upgraded`: the shop moved to a bigger plan.
    AccountPlanUpgraded {
        /// The account the webhook is about.
        account_id: String,
        /// The account as it is now.
        account: Box<Account>,
    },
    /// `account.deauthorized` (older name `account.closed`): the shop revoked
    /// your application's access. Only the id is sent.
    AccountDeauthorized {
        /// The account the webhook is about.
        account_id: String,
        /// The id from the payload (the account's id).
        id: String,
    },
    /// `order.created`: a new order.
    OrderCreated {
        /// The account the webhook is about.
        account_id: String,
        /// The order, with whatever related resources the payload included.
        order: Box<Order>,
    },
    /// `order.updated`: an order changed (paid, shipped, edited...).
    OrderUpdated {
        /// The account the webhook is about.
        account_id: String,
        /// The order as it is now.
        order: Box<Order>,
    },
    /// `product.created`: a new product.
    ProductCreated {
        /// The account the webhook is about.
        account_id: String,
        /// The new product.
        product: Box<Product>,
    },
    /// `product.updated`: a product changed.
    ProductUpdated {
        /// The account the webhook is about.
        account_id: String,
        /// The product as it is now.
        product: Box<Product>,
    },
    /// `product.deleted`: a product was deleted. Only the id is sent.
    ProductDeleted {
        /// The account the webhook is about.
        account_id: String,
        /// The deleted product's id.
        id: String,
    },
    /// An event type this version of the SDK does not know.
    Unknown {
        /// The account the webhook is about.
        account_id: String,
        /// The `type` as sent.
        event_type: String,
        /// The `payload` as sent (`Null` if there was none).
        payload: serde_json::Value,
    },
}

impl WebhookEvent {
    /// The id of the account (shop) the webhook is about, from the envelope.
    ///
    /// ```
    /// let body = br#"{"account_id":"42","type":"product.deleted","payload":{"id":"7"}}"#;
    /// assert_eq!(bigcartel::webhook::parse(body).unwrap().account_id(), "42");
    /// ```
    pub fn account_id(&self) -> &str {
        match self {
            WebhookEvent::AccountUpdated { account_id, .. }
            | WebhookEvent::AccountPlanDowngraded { account_id, .. }
            | WebhookEvent::AccountPlanUpgraded { account_id, .. }
            | WebhookEvent::AccountDeauthorized { account_id, .. }
            | WebhookEvent::OrderCreated { account_id, .. }
            | WebhookEvent::OrderUpdated { account_id, .. }
            | WebhookEvent::ProductCreated { account_id, .. }
            | WebhookEvent::ProductUpdated { account_id, .. }
            | WebhookEvent::ProductDeleted { account_id, .. }
            | WebhookEvent::Unknown { account_id, .. } => account_id,
        }
    }

    /// The event type: the canonical name for known events (`account.closed`
    /// reads as `account.deauthorized`), the name as sent for unknown ones.
    ///
    /// ```
    /// let body = br#"{"account_id":"42","type":"account.closed","payload":{"id":"42"}}"#;
    /// let event = bigcartel::webhook::parse(body).unwrap();
    /// assert_eq!(event.event_type(), "account.deauthorized");
    /// ```
    pub fn event_type(&self) -> &str {
        match self {
            WebhookEvent::AccountUpdated { .. } => "account.updated",
            WebhookEvent::AccountPlanDowngraded { .. } => "account.plan.downgraded",
            WebhookEvent::AccountPlanUpgraded { .. } => "account.plan.upgraded",
            WebhookEvent::AccountDeauthorized { .. } => "account.deauthorized",
            WebhookEvent::OrderCreated { .. } => "order.created",
            WebhookEvent::OrderUpdated { .. } => "order.updated",
            WebhookEvent::ProductCreated { .. } => "product.created",
            WebhookEvent::ProductUpdated { .. } => "product.updated",
            WebhookEvent::ProductDeleted { .. } => "product.deleted",
            WebhookEvent::Unknown { event_type, .. } => event_type,
        }
    }

    /// The id of the resource the event is about (order, product or account),
    /// or `None` for an unknown event type.
    ///
    /// ```
    /// let body = br#"{"account_id":"42","type":"product.deleted","payload":{"id":7}}"#;
    /// let event = bigcartel::webhook::parse(body).unwrap();
    /// assert_eq!(event.resource_id(), Some("7"));
    /// ```
    pub fn resource_id(&self) -> Option<&str> {
        match self {
            WebhookEvent::AccountUpdated { account, .. }
            | WebhookEvent::AccountPlanDowngraded { account, .. }
            | WebhookEvent::AccountPlanUpgraded { account, .. } => Some(&account.id),
            WebhookEvent::OrderCreated { order, .. } | WebhookEvent::OrderUpdated { order, .. } => {
                Some(&order.id)
            }
            WebhookEvent::ProductCreated { product, .. }
            | WebhookEvent::ProductUpdated { product, .. } => Some(&product.id),
            WebhookEvent::AccountDeauthorized { id, .. }
            | WebhookEvent::ProductDeleted { id, .. } => Some(id),
            WebhookEvent::Unknown { .. } => None,
        }
    }
}

/// Why a webhook body could not be parsed into a [`WebhookEvent`].
///
/// ```
/// use bigcartel::webhook::{parse, ParseError};
///
/// assert!(matches!(parse(b"not json"), Err(ParseError::InvalidJson(_))));
/// assert!(matches!(parse(b"[]"), Err(ParseError::InvalidEnvelope(_))));
/// let body = br#"{"account_id":"1","type":"product.deleted","payload":{}}"#;
/// assert!(matches!(parse(body), Err(ParseError::InvalidPayload { .. })));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The body is not JSON (including bodies that are not UTF-8).
    #[error("webhook body is not valid JSON: {0}")]
    InvalidJson(#[source] serde_json::Error),
    /// The body is JSON but not a webhook envelope
    /// (`{"account_id": .., "type": .., "payload": ..}`).
    #[error("webhook body is not a webhook envelope: {0}")]
    InvalidEnvelope(&'static str),
    /// The envelope is fine but its payload does not fit the event type.
    #[error("payload of the `{event_type}` webhook is invalid: {source}")]
    InvalidPayload {
        /// The event's `type`.
        event_type: String,
        /// What was wrong with the payload.
        #[source]
        source: PayloadError,
    },
}

/// What was wrong with a webhook's payload; see [`ParseError::InvalidPayload`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PayloadError {
    /// The payload was missing, `null`, or not a JSON object.
    #[error("expected a JSON object")]
    NotAnObject,
    /// An id-only payload (`product.deleted`, `account.deauthorized`) had no
    /// usable `id` (a string or a non-negative integer).
    #[error("no `id` (a string or an integer) in the payload")]
    MissingId,
    /// The resource could not be decoded into its model.
    #[error(transparent)]
    Decode(#[from] DecodeError),
}

/// Either kind of failure from [`verify_and_parse`].
///
/// [`WebhookError::status_code`] gives the HTTP status a receiver should
/// answer with.
///
/// ```
/// use bigcartel::webhook::{verify_and_parse, WebhookError};
///
/// let err = verify_and_parse(b"secret", b"{}", None).unwrap_err();
/// assert!(matches!(err, WebhookError::Signature(_)));
/// assert_eq!(err.status_code(), 401);
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The signature did not verify; the body was not parsed.
    #[error(transparent)]
    Signature(#[from] VerifyError),
    /// The signature verified but the body is not a webhook this SDK can read.
    #[error(transparent)]
    Parse(#[from] ParseError),
}

impl WebhookError {
    /// The HTTP status to answer with: 401 for a signature failure, 400 for a
    /// body that verified but could not be parsed.
    ///
    /// Big Cartel retries any non-2xx answer for days. If you would rather
    /// not be sent an unparseable event again, log it and answer 2xx instead.
    pub fn status_code(&self) -> u16 {
        match self {
            WebhookError::Signature(_) => 401,
            WebhookError::Parse(_) => 400,
        }
    }
}

/// Reads `account_id` or a payload `id`: a string, or a non-negative integer
/// kept as its decimal text.
fn id_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => n.as_u64().map(|n| n.to_string()),
        _ => None,
    }
}

/// The id of an id-only payload: `{"id": ..}`, `{"data": {"id": ..}}`, or a
/// bare id.
fn payload_id(payload: &serde_json::Value) -> Result<String, PayloadError> {
    let from_object = |v: &serde_json::Value| v.get("id").and_then(id_text);
    match payload {
        serde_json::Value::Object(map) => map
            .get("id")
            .and_then(id_text)
            .or_else(|| map.get("data").and_then(from_object))
            .ok_or(PayloadError::MissingId),
        serde_json::Value::String(_) | serde_json::Value::Number(_) => {
            id_text(payload).ok_or(PayloadError::MissingId)
        }
        _ => Err(PayloadError::MissingId),
    }
}

/// A payload in any of the shapes Big Cartel may use, as the JSON:API document of one resource of
/// `wire_type`: a document (`{"data": {..}, "included": [..]}`), a bare JSON:API resource
/// (`{"type": .., "id": .., "attributes": {..}}`) or a flat object (its members are the
/// attributes). Typed and JSON parsing both decode what this gives.
fn payload_document(payload: &serde_json::Value, wire_type: &str) -> Result<Vec<u8>, PayloadError> {
    let map = payload.as_object().ok_or(PayloadError::NotAnObject)?;
    let document = if map.contains_key("data") {
        serde_json::to_vec(payload)
    } else if map
        .get("attributes")
        .is_some_and(serde_json::Value::is_object)
        && map.contains_key("type")
    {
        serde_json::to_vec(&serde_json::json!({ "data": payload }))
    } else {
        serde_json::to_vec(&jsonapi::flat_document(payload, wire_type)?)
    };
    document.map_err(|e| PayloadError::Decode(DecodeError::Shape(e.to_string())))
}

fn payload_model<T: Model>(payload: &serde_json::Value) -> Result<Box<T>, PayloadError> {
    let document = payload_document(payload, T::TYPE)?;
    Ok(Box::new(jsonapi::decode_one(&document)?))
}

/// The envelope's `account_id`, `type` and `payload`.
fn envelope(body: &[u8]) -> Result<(String, String, serde_json::Value), ParseError> {
    let envelope: serde_json::Value =
        crate::jsonapi::from_bytes(body).map_err(ParseError::InvalidJson)?;
    let serde_json::Value::Object(mut envelope) = envelope else {
        return Err(ParseError::InvalidEnvelope("the body is not a JSON object"));
    };
    let account_id = match envelope.get("account_id") {
        None | Some(serde_json::Value::Null) => {
            return Err(ParseError::InvalidEnvelope("`account_id` is missing"));
        }
        Some(v) => id_text(v).ok_or(ParseError::InvalidEnvelope(
            "`account_id` is neither a string nor a non-negative integer",
        ))?,
    };
    let event_type = match envelope.remove("type") {
        Some(serde_json::Value::String(s)) => s,
        None | Some(serde_json::Value::Null) => {
            return Err(ParseError::InvalidEnvelope("`type` is missing"));
        }
        Some(_) => return Err(ParseError::InvalidEnvelope("`type` is not a string")),
    };
    let payload = envelope
        .remove("payload")
        .unwrap_or(serde_json::Value::Null);
    Ok((account_id, event_type, payload))
}

/// What a known event carries: `(canonical type, member name, model)`, the model `None` for
/// id-only events. [`parse`] builds the same events as typed variants; a test holds them equal.
const EVENTS: &[(&str, &str, &str, Option<&str>)] = &[
    (
        "account.updated",
        "account.updated",
        "account",
        Some("Account"),
    ),
    (
        "account.plan.downgraded",
        "account.plan.downgraded",
        "account",
        Some("Account"),
    ),
    (
        "account.plan.upgraded",
        "account.plan.upgraded",
        "account",
        Some("Account"),
    ),
    ("account.deauthorized", "account.deauthorized", "id", None),
    ("account.closed", "account.deauthorized", "id", None),
    ("order.created", "order.created", "order", Some("Order")),
    ("order.updated", "order.updated", "order", Some("Order")),
    (
        "product.created",
        "product.created",
        "product",
        Some("Product"),
    ),
    (
        "product.updated",
        "product.updated",
        "product",
        Some("Product"),
    ),
    ("product.deleted", "product.deleted", "id", None),
];

/// Parses a webhook body into the event as JSON, **without** checking its signature: what
/// bindings hand to dynamic languages. The members are `type` (the canonical event type, or
/// `"unknown"`), `event_type`, `account_id`, `resource_id`, and one of `account`/`order`/`product`
/// (the resolved model, as [`crate::dynamic`] writes it), `id`, or `payload` (unknown events).
///
/// ```
/// let body = br#"{"account_id":42,"type":"product.deleted","payload":{"id":7}}"#;
/// let event: serde_json::Value =
///     serde_json::from_str(&bigcartel::webhook::parse_json(body).unwrap()).unwrap();
/// assert_eq!(event["type"], "product.deleted");
/// assert_eq!(event["id"], "7");
/// assert_eq!(event["account_id"], "42");
/// ```
pub fn parse_json(body: &[u8]) -> Result<String, ParseError> {
    let (account_id, event_type, payload) = envelope(body)?;
    let invalid = |source: PayloadError| ParseError::InvalidPayload {
        event_type: event_type.clone(),
        source,
    };
    let mut out = serde_json::Map::new();
    let Some(&(_, canonical, member, model)) = EVENTS.iter().find(|e| e.0 == event_type) else {
        out.insert("type".into(), "unknown".into());
        out.insert("event_type".into(), event_type.as_str().into());
        out.insert("account_id".into(), account_id.into());
        out.insert("resource_id".into(), serde_json::Value::Null);
        out.insert("payload".into(), payload);
        return Ok(crate::dynamic::write_json(&serde_json::Value::Object(out)));
    };
    let (resource_id, value) = match model.and_then(crate::dynamic::model) {
        Some(schema) => {
            let document = payload_document(&payload, schema.wire_type).map_err(invalid)?;
            let json = crate::dynamic::decode_one(schema, &document)
                .map_err(|e| invalid(PayloadError::Decode(e)))?;
            let value: serde_json::Value = serde_json::from_str(&json)
                .map_err(|e| invalid(PayloadError::Decode(DecodeError::Shape(e.to_string()))))?;
            let id = value["id"].as_str().unwrap_or_default().to_owned();
            (id, value)
        }
        None => {
            let id = payload_id(&payload).map_err(invalid)?;
            (id.clone(), serde_json::Value::String(id))
        }
    };
    out.insert("type".into(), canonical.into());
    out.insert("event_type".into(), canonical.into());
    out.insert("account_id".into(), account_id.into());
    out.insert("resource_id".into(), resource_id.into());
    out.insert(member.into(), value);
    Ok(crate::dynamic::write_json(&serde_json::Value::Object(out)))
}

/// Parses a webhook body into a [`WebhookEvent`], **without** checking its
/// signature. Use [`verify_and_parse`] on anything that came over the network.
///
/// `account_id` and ids may be strings or integers. The payload may be a
/// JSON:API document or a flat object. Unknown event types give
/// [`WebhookEvent::Unknown`]; unknown envelope fields are ignored.
///
/// ```
/// use bigcartel::webhook::{parse, WebhookEvent};
///
/// let body = br#"{"account_id":"42","type":"product.updated","payload":{"data":{
///   "type":"products","id":"7","attributes":{"name":"Tee","price":"20.0"}}}}"#;
/// let WebhookEvent::ProductUpdated { product, .. } = parse(body).unwrap() else {
///     panic!("expected product.updated");
/// };
/// assert_eq!(product.name.as_deref(), Some("Tee"));
///
/// let body = br#"{"account_id":"42","type":"shipment.created","payload":{"id":"S1"}}"#;
/// let event = parse(body).unwrap();
/// assert!(matches!(event, WebhookEvent::Unknown { .. }));
/// assert_eq!(event.event_type(), "shipment.created");
/// ```
pub fn parse(body: &[u8]) -> Result<WebhookEvent, ParseError> {
    let (account_id, event_type, payload) = envelope(body)?;
    let invalid = |source: PayloadError| ParseError::InvalidPayload {
        event_type: event_type.clone(),
        source,
    };
    let event = match event_type.as_str() {
        "account.updated" => WebhookEvent::AccountUpdated {
            account: payload_model(&payload).map_err(invalid)?,
            account_id,
        },
        "account.plan.downgraded" => WebhookEvent::AccountPlanDowngraded {
            account: payload_model(&payload).map_err(invalid)?,
            account_id,
        },
        "account.plan.upgraded" => WebhookEvent::AccountPlanUpgraded {
            account: payload_model(&payload).map_err(invalid)?,
            account_id,
        },
        "account.deauthorized" | "account.closed" => WebhookEvent::AccountDeauthorized {
            id: payload_id(&payload).map_err(invalid)?,
            account_id,
        },
        "order.created" => WebhookEvent::OrderCreated {
            order: payload_model(&payload).map_err(invalid)?,
            account_id,
        },
        "order.updated" => WebhookEvent::OrderUpdated {
            order: payload_model(&payload).map_err(invalid)?,
            account_id,
        },
        "product.created" => WebhookEvent::ProductCreated {
            product: payload_model(&payload).map_err(invalid)?,
            account_id,
        },
        "product.updated" => WebhookEvent::ProductUpdated {
            product: payload_model(&payload).map_err(invalid)?,
            account_id,
        },
        "product.deleted" => WebhookEvent::ProductDeleted {
            id: payload_id(&payload).map_err(invalid)?,
            account_id,
        },
        _ => WebhookEvent::Unknown {
            account_id,
            event_type,
            payload,
        },
    };
    Ok(event)
}

/// Verifies the signature, then parses the body: the one call a webhook
/// receiver needs. The body is never parsed when the signature fails.
///
/// ```
/// use bigcartel::webhook::{sign, verify_and_parse, WebhookEvent, WebhookError};
///
/// let secret = b"my-client-secret";
/// let body = br#"{"account_id":"42","type":"product.deleted","payload":{"id":"7"}}"#;
/// let header = sign(secret, body);
///
/// let event = verify_and_parse(secret, body, Some(&header)).unwrap();
/// assert_eq!(event.resource_id(), Some("7"));
///
/// let err = verify_and_parse(b"wrong-secret", body, Some(&header)).unwrap_err();
/// assert!(matches!(err, WebhookError::Signature(_)));
/// ```
pub fn verify_and_parse(
    secret: &[u8],
    body: &[u8],
    signature_header: Option<&str>,
) -> Result<WebhookEvent, WebhookError> {
    verify(secret, body, signature_header)?;
    Ok(parse(body)?)
}
