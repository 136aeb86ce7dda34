//! Property tests for webhook verification (and parsing): no panics on
//! arbitrary input, sign -> verify round trips, and any single bit flip in
//! the body, the signature or the secret is rejected.

use bigcartel::webhook::{self, VerifyError};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn flip(bytes: &mut [u8], bit: usize) {
    let bit = bit % (bytes.len() * 8);
    bytes[bit / 8] ^= 1 << (bit % 8);
}

fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

proptest! {
    #![proptest_config(config())]

    /// Arbitrary secret, body and header: verify returns, never panics, and
    /// only says Ok for the real signature.
    #[test]
    fn verify_never_panics(
        secret in proptest::collection::vec(any::<u8>(), 0..100),
        body in proptest::collection::vec(any::<u8>(), 0..512),
        header in proptest::option::of(".{0,80}"),
    ) {
        let r = webhook::verify(&secret, &body, header.as_deref());
        if r.is_ok() {
            let h = header.unwrap();
            prop_assert_eq!(h.to_ascii_lowercase(), webhook::sign(&secret, &body));
        }
    }

    /// Headers made only of hex-ish and whitespace characters hit every
    /// shape check; the error is consistent with the header's shape.
    #[test]
    fn header_shape_classification(header in "[0-9a-fA-Fg \t]{0,70}") {
        match webhook::verify(b"k", b"body", Some(&header)) {
            Err(VerifyError::Empty) => prop_assert!(header.is_empty()),
            Err(VerifyError::WhitespacePadded) => prop_assert_ne!(header.trim(), header.as_str()),
            Err(VerifyError::WrongLength { len }) => {
                prop_assert_eq!(len, header.len());
                prop_assert_ne!(len, 64);
            }
            Err(VerifyError::NonHex { index }) => {
                prop_assert_eq!(header.len(), 64);
                prop_assert!(!header.as_bytes()[index].is_ascii_hexdigit());
                prop_assert!(header.as_bytes()[..index].iter().all(u8::is_ascii_hexdigit));
            }
            Err(VerifyError::Mismatch) => {
                prop_assert!(header.bytes().all(|b| b.is_ascii_hexdigit()));
            }
            other => prop_assert!(false, "unexpected {:?} for {:?}", other, header),
        }
    }

    /// sign -> verify is always Ok, in lower and upper case.
    #[test]
    fn sign_verify_round_trip(
        secret in proptest::collection::vec(any::<u8>(), 1..200),
        body in proptest::collection::vec(any::<u8>(), 0..2048),
    ) {
        let sig = webhook::sign(&secret, &body);
        prop_assert_eq!(sig.len(), 64);
        prop_assert!(sig.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
        prop_assert_eq!(webhook::verify(&secret, &body, Some(&sig)), Ok(()));
        prop_assert_eq!(webhook::verify(&secret, &body, Some(&sig.to_uppercase())), Ok(()));
    }

    /// Flipping any single bit of the body, of the decoded signature or of
    /// the secret makes verification fail with Mismatch.
    #[test]
    fn single_bit_flip_is_rejected(
        secret in proptest::collection::vec(any::<u8>(), 1..100),
        body in proptest::collection::vec(any::<u8>(), 1..1024),
        bit in any::<usize>(),
    ) {
        let sig = webhook::sign(&secret, &body);

        let mut tampered_body = body.clone();
        flip(&mut tampered_body, bit);
        prop_assert_eq!(
            webhook::verify(&secret, &tampered_body, Some(&sig)),
            Err(VerifyError::Mismatch)
        );

        let mut raw_sig: Vec<u8> = (0..32)
            .map(|i| u8::from_str_radix(&sig[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        flip(&mut raw_sig, bit);
        prop_assert_eq!(
            webhook::verify(&secret, &body, Some(&to_hex(&raw_sig))),
            Err(VerifyError::Mismatch)
        );

        let mut tampered_secret = secret.clone();
        flip(&mut tampered_secret, bit);
        prop_assert_eq!(
            webhook::verify(&tampered_secret, &body, Some(&sig)),
            Err(VerifyError::Mismatch)
        );
    }
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "[a-z0-9_.\\-]{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("id".to_owned()),
                    Just("data".to_owned()),
                    Just("type".to_owned()),
                    Just("attributes".to_owned()),
                    Just("relationships".to_owned()),
                    Just("included".to_owned()),
                    Just("name".to_owned()),
                    Just("total".to_owned()),
                    "[a-z_]{1,10}",
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn event_type() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("account.updated".to_owned()),
        Just("account.plan.downgraded".to_owned()),
        Just("account.plan.upgraded".to_owned()),
        Just("account.deauthorized".to_owned()),
        Just("account.closed".to_owned()),
        Just("order.created".to_owned()),
        Just("order.updated".to_owned()),
        Just("product.created".to_owned()),
        Just("product.updated".to_owned()),
        Just("product.deleted".to_owned()),
        "[a-z.]{0,20}",
    ]
}

proptest! {
    #![proptest_config(config())]

    /// Arbitrary bytes: parse returns an error or an event, never panics.
    #[test]
    fn parse_never_panics_on_bytes(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = webhook::parse(&body);
    }

    /// Envelopes with every known type (and random ones) around arbitrary
    /// JSON payloads: no panic; verify_and_parse with a correct signature
    /// gives exactly what parse gives; with a wrong one it never parses.
    #[test]
    fn verify_and_parse_on_envelopes(
        account_id in json_value(),
        event_type in event_type(),
        payload in json_value(),
        secret in proptest::collection::vec(any::<u8>(), 1..40),
        header in proptest::option::of("[0-9a-fA-F ]{0,70}"),
    ) {
        let body = serde_json::to_vec(&serde_json::json!({
            "account_id": account_id, "type": event_type, "payload": payload,
        })).unwrap();
        let parsed = webhook::parse(&body);
        let sig = webhook::sign(&secret, &body);
        match (webhook::verify_and_parse(&secret, &body, Some(&sig)), &parsed) {
            (Ok(a), Ok(b)) => {
                prop_assert_eq!(&a, b);
                let _ = (a.event_type(), a.resource_id());
            }
            (Err(webhook::WebhookError::Parse(_)), Err(_)) => {}
            (a, b) => prop_assert!(false, "verify_and_parse {:?} vs parse {:?}", a, b),
        }
        let r = webhook::verify_and_parse(&secret, &body, header.as_deref());
        if header.as_deref().map(str::to_ascii_lowercase) != Some(sig) {
            prop_assert!(matches!(r, Err(webhook::WebhookError::Signature(_))));
        }
    }
}
