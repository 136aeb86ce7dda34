//! End to end against the stateful mock (`bigcommerce-mock`, on 127.0.0.1): every operation, the
//! totals as items change, the empty-cart 204, conflicts (409), validation errors (422), missing
//! carts (404), coupons and retries through the mock's faults.
//!
//! Expected amounts are worked out here from the mock's catalog prices (its inputs): Classic Tee
//! $25.00 ($27.00 in Large), Field Guide (PDF) $12.50, Canvas Tote $18.00 on sale at $15.00 with
//! 10% off as a product promotion, Wall Calendar $5.00 with 3 in stock; 5% off carts from $100
//! (after product discounts); coupon SAVE5 takes $5 off.

// Amounts in cents are grouped as dollars_cents (`112_50` is $112.50).
#![allow(clippy::inconsistent_digit_grouping)]

use bigcommerce_carts::models::*;
use bigcommerce_carts::money::to_cents;
use bigcommerce_carts::{ApiErrorKind, Client, Error, Include, RetryPolicy};
use bigcommerce_mock::{Faults, MockConfig, MockServer};
use std::time::Duration;

async fn setup() -> (MockServer, Client) {
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    let client = Client::builder(server.store_hash(), server.token())
        .base_url(server.url())
        .retry(RetryPolicy {
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(50),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    (server, client)
}

fn item(product_id: i64, variant_id: Option<i64>, quantity: i64) -> LineItemRequest {
    LineItemRequest {
        product_id,
        variant_id,
        quantity,
        list_price: None,
        option_selections: vec![],
    }
}

fn select(
    option_id: i64,
    value: impl Into<ProductOptionSelectionOptionValue>,
) -> ProductOptionSelection {
    ProductOptionSelection {
        option_id,
        option_value: value.into(),
    }
}

fn text(s: &str) -> ProductOptionSelectionOptionValue {
    ProductOptionSelectionOptionValue::String(s.into())
}

fn gift(amount: f64) -> GiftCertificateRequest {
    GiftCertificateRequest {
        name: "Birthday card".into(),
        theme: GiftCertificateRequestTheme::Birthday,
        amount,
        quantity: 1,
        sender: ContactEntity {
            name: Some("Jane".into()),
            email: Some("jane@example.com".into()),
        },
        recipient: ContactEntity {
            name: Some("Joe".into()),
            email: Some("joe@example.com".into()),
        },
        message: Some("Happy birthday".into()),
    }
}

fn cents(v: Option<f64>) -> i64 {
    to_cents(v.expect("an amount")).expect("a finite amount")
}

fn items(cart: &Cart) -> LineItems {
    cart.line_items.clone().unwrap_or_default()
}

/// The cart's own arithmetic: its base is its lines, its total is the base minus discounts.
fn check_consistent(cart: &Cart) {
    let li = items(cart);
    let mut lines = 0;
    let mut item_discounts = 0;
    for (list, qty, ext_list, discount, ext_sale) in li
        .physical_items
        .iter()
        .map(|i| {
            (
                i.list_price,
                i.quantity,
                i.extended_list_price,
                i.discount_amount,
                i.extended_sale_price,
            )
        })
        .chain(li.digital_items.iter().map(|i| {
            (
                i.list_price,
                i.quantity,
                i.extended_list_price,
                i.discount_amount,
                i.extended_sale_price,
            )
        }))
    {
        assert_eq!(cents(list) * qty.unwrap(), cents(ext_list));
        assert_eq!(cents(ext_list) - cents(discount), cents(ext_sale));
        lines += cents(ext_list);
        item_discounts += cents(discount);
    }
    for g in &li.gift_certificates {
        lines += cents(g.amount) * g.quantity.unwrap();
    }
    assert_eq!(cents(cart.base_amount), lines, "base amount");
    let coupons: i64 = cart
        .coupons
        .iter()
        .map(|c| cents(c.discounted_amount))
        .sum();
    assert_eq!(
        cents(cart.cart_amount),
        lines - item_discounts - cents(cart.discount_amount) - coupons,
        "cart amount"
    );
}

#[tokio::test]
async fn a_cart_through_its_whole_life() {
    let (server, client) = setup().await;

    // Physical (variant by id), digital, and a gift certificate, in euros.
    let created = client
        .create_cart(
            &CartCreateRequest {
                customer_id: Some(0),
                line_items: vec![item(77, Some(102), 2), item(107, None, 1)],
                gift_certificates: vec![gift(50.0)],
                currency: Some(Currency {
                    code: Some("EUR".into()),
                }),
                locale: Some("en-IE".into()),
                channel_id: None,
            },
            &[Include::RedirectUrls],
        )
        .await
        .unwrap();
    let cart_id = created.id.clone().unwrap();
    check_consistent(&created);
    assert_eq!(
        created.currency.as_ref().unwrap().code.as_deref(),
        Some("EUR")
    );
    // 2 x 25.00 + 12.50 + 50.00 = 112.50; 5% off from $100: 5.625 rounds to 5.63.
    assert_eq!(cents(created.base_amount), 112_50);
    assert_eq!(cents(created.discount_amount), 5_63);
    assert_eq!(cents(created.cart_amount), 106_87);
    assert!(
        created
            .redirect_urls
            .as_ref()
            .unwrap()
            .checkout_url
            .as_deref()
            .unwrap()
            .contains(&cart_id)
    );
    let li = items(&created);
    assert_eq!(li.physical_items.len(), 1);
    assert_eq!(li.digital_items.len(), 1);
    assert_eq!(li.gift_certificates.len(), 1);
    assert_eq!(li.physical_items[0].sku.as_deref(), Some("TEE-M"));
    assert!(!li.digital_items[0].download_file_urls.is_empty());
    // Without the include, no options.
    assert!(li.physical_items[0].options.is_empty());
    assert_eq!(created.version, Some(1));

    // Options only with the include.
    let got = client
        .get_cart(&cart_id, Include::item_options())
        .await
        .unwrap();
    let size = &items(&got).physical_items[0].options[0];
    assert_eq!(
        (size.name.as_deref(), size.value.as_deref()),
        (Some("Size"), Some("Medium"))
    );
    assert_eq!((size.name_id, size.value_id), (Some(10), Some(1002)));

    // The same tee again grows its line; a large one by option (and a $5 donation modifier) is a
    // new line at 27.00 + 5.00.
    let after = client
        .add_cart_line_items(
            &cart_id,
            &CartAddItemsRequest {
                line_items: vec![
                    item(77, Some(102), 1),
                    LineItemRequest {
                        option_selections: vec![
                            select(10, 1003),
                            select(12, text("1201")),
                            select(11, text("For Joe")),
                        ],
                        ..item(77, None, 1)
                    },
                ],
                gift_certificates: vec![],
                version: Some(1),
            },
            Include::item_options(),
        )
        .await
        .unwrap();
    check_consistent(&after);
    let physical = items(&after).physical_items;
    assert_eq!(physical.len(), 2);
    assert_eq!(physical[0].quantity, Some(3));
    assert_eq!(physical[1].variant_id, Some(103));
    assert_eq!(cents(physical[1].list_price), 32_00);
    let options: Vec<_> = physical[1]
        .options
        .iter()
        .map(|o| o.value.clone().unwrap())
        .collect();
    assert_eq!(options, ["Large", "For Joe", "Yes"]);
    // 75.00 + 32.00 + 12.50 + 50.00 = 169.50; 5% = 8.475 -> 8.48.
    assert_eq!(cents(after.base_amount), 169_50);
    assert_eq!(cents(after.cart_amount), 169_50 - 8_48);
    assert_eq!(after.version, Some(2));

    // The customer: the API answers 201 to this PUT.
    let updated = client
        .update_cart(
            &cart_id,
            &CartUpdateRequest {
                customer_id: 42,
                version: Some(2),
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.customer_id, Some(42));

    // A quantity change moves the totals.
    let tee_id = physical[0].id.clone().unwrap();
    let changed = client
        .update_cart_line_item(
            &cart_id,
            &tee_id,
            &CartLineItemUpdateRequest {
                line_item: Some(item(77, Some(102), 1)),
                gift_certificate: None,
                version: None,
            },
            &[],
        )
        .await
        .unwrap();
    check_consistent(&changed);
    assert_eq!(cents(changed.base_amount), 169_50 - 2 * 25_00);

    // Redirect URLs.
    let urls = client.create_cart_redirect_url(&cart_id).await.unwrap();
    assert!(urls.cart_url.unwrap().contains(&cart_id));
    assert!(urls.checkout_url.unwrap().contains("loadInCheckout"));

    // Remove items one by one: the cart answers until the last, which deletes it (204).
    let li = items(&changed);
    let mut ids: Vec<String> = li
        .physical_items
        .iter()
        .filter_map(|i| i.id.clone())
        .chain(li.digital_items.iter().filter_map(|i| i.id.clone()))
        .chain(li.gift_certificates.iter().filter_map(|g| g.id.clone()))
        .collect();
    assert_eq!(ids.len(), 4);
    let last = ids.pop().unwrap();
    for id in ids {
        let remaining = client
            .delete_cart_line_item(&cart_id, &id, &[])
            .await
            .unwrap();
        check_consistent(&remaining.expect("items are left, so the cart is returned"));
    }
    let gone = client
        .delete_cart_line_item(&cart_id, &last, &[])
        .await
        .unwrap();
    assert!(gone.is_none(), "removing the last item deletes the cart");
    assert!(!server.cart_exists(&cart_id));
    let err = client.get_cart(&cart_id, &[]).await.unwrap_err();
    assert_eq!(err.api_kind(), Some(ApiErrorKind::NotFound));
    assert_eq!(server.count("deleteCartLineItem"), 4);
}

#[tokio::test]
async fn promotions_sale_prices_and_coupons() {
    let (server, client) = setup().await;
    // The tote: sale price 15.00 is its list price; 10% product promotion on 3 = 4.50.
    let cart = client
        .create_cart(
            &CartCreateRequest {
                line_items: vec![item(118, None, 3)],
                ..Default::default()
            },
            &[],
        )
        .await
        .unwrap();
    check_consistent(&cart);
    let tote = &items(&cart).physical_items[0];
    assert_eq!(cents(tote.original_price), 18_00);
    assert_eq!(cents(tote.list_price), 15_00);
    assert_eq!(cents(tote.discount_amount), 4_50);
    assert_eq!(cents(tote.extended_sale_price), 40_50);
    assert!(matches!(
        tote.discounts[0].id,
        Some(AppliedDiscountId::Integer(_))
    ));
    assert_eq!(cents(cart.cart_amount), 40_50);

    // A checkout applies a coupon; the cart shows it, and the discount named "coupon".
    let id = cart.id.unwrap();
    server.apply_coupon(&id, "SAVE5").unwrap();
    let cart = client.get_cart(&id, &[]).await.unwrap();
    check_consistent(&cart);
    assert_eq!(cart.coupons[0].code.as_deref(), Some("SAVE5"));
    assert_eq!(cents(cart.coupons[0].discounted_amount), 5_00);
    assert!(
        cart.discounts
            .iter()
            .any(|d| matches!(&d.id, Some(AppliedDiscountId::String(s)) if s == "coupon"))
    );
    assert_eq!(cents(cart.cart_amount), 35_50);

    // An overridden price loses the product promotion.
    let cart = client
        .create_cart(
            &CartCreateRequest {
                line_items: vec![LineItemRequest {
                    list_price: Some(10.0),
                    ..item(118, None, 2)
                }],
                ..Default::default()
            },
            &[],
        )
        .await
        .unwrap();
    check_consistent(&cart);
    assert_eq!(cents(cart.cart_amount), 20_00);
}

#[tokio::test]
async fn conflicts_are_409() {
    let (_server, client) = setup().await;
    let cart = client
        .create_cart(
            &CartCreateRequest {
                line_items: vec![item(77, Some(101), 1)],
                ..Default::default()
            },
            &[],
        )
        .await
        .unwrap();
    let id = cart.id.clone().unwrap();
    let line = items(&cart).physical_items[0].id.clone().unwrap();

    // Another variant for an existing line: the docs say remove it and add the other one.
    let err = client
        .update_cart_line_item(
            &id,
            &line,
            &CartLineItemUpdateRequest {
                line_item: Some(item(77, Some(103), 1)),
                ..Default::default()
            },
            &[],
        )
        .await
        .unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.kind, ApiErrorKind::Conflict);
    assert!(
        api.title.as_deref().unwrap().contains("cannot change"),
        "{err}"
    );
    // Another product, too.
    let err = client
        .update_cart_line_item(
            &id,
            &line,
            &CartLineItemUpdateRequest {
                line_item: Some(item(118, None, 1)),
                ..Default::default()
            },
            &[],
        )
        .await
        .unwrap_err();
    assert_eq!(err.api_kind(), Some(ApiErrorKind::Conflict));

    // A stale version.
    let err = client
        .update_cart(
            &id,
            &CartUpdateRequest {
                customer_id: 5,
                version: Some(99),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.api_kind(), Some(ApiErrorKind::Conflict));
    // Nothing changed.
    let cart = client.get_cart(&id, &[]).await.unwrap();
    assert_eq!((cart.customer_id, cart.version), (Some(0), Some(1)));
    assert_eq!(items(&cart).physical_items[0].variant_id, Some(101));
}

#[tokio::test]
async fn validation_errors_are_422_with_fields() {
    let (_server, client) = setup().await;
    let err = client
        .create_cart(
            &CartCreateRequest {
                line_items: vec![item(77, None, 1), item(9999, None, 1), item(107, None, 0)],
                gift_certificates: vec![gift(5000.0)],
                currency: Some(Currency {
                    code: Some("XXX".into()),
                }),
                ..Default::default()
            },
            &[],
        )
        .await
        .unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.kind, ApiErrorKind::Validation);
    let fields: Vec<&str> = api.errors.keys().map(String::as_str).collect();
    assert_eq!(
        fields,
        [
            "currency.code",
            "gift_certificates.0.amount",
            "line_items.0.variant_id",
            "line_items.1.product_id",
            "line_items.2.quantity",
        ],
        "{err}"
    );

    // Stock: 3 calendars, across lines.
    let cart = client
        .create_cart(
            &CartCreateRequest {
                line_items: vec![item(126, None, 2)],
                ..Default::default()
            },
            &[],
        )
        .await
        .unwrap();
    let id = cart.id.unwrap();
    let err = client
        .add_cart_line_items(
            &id,
            &CartAddItemsRequest {
                line_items: vec![item(126, None, 2)],
                ..Default::default()
            },
            &[],
        )
        .await
        .unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert!(
        api.errors["line_items.0.quantity"].contains("only 3"),
        "{err}"
    );
    // Options that are not the product's.
    let err = client
        .add_cart_line_items(
            &id,
            &CartAddItemsRequest {
                line_items: vec![LineItemRequest {
                    option_selections: vec![select(10, 4242)],
                    ..item(77, None, 1)
                }],
                ..Default::default()
            },
            &[],
        )
        .await
        .unwrap_err();
    assert_eq!(err.api_kind(), Some(ApiErrorKind::Validation));
    assert!(
        err.to_string()
            .contains("line_items.0.option_selections.0.option_value"),
        "{err}"
    );
}

#[tokio::test]
async fn missing_carts_and_items_are_404() {
    let (_server, client) = setup().await;
    for err in [
        client.get_cart("no-such-cart", &[]).await.unwrap_err(),
        client.delete_cart("no-such-cart").await.unwrap_err(),
        client
            .create_cart_redirect_url("no-such-cart")
            .await
            .unwrap_err(),
        client
            .delete_cart_line_item("no-such-cart", "x", &[])
            .await
            .unwrap_err(),
    ] {
        assert_eq!(err.api_kind(), Some(ApiErrorKind::NotFound), "{err}");
    }
    let cart = client
        .create_cart(
            &CartCreateRequest {
                line_items: vec![item(107, None, 1)],
                ..Default::default()
            },
            &[],
        )
        .await
        .unwrap();
    let id = cart.id.unwrap();
    let err = client
        .delete_cart_line_item(&id, "no-such-item", &[])
        .await
        .unwrap_err();
    assert_eq!(err.api_kind(), Some(ApiErrorKind::NotFound));
    client.delete_cart(&id).await.unwrap();
    let err = client.get_cart(&id, &[]).await.unwrap_err();
    assert_eq!(err.api_kind(), Some(ApiErrorKind::NotFound));
}

#[tokio::test]
async fn retries_go_through_the_cores_loop() {
    let (server, client) = setup().await;
    let cart = client
        .create_cart(
            &CartCreateRequest {
                line_items: vec![item(107, None, 1)],
                ..Default::default()
            },
            &[],
        )
        .await
        .unwrap();
    let id = cart.id.unwrap();

    // Two 503s with Retry-After: 0, then the cart.
    server.set_faults(Faults {
        status: 503,
        count: 2,
        retry_after: Some(0),
        operation: Some("getCart".into()),
    });
    client.get_cart(&id, &[]).await.unwrap();
    assert_eq!(server.count("getCart"), 3);

    // A failed create is not resent: one request, one error, no cart.
    server.set_faults(Faults {
        status: 503,
        count: 1,
        ..Faults::default()
    });
    let before = server.count("createCart");
    let err = client
        .create_cart(
            &CartCreateRequest {
                line_items: vec![item(107, None, 1)],
                ..Default::default()
            },
            &[],
        )
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.count("createCart"), before + 1);

    // A wrong token is 401 and not retried.
    let bad = Client::builder(server.store_hash(), "wrong-token")
        .base_url(server.url())
        .build()
        .unwrap();
    let err = bad.get_cart(&id, &[]).await.unwrap_err();
    assert_eq!(err.api_kind(), Some(ApiErrorKind::Unauthorized));
    assert!(!err.to_string().contains("wrong-token"));
}
