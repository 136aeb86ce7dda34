//! Webhook signature verification and typed events.
//!
//! Big Cartel signs every webhook it sends: the [`SIGNATURE_HEADER`] header
//! (`X-Webhook-Signature`) carries the lowercase hex HMAC-SHA256 of the **raw
//! request body**, keyed with your application's client secret. There is no
//! prefix, no timestamp and no base64.
//!
//! Always verify the bytes exactly as they arrived on the wire. Parsing the
//! body and serialising it again changes whitespace and key order, and the
//! signature no longer matches.
//!
//! * [`verify`] checks a signature header against a body.
//! * [`sign`] computes the header value for a body (useful for tests and mock
//!   servers).
//! * [`verify_and_parse`] verifies, then parses the body into a typed
//!   [`WebhookEvent`]: what a receiver should call.
//! * [`parse`] parses without verifying (for bodies you already trust).
//!
//! The envelope is `{"account_id": "..", "type": "order.created", "payload":
//! {..}}`. Whether Big Cartel sends the payload as a JSON:API document or as a
//! flat object is not publicly settled, so both are accepted. Event types
//! this version does not know become [`WebhookEvent::Unknown`] rather than
//! errors.
//!
//! Everything here works without the crate's `client` feature (no HTTP stack,
//! no async runtime), including on `wasm32-unknown-unknown`.
//!
//! ```
//! use bigcartel::webhook;
//!
//! let secret = b"my-client-secret";
//! let body = br#"{"account_id":"1","type":"product.deleted","payload":{"id":"7"}}"#;
//! let header = webhook::sign(secret, body);
//!
//! assert!(webhook::verify(secret, body, Some(&header)).is_ok());
//! assert_eq!(
//!     webhook::verify(b"another-secret", body, Some(&header)),
//!     Err(webhook::VerifyError::Mismatch),
//! );
//! ```

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Name of the HTTP header that carries the signature: `X-Webhook-Signature`.
///
/// HTTP header names are case-insensitive; most HTTP libraries look them up
/// without regard to case.
///
/// ```
/// assert_eq!(bigcartel::webhook::SIGNATURE_HEADER, "X-Webhook-Signature");
/// ```
pub const SIGNATURE_HEADER: &str = "X-Webhook-Signature";

/// Length in characters of a hex-encoded HMAC-SHA256 signature.
const SIGNATURE_HEX_LEN: usize = 64;

type HmacSha256 = Hmac<Sha256>;

/// Why a webhook signature was rejected.
///
/// None of the messages contain the secret, and none echo the received
/// signature (it is attacker-controlled input).
///
/// ```
/// use bigcartel::webhook::{verify, VerifyError};
///
/// assert_eq!(verify(b"secret", b"{}", None), Err(VerifyError::MissingHeader));
/// assert_eq!(verify(b"secret", b"{}", Some("")), Err(VerifyError::Empty));
/// assert_eq!(
///     verify(b"secret", b"{}", Some("abc")),
///     Err(VerifyError::WrongLength { len: 3 }),
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The request had no `X-Webhook-Signature` header.
    #[error("missing X-Webhook-Signature header")]
    MissingHeader,
    /// The header was present but empty.
    #[error("X-Webhook-Signature header is empty")]
    Empty,
    /// The header had leading or trailing whitespace. Big Cartel sends bare
    /// hex, so padding means something between the sender and you altered it.
    #[error("X-Webhook-Signature header has leading or trailing whitespace")]
    WhitespacePadded,
    /// The header was not 64 characters long (the length of a hex-encoded
    /// SHA-256 digest). `len` is its length in bytes.
    #[error("X-Webhook-Signature header must be 64 hex characters, got {len} bytes")]
    WrongLength {
        /// Length of the received header value, in bytes.
        len: usize,
    },
    /// The header contained a character other than `0-9`, `a-f` or `A-F`.
    /// `index` is the byte offset of the first such character.
    #[error("X-Webhook-Signature header has a non-hex character at byte {index}")]
    NonHex {
        /// Byte offset of the first non-hex character.
        index: usize,
    },
    /// The secret passed to `verify` was empty. An empty key would let anyone
    /// forge signatures, so it is refused as a configuration error rather than
    /// treated as a mismatch.
    #[error("webhook secret is empty (check your client secret configuration)")]
    EmptySecret,
    /// The header was well formed but is not the HMAC-SHA256 of this body
    /// with this secret.
    #[error("X-Webhook-Signature does not match the request body")]
    Mismatch,
}

