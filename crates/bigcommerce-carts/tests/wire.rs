//! Every operation on the wire, against a local HTTP server: method, path under
//! `/stores/{store_hash}/v3`, the `include` comma list, headers (X-Auth-Token, Accept,
//! Content-Type, User-Agent, no progenitor `api-version`), the JSON body; then how answers become
//! results: the 204 of the last line item, error documents, retries, secrets.

use bigcommerce_carts::models::*;
use bigcommerce_carts::{ApiErrorKind, Client, Error, Include, RetryPolicy, TransportKind};
use serde_json::{Value, json};
use std::time::Duration;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "tok-wire-secret";
const STORE: &str = "abc123";
const CART: &str = "bc218c65-7a32-4ab7-8082-68730c074d02";
const ITEM: &str = "6e193ce6-f327-4dcc-b75e-72cf6738525e";

fn cart_json() -> Value {
    json!({
        "id": CART,
        "customer_id": 11,
        "currency": { "code": "USD" },
        "tax_included": false,
        "base_amount": 189.75,
        "discount_amount": 0,
        "cart_amount": 212.81,
        "coupons": [ { "id": "6", "code": "SAVE5", "coupon_type": "2", "discounted_amount": 5 } ],
        "discounts": [ { "id": 2, "discounted_amount": 2 }, { "id": "coupon", "discounted_amount": 0.42 } ],
        "line_items": {
            "physical_items": [ {
                "id": ITEM, "parent_id": null, "variant_id": 362, "product_id": 191, "sku": "OPENHOUSE-3",
                "name": "Openhouse No. 3", "quantity": 5, "taxable": true,
                "list_price": 27.95, "sale_price": 27.95, "extended_list_price": 139.75,
                "extended_sale_price": 139.75, "is_require_shipping": true,
                "options": [ { "name": "Add a $5 Donation", "nameId": 82, "value": "No", "valueId": 186 } ]
            } ],
            "digital_items": [ { "id": "d1", "product_id": 7, "quantity": 1, "download_file_urls": ["https://x.example/a.pdf"] } ],
            "gift_certificates": [ { "id": "g1", "name": "Happy Birthday", "theme": "Birthday", "amount": 50, "quantity": 1,
                "taxable": false, "sender": { "name": "Jane", "email": "jane@example.com" },
                "recipient": { "name": "Joe", "email": "joe@example.com" }, "message": "Happy Birthday!" } ],
            "custom_items": []
        },
        "created_time": "2018-09-17T14:27:39+00:00",
        "updated_time": "2018-09-17T14:53:40+00:00",
        "version": 3
    })
}

fn envelope(data: Value) -> Value {
    json!({ "data": data, "meta": {} })
}

async fn server_answering(status: u16, body: Option<Value>) -> MockServer {
    let server = MockServer::start().await;
    let mut t = ResponseTemplate::new(status);
    if let Some(b) = body {
        t = t.set_body_json(b);
    }
    Mock::given(any()).respond_with(t).mount(&server).await;
    server
}

fn client(server: &MockServer) -> Client {
    Client::builder(STORE, TOKEN)
        .base_url(server.uri())
        .user_agent("WireTest (wire@example.com)")
        .retry(RetryPolicy {
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(50),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

async fn only_request(server: &MockServer) -> Request {
    let mut reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 1, "expected exactly one request");
    reqs.remove(0)
}

fn header<'a>(r: &'a Request, name: &str) -> Option<&'a str> {
    r.headers.get(name).and_then(|v| v.to_str().ok())
}

/// What every request must carry; returns the query's `include`.
fn common(r: &Request, method: &str, path: &str, body: Option<Value>) -> Option<String> {
    assert_eq!(r.method.as_str(), method);
    assert_eq!(r.url.path(), format!("/stores/{STORE}/v3{path}"));
    assert_eq!(header(r, "x-auth-token"), Some(TOKEN));
    assert_eq!(header(r, "accept"), Some("application/json"));
    assert_eq!(header(r, "user-agent"), Some("WireTest (wire@example.com)"));
    assert!(
        r.headers.get("api-version").is_none(),
        "progenitor's api-version header must be removed"
    );
    assert!(r.headers.get("authorization").is_none());
    match body {
        Some(expected) => {
            assert_eq!(header(r, "content-type"), Some("application/json"));
            let sent: Value = serde_json::from_slice(&r.body).unwrap();
            assert_eq!(sent, expected);
        }
        None => assert!(r.body.is_empty(), "no body expected"),
    }
    r.url
        .query_pairs()
        .find(|(k, _)| k == "include")
        .map(|(_, v)| v.into_owned())
}

