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
