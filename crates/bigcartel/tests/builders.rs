//! Generated params, inputs and models are `#[non_exhaustive]`: callers build them with `new`
//! and the generated setters, which must set exactly the field they name.

use bigcartel::models::{Order, OrderAdjustment};
use bigcartel::{ArtistInput, DiscountRelationshipsInput, ListOrdersParams, OrderInput};

#[test]
fn params_setters_set_their_fields() {
    let p = ListOrdersParams::new()
        .filter_shipping_status("unshipped")
        .sort(String::from("-created_at"))
        .page_limit(50)
        .page_offset(100);
    assert_eq!(p.filter_shipping_status.as_deref(), Some("unshipped"));
    assert_eq!(p.sort.as_deref(), Some("-created_at"));
    assert_eq!((p.page_limit, p.page_offset), (Some(50), Some(100)));
    assert_eq!(p.search, None);
    assert_eq!(ListOrdersParams::new(), ListOrdersParams::default());
}

#[test]
fn inputs_take_required_fields_in_new() {
    let a = ArtistInput::new("Ada");
    assert_eq!(a.name, "Ada");
    let o = OrderInput::new()
        .shipping_status("shipped")
        .customer_email("a@example.com");
    let json = serde_json::to_value(&o).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"shipping_status": "shipped", "customer_email": "a@example.com"})
    );
}

#[test]
fn relationship_inputs_take_any_list_of_ids() {
    let r = DiscountRelationshipsInput::new().categories(["1", "2"]);
    assert_eq!(
        r.to_json(),
        serde_json::json!({"categories": {"data": [
            {"type": "categories", "id": "1"}, {"type": "categories", "id": "2"}
        ]}})
    );
    assert_eq!(r.products, None);
}

#[test]
fn models_new_is_a_resolved_resource_of_its_type() {
    let o = Order::new("1001");
    assert_eq!(
        (o.id.as_str(), o.resource_type.as_str(), o.resolved),
        ("1001", "orders", true)
    );
    let adj = OrderAdjustment::new("7");
    assert_eq!(
        (adj.resource_type.as_str(), adj.subtype.is_none()),
        ("order_adjustments", true)
    );
}

/// Documented values are typed on the way out too: the open enums convert into the text that
/// inputs and query parameters take, and a value the spec does not list is sent as given.
#[test]
fn open_enums_set_inputs_and_parameters() {
    use bigcartel::models::{OrderShippingStatus, ProductStatus};
    let input = OrderInput::new().shipping_status(OrderShippingStatus::Shipped);
    assert_eq!(input.shipping_status.as_deref(), Some("shipped"));
    let params = ListOrdersParams::new().filter_shipping_status(OrderShippingStatus::Unshipped);
    assert_eq!(params.filter_shipping_status.as_deref(), Some("unshipped"));
    let unlisted = ProductStatus::parse("archived");
    let products = bigcartel::ListProductsParams::new().filter_status(unlisted);
    assert_eq!(products.filter_status.as_deref(), Some("archived"));
}