fn tee(quantity: i64) -> LineItemRequest {
    LineItemRequest {
        product_id: 77,
        variant_id: Some(102),
        quantity,
        list_price: None,
        option_selections: vec![
            ProductOptionSelection {
                option_id: 11,
                option_value: ProductOptionSelectionOptionValue::String("Hi".into()),
            },
            ProductOptionSelection {
                option_id: 12,
                option_value: 1201.into(),
            },
        ],
    }
}

fn gift() -> GiftCertificateRequest {
    GiftCertificateRequest {
        name: "Happy Birthday".into(),
        theme: GiftCertificateRequestTheme::Birthday,
        amount: 50.0,
        quantity: 1,
        sender: ContactEntity {
            name: Some("Jane".into()),
            email: Some("jane@example.com".into()),
        },
        recipient: ContactEntity {
            name: Some("Joe".into()),
            email: Some("joe@example.com".into()),
        },
        message: Some("Happy Birthday!".into()),
    }
}

#[tokio::test]
async fn create_cart() {
    let s = server_answering(201, Some(envelope(cart_json()))).await;
    let body = CartCreateRequest {
        customer_id: Some(11),
        line_items: vec![tee(2)],
        gift_certificates: vec![gift()],
        currency: Some(Currency {
            code: Some("USD".into()),
        }),
        locale: Some("en-US".into()),
        channel_id: None,
    };
    let cart = client(&s)
        .create_cart(&body, &[Include::RedirectUrls])
        .await
        .unwrap();
    assert_eq!(cart.id.as_deref(), Some(CART));
    let include = common(
        &only_request(&s).await,
        "POST",
        "/carts",
        Some(json!({
            "customer_id": 11,
            "line_items": [ { "product_id": 77, "variant_id": 102, "quantity": 2,
                "option_selections": [ { "option_id": 11, "option_value": "Hi" }, { "option_id": 12, "option_value": 1201 } ] } ],
            "gift_certificates": [ { "name": "Happy Birthday", "theme": "Birthday", "amount": 50.0, "quantity": 1,
                "sender": { "name": "Jane", "email": "jane@example.com" },
                "recipient": { "name": "Joe", "email": "joe@example.com" }, "message": "Happy Birthday!" } ],
            "currency": { "code": "USD" },
            "locale": "en-US"
        })),
    );
    assert_eq!(include.as_deref(), Some("redirect_urls"));
}

#[tokio::test]
async fn get_cart_with_options_decodes_every_kind_of_item() {
    let s = server_answering(200, Some(envelope(cart_json()))).await;
    let cart = client(&s)
        .get_cart(CART, Include::item_options())
        .await
        .unwrap();
    let include = common(
        &only_request(&s).await,
        "GET",
        &format!("/carts/{CART}"),
        None,
    );
    // One comma list, not repeated parameters.
    assert_eq!(
        include.as_deref(),
        Some("line_items.physical_items.options,line_items.digital_items.options")
    );
    let items = cart.line_items.unwrap();
    let tee = &items.physical_items[0];
    assert_eq!(tee.options[0].name_id, Some(82));
    assert_eq!(tee.options[0].value_id, Some(186));
    assert_eq!(tee.list_price, Some(27.95));
    assert_eq!(
        items.digital_items[0].download_file_urls,
        ["https://x.example/a.pdf"]
    );
    assert_eq!(
        items.gift_certificates[0].theme.as_deref(),
        Some("Birthday")
    );
    assert_eq!(cart.coupons[0].code.as_deref(), Some("SAVE5"));
    // Discount ids are numbers or names.
    assert!(matches!(
        cart.discounts[0].id,
        Some(AppliedDiscountId::Integer(2))
    ));
    assert!(matches!(&cart.discounts[1].id, Some(AppliedDiscountId::String(s)) if s == "coupon"));
    assert_eq!(cart.version, Some(3));
    assert!(cart.created_time.is_some());

    // Without include, no query string at all.
    let s = server_answering(200, Some(envelope(cart_json()))).await;
    client(&s).get_cart(CART, &[]).await.unwrap();
    assert_eq!(
        common(
            &only_request(&s).await,
            "GET",
            &format!("/carts/{CART}"),
            None
        ),
        None
    );
}

#[tokio::test]
async fn update_cart_answers_201() {
    let s = server_answering(201, Some(envelope(cart_json()))).await;
    let cart = client(&s)
        .update_cart(
            CART,
            &CartUpdateRequest {
                customer_id: 11,
                version: Some(2),
            },
        )
        .await
        .unwrap();
    assert_eq!(cart.customer_id, Some(11));
    common(
        &only_request(&s).await,
        "PUT",
        &format!("/carts/{CART}"),
        Some(json!({ "customer_id": 11, "version": 2 })),
    );
}

