//! Orders: pagination, search, filters, sort, totals and updates.

use super::*;

#[tokio::test]
async fn orders_pagination_walks_every_order_once() {
    let server = start_with(MockConfig {
        orders: 53,
        ..MockConfig::default()
    })
    .await;
    let api = Api::new(&server);
    let mut seen = Vec::new();
    let mut next = Some(format!(
        "{}{}?filter%5Bshipping_status%5D=unshipped&page%5Blimit%5D=7",
        api.url,
        api.acct("/orders")
    ));
    let mut pages = 0;
    let mut count = None;
    while let Some(url) = next {
        let r = send(api.req(Method::GET, url.trim_start_matches(&api.url))).await;
        assert_eq!(r.status, StatusCode::OK);
        pages += 1;
        let c = r.json["meta"]["count"]
            .as_u64()
            .expect("count is a JSON number");
        assert_eq!(*count.get_or_insert(c), c);
        seen.extend(ids(&r.json));
        assert!(
            r.json["links"]["last"]
                .as_str()
                .unwrap()
                .contains("page%5Blimit%5D=7")
        );
        next = r.json["links"]["next"].as_str().map(str::to_string);
        if let Some(n) = &next {
            assert!(n.starts_with(&api.url), "absolute next link: {n}");
            assert!(n.contains("filter%5Bshipping_status%5D=unshipped"), "{n}");
            assert!(n.contains("page%5Blimit%5D=7&page%5Boffset%5D="), "{n}");
        }
        assert!(pages < 20);
    }
    let want: Vec<u64> = server
        .orders()
        .iter()
        .filter(|o| o.shipping_status == "unshipped")
        .map(|o| o.id)
        .collect();
    assert_eq!(count, Some(want.len() as u64));
    assert_eq!(seen.len(), want.len());
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), seen.len(), "no order twice");
    assert_eq!(pages, want.len().div_ceil(7).max(1));

    // Past the end: empty page, still counted, no next.
    let r = api
        .get(&format!("{}?page%5Boffset%5D=1000", api.acct("/orders")))
        .await;
    assert_eq!(r.json["data"], json!([]));
    assert_eq!(r.json["meta"]["count"], 53);
    assert!(r.json["links"].get("next").is_none());
    // Default page size 20; limits above 100 are clamped.
    let r = api.get(&api.acct("/orders")).await;
    assert_eq!(r.json["data"].as_array().unwrap().len(), 20);
    assert!(
        r.json["links"]["next"]
            .as_str()
            .unwrap()
            .ends_with("page%5Blimit%5D=20&page%5Boffset%5D=20")
    );
    assert!(
        r.json["links"]["last"]
            .as_str()
            .unwrap()
            .ends_with("page%5Blimit%5D=20&page%5Boffset%5D=40")
    );
    let r = api
        .get(&format!("{}?page%5Blimit%5D=5000", api.acct("/orders")))
        .await;
    assert_eq!(r.json["data"].as_array().unwrap().len(), 53);
}

