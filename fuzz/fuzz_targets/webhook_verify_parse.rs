//! Fuzzes webhook verification and parsing. See ../README.md for the input layout.
#![no_main]

use bigcartel::webhook;
use libfuzzer_sys::fuzz_target;

/// Splits off a length-prefixed chunk (the length is clamped to what is left).
fn take(data: &[u8]) -> (&[u8], &[u8]) {
    match data.split_first() {
        Some((&len, rest)) => rest.split_at(usize::from(len).min(rest.len())),
        None => (&[], &[]),
    }
}

fuzz_target!(|data: &[u8]| {
    let (secret, rest) = take(data);
    let Some((&mode, rest)) = rest.split_first() else {
        return;
    };
    let (header_bytes, body) = take(rest);

    let signed = webhook::sign(secret, body);
    let upper = signed.to_uppercase();
    let raw_header = String::from_utf8_lossy(header_bytes);
    let header = match mode % 4 {
        0 => None,
        1 => Some(signed.as_str()),
        2 => Some(upper.as_str()),
        _ => Some(raw_header.as_ref()),
    };

    let verified = webhook::verify(secret, body, header);
    match mode % 4 {
        0 => assert_eq!(verified, Err(webhook::VerifyError::MissingHeader)),
        1 | 2 => assert_eq!(verified.is_ok(), !secret.is_empty()),
        _ => {
            if verified.is_ok() {
                assert_eq!(raw_header.to_ascii_lowercase(), signed);
            }
        }
    }

    let parsed = webhook::parse(body);
    if let Ok(event) = &parsed {
        let _ = (event.account_id(), event.event_type(), event.resource_id());
    }
    match webhook::verify_and_parse(secret, body, header) {
        Ok(event) => {
            assert!(verified.is_ok());
            assert_eq!(Some(&event), parsed.as_ref().ok());
        }
        Err(webhook::WebhookError::Signature(e)) => assert_eq!(Err(e), verified),
        Err(webhook::WebhookError::Parse(_)) => assert!(verified.is_ok() && parsed.is_err()),
        Err(other) => panic!("unexpected error kind: {other:?}"),
    }
});
