//! Fuzzes the fulfillment engine's pure rules: SKU derivation from arbitrary descriptions and
//! option names, and shipping codes from arbitrary country strings. Typed errors, never a panic.
#![no_main]

use bigcartel_fulfillment_rules::shipping::{ShippingCode, shipping_code};
use bigcartel_fulfillment_rules::sku::{SkuRules, derive_sku, sku_prefix};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    description: Option<String>,
    option: Option<String>,
    destination: Option<String>,
    home: String,
}

fuzz_target!(|input: Input| {
    let rules = SkuRules::default();
    if let Ok(sku) = derive_sku(input.description.as_deref(), input.option.as_deref(), &rules) {
        // A derived SKU always starts with the description's SKU text.
        let prefix = sku_prefix(input.description.as_deref()).expect("derive_sku succeeded");
        assert!(sku.starts_with(prefix));
        assert!(!sku.contains(['\n', '\r']));
    }
    if let Ok(code) = shipping_code(input.destination.as_deref(), &input.home) {
        // The same country is domestic whatever its case.
        if let Some(d) = &input.destination {
            let same = shipping_code(Some(&d.to_ascii_lowercase()), &input.home.to_ascii_uppercase());
            assert_eq!(same.ok(), Some(code));
        }
        assert!(matches!(code, ShippingCode::Domestic | ShippingCode::International));
    }
});