impl VerifyError {
    /// The reason's name in every facade (`wrong_length`): JavaScript's `reason`, and the text
    /// the generated TypeScript union `WebhookSignatureReason` is checked against.
    ///
    /// ```
    /// use bigcartel::webhook::VerifyError;
    /// assert_eq!(VerifyError::WrongLength { len: 3 }.reason(), "wrong_length");
    /// ```
    pub fn reason(&self) -> &'static str {
        match self {
            Self::MissingHeader => "missing_header",
            Self::Empty => "empty",
            Self::WhitespacePadded => "whitespace_padded",
            Self::WrongLength { .. } => "wrong_length",
            Self::NonHex { .. } => "non_hex",
            Self::EmptySecret => "empty_secret",
            Self::Mismatch => "mismatch",
        }
    }
}

fn keyed_mac(secret: &[u8], body: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length (longer keys are hashed first), so
    // `new_from_slice` cannot fail for `Hmac<Sha256>`.
    #[allow(clippy::expect_used)]
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(body);
    mac
}

/// Computes the `X-Webhook-Signature` value for `body`: the lowercase hex
/// HMAC-SHA256 of the raw bytes, keyed with `secret`.
///
/// This is what Big Cartel sends. Use it to sign webhooks in tests and mock
/// servers; use [`verify`] (not a string comparison against `sign`) to check
/// incoming webhooks.
///
/// ```
/// // RFC 4231, test case 2.
/// let sig = bigcartel::webhook::sign(b"Jefe", b"what do ya want for nothing?");
/// assert_eq!(
///     sig,
///     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
/// );
/// ```
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = keyed_mac(secret, body).finalize().into_bytes();
    let mut out = String::with_capacity(SIGNATURE_HEX_LEN);
    for byte in digest {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    out
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Checks the shape of the header and decodes it into 32 bytes.
fn decode_header(header: Option<&str>) -> Result<[u8; 32], VerifyError> {
    let header = header.ok_or(VerifyError::MissingHeader)?;
    if header.is_empty() {
        return Err(VerifyError::Empty);
    }
    if header.trim() != header {
        return Err(VerifyError::WhitespacePadded);
    }
    let bytes = header.as_bytes();
    if bytes.len() != SIGNATURE_HEX_LEN {
        return Err(VerifyError::WrongLength { len: bytes.len() });
    }
    let mut out = [0u8; 32];
    for (i, (pair, slot)) in bytes.chunks_exact(2).zip(out.iter_mut()).enumerate() {
        let hi = hex_value(pair[0]).ok_or(VerifyError::NonHex { index: 2 * i })?;
        let lo = hex_value(pair[1]).ok_or(VerifyError::NonHex { index: 2 * i + 1 })?;
        *slot = (hi << 4) | lo;
    }
    Ok(out)
}

/// Verifies a webhook signature.
///
/// * `secret`: your application's client secret (the HMAC key).
/// * `body`: the raw request body, byte for byte as received.
/// * `signature_header`: the value of the [`SIGNATURE_HEADER`] header, or
///   `None` if the request had none.
///
/// Hex digits may be upper- or lower-case. The digest comparison runs in
/// constant time. The function does no I/O and does not allocate.
///
/// Checks run in this order, so each malformed header maps to exactly one
/// error: missing, empty, whitespace-padded, wrong length, non-hex, empty
/// secret, mismatch.
///
/// ```
/// use bigcartel::webhook::{sign, verify, VerifyError};
///
/// let body = br#"{"account_id":"42","type":"order.created","payload":{}}"#;
/// let sig = sign(b"s3cret", body);
///
/// assert_eq!(verify(b"s3cret", body, Some(&sig)), Ok(()));
/// assert_eq!(verify(b"s3cret", body, Some(&sig.to_uppercase())), Ok(()));
/// assert_eq!(
///     verify(b"s3cret", body, Some(&format!(" {sig}"))),
///     Err(VerifyError::WhitespacePadded),
/// );
/// assert_eq!(verify(b"s3cret", b"{}", Some(&sig)), Err(VerifyError::Mismatch));
/// ```
pub fn verify(
    secret: &[u8],
    body: &[u8],
    signature_header: Option<&str>,
) -> Result<(), VerifyError> {
    let expected = decode_header(signature_header)?;
    if secret.is_empty() {
        return Err(VerifyError::EmptySecret);
    }
    keyed_mac(secret, body)
        .verify_slice(&expected)
        .map_err(|_| VerifyError::Mismatch)
}

// Typed events: the envelope and payload readers and `WebhookEvent`.
mod events;
pub use events::{
    ParseError, PayloadError, WebhookError, WebhookEvent, parse, parse_json, verify_and_parse,
};

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 4231 test case 1: key = 0x0b * 20, data = "Hi There".
    const RFC4231_1: &str = "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7";

    /// The facades' names are the snake_case of the variants: what the generator writes into the
    /// TypeScript union from the enum's source, `reason()` answers at run time.
    #[test]
    fn reasons_are_the_snake_case_of_the_variants() {
        let all = [
            VerifyError::MissingHeader,
            VerifyError::Empty,
            VerifyError::WhitespacePadded,
            VerifyError::WrongLength { len: 1 },
            VerifyError::NonHex { index: 1 },
            VerifyError::EmptySecret,
            VerifyError::Mismatch,
        ];
        for e in all {
            let snake = crate::error::snake_case_of_variant(&format!("{e:?}"));
            assert_eq!(e.reason(), snake);
        }
    }

    #[test]
    fn rfc4231_case_1() {
        let key = [0x0bu8; 20];
        assert_eq!(sign(&key, b"Hi There"), RFC4231_1);
        assert_eq!(verify(&key, b"Hi There", Some(RFC4231_1)), Ok(()));
    }

    #[test]
    fn header_shape_errors_in_order() {
        let k = [0x0bu8; 20];
        let b = b"Hi There";
        assert_eq!(verify(&k, b, None), Err(VerifyError::MissingHeader));
        assert_eq!(verify(&k, b, Some("")), Err(VerifyError::Empty));
        assert_eq!(verify(&k, b, Some(" ")), Err(VerifyError::WhitespacePadded));
        let padded = format!("{RFC4231_1}\n");
        assert_eq!(
            verify(&k, b, Some(&padded)),
            Err(VerifyError::WhitespacePadded)
        );
        assert_eq!(
            verify(&k, b, Some(&RFC4231_1[..63])),
            Err(VerifyError::WrongLength { len: 63 })
        );
        let mut bad = RFC4231_1.to_owned();
        bad.replace_range(10..11, "g");
        assert_eq!(
            verify(&k, b, Some(&bad)),
            Err(VerifyError::NonHex { index: 10 })
        );
        bad.replace_range(5..6, " ");
        assert_eq!(
            verify(&k, b, Some(&bad)),
            Err(VerifyError::NonHex { index: 5 })
        );
        assert_eq!(
            verify(b"", b, Some(RFC4231_1)),
            Err(VerifyError::EmptySecret)
        );
        assert_eq!(verify(b"x", b, Some(RFC4231_1)), Err(VerifyError::Mismatch));
    }

    #[test]
    fn multibyte_header_is_rejected_without_panicking() {
        // 32 two-byte characters = 64 bytes: right length, not hex.
        let s = "é".repeat(32);
        assert_eq!(s.len(), 64);
        assert_eq!(
            verify(b"k", b"", Some(&s)),
            Err(VerifyError::NonHex { index: 0 })
        );
        // Unicode whitespace padding.
        let s = format!("\u{a0}{RFC4231_1}");
        assert_eq!(
            verify(b"k", b"", Some(&s)),
            Err(VerifyError::WhitespacePadded)
        );
    }

    #[test]
    fn messages_do_not_contain_secret_or_signature() {
        let secret = "super-secret-value";
        let sig = sign(secret.as_bytes(), b"body");
        let errs = [
            verify(secret.as_bytes(), b"other", Some(&sig)).unwrap_err(),
            verify(secret.as_bytes(), b"body", Some(&sig[..60])).unwrap_err(),
        ];
        for e in errs {
            for text in [e.to_string(), format!("{e:?}")] {
                assert!(!text.contains(secret), "{text}");
                assert!(!text.contains(&sig[..60]), "{text}");
            }
        }
    }

    const ORDER_JSONAPI: &str = r#"{"account_id":"12345","type":"order.created","payload":{
        "data":{"id":"ORD-100","type":"orders","attributes":{"customer_email":"ana@example.com","total":"25.0"},
          "relationships":{"items":{"data":[{"type":"order_line_items","id":"LI-1"}]}}},
        "included":[{"id":"LI-1","type":"order_line_items","attributes":{"product_name":"Tee","quantity":1,"price":"25.0"}}]}}"#;

    #[test]
    fn jsonapi_payload_resolves_included() {
        let WebhookEvent::OrderCreated { account_id, order } =
            parse(ORDER_JSONAPI.as_bytes()).unwrap()
        else {
            panic!("expected order.created");
        };
        assert_eq!(account_id, "12345");
        assert_eq!(order.id, "ORD-100");
        assert_eq!(order.total.as_deref(), Some("25.0"));
        assert_eq!(order.items.len(), 1);
        assert_eq!(order.items[0].product_name.as_deref(), Some("Tee"));
        assert_eq!(order.items[0].quantity, Some(1));
    }

    #[test]
    fn flat_and_bare_resource_payloads() {
        let flat = br#"{"account_id":1,"type":"product.updated","payload":{"id":7,"name":"Tee","price":"20.0"}}"#;
        let bare = br#"{"account_id":1,"type":"product.updated","payload":{"type":"products","id":"7","attributes":{"name":"Tee","price":"20.0"}}}"#;
        for body in [&flat[..], &bare[..]] {
            let WebhookEvent::ProductUpdated {
                account_id,
                product,
            } = parse(body).unwrap()
            else {
                panic!("expected product.updated");
            };
            assert_eq!(account_id, "1");
            assert_eq!(product.id, "7");
            assert_eq!(product.name.as_deref(), Some("Tee"));
        }
    }

    #[test]
    fn account_id_must_be_text_or_unsigned_integer() {
        for bad in [r#"-1"#, "1.5", "true", "{}", "null"] {
            let body = format!(r#"{{"account_id":{bad},"type":"x","payload":null}}"#);
            assert!(
                matches!(parse(body.as_bytes()), Err(ParseError::InvalidEnvelope(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn unknown_event_keeps_payload() {
        let body = br#"{"account_id":"1","type":"shipment.created","payload":{"carrier":"ups"}}"#;
        let event = parse(body).unwrap();
        assert_eq!(event.resource_id(), None);
        let WebhookEvent::Unknown {
            payload,
            event_type,
            ..
        } = event
        else {
            panic!("expected Unknown");
        };
        assert_eq!(event_type, "shipment.created");
        assert_eq!(payload["carrier"], "ups");
    }

    #[test]
    fn errors_display_and_status() {
        let e = verify_and_parse(b"k", b"{}", Some(&sign(b"k", b"{}"))).unwrap_err();
        assert_eq!(e.status_code(), 400);
        assert!(e.to_string().contains("account_id"), "{e}");
        let body = br#"{"account_id":"1","type":"order.created","payload":[1]}"#;
        let e = parse(body).unwrap_err();
        assert!(e.to_string().contains("order.created"), "{e}");
        let deep = "[".repeat(10_000);
        assert!(matches!(
            parse(deep.as_bytes()),
            Err(ParseError::InvalidJson(_))
        ));
    }
}