#[tokio::test]
async fn delete_cart() {
    let s = server_answering(204, None).await;
    client(&s).delete_cart(CART).await.unwrap();
    common(
        &only_request(&s).await,
        "DELETE",
        &format!("/carts/{CART}"),
        None,
    );
}

#[tokio::test]
async fn add_cart_line_items() {
    let s = server_answering(201, Some(envelope(cart_json()))).await;
    let body = CartAddItemsRequest {
        line_items: vec![tee(1)],
        gift_certificates: vec![],
        version: Some(3),
    };
    client(&s)
        .add_cart_line_items(CART, &body, &[Include::PhysicalItemOptions])
        .await
        .unwrap();
    let include = common(
        &only_request(&s).await,
        "POST",
        &format!("/carts/{CART}/items"),
        Some(json!({
            "line_items": [ { "product_id": 77, "variant_id": 102, "quantity": 1,
                "option_selections": [ { "option_id": 11, "option_value": "Hi" }, { "option_id": 12, "option_value": 1201 } ] } ],
            "version": 3
        })),
    );
    assert_eq!(
        include.as_deref(),
        Some("line_items.physical_items.options")
    );
}

#[tokio::test]
async fn update_cart_line_item() {
    let s = server_answering(200, Some(envelope(cart_json()))).await;
    let body = CartLineItemUpdateRequest {
        line_item: Some(LineItemRequest {
            product_id: 191,
            variant_id: Some(362),
            quantity: 5,
            list_price: Some(20.5),
            option_selections: vec![],
        }),
        gift_certificate: None,
        version: None,
    };
    client(&s)
        .update_cart_line_item(CART, ITEM, &body, &[])
        .await
        .unwrap();
    common(
        &only_request(&s).await,
        "PUT",
        &format!("/carts/{CART}/items/{ITEM}"),
        Some(
            json!({ "line_item": { "product_id": 191, "variant_id": 362, "quantity": 5, "list_price": 20.5 } }),
        ),
    );
}

#[tokio::test]
async fn delete_cart_line_item_200_is_the_cart_and_204_is_a_deleted_cart() {
    let s = server_answering(200, Some(envelope(cart_json()))).await;
    let after = client(&s)
        .delete_cart_line_item(CART, ITEM, Include::item_options())
        .await
        .unwrap();
    assert_eq!(after.unwrap().id.as_deref(), Some(CART));
    common(
        &only_request(&s).await,
        "DELETE",
        &format!("/carts/{CART}/items/{ITEM}"),
        None,
    );

    // The last item: the cart is deleted and the API answers 204 with no body.
    let s = server_answering(204, None).await;
    let after = client(&s)
        .delete_cart_line_item(CART, ITEM, &[])
        .await
        .unwrap();
    assert!(after.is_none());
    common(
        &only_request(&s).await,
        "DELETE",
        &format!("/carts/{CART}/items/{ITEM}"),
        None,
    );
}

#[tokio::test]
async fn create_cart_redirect_url() {
    let s = server_answering(
        201,
        Some(envelope(json!({
            "cart_url": "https://store.example/cart.php?action=load&id=1&token=t",
            "checkout_url": "https://store.example/cart.php?action=loadInCheckout&id=1&token=t",
            "embedded_checkout_url": "https://store.example/cart.php?embedded=1&action=loadInCheckout&id=1&token=t"
        }))),
    )
    .await;
    let urls = client(&s).create_cart_redirect_url(CART).await.unwrap();
    assert!(urls.checkout_url.unwrap().contains("loadInCheckout"));
    common(
        &only_request(&s).await,
        "POST",
        &format!("/carts/{CART}/redirect_urls"),
        None,
    );
}

#[tokio::test]
async fn error_documents_become_typed_errors() {
    let doc = json!({
        "status": 422,
        "title": "The request payload is invalid.",
        "type": "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes",
        "errors": { "line_items.0.quantity": "must be between 1 and 10000", "currency.code": "unknown" }
    });
    let s = server_answering(422, Some(doc)).await;
    let err = client(&s)
        .create_cart(&CartCreateRequest::default(), &[])
        .await
        .unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.kind, ApiErrorKind::Validation);
    assert_eq!(api.operation.id, "createCart");
    assert_eq!(
        api.errors["line_items.0.quantity"],
        "must be between 1 and 10000"
    );
    let text = err.to_string();
    assert!(
        text.contains("createCart") && text.contains("line_items.0.quantity"),
        "{text}"
    );

    let s = server_answering(
        409,
        Some(json!({ "status": 409, "title": "Conflict: version" })),
    )
    .await;
    let err = client(&s)
        .update_cart(
            CART,
            &CartUpdateRequest {
                customer_id: 1,
                version: Some(1),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.api_kind(), Some(ApiErrorKind::Conflict));
    assert_eq!(err.status(), Some(409));

    let s = server_answering(
        404,
        Some(json!({ "status": 404, "title": "Cart not found" })),
    )
    .await;
    let err = client(&s).get_cart(CART, &[]).await.unwrap_err();
    assert_eq!(err.api_kind(), Some(ApiErrorKind::NotFound));
    assert!(err.to_string().contains("Cart not found"));

    // An undeclared error status with an HTML body keeps its start, not a decode failure.
    let s = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(502).set_body_raw("<html>Bad gateway</html>", "text/html"),
        )
        .mount(&s)
        .await;
    let err = client(&s).delete_cart(CART).await.unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.kind, ApiErrorKind::Server);
    assert_eq!(
        api.body_excerpt.as_deref(),
        Some("<html>Bad gateway</html>")
    );
}

