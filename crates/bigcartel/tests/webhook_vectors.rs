//! Checks `bigcartel::webhook` against the shared vectors in
//! `tests/vectors/webhooks.json` and against Python's `hmac` module, run at
//! test time, so that the expected signatures do not come from our own code.
//!
//! Needs `python3` on PATH (or the interpreter named by `BIGCARTEL_TEST_PYTHON`);
//! without it the test fails with a message saying so.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use bigcartel::webhook::{self, VerifyError};
use serde_json::Value;
use sha2::{Digest, Sha256};

fn vectors() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/webhooks.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).expect("webhooks.json is valid JSON")
}

fn from_hex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd-length hex in vectors: {s}");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex in vectors"))
        .collect()
}

fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Decodes a byte spec as described in the vectors' `format.byte_spec`.
fn spec_bytes(spec: &Value) -> Vec<u8> {
    let mut data = match (spec.get("utf8"), spec.get("hex")) {
        (Some(Value::String(s)), None) => s.as_bytes().to_vec(),
        (None, Some(Value::String(h))) => from_hex(h),
        _ => panic!("byte spec needs exactly one of utf8/hex: {spec}"),
    };
    if let Some(n) = spec.get("repeat") {
        let n = usize::try_from(n.as_u64().expect("repeat is a count")).unwrap();
        data = data.repeat(n);
    }
    if let Some(flip) = spec.get("flip_bit") {
        let byte = usize::try_from(flip["byte"].as_u64().unwrap()).unwrap();
        let bit = u32::try_from(flip["bit"].as_u64().unwrap()).unwrap();
        data[byte] ^= 1u8 << bit;
    }
    data
}

fn outcome_name(r: &Result<(), VerifyError>) -> (&'static str, Option<(&'static str, usize)>) {
    match r {
        Ok(()) => ("ok", None),
        Err(VerifyError::MissingHeader) => ("missing_header", None),
        Err(VerifyError::Empty) => ("empty", None),
        Err(VerifyError::WhitespacePadded) => ("whitespace_padded", None),
        Err(VerifyError::WrongLength { len }) => ("wrong_length", Some(("len", *len))),
        Err(VerifyError::NonHex { index }) => ("non_hex", Some(("index", *index))),
        Err(VerifyError::EmptySecret) => ("empty_secret", None),
        Err(VerifyError::Mismatch) => ("mismatch", None),
        Err(other) => panic!("verify returned an error the vectors do not know: {other:?}"),
    }
}

/// HMAC-SHA256 hex digests of each (secret, body) pair, computed by Python's
/// `hmac` module in a child process.
fn python_hmac(pairs: &[(Vec<u8>, Vec<u8>)]) -> Vec<String> {
    const SCRIPT: &str = r#"
import sys, hmac, hashlib
for line in sys.stdin:
    k, _, b = line.strip().partition(":")
    print(hmac.new(bytes.fromhex(k), bytes.fromhex(b), hashlib.sha256).hexdigest())
"#;
    let python = std::env::var("BIGCARTEL_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let mut child = Command::new(&python)
        .args(["-c", SCRIPT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run `{python}` ({e}). This test cross-checks webhook signatures against \
                 Python's standard hmac module and needs python3 on PATH (or set \
                 BIGCARTEL_TEST_PYTHON to an interpreter). It does not skip."
            )
        });
    let mut input = String::new();
    for (k, b) in pairs {
        input.push_str(&to_hex(k));
        input.push(':');
        input.push_str(&to_hex(b));
        input.push('\n');
    }
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("python3 ran");
    writer.join().unwrap().expect("wrote to python3");
    assert!(out.status.success(), "python3 failed: {:?}", out.status);
    let lines: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        lines.len(),
        pairs.len(),
        "python3 printed one digest per pair"
    );
    lines
}

