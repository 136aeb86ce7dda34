//! Deterministic generation of the mock shop from a seed.

use std::collections::{BTreeMap, BTreeSet};

mod vocabulary;

use crate::store::*;
use crate::time::{DAY, Millis, SEED_NOW};
use vocabulary::*;

const HOUR: Millis = 3_600_000;
const MINUTE: Millis = 60_000;

/// Builds the whole store for `seed`.
pub(crate) fn generate(
    seed: u64,
    account_id: u64,
    subdomain: &str,
    n_products: usize,
    n_orders: usize,
) -> Store {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut store = Store {
        account: Account {
            id: account_id,
            subdomain: subdomain.to_string(),
            store_name: "Mock Shop".to_string(),
            description: "Prints, tees and records from independent artists.".to_string(),
            contact_email: format!("hello@{subdomain}.example.com"),
            url: format!("https://{subdomain}.bigcartel.com"),
            website: format!("https://www.{subdomain}.example.com"),
            created_at: SEED_NOW - 730 * DAY,
            updated_at: SEED_NOW - 12 * DAY,
            under_maintenance: false,
            inventory_enabled: true,
            artists_enabled: true,
            currency: "USD".to_string(),
            country: "US".to_string(),
            account_image_id: 1,
            account_image_url: format!(
                "https://images.bigcartel.com/account_images/1/{subdomain}-logo.png"
            ),
            plan: "platinum".to_string(),
        },
        artists: BTreeMap::new(),
        categories: BTreeMap::new(),
        products: BTreeMap::new(),
        discounts: BTreeMap::new(),
        orders: BTreeMap::new(),
        seq: BTreeMap::new(),
        now: SEED_NOW,
        issued_tokens: BTreeSet::new(),
        static_token_revoked: false,
        token_counter: 0,
    };

    for name in CATEGORIES {
        let id = store.next_id("categories");
        store.categories.insert(
            id,
            Taxon {
                id,
                name: name.to_string(),
                permalink: crate::store::slugify(name),
                position: id as i64,
            },
        );
    }
    let mut artist_names: Vec<&str> = ARTISTS.to_vec();
    rng.shuffle(&mut artist_names);
    artist_names.truncate(4);
    for name in artist_names {
        let id = store.next_id("artists");
        store.artists.insert(
            id,
            Taxon {
                id,
                name: name.to_string(),
                permalink: crate::store::slugify(name),
                position: id as i64,
            },
        );
    }

    for i in 0..n_products {
        let product = gen_product(&mut rng, &mut store, i);
        store.products.insert(product.id, product);
    }

    gen_discounts(&mut rng, &mut store);

    // Orders: creation times first, then ids in chronological order.
    let mut created: Vec<Millis> = (0..n_orders)
        .map(|_| SEED_NOW - rng.i64(HOUR..120 * DAY) / 1000 * 1000)
        .collect();
    created.sort_unstable();
    if !store.products.is_empty() {
        for at in created {
            let order = gen_order(&mut rng, &mut store, at);
            store.orders.insert(order.id, order);
        }
    }
    store.seq.entry("orders").or_insert(1001);
    store
}