#[tokio::test]
async fn orders_search_filter_sort_and_totals() {
    let server = start_with(MockConfig {
        orders: 60,
        ..MockConfig::default()
    })
    .await;
    let api = Api::new(&server);
    let orders = server.orders();
    let target = &orders[17];

    let by_email = api
        .get(&format!(
            "{}?search={}",
            api.acct("/orders"),
            target.customer_email.to_uppercase()
        ))
        .await;
    assert!(ids(&by_email.json).contains(&target.id.to_string()));
    let full_name = format!(
        "{} {}",
        target.customer_first_name, target.customer_last_name
    );
    let by_name = api
        .get(&format!(
            "{}?search={}&page%5Blimit%5D=100",
            api.acct("/orders"),
            full_name.replace(' ', "+")
        ))
        .await;
    let want = orders
        .iter()
        .filter(|o| {
            format!("{} {}", o.customer_first_name, o.customer_last_name)
                .to_lowercase()
                .contains(&full_name.to_lowercase())
                || o.customer_email.contains(&full_name.to_lowercase())
        })
        .count();
    assert_eq!(by_name.json["meta"]["count"], want);
    let by_id = api
        .get(&format!("{}?search={}", api.acct("/orders"), target.id))
        .await;
    assert_eq!(ids(&by_id.json), vec![target.id.to_string()]);

    let shipped = api
        .get(&format!(
            "{}?filter%5Bshipping_status%5D=shipped",
            api.acct("/orders")
        ))
        .await;
    let unshipped = api
        .get(&format!(
            "{}?filter%5Bshipping_status%5D=unshipped",
            api.acct("/orders")
        ))
        .await;
    let (s, u) = (
        shipped.json["meta"]["count"].as_u64().unwrap(),
        unshipped.json["meta"]["count"].as_u64().unwrap(),
    );
    assert!(s > 0 && u > 0);
    assert_eq!(s + u, 60);

    let asc = api
        .get(&format!(
            "{}?sort=created_at&page%5Blimit%5D=100",
            api.acct("/orders")
        ))
        .await;
    let desc = api
        .get(&format!(
            "{}?sort=-created_at&page%5Blimit%5D=100",
            api.acct("/orders")
        ))
        .await;
    let mut reversed = ids(&desc.json);
    reversed.reverse();
    assert_eq!(ids(&asc.json), reversed);
    let default = api
        .get(&format!("{}?page%5Blimit%5D=100", api.acct("/orders")))
        .await;
    assert_eq!(
        ids(&default.json),
        ids(&desc.json),
        "default is newest first"
    );
    let upd = api
        .get(&format!(
            "{}?sort=updated_at&page%5Blimit%5D=100",
            api.acct("/orders")
        ))
        .await;
    let times: Vec<&str> = upd.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["attributes"]["updated_at"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
    let comp = api
        .get(&format!(
            "{}?sort=-completed_at&page%5Blimit%5D=100",
            api.acct("/orders")
        ))
        .await;
    let c: Vec<&Value> = comp.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| &o["attributes"]["completed_at"])
        .collect();
    let first_null = c.iter().position(|v| v.is_null()).unwrap_or(c.len());
    assert!(
        c[first_null..].iter().all(|v| v.is_null()),
        "unpaid orders last"
    );
    assert!(
        c[..first_null]
            .windows(2)
            .all(|w| w[0].as_str() >= w[1].as_str())
    );

    // Totals are consistent decimal strings; line items include options, not products.
    assert_no_floats(&asc.json);
    assert_linkage_resolves(&asc.json, &["products"]);
    let included = asc.json["included"].as_array().unwrap();
    assert!(included.iter().all(|r| r["type"] != "products"));
    for o in asc.json["data"].as_array().unwrap() {
        let a = &o["attributes"];
        assert_eq!(
            cents(&a["total"]),
            cents(&a["item_total"]) - cents(&a["discount_total"])
                + cents(&a["shipping_total"])
                + cents(&a["tax_total"])
        );
        let items = o["relationships"]["items"]["data"].as_array().unwrap();
        assert!(!items.is_empty());
        let mut sum = 0;
        let mut count = 0;
        for link in items {
            let item = included
                .iter()
                .find(|r| r["type"] == "order_line_items" && r["id"] == link["id"])
                .unwrap();
            let ia = &item["attributes"];
            assert_eq!(
                cents(&ia["total"]),
                cents(&ia["price"]) * ia["quantity"].as_i64().unwrap()
            );
            sum += cents(&ia["total"]);
            count += ia["quantity"].as_i64().unwrap();
            assert_eq!(item["relationships"]["product"]["data"]["type"], "products");
        }
        assert_eq!(sum, cents(&a["item_total"]));
        assert_eq!(count, a["item_count"].as_i64().unwrap());
        assert!(a["shipping_latitude"].is_string());
    }
    assert!(
        asc.json["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["relationships"]["shipping_country"]["data"]["id"] != "US")
    );
}

#[tokio::test]
async fn update_order_changes_state_and_validates() {
    let server = start().await;
    let api = Api::new(&server);
    let order = server
        .orders()
        .into_iter()
        .find(|o| o.shipping_status == "unshipped")
        .unwrap();
    let id = order.id.to_string();
    let path = api.acct(&format!("/orders/{id}"));
    let r = api
        .patch(
            &path,
            &json!({"data": {"id": id, "type": "orders", "attributes": {
                "shipping_status": "shipped",
                "customer_first_name": "Robin",
                "shipping_address_2": null,
                "shipping_country_id": "ca",
                "shipping_zip": "M5V 2T6"
            }}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let a = &r.json["data"]["attributes"];
    assert_eq!(a["shipping_status"], "shipped");
    assert_eq!(a["customer_first_name"], "Robin");
    assert_eq!(a["shipping_address_2"], Value::Null);
    assert_eq!(
        r.json["data"]["relationships"]["shipping_country"]["data"]["id"],
        "CA"
    );
    assert_ne!(
        a["updated_at"],
        bigcartel_mock::time::format(order.updated_at)
    );
    let stored = server.order(order.id).unwrap();
    assert_eq!(stored.shipping_status, "shipped");
    assert_eq!(stored.customer_first_name, "Robin");
    assert_eq!(
        stored.customer_last_name, order.customer_last_name,
        "untouched fields stay"
    );
    assert!(stored.updated_at > order.updated_at);
    assert_eq!(stored.events.last().unwrap().message, "Marked as shipped");
    assert_eq!(api.get(&path).await.json, r.json, "GET shows the update");

    for (attrs, pointer) in [
        (
            json!({"shipping_status": "lost"}),
            "/data/attributes/shipping_status",
        ),
        (
            json!({"shipping_country_id": "XX"}),
            "/data/attributes/shipping_country_id",
        ),
        (
            json!({"customer_email": "not-an-email"}),
            "/data/attributes/customer_email",
        ),
        (json!({"total": "1.0"}), "/data/attributes/total"),
        (
            json!({"customer_first_name": 7}),
            "/data/attributes/customer_first_name",
        ),
    ] {
        let r = api
            .patch(
                &path,
                &json!({"data": {"id": id, "type": "orders", "attributes": attrs}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{attrs}");
        assert_eq!(r.error()["source"]["pointer"], pointer);
    }
    assert_eq!(
        server.order(order.id).unwrap(),
        stored,
        "rejected updates change nothing"
    );
    assert_eq!(server.counters().writes_for("orders").updates, 1);
}
