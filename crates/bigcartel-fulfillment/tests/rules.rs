//! The SKU and shipping rules and the order → center-order mapping, table-driven.

use std::collections::HashMap;

use bigcartel::models::{Country, Order, OrderLineItem, Product, ProductOption};
use bigcartel_fulfillment::prepare::{
    HoldReason, PrepareRules, fulfillment_order, products_to_fetch,
};
use bigcartel_fulfillment::shipping::{ShippingCode, ShippingError, ShippingRules, shipping_code};
use bigcartel_fulfillment::sku::{SkuError, SkuRules, derive_sku, sku_prefix};

/// (description, option, rules, expected)
type SkuCase<'a> = (
    Option<&'a str>,
    Option<&'a str>,
    &'a SkuRules,
    Result<&'a str, SkuError>,
);

#[test]
fn sku_derivation_table() {
    let rules = SkuRules::default();
    let no_ignore = SkuRules {
        ignore_option_names: vec![],
    };
    let cases: Vec<SkuCase> = vec![
        // The integration doc's example: `SKU:SHIRT-` with options SMALL and X-LARGE.
        (
            Some("Our best shirt.\nSKU:SHIRT-"),
            Some("X-LARGE"),
            &rules,
            Ok("SHIRT-X-LARGE"),
        ),
        (
            Some("Our best shirt.\nSKU:SHIRT-"),
            Some("SMALL"),
            &rules,
            Ok("SHIRT-SMALL"),
        ),
        // No options: the SKU is the text after the marker.
        (Some("Pin. SKU:PIN-01"), None, &rules, Ok("PIN-01")),
        (Some("Pin. SKU:PIN-01"), Some(""), &rules, Ok("PIN-01")),
        (Some("Pin. SKU:PIN-01"), Some("   "), &rules, Ok("PIN-01")),
        // The single option of a product without variants adds nothing...
        (
            Some("Pin. SKU:PIN-01"),
            Some("Default"),
            &rules,
            Ok("PIN-01"),
        ),
        // ...unless configured otherwise.
        (
            Some("Pin. SKU:PIN-"),
            Some("Default"),
            &no_ignore,
            Ok("PIN-Default"),
        ),
        // Surrounding whitespace (a trailing newline, a space after the colon) is not part of it.
        (
            Some("Tee.\n\nSKU: TEE-  \n"),
            Some(" Large "),
            &rules,
            Ok("TEE-Large"),
        ),
        // The last marker wins: earlier mentions of SKU: are text.
        (
            Some("Old SKU:OLD- replaced.\nSKU:NEW-"),
            Some("A4"),
            &rules,
            Ok("NEW-A4"),
        ),
        // Option names are used verbatim (spaces included), as the doc says.
        (
            Some("LP. SKU:LP-7-"),
            Some("Clear Vinyl"),
            &rules,
            Ok("LP-7-Clear Vinyl"),
        ),
        // Errors: held, never submitted.
        (None, Some("SMALL"), &rules, Err(SkuError::NoDescription)),
        (
            Some("A lovely zine."),
            None,
            &rules,
            Err(SkuError::NoMarker),
        ),
        (
            Some("sku:lowercase-"),
            None,
            &rules,
            Err(SkuError::NoMarker),
        ),
        (
            Some("Tee. SKU:"),
            Some("SMALL"),
            &rules,
            Err(SkuError::Empty),
        ),
        (Some("Tee. SKU:   \n "), None, &rules, Err(SkuError::Empty)),
        (
            Some("SKU:TEE-\nWash cold, dry flat."),
            None,
            &rules,
            Err(SkuError::NotAtEnd {
                text: "TEE-\nWash cold, dry flat.".into(),
            }),
        ),
    ];
    for (description, option, rules, expected) in cases {
        let got = derive_sku(description, option, rules);
        assert_eq!(
            got,
            expected.map(str::to_string),
            "description {description:?}, option {option:?}"
        );
    }
}

#[test]
fn sku_errors_explain_the_fix() {
    let e = sku_prefix(Some("no marker here")).unwrap_err();
    assert!(e.to_string().contains("SKU:"), "{e}");
    let e = sku_prefix(Some("SKU:A\nB")).unwrap_err();
    assert!(e.to_string().contains("not at the end"), "{e}");
}

