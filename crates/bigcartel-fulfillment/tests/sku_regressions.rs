//! Inputs fuzzing found, kept as regressions.

use bigcartel_fulfillment::sku::{SkuError, SkuRules, derive_sku};

#[test]
fn an_option_name_with_a_line_break_is_refused_not_joined() {
    let err = derive_sku(
        Some("Tee. SKU:TEE-"),
        Some("LARGE\nX"),
        &SkuRules::default(),
    )
    .unwrap_err();
    assert!(matches!(err, SkuError::BadOptionName { .. }), "{err:?}");
    let err = derive_sku(Some("Tee. SKU:TEE-"), Some("L\u{7}"), &SkuRules::default()).unwrap_err();
    assert!(matches!(err, SkuError::BadOptionName { .. }), "{err:?}");
    assert_eq!(
        derive_sku(Some("Tee. SKU:TEE-"), Some("LARGE"), &SkuRules::default()).unwrap(),
        "TEE-LARGE"
    );
}
