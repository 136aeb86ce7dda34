//! Discounts: CRUD, filters and rules.

use super::*;

#[tokio::test]
async fn discounts_crud_filters_and_rules() {
    let server = start().await;
    let api = Api::new(&server);
    let list = api.get(&api.acct("/discounts")).await;
    assert_eq!(list.json["meta"]["count"], 6);
    let active = api
        .get(&format!(
            "{}?filter%5Bstatus%5D=active",
            api.acct("/discounts")
        ))
        .await;
    let expired = api
        .get(&format!(
            "{}?filter%5Bstatus%5D=expired",
            api.acct("/discounts")
        ))
        .await;
    assert_eq!(
        active.json["meta"]["count"].as_u64().unwrap()
            + expired.json["meta"]["count"].as_u64().unwrap(),
        6
    );
    let codes: Vec<&str> = expired.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["attributes"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["HOLIDAY24", "FIRST100"]);
    assert_linkage_resolves(&list.json, &[]);
    assert_no_floats(&list.json);

    let create = json!({"data": {"type": "discounts", "attributes": {
        "name": "Summer prints", "code": "SUMMER5", "active_at": "2025-06-01T00:00:00Z",
        "expires_at": "2030-01-01T00:00:00Z",
        "requirement_type": "minimum_cart_total", "minimum_cart_total": "25.00",
        "expiration_type": "on_date", "reward_type": "flat_rate_discount", "flat_rate_discount": "5.5",
        "application_type": "category"
    }, "relationships": {"categories": {"data": [{"type": "categories", "id": "2"}]}}}});
    let r = api.post(&api.acct("/discounts"), &create).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    let id = r.json["data"]["id"].as_str().unwrap().to_string();
    assert_eq!(
        r.header("location").unwrap(),
        format!("{}{}", api.url, api.acct(&format!("/discounts/{id}")))
    );
    let a = &r.json["data"]["attributes"];
    assert_eq!(a["flat_rate_discount"], "5.50");
    assert_eq!(a["minimum_cart_total"], "25.0");
    assert_eq!(a["status"], "active");
    assert_eq!(a["use_count"], 0);
    assert_eq!(a["expires_at"], "2030-01-01T00:00:00.000Z");
    assert_eq!(
        r.json["data"]["relationships"]["categories"]["data"],
        json!([{"type": "categories", "id": "2"}])
    );
    assert_linkage_resolves(&r.json, &[]);
    let d = server.discount(id.parse().unwrap()).unwrap();
    assert_eq!(
        (d.flat_rate_discount_cents, d.category_ids.clone()),
        (Some(550), vec![2])
    );

    // Same code again: a conflict with the stored discounts (409), nothing created.
    let r = api.post(&api.acct("/discounts"), &create).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.json);
    assert_eq!(r.error()["source"]["pointer"], "/data/attributes/code");

    let base = create["data"]["attributes"].clone();
    let with = |patch: Value| {
        let mut attrs = base.clone();
        attrs["code"] = json!("OTHER");
        for (k, v) in patch.as_object().unwrap() {
            if v.is_null() {
                attrs.as_object_mut().unwrap().remove(k);
            } else {
                attrs[k] = v.clone();
            }
        }
        json!({"data": {"type": "discounts", "attributes": attrs, "relationships": create["data"]["relationships"].clone()}})
    };
    for (patch, pointer) in [
        (json!({"name": null}), "/data/attributes/name"),
        (json!({"code": null}), "/data/attributes/code"),
        (json!({"active_at": null}), "/data/attributes/active_at"),
        (
            json!({"active_at": "last tuesday"}),
            "/data/attributes/active_at",
        ),
        (
            json!({"reward_type": "percent_discount"}),
            "/data/attributes/percent_discount",
        ),
        (
            json!({"reward_type": "percent_discount", "percent_discount": 100}),
            "/data/attributes/percent_discount",
        ),
        (
            json!({"flat_rate_discount": 5.123}),
            "/data/attributes/flat_rate_discount",
        ),
        (
            json!({"expires_at": "2020-01-01T00:00:00Z"}),
            "/data/attributes/expires_at",
        ),
        (
            json!({"expiration_type": "on_limit"}),
            "/data/attributes/use_limit",
        ),
        (
            json!({"requirement_type": "minimum_cart_quantity"}),
            "/data/attributes/minimum_cart_quantity",
        ),
        (
            json!({"application_type": "sometimes"}),
            "/data/attributes/application_type",
        ),
        (json!({"use_count": 3}), "/data/attributes/use_count"),
        (
            json!({"use_limit": 99999999999999999999u128.to_string()}),
            "/data/attributes/use_limit",
        ),
    ] {
        let r = api
            .post(&api.acct("/discounts"), &with(patch.clone()))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{patch}: {}", r.json);
        assert_eq!(r.error()["source"]["pointer"], pointer, "{patch}");
    }
    let mut body = with(json!({}));
    body["data"]["relationships"]["categories"]["data"][0]["id"] = json!("77");
    assert_eq!(
        api.post(&api.acct("/discounts"), &body).await.status,
        StatusCode::NOT_FOUND
    );
    let mut body = with(json!({}));
    body["data"]["relationships"] = json!({"categories": {"data": []}});
    assert_eq!(
        api.post(&api.acct("/discounts"), &body).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(server.discounts().len(), 7, "nothing else created");

    // Update: a product discount.
    let pid = server.products()[0].id.to_string();
    let r = api
        .patch(
            &api.acct(&format!("/discounts/{id}")),
            &json!({"data": {"id": id, "type": "discounts", "attributes": {"application_type": "product", "reward_type": "percent_discount", "percent_discount": 15},
                "relationships": {"products": {"data": [{"type": "products", "id": pid}]}}}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["data"]["attributes"]["percent_discount"], 15);
    let inc = r.json["included"].as_array().unwrap();
    let product = inc.iter().find(|x| x["type"] == "products").unwrap();
    assert_eq!(product["id"], pid);
    assert!(
        product.get("relationships").is_none(),
        "included products carry no relations"
    );

    assert_eq!(
        api.delete(&api.acct(&format!("/discounts/{id}")))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert!(server.discount(id.parse().unwrap()).is_none());
    let w = server.counters().writes_for("discounts");
    assert_eq!((w.creates, w.updates, w.deletes), (1, 1, 1));
}
