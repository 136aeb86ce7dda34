//! Orders: the filtered list, updates (shipping status, customer details) and new orders placed
//! by simulated buyers.

// The handlers' shared imports and helpers come from the parent module.
use super::*;

pub(super) fn list_orders(store: &Store, call: &Call) -> R<Outcome> {
    check_filters(call, &["shipping_status"])?;
    let shipping = comma_values(call, "filter[shipping_status]", &["shipped", "unshipped"])?;
    let (attr, desc) = sort_param(
        call,
        &["created_at", "updated_at", "completed_at"],
        ("created_at", true),
    )?;
    let search = call
        .q("search")
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty());
    let mut items: Vec<&Order> = store
        .orders
        .values()
        .filter(|o| {
            shipping
                .as_ref()
                .is_none_or(|s| s.contains(&o.shipping_status.as_str()))
        })
        .filter(|o| {
            search.as_ref().is_none_or(|q| {
                let name =
                    format!("{} {}", o.customer_first_name, o.customer_last_name).to_lowercase();
                name.contains(q.as_str())
                    || o.customer_email.to_lowercase().contains(q.as_str())
                    || o.id.to_string() == *q
            })
        })
        .collect();
    // Orders without completed_at sort after all others (either direction).
    items.sort_by_key(|o| {
        let k = match attr {
            "updated_at" => Some(o.updated_at),
            "completed_at" => o.completed_at,
            _ => Some(o.created_at),
        };
        (
            k.is_none(),
            k.map(|k| if desc { -k } else { k }),
            if desc { u64::MAX - o.id } else { o.id },
        )
    });
    paginated(call, items, |o, inc| jsonapi::order(store, o, inc))
}

pub(super) const ORDER_ATTRS: &[&str] = &[
    "customer_first_name",
    "customer_last_name",
    "customer_email",
    "shipping_address_1",
    "shipping_address_2",
    "shipping_city",
    "shipping_state",
    "shipping_zip",
    "shipping_country_id",
    "shipping_status",
];

pub(super) fn update_order(store: &mut Store, call: &Call) -> R<Outcome> {
    let id = path_id(call, "order")?;
    let Some(mut o) = store.orders.get(&id).cloned() else {
        return Err(ApiError::not_found(format!("Order {id} not found.")));
    };
    let doc = parse_body(call)?;
    let data = data_object(&doc, "orders", Some(id))?;
    if data.contains_key("relationships") {
        return Err(ApiError::invalid(
            "/data/relationships",
            "Order relationships are read-only.",
        ));
    }
    let previous_status = o.shipping_status.clone();
    if let Some(attrs) = attributes(data, ORDER_ATTRS)? {
        for (key, v) in attrs {
            // `null` leaves a field unchanged, except the optional second
            // address line, which it clears.
            if v.is_null() {
                if key == "shipping_address_2" {
                    o.shipping_address_2 = None;
                }
                continue;
            }
            match key.as_str() {
                "customer_first_name" => o.customer_first_name = non_empty_string(key, v, 255)?,
                "customer_last_name" => o.customer_last_name = non_empty_string(key, v, 255)?,
                "customer_email" => {
                    let e = non_empty_string(key, v, 255)?;
                    if !e.contains('@') || e.contains(char::is_whitespace) {
                        return Err(ApiError::invalid(
                            &ptr(key),
                            "`customer_email` must be an email address.",
                        ));
                    }
                    o.customer_email = e;
                }
                "shipping_address_1" => o.shipping_address_1 = any_string(key, v, 255)?,
                "shipping_address_2" => {
                    let s = any_string(key, v, 255)?;
                    o.shipping_address_2 = if s.is_empty() { None } else { Some(s) };
                }
                "shipping_city" => o.shipping_city = any_string(key, v, 255)?,
                "shipping_state" => o.shipping_state = any_string(key, v, 255)?,
                "shipping_zip" => o.shipping_zip = any_string(key, v, 32)?,
                "shipping_country_id" => {
                    let code = v
                        .as_str()
                        .map(|s| s.trim().to_ascii_uppercase())
                        .unwrap_or_default();
                    if crate::countries::name(&code).is_none() {
                        return Err(ApiError::invalid(
                            &ptr(key),
                            "`shipping_country_id` must be an ISO 3166-1 alpha-2 country code.",
                        ));
                    }
                    o.shipping_country_id = code;
                }
                "shipping_status" => o.shipping_status = one_of(key, v, &["shipped", "unshipped"])?,
                _ => {}
            }
        }
    }
    let now = store.tick();
    o.updated_at = now;
    if o.shipping_status != previous_status {
        let message = if o.shipping_status == "shipped" {
            "Marked as shipped"
        } else {
            "Marked as unshipped"
        };
        o.events.push(OrderEvent {
            id: store.next_id("order_events"),
            message: message.into(),
            identifier: Some("shipping_status"),
            created_at: now,
        });
    }
    let body = order_doc(store, &o);
    store.orders.insert(id, o);
    Ok(Outcome {
        reply: Reply::doc(200, body.clone()),
        effects: vec![
            write("orders", WriteKind::Update),
            webhook("order.updated", body),
        ],
    })
}

/// Places a new random order (what a buyer checking out would do): updates
/// stock, emits `order.created` and `product.updated`.
pub(crate) fn place_order(
    store: &mut Store,
    rng: &mut fastrand::Rng,
    ctx: &Ctx,
) -> (u64, Vec<Effect>) {
    let at = store.tick();
    let mut order = crate::seed::gen_order(rng, store, at);
    order.shipping_status = "unshipped".into();
    order.events.retain(|e| e.message != "Marked as shipped");
    order.updated_at = at;
    if let Some(c) = order.completed_at.as_mut() {
        *c = at;
    }
    for e in &mut order.events {
        e.created_at = at;
    }
    let mut effects = vec![write("orders", WriteKind::Create)];
    let mut touched = Vec::new();
    for item in &order.items {
        if let Some(p) = store.products.get_mut(&item.product_id) {
            if let Some(opt) = p
                .options
                .iter_mut()
                .find(|o| o.id == item.product_option_id)
            {
                opt.quantity = (opt.quantity - item.quantity).max(0);
                opt.sold += item.quantity;
            }
            if p.status == "active" && p.options.iter().all(|o| o.quantity == 0) {
                p.status = "sold_out".into();
            }
            p.updated_at = at;
            touched.push(p.id);
        }
    }
    let id = order.id;
    let doc = order_doc(store, &order);
    store.orders.insert(id, order);
    effects.push(webhook("order.created", doc));
    for pid in touched {
        if let Some(p) = store.products.get(&pid) {
            effects.push(webhook("product.updated", product_doc(store, p, ctx)));
        }
    }
    (id, effects)
}
