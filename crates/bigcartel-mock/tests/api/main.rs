//! The wire contract: headers, errors, CRUD with state checks, filters,
//! search, sort, pagination, OAuth, canned responses and determinism.

mod catalog;
mod control;
mod discounts;
mod headers;
mod oauth;
mod observed;
mod orders;

#[path = "../common/mod.rs"]
mod common;

use bigcartel_mock::{CannedResponse, MEDIA_TYPE, MockConfig};
use common::*;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn ids(doc: &Value) -> Vec<String> {
    doc["data"]
        .as_array()
        .expect("data list")
        .iter()
        .map(|r| r["id"].as_str().expect("string id").to_string())
        .collect()
}

/// No JSON number in the document has a fraction or exponent: money and
/// coordinates are strings, everything else is an integer.
fn assert_no_floats(v: &Value) {
    match v {
        Value::Number(n) => {
            let s = n.to_string();
            assert!(!s.contains(['.', 'e', 'E']), "float {s} in response");
        }
        Value::Array(a) => a.iter().for_each(assert_no_floats),
        Value::Object(o) => o.values().for_each(assert_no_floats),
        _ => {}
    }
}

fn cents(s: &Value) -> i64 {
    bigcartel_mock::money::parse(s).unwrap_or_else(|| panic!("money string, got {s}"))
}