#[test]
fn signature_vectors() {
    let v = vectors();
    let cases = v["signature_cases"].as_array().expect("signature_cases");
    assert!(cases.len() >= 20, "vectors file looks truncated");
    let mut seen = std::collections::BTreeSet::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let secret = spec_bytes(&case["secret"]);
        let body = spec_bytes(&case["body"]);
        assert_eq!(
            body.len() as u64,
            case["body_len"].as_u64().unwrap(),
            "{name}: body_len"
        );
        assert_eq!(
            to_hex(&Sha256::digest(&body)),
            case["body_sha256"].as_str().unwrap(),
            "{name}: body decoding"
        );
        let expected = case["expected_signature"].as_str().unwrap();
        assert_eq!(webhook::sign(&secret, &body), expected, "{name}: sign");

        let header = case["header"].as_str();
        let result = webhook::verify(&secret, &body, header);
        let (got, detail) = outcome_name(&result);
        assert_eq!(
            got,
            case["expect"].as_str().unwrap(),
            "{name}: verify outcome"
        );
        match (detail, case.get("error_detail")) {
            (None, None) => {}
            (Some((key, val)), Some(d)) => {
                assert_eq!(d[key].as_u64(), Some(val as u64), "{name}: error_detail")
            }
            (d, e) => panic!("{name}: error detail mismatch: ours {d:?}, vectors {e:?}"),
        }
        // Messages never contain the secret (when it is printable and non-trivial).
        if let (Err(e), Ok(s)) = (&result, std::str::from_utf8(&secret))
            && s.len() >= 4
        {
            assert!(!e.to_string().contains(s) && !format!("{e:?}").contains(s));
        }
        seen.insert(got);
    }
    for required in [
        "ok",
        "missing_header",
        "empty",
        "whitespace_padded",
        "wrong_length",
        "non_hex",
        "empty_secret",
        "mismatch",
    ] {
        assert!(seen.contains(required), "no vector exercises {required}");
    }
}

#[test]
fn vector_signatures_match_python_hmac() {
    let v = vectors();
    let cases = v["signature_cases"].as_array().unwrap();
    let pairs: Vec<_> = cases
        .iter()
        .map(|c| (spec_bytes(&c["secret"]), spec_bytes(&c["body"])))
        .collect();
    let py = python_hmac(&pairs);
    for ((case, (secret, body)), py_sig) in cases.iter().zip(&pairs).zip(&py) {
        let name = case["name"].as_str().unwrap();
        assert_eq!(
            py_sig,
            case["expected_signature"].as_str().unwrap(),
            "{name}: file vs python"
        );
        assert_eq!(
            &webhook::sign(secret, body),
            py_sig,
            "{name}: ours vs python"
        );
    }
}

/// Small deterministic generator (SplitMix64) so the cross-check covers many
/// key and body lengths without storing them.
struct SplitMix(u64);
impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

#[test]
fn generated_pairs_match_python_hmac() {
    let mut rng = SplitMix(0x5EED_B16C_A27E_1000);
    let mut pairs = Vec::new();
    // Key lengths around the SHA-256 block size (64) matter: longer keys are hashed.
    for key_len in [1usize, 16, 32, 63, 64, 65, 127, 128, 129, 300] {
        for body_len in [0usize, 1, 55, 56, 63, 64, 65, 1000, 4097] {
            pairs.push((rng.bytes(key_len), rng.bytes(body_len)));
        }
    }
    let py = python_hmac(&pairs);
    for ((secret, body), py_sig) in pairs.iter().zip(&py) {
        let ours = webhook::sign(secret, body);
        assert_eq!(
            &ours,
            py_sig,
            "key {} bytes, body {} bytes",
            secret.len(),
            body.len()
        );
        assert_eq!(webhook::verify(secret, body, Some(py_sig)), Ok(()));
        assert_eq!(
            webhook::verify(secret, body, Some(&py_sig.to_uppercase())),
            Ok(())
        );
    }
}

fn parse_outcome(result: &Result<webhook::WebhookEvent, webhook::ParseError>) -> Value {
    use webhook::ParseError;
    match result {
        Ok(webhook::WebhookEvent::Unknown {
            account_id,
            event_type,
            ..
        }) => serde_json::json!({
            "event": "unknown", "event_type": event_type, "account_id": account_id,
        }),
        Ok(event) => serde_json::json!({
            "event": event.event_type(),
            "account_id": event.account_id(),
            "id": event.resource_id(),
        }),
        Err(ParseError::InvalidJson(_)) => serde_json::json!({ "error": "invalid_json" }),
        Err(ParseError::InvalidEnvelope(_)) => serde_json::json!({ "error": "invalid_envelope" }),
        Err(ParseError::InvalidPayload { .. }) => serde_json::json!({ "error": "invalid_payload" }),
        Err(other) => panic!("parse returned an error the vectors do not know: {other:?}"),
    }
}