fn gen_product(rng: &mut fastrand::Rng, store: &mut Store, index: usize) -> Product {
    let id = store.next_id("products");
    let kind = &KINDS[rng.usize(..KINDS.len())];
    let (theme, theme_code) = THEMES[rng.usize(..THEMES.len())];
    let mut name = format!("{theme} {}", kind.noun);
    if store.products.values().any(|p| p.name == name) {
        name = format!("{name} Vol. {id}");
    }
    let permalink =
        Store::unique_permalink(&name, store.products.values().map(|p| p.permalink.as_str()));
    let n_opts = if kind.options.len() == 1 {
        1
    } else {
        rng.usize(1..=kind.options.len().min(4))
    };
    let mut options = Vec::new();
    for (opt, extra) in kind.options.iter().take(n_opts) {
        let oid = store.next_id("product_options");
        options.push(ProductOption {
            id: oid,
            name: opt.to_string(),
            price_cents: kind.base_cents + extra,
            quantity: rng.i64(0..40),
            sold: rng.i64(0..60),
        });
    }
    let roll = rng.f64();
    let status = if roll < 0.75 {
        "active"
    } else if roll < 0.85 {
        "sold_out"
    } else if roll < 0.93 {
        "hidden"
    } else {
        "coming_soon"
    };
    if status == "sold_out" {
        options.iter_mut().for_each(|o| o.quantity = 0);
    } else if options.iter().all(|o| o.quantity == 0) {
        options[0].quantity = 5;
    }
    let sku = format!("{}-{theme_code}{id:02}", kind.sku);
    let has_sku = !(index == 3 || rng.f64() < 0.12);
    let description = if has_sku {
        format!("{} {theme} edition.\n\nSKU:{sku}-", kind.blurb)
    } else {
        format!("{} {theme} edition.", kind.blurb)
    };
    let mut shipping = vec![ShippingOption {
        id: store.next_id("shipping_options"),
        country_id: "US".to_string(),
        price_alone_cents: kind.ship_us.0,
        price_with_others_cents: kind.ship_us.1,
    }];
    let mut intl: Vec<&(&str, i64, i64)> = INTL.iter().collect();
    rng.shuffle(&mut intl);
    let mut chosen: Vec<&(&str, i64, i64)> = intl.into_iter().take(rng.usize(1..=3)).collect();
    chosen.sort_by_key(|c| c.0);
    for (country, alone, others) in chosen {
        shipping.push(ShippingOption {
            id: store.next_id("shipping_options"),
            country_id: country.to_string(),
            price_alone_cents: *alone,
            price_with_others_cents: *others,
        });
    }
    let images = (1..=rng.usize(1..=3))
        .map(|n| {
            let iid = store.next_id("product_images");
            ProductImage {
                id: iid,
                url: format!(
                    "https://images.bigcartel.com/product_images/{iid}/{permalink}-{n}.jpg"
                ),
            }
        })
        .collect();
    let mut category_ids = vec![(kind.category + 1) as u64];
    if rng.f64() < 0.15 {
        let extra = rng.u64(1..=CATEGORIES.len() as u64);
        if !category_ids.contains(&extra) {
            category_ids.push(extra);
        }
    }
    let artist_ids = if store.artists.is_empty() || rng.f64() < 0.2 {
        vec![]
    } else {
        let keys: Vec<u64> = store.artists.keys().copied().collect();
        vec![keys[rng.usize(..keys.len())]]
    };
    let created_at = SEED_NOW - rng.i64(30 * DAY..400 * DAY) / 1000 * 1000;
    let updated_at = (created_at + rng.i64(0..30 * DAY) / 1000 * 1000).min(SEED_NOW - HOUR);
    Product {
        id,
        url: format!(
            "https://{}.bigcartel.com/product/{permalink}",
            store.account.subdomain
        ),
        name,
        permalink,
        status: status.to_string(),
        description,
        created_at,
        updated_at,
        default_price_cents: options[0].price_cents,
        on_sale: rng.f64() < 0.1,
        position: id as i64,
        options,
        artist_ids,
        category_ids,
        shipping,
        images,
    }
}