#[test]
fn shipping_code_table() {
    // (destination, home, expected)
    let cases: Vec<(Option<&str>, &str, Result<ShippingCode, ShippingError>)> = vec![
        (Some("US"), "US", Ok(ShippingCode::Domestic)),
        (Some("us"), "US", Ok(ShippingCode::Domestic)),
        (Some(" US "), "us", Ok(ShippingCode::Domestic)),
        (Some("CA"), "US", Ok(ShippingCode::International)),
        (Some("GB"), "US", Ok(ShippingCode::International)),
        (Some("US"), "GB", Ok(ShippingCode::International)),
        (Some("GB"), "GB", Ok(ShippingCode::Domestic)),
        (None, "US", Err(ShippingError::MissingCountry)),
        (Some(""), "US", Err(ShippingError::MissingCountry)),
        (
            Some("USA"),
            "US",
            Err(ShippingError::InvalidCountry("USA".into())),
        ),
        (
            Some("U1"),
            "US",
            Err(ShippingError::InvalidCountry("U1".into())),
        ),
    ];
    for (destination, home, expected) in cases {
        assert_eq!(
            shipping_code(destination, home),
            expected,
            "{destination:?} from {home}"
        );
    }
    assert_eq!(ShippingCode::Domestic.as_str(), "DOMESTIC_DEFAULT");
    assert_eq!(
        ShippingCode::International.as_str(),
        "INTERNATIONAL_DEFAULT"
    );
    assert_eq!(
        ShippingCode::from_name("DOMESTIC_DEFAULT"),
        Some(ShippingCode::Domestic)
    );
    assert_eq!(ShippingCode::from_name("domestic_default"), None);
    assert!(ShippingRules::new("United States").is_err());
}

#[test]
fn codes_map_to_configured_services() {
    let rules = ShippingRules::new("de")
        .unwrap()
        .with_service(ShippingCode::Domestic, "DHL_PAKET")
        .with_service(ShippingCode::International, "DHL_WORLD");
    assert_eq!(rules.home_country(), "DE");
    let cases = [
        ("DE", "DOMESTIC_DEFAULT", "DHL_PAKET"),
        ("FR", "INTERNATIONAL_DEFAULT", "DHL_WORLD"),
    ];
    for (country, code, service) in cases {
        let m = rules.method(Some(country)).unwrap();
        assert_eq!(
            (m.code.as_str(), m.service.as_deref()),
            (code, Some(service))
        );
    }
}

fn line(id: &str, product: Product, option: Option<&str>, quantity: Option<i64>) -> OrderLineItem {
    let mut value = OrderLineItem::default();
    value.id = id.into();
    value.quantity = quantity;
    value.product_name = product.name.clone();
    value.product = Some(Box::new(product));
    value.product_option = option.map(|o| {
        Box::new({
            let mut value = ProductOption::default();
            value.id = format!("opt-{id}");
            value.name = Some(o.into());
            value
        })
    });
    value
}

fn stub(id: &str) -> Product {
    let mut value = Product::default();
    value.id = id.into();
    value
}

fn order(country: Option<&str>, items: Vec<OrderLineItem>) -> Order {
    let mut value = Order::default();
    value.id = "1001".into();
    value.payment_status = Some("completed".into());
    value.shipping_status = Some("unshipped".into());
    value.customer_first_name = Some("Ana".into());
    value.customer_last_name = Some("Silva".into());
    value.customer_email = Some("ana@example.com".into());
    value.shipping_address_1 = Some("12 Main St".into());
    value.shipping_city = Some("Portland".into());
    value.shipping_state = Some("OR".into());
    value.shipping_zip = Some("97214".into());
    value.shipping_country = country.map(|c| {
        Box::new({
            let mut value = Country::default();
            value.id = c.into();
            value
        })
    });
    value.items = items;
    value
}

