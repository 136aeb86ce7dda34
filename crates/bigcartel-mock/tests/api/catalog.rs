//! Accounts, countries, artists, categories and products.

use super::*;

#[tokio::test]
async fn accounts_and_countries() {
    let server = start().await;
    let api = Api::new(&server);
    let r = api.get(&api.acct("")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type"), Some(MEDIA_TYPE));
    assert_eq!(r.json["data"]["id"], "12345");
    assert_eq!(r.json["data"]["type"], "accounts");
    assert_eq!(r.json["data"]["attributes"]["subdomain"], "mockshop");
    assert_eq!(
        r.json["data"]["relationships"]["currency"]["data"],
        json!({"type": "currencies", "id": "USD"})
    );
    assert_linkage_resolves(&r.json, &[]);
    let plan = r.json["included"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["type"] == "plans")
        .unwrap();
    assert_eq!(plan["attributes"]["monthly_rate"], "15.0");
    assert_no_floats(&r.json);

    let list = api.get("/v1/accounts").await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.json["data"], json!([r.json["data"].clone()]));

    let c = api.get("/v1/countries").await;
    assert_eq!(c.status, StatusCode::OK);
    let data = c.json["data"].as_array().unwrap();
    assert_eq!(data.len(), 249);
    assert!(
        data.iter()
            .all(|x| x["type"] == "countries" && x["id"].as_str().unwrap().len() == 2)
    );
    let names: Vec<&str> = data
        .iter()
        .map(|x| x["attributes"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names[0], "Afghanistan");
    assert!(
        data.iter()
            .any(|x| x["id"] == "US" && x["attributes"]["name"] == "United States")
    );
    let folded: Vec<String> = names
        .iter()
        .map(|n| n.replace('Å', "A").to_lowercase())
        .collect();
    let mut sorted = folded.clone();
    sorted.sort();
    assert_eq!(folded.first(), sorted.first());
    let r = send(
        api.req(Method::GET, "/v1/countries")
            .header(AUTHORIZATION, "Bearer nope"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn artist_and_category_crud_round_trips() {
    let server = start().await;
    let api = Api::new(&server);
    for kind in ["artists", "categories"] {
        let before = api.get(&api.acct(&format!("/{kind}"))).await;
        let n = before.json["data"].as_array().unwrap().len();
        assert!(n >= 4);

        let r = api
            .post(
                &api.acct(&format!("/{kind}")),
                &json!({"data": {"type": kind, "attributes": {"name": "Night Market Co."}}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
        let id = r.json["data"]["id"].as_str().unwrap().to_string();
        let location = r.header("location").unwrap().to_string();
        assert_eq!(
            location,
            format!("{}{}", api.url, api.acct(&format!("/{kind}/{id}")))
        );
        assert_eq!(r.json["data"]["attributes"]["permalink"], "night-market-co");
        assert_eq!(r.json["data"]["attributes"]["position"], n + 1);
        let got = send(api.req(Method::GET, location.trim_start_matches(&api.url))).await;
        assert_eq!(got.json, r.json, "Location serves the same body");

        // Same name again gets a unique permalink.
        let r2 = api
            .post(
                &api.acct(&format!("/{kind}")),
                &json!({"data": {"type": kind, "attributes": {"name": "Night Market Co."}}}),
            )
            .await;
        assert_eq!(
            r2.json["data"]["attributes"]["permalink"],
            "night-market-co-2"
        );
        let id2 = r2.json["data"]["id"].as_str().unwrap().to_string();

        let r = api
            .patch(
                &api.acct(&format!("/{kind}/{id}")),
                &json!({"data": {"id": id, "type": kind, "attributes": {"name": "Day Market"}}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        assert_eq!(r.json["data"]["attributes"]["name"], "Day Market");
        assert_eq!(r.json["data"]["attributes"]["permalink"], "day-market");
        let nid: u64 = id.parse().unwrap();
        let stored = if kind == "artists" {
            server.artist(nid)
        } else {
            server.category(nid)
        };
        assert_eq!(stored.unwrap().name, "Day Market");

        // id mismatch (409 Conflict, as JSON:API requires and the spec declares), wrong type,
        // unknown id.
        let r = api
            .patch(
                &api.acct(&format!("/{kind}/{id}")),
                &json!({"data": {"id": "1", "type": kind, "attributes": {"name": "X"}}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.json);
        assert_eq!(r.error()["status"], "409");
        assert_eq!(r.error()["source"]["pointer"], "/data/id");
        let r = api
            .patch(
                &api.acct(&format!("/{kind}/{id}")),
                &json!({"data": {"id": id, "type": "orders", "attributes": {"name": "X"}}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        let r = api
            .patch(
                &api.acct(&format!("/{kind}/424242")),
                &json!({"data": {"id": "424242", "type": kind, "attributes": {"name": "X"}}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        // Reposition: the two new ones first, the rest keep their order.
        let r = api
            .patch(
                &api.acct(&format!("/relationships/{kind}")),
                &json!({"data": [{"type": kind, "id": id2}, {"type": kind, "id": id}]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert!(r.bytes.is_empty());
        let list = api.get(&api.acct(&format!("/{kind}"))).await;
        let order = ids(&list.json);
        assert_eq!(&order[..2], &[id2.clone(), id.clone()]);
        let positions: Vec<i64> = list.json["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["attributes"]["position"].as_i64().unwrap())
            .collect();
        assert_eq!(positions, (1..=n as i64 + 2).collect::<Vec<_>>());
        let r = api
            .patch(
                &api.acct(&format!("/relationships/{kind}")),
                &json!({"data": [{"type": kind, "id": "999"}]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = api
            .patch(
                &api.acct(&format!("/relationships/{kind}")),
                &json!({"data": [{"type": kind, "id": id}, {"type": kind, "id": id}]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);

        let r = api.delete(&api.acct(&format!("/{kind}/{id}"))).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert!(r.bytes.is_empty());
        assert_eq!(
            api.get(&api.acct(&format!("/{kind}/{id}"))).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            api.delete(&api.acct(&format!("/{kind}/{id}"))).await.status,
            StatusCode::NOT_FOUND
        );

        let w = server.counters().writes_for(kind);
        assert_eq!(
            (w.creates, w.updates, w.deletes, w.repositions),
            (2, 1, 1, 1),
            "{kind}"
        );
    }
    let c = server.counters();
    assert_eq!(c.requests_for("createArtist"), 2);
    assert_eq!(c.requests_for("deleteCategory"), 2);
}

#[tokio::test]
async fn deleting_an_artist_unlinks_it_from_products() {
    let server = start().await;
    let api = Api::new(&server);
    let product = server
        .products()
        .into_iter()
        .find(|p| !p.artist_ids.is_empty())
        .expect("a product with an artist");
    let artist = product.artist_ids[0];
    assert_eq!(
        api.delete(&api.acct(&format!("/artists/{artist}")))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let r = api
        .get(&api.acct(&format!("/products/{}", product.id)))
        .await;
    assert_eq!(
        r.json["data"]["relationships"]["artists"]["data"],
        json!([])
    );
    assert!(
        server
            .products()
            .iter()
            .all(|p| !p.artist_ids.contains(&artist))
    );
    let r = api
        .get(&format!(
            "{}?filter%5Bartist_id%5D={artist}",
            api.acct("/products")
        ))
        .await;
    assert_eq!(r.json["meta"]["count"], 0);
}

#[tokio::test]
async fn products_filters_sort_and_included() {
    let server = start_with(MockConfig {
        products: 40,
        ..MockConfig::default()
    })
    .await;
    let api = Api::new(&server);
    let all = server.products();

    let r = api
        .get(&format!("{}?page%5Blimit%5D=100", api.acct("/products")))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json["meta"]["count"], 40);
    assert_linkage_resolves(&r.json, &[]);
    assert_no_floats(&r.json);
    let positions: Vec<i64> = r.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["attributes"]["position"].as_i64().unwrap())
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "default sort is position"
    );
    for p in r.json["data"].as_array().unwrap() {
        assert!(p["attributes"]["default_price"].is_string());
        for rel in [
            "options",
            "artists",
            "categories",
            "shipping_options",
            "images",
        ] {
            assert!(p["relationships"][rel]["data"].is_array(), "{rel}");
        }
    }
    for inc in r.json["included"].as_array().unwrap() {
        match inc["type"].as_str().unwrap() {
            "product_options" => assert!(inc["attributes"]["price"].is_string()),
            "shipping_options" => {
                assert!(inc["attributes"]["price_alone"].is_string());
                assert!(inc["attributes"]["price_with_others"].is_string());
                assert_eq!(inc["relationships"]["country"]["data"]["type"], "countries");
            }
            _ => {}
        }
    }
    // Descriptions carry SKUs for most products, none for some.
    let with_sku = all
        .iter()
        .filter(|p| p.description.contains("SKU:"))
        .count();
    assert!((30..40).contains(&with_sku), "{with_sku}");
    assert!(
        all.iter()
            .filter(|p| p.description.contains("SKU:"))
            .all(|p| p.description.ends_with('-'))
    );

    let want = all
        .iter()
        .filter(|p| p.status == "active" || p.status == "sold_out")
        .count();
    let r = api
        .get(&format!(
            "{}?filter%5Bstatus%5D=active,sold_out&page%5Blimit%5D=100",
            api.acct("/products")
        ))
        .await;
    assert_eq!(r.json["meta"]["count"], want);
    assert!(
        r.json["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["attributes"]["status"] == "active"
                || p["attributes"]["status"] == "sold_out")
    );

    let want = all
        .iter()
        .filter(|p| p.category_ids.contains(&1) || p.category_ids.contains(&3))
        .count();
    let r = api
        .get(&format!(
            "{}?filter%5Bcategory_id%5D=1,3&page%5Blimit%5D=100",
            api.acct("/products")
        ))
        .await;
    assert_eq!(r.json["meta"]["count"], want);
    assert!(want > 0);

    let r = api
        .get(&format!(
            "{}?sort=-created_at&page%5Blimit%5D=100",
            api.acct("/products")
        ))
        .await;
    let created: Vec<String> = r.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["attributes"]["created_at"].as_str().unwrap().to_string())
        .collect();
    assert!(created.windows(2).all(|w| w[0] >= w[1]));

    // Reposition products.
    let last = all.last().unwrap().id.to_string();
    let r = api
        .patch(
            &api.acct("/relationships/products"),
            &json!({"data": [{"type": "products", "id": last}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = api
        .get(&format!("{}?page%5Blimit%5D=1", api.acct("/products")))
        .await;
    assert_eq!(ids(&r.json), vec![last.clone()]);
    assert_eq!(server.product(last.parse().unwrap()).unwrap().position, 1);
    let r = api
        .patch(
            &api.acct("/relationships/products"),
            &json!({"data": [{"type": "artists", "id": last}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    let r = api.get(&api.acct(&format!("/products/{last}"))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json["data"]["id"], last);
    assert_linkage_resolves(&r.json, &[]);
}