fn gen_discounts(rng: &mut fastrand::Rng, store: &mut Store) {
    let product_ids: Vec<u64> = store.products.keys().copied().take(2).collect();
    let templates: Vec<Discount> = vec![
        Discount {
            id: 0,
            name: "Spring Sale".into(),
            code: "SPRING10".into(),
            active_at: SEED_NOW - 20 * DAY,
            expires_at: None,
            requirement_type: "any_order".into(),
            expiration_type: "never".into(),
            reward_type: "percent_discount".into(),
            application_type: "all".into(),
            percent_discount: Some(10),
            flat_rate_discount_cents: None,
            use_limit: None,
            use_count: rng.i64(0..50),
            minimum_cart_total_cents: None,
            minimum_cart_quantity: None,
            category_ids: vec![],
            product_ids: vec![],
        },
        Discount {
            id: 0,
            name: "Free shipping over $50".into(),
            code: "FREESHIP50".into(),
            active_at: SEED_NOW - 90 * DAY,
            expires_at: None,
            requirement_type: "minimum_cart_total".into(),
            expiration_type: "never".into(),
            reward_type: "free_shipping".into(),
            application_type: "all".into(),
            percent_discount: None,
            flat_rate_discount_cents: None,
            use_limit: None,
            use_count: rng.i64(0..80),
            minimum_cart_total_cents: Some(5000),
            minimum_cart_quantity: None,
            category_ids: vec![],
            product_ids: vec![],
        },
        Discount {
            id: 0,
            name: "Prints $5 off".into(),
            code: "PRINTS5".into(),
            active_at: SEED_NOW - 10 * DAY,
            expires_at: Some(SEED_NOW + 30 * DAY),
            requirement_type: "any_order".into(),
            expiration_type: "on_date".into(),
            reward_type: "flat_rate_discount".into(),
            application_type: "category".into(),
            percent_discount: None,
            flat_rate_discount_cents: Some(500),
            use_limit: None,
            use_count: rng.i64(0..20),
            minimum_cart_total_cents: None,
            minimum_cart_quantity: None,
            category_ids: vec![2],
            product_ids: vec![],
        },
        Discount {
            id: 0,
            name: "Holiday 2024".into(),
            code: "HOLIDAY24".into(),
            active_at: SEED_NOW - 190 * DAY,
            expires_at: Some(SEED_NOW - 150 * DAY),
            requirement_type: "any_order".into(),
            expiration_type: "on_date".into(),
            reward_type: "percent_discount".into(),
            application_type: "all".into(),
            percent_discount: Some(20),
            flat_rate_discount_cents: None,
            use_limit: None,
            use_count: rng.i64(50..200),
            minimum_cart_total_cents: None,
            minimum_cart_quantity: None,
            category_ids: vec![],
            product_ids: vec![],
        },
        Discount {
            id: 0,
            name: "First 100 customers".into(),
            code: "FIRST100".into(),
            active_at: SEED_NOW - 300 * DAY,
            expires_at: None,
            requirement_type: "any_order".into(),
            expiration_type: "on_limit".into(),
            reward_type: "percent_discount".into(),
            application_type: "all".into(),
            percent_discount: Some(15),
            flat_rate_discount_cents: None,
            use_limit: Some(100),
            use_count: 100,
            minimum_cart_total_cents: None,
            minimum_cart_quantity: None,
            category_ids: vec![],
            product_ids: vec![],
        },
        Discount {
            id: 0,
            name: "Bundle deal".into(),
            code: "BUNDLE3".into(),
            active_at: SEED_NOW - 5 * DAY,
            expires_at: None,
            requirement_type: "minimum_cart_quantity".into(),
            expiration_type: "never".into(),
            reward_type: "flat_rate_discount".into(),
            application_type: if product_ids.is_empty() {
                "all"
            } else {
                "product"
            }
            .into(),
            percent_discount: None,
            flat_rate_discount_cents: Some(300),
            use_limit: None,
            use_count: rng.i64(0..10),
            minimum_cart_total_cents: None,
            minimum_cart_quantity: Some(3),
            category_ids: vec![],
            product_ids,
        },
    ];
    for mut d in templates {
        d.id = store.next_id("discounts");
        store.discounts.insert(d.id, d);
    }
}