#[test]
fn order_mapping_table() {
    let sku = SkuRules::default();
    let shipping = ShippingRules::new("US")
        .unwrap()
        .with_service(ShippingCode::Domestic, "USPS_PRIORITY");
    let rules = PrepareRules {
        account_id: "12345",
        sku: &sku,
        shipping: &shipping,
        require_paid: true,
    };
    // Product 1 is fetched (list responses link products without their description); product 2
    // came with its description; product 3 no longer exists; product 4 has no SKU.
    let descriptions: HashMap<String, Option<String>> = HashMap::from([
        ("1".into(), Some("Heavy tee.\n\nSKU:SHIRT-".into())),
        ("4".into(), Some("A zine without a code.".into())),
    ]);
    let with_desc = {
        let mut value = Product::default();
        value.id = "2".into();
        value.name = Some("Pin".into());
        value.description = Some("Enamel. SKU:PIN-9".into());
        value
    };

    let ok = order(
        Some("US"),
        vec![
            line("a", stub("1"), Some("X-LARGE"), Some(2)),
            line("b", with_desc.clone(), Some("Default"), Some(1)),
        ],
    );
    assert_eq!(products_to_fetch(&ok), vec!["1".to_string()]);
    let fo = fulfillment_order(&ok, &descriptions, &rules).unwrap();
    let skus: Vec<(&str, i64)> = fo
        .lines
        .iter()
        .map(|l| (l.sku.as_str(), l.quantity))
        .collect();
    assert_eq!(skus, vec![("SHIRT-X-LARGE", 2), ("PIN-9", 1)]);
    assert_eq!(fo.shipping_code, "DOMESTIC_DEFAULT");
    assert_eq!(fo.carrier_service.as_deref(), Some("USPS_PRIORITY"));
    assert_eq!(fo.recipient.name, "Ana Silva");
    assert_eq!(fo.recipient.country, "US");
    assert_eq!(
        (fo.account_id.as_str(), fo.order_id.as_str()),
        ("12345", "1001")
    );

    let abroad = order(
        Some("jp"),
        vec![line("a", stub("1"), Some("SMALL"), Some(1))],
    );
    let fo = fulfillment_order(&abroad, &descriptions, &rules).unwrap();
    assert_eq!(
        (fo.shipping_code.as_str(), fo.carrier_service),
        ("INTERNATIONAL_DEFAULT", None)
    );
    assert_eq!(fo.recipient.country, "JP");

    // A line already shipped (quantity_unshipped 0) is left out.
    let mut partly = order(
        Some("US"),
        vec![line("a", stub("1"), Some("SMALL"), Some(1))],
    );
    let mut shipped_line = line("b", stub("4"), None, Some(1));
    shipped_line.quantity_unshipped = Some(0);
    partly.items.push(shipped_line);
    assert_eq!(
        fulfillment_order(&partly, &descriptions, &rules)
            .unwrap()
            .lines
            .len(),
        1
    );

    // Held, with the reason.
    let mut unpaid = ok.clone();
    unpaid.payment_status = Some("pending".into());
    let mut no_address = ok.clone();
    no_address.shipping_address_1 = Some("  ".into());
    let mut no_product = ok.clone();
    no_product.items[0].product = None;
    let cases: Vec<(&str, Order, HoldReason)> = vec![
        ("unpaid", unpaid, HoldReason::Unpaid("pending".into())),
        ("no address", no_address, HoldReason::NoAddress),
        (
            "no country",
            order(None, vec![line("a", stub("1"), None, Some(1))]),
            HoldReason::Shipping(ShippingError::MissingCountry),
        ),
        ("no items", order(Some("US"), vec![]), HoldReason::NoItems),
        ("no product", no_product, HoldReason::NoProduct("a".into())),
        (
            "product gone",
            order(Some("US"), vec![line("a", stub("3"), None, Some(1))]),
            HoldReason::ProductGone("3".into()),
        ),
        (
            "no SKU",
            order(Some("US"), vec![line("a", stub("4"), Some("A4"), Some(1))]),
            HoldReason::Sku {
                product_id: "4".into(),
                product_name: String::new(),
                error: SkuError::NoMarker,
            },
        ),
        (
            "zero quantity",
            order(Some("US"), vec![line("a", stub("1"), None, Some(0))]),
            HoldReason::BadQuantity {
                line_item_id: "a".into(),
                quantity: Some(0),
            },
        ),
        (
            "no quantity",
            order(Some("US"), vec![line("a", stub("1"), None, None)]),
            HoldReason::BadQuantity {
                line_item_id: "a".into(),
                quantity: None,
            },
        ),
    ];
    for (name, o, expected) in cases {
        assert_eq!(
            fulfillment_order(&o, &descriptions, &rules),
            Err(expected),
            "{name}"
        );
    }

    // Without require_paid, an unpaid order goes through.
    let mut unpaid = ok.clone();
    unpaid.payment_status = Some("pending".into());
    let lenient = PrepareRules {
        require_paid: false,
        ..rules.clone()
    };
    assert!(fulfillment_order(&unpaid, &descriptions, &lenient).is_ok());
}
