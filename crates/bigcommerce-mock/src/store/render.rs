//! Pricing and rendering: a cart's amounts in integer cents (list and sale prices, option
//! adjustments, coupons and the cart promotion) and the cart in the API's JSON.

use super::*;

impl Store {
    /// The cart's amounts.
    pub fn amounts(&self, cart: &Cart) -> CartAmounts {
        let mut items = Vec::new();
        for item in &cart.items {
            let product = self
                .product(item.product_id)
                .expect("catalog products stay");
            let variant = product
                .variants
                .iter()
                .find(|v| v.id == item.variant_id)
                .expect("validated");
            let original = variant.price_cents.unwrap_or(product.price_cents);
            let modifiers: i64 = item
                .choices
                .iter()
                .filter_map(|(option_id, choice)| {
                    let option = product.options.iter().find(|o| o.id == *option_id)?;
                    match choice {
                        Choice::Value(v) => option
                            .values
                            .iter()
                            .find(|ov| ov.id == *v)
                            .map(|ov| ov.adjust_cents),
                        Choice::Text(_) => None,
                    }
                })
                .sum();
            let catalog_price = if variant.price_cents.is_some() {
                original
            } else {
                product.sale_price_cents.unwrap_or(original)
            };
            let list = item.list_override.unwrap_or(catalog_price + modifiers);
            let extended_list = list * item.quantity;
            // An overridden price makes the line ineligible for product promotions.
            let discount = match (product.promotion, item.list_override) {
                (Some((_, percent)), None) => percent_of(extended_list, percent),
                _ => 0,
            };
            let extended_sale = extended_list - discount;
            let sale = (extended_sale + item.quantity / 2) / item.quantity;
            items.push(ItemAmounts {
                original,
                list,
                extended_list,
                discount,
                extended_sale,
                sale,
            });
        }
        let gifts: i64 = cart
            .gift_certificates
            .iter()
            .map(|g| g.amount_cents * g.quantity)
            .sum();
        let base = items.iter().map(|i| i.extended_list).sum::<i64>() + gifts;
        let mut remaining = base - items.iter().map(|i| i.discount).sum::<i64>();
        let cart_discount = if remaining >= CART_PROMOTION.threshold_cents {
            percent_of(remaining, CART_PROMOTION.percent)
        } else {
            0
        };
        remaining -= cart_discount;
        let mut coupons = Vec::new();
        for c in &cart.coupons {
            let amount = if c.percent > 0 {
                percent_of(remaining, c.percent)
            } else {
                c.amount_cents.min(remaining)
            };
            remaining -= amount;
            coupons.push(amount);
        }
        CartAmounts {
            base,
            cart_discount,
            coupons,
            cart_amount: remaining.max(0),
            items,
        }
    }