/// Generates one order created at `at` (used by seeding and `place_order`).
pub(crate) fn gen_order(rng: &mut fastrand::Rng, store: &mut Store, at: Millis) -> Order {
    if !store.seq.contains_key("orders") {
        store.seq.insert("orders", 1001);
    }
    let id = store.next_id("orders");
    let country = if rng.f64() < 0.7 {
        "US"
    } else {
        INTL[rng.usize(..INTL.len())].0
    };
    let places: Vec<_> = PLACES.iter().filter(|p| p.0 == country).collect();
    let place = places[rng.usize(..places.len())];
    let first = FIRST_NAMES[rng.usize(..FIRST_NAMES.len())];
    let last = LAST_NAMES[rng.usize(..LAST_NAMES.len())];
    let email = format!(
        "{}.{}{}@example.com",
        first.to_lowercase(),
        last.to_lowercase(),
        rng.u32(1..100)
    );

    let product_ids: Vec<u64> = store
        .products
        .values()
        .filter(|p| p.status != "coming_soon")
        .map(|p| p.id)
        .collect();
    let product_ids = if product_ids.is_empty() {
        store.products.keys().copied().collect()
    } else {
        product_ids
    };
    let n_items = rng.usize(1..=4).min(product_ids.len());
    let mut picked = product_ids.clone();
    rng.shuffle(&mut picked);
    picked.truncate(n_items);
    picked.sort_unstable();

    let mut items = Vec::new();
    let mut shipping_total = 0;
    for (k, pid) in picked.iter().enumerate() {
        let Some(p) = store.products.get(pid) else {
            continue;
        };
        let opt = &p.options[rng.usize(..p.options.len())];
        let quantity = if rng.f64() < 0.7 { 1 } else { rng.i64(2..=3) };
        let (alone, others) = p
            .shipping
            .iter()
            .find(|s| s.country_id == country)
            .map(|s| (s.price_alone_cents, s.price_with_others_cents))
            .unwrap_or(FALLBACK_SHIPPING);
        shipping_total += if k == 0 {
            alone + (quantity - 1) * others
        } else {
            quantity * others
        };
        let item = LineItem {
            id: 0,
            product_id: p.id,
            product_option_id: opt.id,
            product_name: p.name.clone(),
            product_option_name: opt.name.clone(),
            quantity,
            price_cents: opt.price_cents,
            image_url: p.images.first().map(|i| i.url.clone()).unwrap_or_default(),
        };
        items.push(item);
    }
    for item in &mut items {
        item.id = store.next_id("order_line_items");
    }
    let item_total: i64 = items.iter().map(LineItem::total_cents).sum();

    let mut adjustments = Vec::new();
    let discount_total = if rng.f64() < 0.2 {
        let d = item_total / 10;
        adjustments.push(OrderAdjustment {
            id: store.next_id("order_adjustments"),
            kind: "discount",
            amount_cents: -d,
            label: Some("Discount (SPRING10)".into()),
        });
        d
    } else {
        0
    };
    let tax_total = if country == "US" && rng.f64() < 0.3 {
        let t = (item_total - discount_total) * 8 / 100;
        adjustments.push(OrderAdjustment {
            id: store.next_id("order_adjustments"),
            kind: "tax",
            amount_cents: t,
            label: None,
        });
        t
    } else {
        0
    };
    if shipping_total > 0 {
        // The live API lists shipping among the adjustments too (`order_adjustments/shipping`).
        adjustments.push(OrderAdjustment {
            id: store.next_id("order_adjustments"),
            kind: "shipping",
            amount_cents: shipping_total,
            label: Some("Shipping".into()),
        });
    }
    let total = item_total - discount_total + shipping_total + tax_total;

    let paid = rng.f64() < 0.92;
    let age = SEED_NOW - at;
    let shipped = paid && rng.f64() < if age > 10 * DAY { 0.85 } else { 0.3 };
    let completed_at = paid.then(|| at + rng.i64(MINUTE..30 * MINUTE) / 1000 * 1000);
    let shipped_at = completed_at
        .filter(|_| shipped)
        .map(|c| (c + rng.i64(DAY..5 * DAY) / 1000 * 1000).min(SEED_NOW - MINUTE));

    let mut events = vec![OrderEvent {
        id: store.next_id("order_events"),
        message: "Order placed".into(),
        identifier: None,
        created_at: at,
    }];
    let mut transactions = Vec::new();
    if let Some(c) = completed_at {
        events.push(OrderEvent {
            id: store.next_id("order_events"),
            message: "Payment completed".into(),
            identifier: Some("payment_status"),
            created_at: c,
        });
        let roll = rng.f64();
        let (processor, processor_id, processor_url) = if roll < 0.6 {
            let pid = format!("ch_{:016x}", rng.u64(..));
            let url = format!("https://dashboard.stripe.com/payments/{pid}");
            ("stripe", Some(pid), Some(url))
        } else if roll < 0.9 {
            let pid = format!("{:017X}", rng.u64(..) >> 4);
            let url = format!("https://www.paypal.com/activity/payment/{pid}");
            ("paypal_express", Some(pid), Some(url))
        } else {
            ("cash", None, None)
        };
        transactions.push(OrderTransaction {
            id: store.next_id("order_transactions"),
            label: "Payment".into(),
            amount_cents: total,
            processor: processor.into(),
            processor_id,
            processor_url,
        });
    }
    if let Some(s) = shipped_at {
        events.push(OrderEvent {
            id: store.next_id("order_events"),
            message: "Marked as shipped".into(),
            identifier: Some("shipping_status"),
            created_at: s,
        });
    }
    let updated_at = shipped_at.or(completed_at).unwrap_or(at);
    let street_no = rng.u32(10..9999);
    Order {
        id,
        customer_first_name: first.into(),
        customer_last_name: last.into(),
        customer_email: email,
        customer_opted_in_to_marketing: rng.f64() < 0.4,
        customer_note: (rng.f64() < 0.15).then(|| NOTES[rng.usize(..NOTES.len())].to_string()),
        shipping_address_1: format!("{street_no} {}", STREETS[rng.usize(..STREETS.len())]),
        shipping_address_2: (rng.f64() < 0.25).then(|| format!("Apt {}", rng.u32(1..40))),
        shipping_city: place.1.into(),
        shipping_state: place.2.into(),
        shipping_zip: place.3.into(),
        shipping_country_id: country.into(),
        shipping_latitude: micro_degrees(place.4 + rng.i64(-9_000..9_000)),
        shipping_longitude: micro_degrees(place.5 + rng.i64(-9_000..9_000)),
        shipping_status: if shipped { "shipped" } else { "unshipped" }.into(),
        payment_status: if paid { "completed" } else { "pending" }.into(),
        created_at: at,
        updated_at,
        completed_at,
        currency: store.account.currency.clone(),
        discount_total_cents: discount_total,
        shipping_total_cents: shipping_total,
        tax_total_cents: tax_total,
        items,
        events,
        transactions,
        adjustments,
    }
}

