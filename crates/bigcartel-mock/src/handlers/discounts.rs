//! Discounts: list, create and update, with the rules the API applies to codes, amounts and dates.

// The handlers' shared imports and helpers come from the parent module.
use super::*;

pub(super) fn list_discounts(store: &Store, call: &Call, ctx: &Ctx) -> R<Outcome> {
    check_filters(call, &["status"])?;
    let statuses = comma_values(call, "filter[status]", &["active", "expired"])?;
    let items: Vec<&Discount> = store
        .discounts
        .values()
        .filter(|d| {
            statuses
                .as_ref()
                .is_none_or(|s| s.contains(&d.status(store.now)))
        })
        .collect();
    paginated(call, items, |d, inc| jsonapi::discount(store, d, ctx, inc))
}

pub(super) const DISCOUNT_ATTRS: &[&str] = &[
    "name",
    "code",
    "active_at",
    "expires_at",
    "requirement_type",
    "expiration_type",
    "reward_type",
    "application_type",
    "percent_discount",
    "flat_rate_discount",
    "use_limit",
    "minimum_cart_total",
    "minimum_cart_quantity",
];

pub(super) const DISCOUNT_REQUIRED: &[&str] = &[
    "name",
    "code",
    "active_at",
    "requirement_type",
    "expiration_type",
    "reward_type",
    "application_type",
];