#[tokio::test]
async fn undeclared_success_statuses_are_decoded_all_the_same() {
    // updateCart is declared 201; a 200 with the cart is as good.
    let s = server_answering(200, Some(envelope(cart_json()))).await;
    let cart = client(&s)
        .update_cart(
            CART,
            &CartUpdateRequest {
                customer_id: 11,
                version: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(cart.id.as_deref(), Some(CART));
    // deleteCart is declared 204; a 200 with no body is as good.
    let s = server_answering(200, None).await;
    client(&s).delete_cart(CART).await.unwrap();
    // But a 202 with something else than a cart is not.
    let s = server_answering(202, Some(json!([1, 2]))).await;
    let err = client(&s)
        .update_cart(
            CART,
            &CartUpdateRequest {
                customer_id: 11,
                version: None,
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(err.to_string().contains("202"), "{err}");
}

#[tokio::test]
async fn a_success_body_that_is_not_a_cart_is_a_decode_error() {
    let s = server_answering(200, Some(json!({ "data": "nope" }))).await;
    let err = client(&s).get_cart(CART, &[]).await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

#[tokio::test]
async fn reads_retry_and_creates_are_not_sent_twice() {
    // Two 503s, then the cart: a GET is retried by the core's loop.
    let s = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&s)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(cart_json())))
        .mount(&s)
        .await;
    let c = client(&s);
    c.get_cart(CART, &[]).await.unwrap();
    assert_eq!(s.received_requests().await.unwrap().len(), 3);
    assert_eq!(c.stats(), (3, 2));

    // A POST that reached the server is never resent.
    let s = server_answering(503, None).await;
    let c = client(&s);
    let err = c
        .create_cart(&CartCreateRequest::default(), &[])
        .await
        .unwrap_err();
    assert_eq!(err.api_kind(), Some(ApiErrorKind::Server));
    assert_eq!(s.received_requests().await.unwrap().len(), 1);
    assert_eq!(c.stats(), (1, 0));
}

#[tokio::test]
async fn connection_failures_are_transport_errors_without_secrets() {
    // Nothing listens there: connect errors are retried, then reported.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let c = Client::builder(STORE, TOKEN)
        .base_url(format!("http://{addr}"))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = c.get_cart(CART, &[]).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportKind::Connect,
                ..
            }
        ),
        "{err:?}"
    );
    for text in [err.to_string(), format!("{err:?}"), format!("{c:?}")] {
        assert!(!text.contains(TOKEN), "the token leaked: {text}");
    }
}

#[tokio::test]
async fn bad_input_and_configuration_are_typed_errors() {
    let s = server_answering(200, Some(envelope(cart_json()))).await;
    let err = client(&s).get_cart("  ", &[]).await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    assert!(s.received_requests().await.unwrap().is_empty());

    for (store, token, base) in [
        ("", TOKEN, "https://api.bigcommerce.com"),
        ("abc/../x", TOKEN, "https://api.bigcommerce.com"),
        (STORE, "", "https://api.bigcommerce.com"),
        (STORE, "line\nbreak", "https://api.bigcommerce.com"),
        (STORE, TOKEN, "http://api.bigcommerce.com"),
        (STORE, TOKEN, "not a url"),
    ] {
        let err = Client::builder(store, token)
            .base_url(base)
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{store} {base}: {err:?}");
        assert!(!err.to_string().contains(TOKEN));
    }
}

#[test]
fn include_values_are_the_specs() {
    // The hand-written Include enum must list exactly the spec's values, in order.
    let spec: Value = serde_norway::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../spec/bigcommerce-carts.v3.yaml"
        ))
        .unwrap(),
    )
    .unwrap();
    let values: Vec<&str> = spec["components"]["parameters"]["Include"]["schema"]["items"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let ours: Vec<&str> = Include::ALL.iter().map(|i| i.as_str()).collect();
    assert_eq!(ours, values);
    for v in values {
        assert_eq!(v.parse::<Include>().unwrap().as_str(), v);
    }
    assert!("promotions".parse::<Include>().is_err());
}