/// `45515200` -> `"45.5152"` (four decimals).
fn micro_degrees(v: i64) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    format!("{sign}{}.{:04}", a / 1_000_000, (a % 1_000_000) / 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_store() {
        let a = generate(7, 1, "s", 20, 30);
        let b = generate(7, 1, "s", 20, 30);
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        let c = generate(8, 1, "s", 20, 30);
        assert_ne!(format!("{a:?}"), format!("{c:?}"));
    }

    #[test]
    fn orders_are_consistent() {
        let s = generate(1, 1, "s", 30, 60);
        assert_eq!(s.orders.len(), 60);
        for o in s.orders.values() {
            assert!(!o.items.is_empty());
            assert_eq!(
                o.total_cents(),
                o.item_total_cents() - o.discount_total_cents
                    + o.shipping_total_cents
                    + o.tax_total_cents
            );
            if let Some(t) = o.transactions.first() {
                assert_eq!(t.amount_cents, o.total_cents());
            }
            let adj: i64 = o.adjustments.iter().map(|a| a.amount_cents).sum();
            // Shipping is an adjustment too (`order_adjustments/shipping`), beside tax and discounts.
            assert_eq!(
                adj,
                o.shipping_total_cents + o.tax_total_cents - o.discount_total_cents
            );
        }
        let ids: Vec<u64> = s.orders.keys().copied().collect();
        assert_eq!(ids[0], 1001);
        let created: Vec<Millis> = s.orders.values().map(|o| o.created_at).collect();
        assert!(created.windows(2).all(|w| w[0] <= w[1]));
        assert!(s.orders.values().any(|o| o.shipping_status == "shipped"));
        assert!(s.orders.values().any(|o| o.shipping_status == "unshipped"));
        assert!(s.orders.values().any(|o| o.shipping_country_id != "US"));
    }

    #[test]
    fn most_products_carry_a_sku_suffix() {
        let s = generate(3, 1, "s", 30, 0);
        let with: Vec<_> = s.products.values().filter_map(|p| p.sku_prefix()).collect();
        assert!(with.len() >= 20, "{}", with.len());
        assert!(with.len() < 30);
        assert!(
            with.iter()
                .all(|sku| sku.ends_with('-') && !sku.contains(char::is_whitespace))
        );
        assert_eq!(micro_degrees(-127_800), "-0.1278");
    }
}