/// Applies attributes and relationships of a discount body to `d`.
pub(super) fn apply_discount(
    store: &Store,
    d: &mut Discount,
    data: &Map<String, Value>,
    create: bool,
) -> R<()> {
    if let Some(Value::Object(attrs)) = data.get("attributes") {
        for ro in ["use_count", "status"] {
            if attrs.contains_key(ro) {
                return Err(ApiError::invalid(&ptr(ro), format!("`{ro}` is read-only.")));
            }
        }
    }
    let empty = Map::new();
    let attrs = attributes(data, DISCOUNT_ATTRS)?.unwrap_or(&empty);
    if create {
        for key in DISCOUNT_REQUIRED {
            if attrs.get(*key).is_none_or(Value::is_null) {
                return Err(ApiError::invalid(
                    &ptr(key),
                    format!("`{key}` is required."),
                ));
            }
        }
    }
    for (key, v) in attrs {
        let k = key.as_str();
        match k {
            "name" if !v.is_null() => d.name = non_empty_string(k, v, 255)?,
            "code" if !v.is_null() => {
                let code = non_empty_string(k, v, 64)?;
                if code.contains(char::is_whitespace) {
                    return Err(ApiError::invalid(&ptr(k), "`code` can't contain spaces."));
                }
                d.code = code;
            }
            "active_at" if !v.is_null() => d.active_at = timestamp(k, v)?,
            "expires_at" => {
                d.expires_at = if v.is_null() {
                    None
                } else {
                    Some(timestamp(k, v)?)
                }
            }
            "requirement_type" if !v.is_null() => {
                d.requirement_type = one_of(
                    k,
                    v,
                    &["any_order", "minimum_cart_total", "minimum_cart_quantity"],
                )?;
            }
            "expiration_type" if !v.is_null() => {
                d.expiration_type = one_of(k, v, &["never", "on_date", "on_limit"])?;
            }
            "reward_type" if !v.is_null() => {
                d.reward_type = one_of(
                    k,
                    v,
                    &["percent_discount", "flat_rate_discount", "free_shipping"],
                )?;
            }
            "application_type" if !v.is_null() => {
                d.application_type = one_of(k, v, &["all", "category", "product"])?;
            }
            "percent_discount" => {
                d.percent_discount = if v.is_null() {
                    None
                } else {
                    Some(integer(k, v, 1, 99)?)
                };
            }
            "flat_rate_discount" => {
                d.flat_rate_discount_cents = if v.is_null() {
                    None
                } else {
                    Some(amount(k, v)?)
                };
            }
            "use_limit" => {
                d.use_limit = if v.is_null() {
                    None
                } else {
                    Some(integer(k, v, 1, i64::from(i32::MAX))?)
                }
            }
            "minimum_cart_total" => {
                d.minimum_cart_total_cents = if v.is_null() {
                    None
                } else {
                    Some(amount(k, v)?)
                };
            }
            "minimum_cart_quantity" => {
                d.minimum_cart_quantity = if v.is_null() {
                    None
                } else {
                    Some(integer(k, v, 1, i64::from(i32::MAX))?)
                };
            }
            _ => {}
        }
    }
    if let Some(rels) = data.get("relationships") {
        let rels = rels.as_object().ok_or_else(|| {
            ApiError::invalid("/data/relationships", "`relationships` must be an object.")
        })?;
        for (key, v) in rels {
            let pointer = format!("/data/relationships/{key}/data");
            match key.as_str() {
                "categories" => {
                    let ids = linkage_ids(v, "categories", &pointer)?;
                    if let Some(missing) = ids.iter().find(|id| !store.categories.contains_key(id))
                    {
                        return Err(ApiError::not_found(format!(
                            "Category {missing} not found."
                        )));
                    }
                    d.category_ids = ids;
                }
                "products" => {
                    let ids = linkage_ids(v, "products", &pointer)?;
                    if let Some(missing) = ids.iter().find(|id| !store.products.contains_key(id)) {
                        return Err(ApiError::not_found(format!("Product {missing} not found.")));
                    }
                    d.product_ids = ids;
                }
                _ => {
                    return Err(ApiError::invalid(
                        &format!("/data/relationships/{key}"),
                        format!("Unknown relationship `{key}`."),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Cross-field rules of the docs ("required when ... is set to ...").
pub(super) fn validate_discount(store: &Store, d: &Discount, expires_changed: bool) -> R<()> {
    let need = |cond: bool, key: &str, why: &str| {
        if cond {
            Err(ApiError::invalid(
                &ptr(key),
                format!("`{key}` is required when {why}."),
            ))
        } else {
            Ok(())
        }
    };
    need(
        d.reward_type == "percent_discount" && d.percent_discount.is_none(),
        "percent_discount",
        "reward_type is percent_discount",
    )?;
    need(
        d.reward_type == "flat_rate_discount" && d.flat_rate_discount_cents.is_none_or(|c| c == 0),
        "flat_rate_discount",
        "reward_type is flat_rate_discount",
    )?;
    need(
        d.expiration_type == "on_date" && d.expires_at.is_none(),
        "expires_at",
        "expiration_type is on_date",
    )?;
    need(
        d.expiration_type == "on_limit" && d.use_limit.is_none(),
        "use_limit",
        "expiration_type is on_limit",
    )?;
    need(
        d.requirement_type == "minimum_cart_total" && d.minimum_cart_total_cents.is_none(),
        "minimum_cart_total",
        "requirement_type is minimum_cart_total",
    )?;
    need(
        d.requirement_type == "minimum_cart_quantity" && d.minimum_cart_quantity.is_none(),
        "minimum_cart_quantity",
        "requirement_type is minimum_cart_quantity",
    )?;
    if d.application_type == "category" && d.category_ids.is_empty() {
        return Err(ApiError::invalid(
            "/data/relationships/categories",
            "At least one category is required when application_type is category.",
        ));
    }
    if d.application_type == "product" && d.product_ids.is_empty() {
        return Err(ApiError::invalid(
            "/data/relationships/products",
            "At least one product is required when application_type is product.",
        ));
    }
    if expires_changed && d.expires_at.is_some_and(|e| e <= store.now) {
        return Err(ApiError::invalid(
            &ptr("expires_at"),
            "`expires_at` must be in the future.",
        ));
    }
    if store
        .discounts
        .values()
        .any(|other| other.id != d.id && other.code.eq_ignore_ascii_case(&d.code))
    {
        // A conflict with the stored state, not a malformed request.
        return Err(ApiError {
            status: 409,
            ..ApiError::invalid(&ptr("code"), "`code` has already been taken.")
        });
    }
    Ok(())
}

pub(super) fn create_discount(store: &mut Store, call: &Call, ctx: &Ctx) -> R<Outcome> {
    let doc = parse_body(call)?;
    let data = data_object(&doc, "discounts", None)?;
    let mut d = Discount {
        id: 0,
        name: String::new(),
        code: String::new(),
        active_at: store.now,
        expires_at: None,
        requirement_type: String::new(),
        expiration_type: String::new(),
        reward_type: String::new(),
        application_type: String::new(),
        percent_discount: None,
        flat_rate_discount_cents: None,
        use_limit: None,
        use_count: 0,
        minimum_cart_total_cents: None,
        minimum_cart_quantity: None,
        category_ids: vec![],
        product_ids: vec![],
    };
    apply_discount(store, &mut d, data, true)?;
    validate_discount(store, &d, true)?;
    d.id = store.next_id("discounts");
    let id = d.id;
    store.discounts.insert(id, d);
    store.tick();
    let body = store
        .discounts
        .get(&id)
        .map(|d| discount_doc(store, d, ctx))
        .unwrap_or(Value::Null);
    let mut reply = Reply::doc(201, body);
    reply.location = Some(format!("{}/discounts/{id}", ctx.account_url()));
    Ok(Outcome {
        reply,
        effects: vec![write("discounts", WriteKind::Create)],
    })
}

pub(super) fn update_discount(store: &mut Store, call: &Call, ctx: &Ctx) -> R<Outcome> {
    let id = path_id(call, "discount")?;
    let Some(mut d) = store.discounts.get(&id).cloned() else {
        return Err(ApiError::not_found(format!("Discount {id} not found.")));
    };
    let doc = parse_body(call)?;
    let data = data_object(&doc, "discounts", Some(id))?;
    let before = d.expires_at;
    apply_discount(store, &mut d, data, false)?;
    validate_discount(store, &d, d.expires_at != before)?;
    store.discounts.insert(id, d);
    store.tick();
    let body = store
        .discounts
        .get(&id)
        .map(|d| discount_doc(store, d, ctx))
        .unwrap_or(Value::Null);
    Ok(Outcome {
        reply: Reply::doc(200, body),
        effects: vec![write("discounts", WriteKind::Update)],
    })
}