#[test]
fn parse_vectors() {
    let v = vectors();
    let cases = v["parse_cases"].as_array().expect("parse_cases");
    assert!(cases.len() >= 20, "vectors file looks truncated");
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let body = spec_bytes(&case["body"]);
        let parsed = webhook::parse(&body);
        assert_eq!(parse_outcome(&parsed), case["expect"], "{name}: {parsed:?}");

        // verify_and_parse agrees with parse once the signature is right...
        let secret = b"parse-vector-secret";
        let sig = webhook::sign(secret, &body);
        match (
            webhook::verify_and_parse(secret, &body, Some(&sig)),
            &parsed,
        ) {
            (Ok(a), Ok(b)) => assert_eq!(&a, b, "{name}"),
            (Err(webhook::WebhookError::Parse(_)), Err(_)) => {}
            (a, b) => panic!("{name}: verify_and_parse {a:?} but parse {b:?}"),
        }
        // ...and never parses when it is wrong.
        let wrong = webhook::sign(b"other", &body);
        assert!(matches!(
            webhook::verify_and_parse(secret, &body, Some(&wrong)),
            Err(webhook::WebhookError::Signature(VerifyError::Mismatch))
        ));
    }
}

/// The typed event as JSON: the members `parse_json` promises, from the typed accessors and the
/// typed models' own serialization.
fn typed_event_json(event: &webhook::WebhookEvent) -> Value {
    use webhook::WebhookEvent as E;
    let mut v = serde_json::json!({
        "type": event.event_type(),
        "event_type": event.event_type(),
        "account_id": event.account_id(),
        "resource_id": event.resource_id(),
    });
    match event {
        E::AccountUpdated { account, .. }
        | E::AccountPlanDowngraded { account, .. }
        | E::AccountPlanUpgraded { account, .. } => {
            v["account"] = serde_json::to_value(account).unwrap()
        }
        E::OrderCreated { order, .. } | E::OrderUpdated { order, .. } => {
            v["order"] = serde_json::to_value(order).unwrap()
        }
        E::ProductCreated { product, .. } | E::ProductUpdated { product, .. } => {
            v["product"] = serde_json::to_value(product).unwrap()
        }
        E::AccountDeauthorized { id, .. } | E::ProductDeleted { id, .. } => {
            v["id"] = id.as_str().into()
        }
        E::Unknown { payload, .. } => {
            v["type"] = "unknown".into();
            v["payload"] = payload.clone();
        }
        other => panic!("an event this test does not know: {other:?}"),
    }
    v
}

#[test]
fn parse_json_is_the_typed_event_as_json() {
    let v = vectors();
    let mut bodies: Vec<(String, Vec<u8>)> = v["parse_cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_owned(),
                spec_bytes(&c["body"]),
            )
        })
        .collect();
    // Every known event type, in each payload shape.
    for t in [
        "account.updated",
        "account.plan.downgraded",
        "account.plan.upgraded",
        "account.deauthorized",
        "account.closed",
        "order.created",
        "order.updated",
        "product.created",
        "product.updated",
        "product.deleted",
    ] {
        for payload in [
            r#"{"id":5,"name":"Flat","price":"1.50","position":"2"}"#,
            r#"{"type":"x","id":"5","attributes":{"name":"Bare","total":12.5}}"#,
            r#"{"data":{"type":"orders","id":"5","attributes":{"total":"3.0"},"relationships":{"items":{"data":[{"type":"order_line_items","id":"1"}]}}},"included":[{"type":"order_line_items","id":"1","attributes":{"quantity":"2"}}]}"#,
        ] {
            bodies.push((
                t.to_owned(),
                format!(r#"{{"account_id":"9","type":"{t}","payload":{payload}}}"#).into_bytes(),
            ));
        }
    }
    for (name, body) in bodies {
        match (webhook::parse(&body), webhook::parse_json(&body)) {
            (Ok(typed), Ok(json)) => {
                let json: Value = serde_json::from_str(&json).unwrap();
                assert_eq!(json, typed_event_json(&typed), "{name}");
            }
            (Err(a), Err(b)) => assert_eq!(
                std::mem::discriminant(&a),
                std::mem::discriminant(&b),
                "{name}: {a} / {b}"
            ),
            (a, b) => panic!("{name}: typed {a:?}, json {b:?}"),
        }
    }
}