    /// The cart as the API renders it (the inner object of the envelope).
    pub fn render(&self, cart: &Cart, include: Includes, storefront: &str) -> Value {
        let amounts = self.amounts(cart);
        let mut physical = Vec::new();
        let mut digital = Vec::new();
        let mut promoted: i64 = 0;
        for (item, a) in cart.items.iter().zip(&amounts.items) {
            let product = self
                .product(item.product_id)
                .expect("catalog products stay");
            let variant = product
                .variants
                .iter()
                .find(|v| v.id == item.variant_id)
                .expect("validated");
            let discounts: Vec<Value> = match product.promotion {
                Some((id, _)) if a.discount > 0 => {
                    promoted += a.discount;
                    vec![json!({ "id": id, "discounted_amount": money(a.discount) })]
                }
                _ => vec![],
            };
            let mut v = json!({
                "id": item.id,
                "parent_id": null,
                "variant_id": item.variant_id,
                "product_id": item.product_id,
                "sku": variant.sku,
                "name": product.name,
                "url": product.url(storefront),
                "quantity": item.quantity,
                "taxable": !product.digital,
                "image_url": format!("{storefront}/images/{}.jpg", variant.sku.to_lowercase()),
                "discounts": discounts,
                "coupons": [],
                "discount_amount": money(a.discount),
                "coupon_amount": money(0),
                "original_price": money(a.original),
                "list_price": money(a.list),
                "sale_price": money(a.sale),
                "extended_list_price": money(a.extended_list),
                "extended_sale_price": money(a.extended_sale),
            });
            let wants_options = if product.digital {
                include.digital_options
            } else {
                include.physical_options
            };
            if wants_options {
                let options: Vec<Value> = item
                    .choices
                    .iter()
                    .filter_map(|(option_id, choice)| {
                        let option = product.options.iter().find(|o| o.id == *option_id)?;
                        Some(match choice {
                            Choice::Value(id) => {
                                let value = option.values.iter().find(|ov| ov.id == *id)?;
                                json!({ "name": option.name, "nameId": option.id, "value": value.label, "valueId": value.id })
                            }
                            Choice::Text(t) => {
                                json!({ "name": option.name, "nameId": option.id, "value": t })
                            }
                        })
                    })
                    .collect();
                v["options"] = Value::Array(options);
            }
            if product.digital {
                v["download_file_urls"] = json!([format!(
                    "{storefront}/downloads/{}.pdf",
                    variant.sku.to_lowercase()
                )]);
                v["download_page_url"] =
                    json!(format!("{storefront}/account.php?action=download_item"));
                v["download_size"] = json!("2.40 MB");
                digital.push(v);
            } else {
                v["is_require_shipping"] = json!(true);
                physical.push(v);
            }
        }
        let gifts: Vec<Value> = cart
            .gift_certificates
            .iter()
            .map(|g| {
                let mut v = json!({
                    "id": g.id,
                    "name": g.name,
                    "theme": g.theme,
                    "amount": money(g.amount_cents),
                    "quantity": g.quantity,
                    "taxable": false,
                    "sender": { "name": g.sender.name, "email": g.sender.email },
                    "recipient": { "name": g.recipient.name, "email": g.recipient.email },
                });
                if let Some(m) = &g.message {
                    v["message"] = json!(m);
                }
                v
            })
            .collect();
        let mut discounts = Vec::new();
        if promoted > 0 {
            let id = self
                .products
                .iter()
                .find_map(|p| p.promotion.map(|(id, _)| id))
                .unwrap_or(2);
            discounts.push(json!({ "id": id, "discounted_amount": money(promoted) }));
        }
        if amounts.cart_discount > 0 {
            discounts.push(json!({ "id": CART_PROMOTION.id, "discounted_amount": money(amounts.cart_discount) }));
        }
        let coupon_total: i64 = amounts.coupons.iter().sum();
        if !cart.coupons.is_empty() {
            // BigCommerce lists coupons among the discounts under the id "coupon".
            discounts.push(json!({ "id": "coupon", "discounted_amount": money(coupon_total) }));
        }
        let coupons: Vec<Value> = cart
            .coupons
            .iter()
            .zip(&amounts.coupons)
            .map(|(c, amount)| {
                json!({
                    "id": c.id.to_string(),
                    "code": c.code,
                    "name": c.name,
                    "display_name": c.name,
                    "coupon_type": c.coupon_type,
                    "discounted_amount": money(*amount),
                })
            })
            .collect();
        let mut v = json!({
            "id": cart.id,
            "customer_id": cart.customer_id,
            "channel_id": cart.channel_id,
            "email": "",
            "currency": { "code": cart.currency },
            "tax_included": false,
            "base_amount": money(amounts.base),
            "discount_amount": money(amounts.cart_discount),
            "cart_amount": money(amounts.cart_amount),
            "coupons": coupons,
            "discounts": discounts,
            "line_items": {
                "physical_items": physical,
                "digital_items": digital,
                "gift_certificates": gifts,
            },
            "created_time": crate::time::rfc3339(cart.created),
            "updated_time": crate::time::rfc3339(cart.updated),
            "locale": cart.locale,
            "version": cart.version,
        });
        if include.redirect_urls {
            // Rendering does not change the store: the token is derived from the cart's state.
            let token = format!(
                "{:016x}",
                fnv1a(format!("{}/{}", cart.id, cart.version).as_bytes())
            );
            v["redirect_urls"] = redirect_urls(storefront, &cart.id, &token);
        }
        v
    }
}
