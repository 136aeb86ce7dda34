//! Request shape on the wire for every operation: method, path, query encoding, headers (Accept,
//! Content-Type, User-Agent, Authorization) and body, against a local HTTP server.

use bigcartel::*;
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const UA: &str = "WireTest (wire@example.com)";
const TOKEN: &str = "tok-wire-secret";

fn one(resource_type: &str, id: &str) -> Value {
    json!({ "data": { "type": resource_type, "id": id, "attributes": { "name": "x" } } })
}

fn list(resource_type: &str) -> Value {
    json!({ "data": [ { "type": resource_type, "id": "1", "attributes": {} } ], "meta": { "count": 1 }, "links": {} })
}

async fn server_answering(status: u16, body: Option<Value>) -> MockServer {
    let server = MockServer::start().await;
    let mut t = ResponseTemplate::new(status);
    if let Some(b) = body {
        t = t.set_body_raw(serde_json::to_vec(&b).unwrap(), "application/vnd.api+json");
    }
    Mock::given(any()).respond_with(t).mount(&server).await;
    server
}

fn client(server: &MockServer) -> Client {
    Client::builder(UA)
        .base_url(server.uri())
        .bearer(TOKEN)
        .account_id("77")
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

/// Checks what every JSON:API request must carry.
fn common(r: &Request, method: &str, path: &str, has_body: bool) {
    assert_eq!(r.method.as_str(), method);
    assert_eq!(r.url.path(), path);
    assert_eq!(header(r, "accept"), Some("application/vnd.api+json"));
    assert_eq!(header(r, "user-agent"), Some(UA));
    assert_eq!(
        header(r, "authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert!(
        r.headers.get("api-version").is_none(),
        "progenitor's api-version header must be removed"
    );
    if has_body {
        assert_eq!(header(r, "content-type"), Some("application/vnd.api+json"));
    } else {
        assert!(r.body.is_empty());
    }
}

fn body(r: &Request) -> Value {
    serde_json::from_slice(&r.body).unwrap()
}

#[tokio::test]
async fn accounts_and_countries() {
    let s = server_answering(200, Some(list("accounts"))).await;
    let page = client(&s).list_accounts().await.unwrap();
    assert_eq!(page.items[0].id, "1");
    common(&only_request(&s).await, "GET", "/v1/accounts", false);

    let s = server_answering(200, Some(one("accounts", "77"))).await;
    let account = client(&s).get_account().await.unwrap();
    assert_eq!(account.id, "77");
    common(&only_request(&s).await, "GET", "/v1/accounts/77", false);

    let s = server_answering(200, Some(list("countries"))).await;
    client(&s).list_countries().await.unwrap();
    common(&only_request(&s).await, "GET", "/v1/countries", false);
}

#[tokio::test]
async fn artists_and_categories_crud() {
    // (resource type, list path, reposition path)
    for (kind, base, reposition) in [
        (
            "artists",
            "/v1/accounts/77/artists",
            "/v1/accounts/77/relationships/artists",
        ),
        (
            "categories",
            "/v1/accounts/77/categories",
            "/v1/accounts/77/relationships/categories",
        ),
    ] {
        let artists = kind == "artists";
        let s = server_answering(200, Some(list(kind))).await;
        if artists {
            client(&s).list_artists().await.unwrap();
        } else {
            client(&s).list_categories().await.unwrap();
        }
        common(&only_request(&s).await, "GET", base, false);

        let s = server_answering(200, Some(one(kind, "5"))).await;
        if artists {
            assert_eq!(client(&s).get_artist("5").await.unwrap().id, "5");
        } else {
            assert_eq!(client(&s).get_category("5").await.unwrap().id, "5");
        }
        common(&only_request(&s).await, "GET", &format!("{base}/5"), false);

        let s = server_answering(201, Some(one(kind, "6"))).await;
        let created = if artists {
            client(&s)
                .create_artist(&{
                    let mut value = ArtistInput::default();
                    value.name = "New".into();
                    value
                })
                .await
                .unwrap()
                .id
        } else {
            client(&s)
                .create_category(&{
                    let mut value = CategoryInput::default();
                    value.name = "New".into();
                    value
                })
                .await
                .unwrap()
                .id
        };
        assert_eq!(created, "6");
        let r = only_request(&s).await;
        common(&r, "POST", base, true);
        assert_eq!(
            body(&r),
            json!({ "data": { "type": kind, "attributes": { "name": "New" } } })
        );

        let s = server_answering(200, Some(one(kind, "6"))).await;
        if artists {
            client(&s)
                .update_artist("6", &{
                    let mut value = ArtistInput::default();
                    value.name = "Renamed".into();
                    value
                })
                .await
                .unwrap();
        } else {
            client(&s)
                .update_category("6", &{
                    let mut value = CategoryInput::default();
                    value.name = "Renamed".into();
                    value
                })
                .await
                .unwrap();
        }
        let r = only_request(&s).await;
        common(&r, "PATCH", &format!("{base}/6"), true);
        assert_eq!(
            body(&r),
            json!({ "data": { "type": kind, "id": "6", "attributes": { "name": "Renamed" } } })
        );

        let s = server_answering(204, None).await;
        if artists {
            client(&s).delete_artist("6").await.unwrap();
        } else {
            client(&s).delete_category("6").await.unwrap();
        }
        common(
            &only_request(&s).await,
            "DELETE",
            &format!("{base}/6"),
            false,
        );

        let s = server_answering(204, None).await;
        let ids = vec!["3".to_string(), "1".to_string(), "2".to_string()];
        if artists {
            client(&s).reposition_artists(&ids).await.unwrap();
        } else {
            client(&s).reposition_categories(&ids).await.unwrap();
        }
        let r = only_request(&s).await;
        common(&r, "PATCH", reposition, true);
        assert_eq!(
            body(&r),
            json!({ "data": [ { "type": kind, "id": "3" }, { "type": kind, "id": "1" }, { "type": kind, "id": "2" } ] })
        );
    }
}

#[tokio::test]
async fn discounts() {
    let s = server_answering(200, Some(list("discounts"))).await;
    let params = ListDiscountsParams::new()
        .filter_status("active")
        .page_limit(50)
        .page_offset(100);
    client(&s).list_discounts(&params).await.unwrap();
    let r = only_request(&s).await;
    common(&r, "GET", "/v1/accounts/77/discounts", false);
    let q: Vec<(String, String)> = r
        .url
        .query_pairs()
        .map(|(k, v)| (k.into(), v.into()))
        .collect();
    assert!(
        q.contains(&("filter[status]".into(), "active".into())),
        "{q:?}"
    );
    assert!(q.contains(&("page[limit]".into(), "50".into())));
    assert!(q.contains(&("page[offset]".into(), "100".into())));
    // Brackets are percent-encoded on the wire, as the API's own links show.
    assert!(
        r.url.query().unwrap().contains("filter%5Bstatus%5D=active"),
        "{:?}",
        r.url.query()
    );

    let input = {
        let mut value = DiscountInput::default();
        value.name = "Spring".into();
        value.code = "SPRING".into();
        value.active_at = "2026-03-01T00:00:00Z".into();
        value.requirement_type = "any_order".into();
        value.expiration_type = "never".into();
        value.reward_type = "flat_rate_discount".into();
        value.application_type = "category".into();
        value.flat_rate_discount = Some("5.50".into());
        value
    };
    let rels = {
        let mut value = DiscountRelationshipsInput::default();
        value.categories = Some(vec!["4".into()]);
        value.products = None;
        value
    };
    let s = server_answering(201, Some(one("discounts", "9"))).await;
    client(&s).create_discount(&input, &rels).await.unwrap();
    let r = only_request(&s).await;
    common(&r, "POST", "/v1/accounts/77/discounts", true);
    let b = body(&r);
    assert_eq!(b["data"]["type"], "discounts");
    assert_eq!(
        b["data"]["attributes"]["flat_rate_discount"], "5.50",
        "money is sent as an exact string"
    );
    assert!(
        b["data"]["attributes"].get("percent_discount").is_none(),
        "unset optionals are omitted"
    );
    assert_eq!(
        b["data"]["relationships"],
        json!({ "categories": { "data": [ { "type": "categories", "id": "4" } ] } })
    );

    let s = server_answering(200, Some(one("discounts", "9"))).await;
    client(&s).get_discount("9").await.unwrap();
    common(
        &only_request(&s).await,
        "GET",
        "/v1/accounts/77/discounts/9",
        false,
    );

    let s = server_answering(200, Some(one("discounts", "9"))).await;
    client(&s)
        .update_discount("9", &input, &DiscountRelationshipsInput::default())
        .await
        .unwrap();
    let r = only_request(&s).await;
    common(&r, "PATCH", "/v1/accounts/77/discounts/9", true);
    assert_eq!(body(&r)["data"]["id"], "9");
    assert!(body(&r)["data"].get("relationships").is_none());

    let s = server_answering(204, None).await;
    client(&s).delete_discount("9").await.unwrap();
    common(
        &only_request(&s).await,
        "DELETE",
        "/v1/accounts/77/discounts/9",
        false,
    );
}

#[tokio::test]
async fn orders() {
    let s = server_answering(200, Some(list("orders"))).await;
    let params = {
        let mut value = ListOrdersParams::default();
        value.search = Some("ada@example.com".into());
        value.filter_shipping_status = Some("unshipped".into());
        value.sort = Some("-created_at".into());
        value.page_limit = Some(100);
        value.page_offset = None;
        value
    };
    client(&s).list_orders(&params).await.unwrap();
    let r = only_request(&s).await;
    common(&r, "GET", "/v1/accounts/77/orders", false);
    let q: Vec<(String, String)> = r
        .url
        .query_pairs()
        .map(|(k, v)| (k.into(), v.into()))
        .collect();
    assert!(q.contains(&("search".into(), "ada@example.com".into())));
    assert!(q.contains(&("filter[shipping_status]".into(), "unshipped".into())));
    assert!(q.contains(&("sort".into(), "-created_at".into())));
    assert!(
        !q.iter().any(|(k, _)| k == "page[offset]"),
        "unset parameters are not sent"
    );

    let s = server_answering(200, Some(one("orders", "100"))).await;
    client(&s).get_order("100").await.unwrap();
    common(
        &only_request(&s).await,
        "GET",
        "/v1/accounts/77/orders/100",
        false,
    );

    let s = server_answering(200, Some(one("orders", "100"))).await;
    let input = OrderInput::new().shipping_status("shipped");
    client(&s).update_order("100", &input).await.unwrap();
    let r = only_request(&s).await;
    common(&r, "PATCH", "/v1/accounts/77/orders/100", true);
    assert_eq!(
        body(&r),
        json!({ "data": { "type": "orders", "id": "100", "attributes": { "shipping_status": "shipped" } } })
    );
}

#[tokio::test]
async fn products() {
    let s = server_answering(200, Some(list("products"))).await;
    let params = ListProductsParams::new()
        .filter_status("active,sold_out")
        .filter_category_id("1,2,3")
        .filter_artist_id("4")
        .sort("-updated_at");
    client(&s).list_products(&params).await.unwrap();
    let r = only_request(&s).await;
    common(&r, "GET", "/v1/accounts/77/products", false);
    let q: Vec<(String, String)> = r
        .url
        .query_pairs()
        .map(|(k, v)| (k.into(), v.into()))
        .collect();
    assert!(q.contains(&("filter[status]".into(), "active,sold_out".into())));
    assert!(q.contains(&("filter[category_id]".into(), "1,2,3".into())));
    assert!(q.contains(&("filter[artist_id]".into(), "4".into())));
    assert!(q.contains(&("sort".into(), "-updated_at".into())));

    let s = server_answering(200, Some(one("products", "1"))).await;
    client(&s).get_product("1").await.unwrap();
    common(
        &only_request(&s).await,
        "GET",
        "/v1/accounts/77/products/1",
        false,
    );

    let s = server_answering(204, None).await;
    client(&s)
        .reposition_products(&["2".into(), "1".into()])
        .await
        .unwrap();
    let r = only_request(&s).await;
    common(&r, "PATCH", "/v1/accounts/77/relationships/products", true);
    assert_eq!(
        body(&r),
        json!({ "data": [ { "type": "products", "id": "2" }, { "type": "products", "id": "1" } ] })
    );

    // An empty reposition is refused before anything is sent.
    let s = server_answering(204, None).await;
    let err = client(&s).reposition_products(&[]).await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    assert!(s.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn basic_auth_and_account_discovery() {
    let s = server_answering(200, Some(list("accounts"))).await;
    let c = Client::builder(UA)
        .base_url(s.uri())
        .basic("mystore", "hunter2")
        .build()
        .unwrap();
    assert_eq!(c.account_id().await.unwrap(), "1");
    assert_eq!(
        c.account_id().await.unwrap(),
        "1",
        "discovered once, then remembered"
    );
    let r = only_request(&s).await;
    assert_eq!(r.url.path(), "/v1/accounts");
    // base64("mystore:hunter2")
    assert_eq!(
        header(&r, "authorization"),
        Some("Basic bXlzdG9yZTpodW50ZXIy")
    );
}

/// Clients built on one shared pool keep their own credentials, account and settings: each
/// request carries its client's token and path, never the other's.
#[tokio::test]
async fn clients_sharing_connections_keep_their_own_credentials() {
    let s = server_answering(200, Some(list("orders"))).await;
    let pool = Connections::new(
        std::time::Duration::from_secs(5),
        std::time::Duration::from_secs(5),
    )
    .unwrap();
    let for_merchant = |token: &str, account: &str| {
        Client::builder(UA)
            .connections(&pool)
            .base_url(s.uri())
            .bearer(token.to_string())
            .account_id(account)
            .build()
            .unwrap()
    };
    let (a, b) = (for_merchant("tok-a", "11"), for_merchant("tok-b", "22"));
    for _ in 0..2 {
        a.list_orders(&ListOrdersParams::new()).await.unwrap();
        b.list_orders(&ListOrdersParams::new()).await.unwrap();
    }
    let seen: Vec<(String, Option<String>)> = s
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.url.path().to_string(),
                header(r, "authorization").map(str::to_string),
            )
        })
        .collect();
    let expect = |account: &str, token: &str| {
        (
            format!("/v1/accounts/{account}/orders"),
            Some(format!("Bearer {token}")),
        )
    };
    assert_eq!(
        seen,
        [
            expect("11", "tok-a"),
            expect("22", "tok-b"),
            expect("11", "tok-a"),
            expect("22", "tok-b")
        ]
    );
}

#[tokio::test]
async fn oauth_token_exchange_and_deauthorize() {
    let s = MockServer::start().await;
    Mock::given(wiremock::matchers::path("/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({ "access_token": "new-token", "token_type": "bearer", "account_id": 12345 }),
        ))
        .mount(&s)
        .await;
    let app = oauth::OAuthApp::new("cid", "csecret", UA)
        .redirect_uri("https://app.example/cb")
        .base_url(s.uri());
    let token = app.exchange_code("the-code").await.unwrap();
    assert_eq!(token.access_token.expose(), "new-token");
    assert_eq!(token.account_id.as_deref(), Some("12345"));
    assert!(!format!("{token:?}").contains("new-token"));
    let r = only_request(&s).await;
    assert_eq!(r.method.as_str(), "POST");
    assert_eq!(
        header(&r, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(header(&r, "user-agent"), Some(UA));
    assert!(r.headers.get("authorization").is_none());
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&r.body).into_owned().collect();
    for pair in [
        ("client_id", "cid"),
        ("client_secret", "csecret"),
        ("code", "the-code"),
        ("redirect_uri", "https://app.example/cb"),
    ] {
        assert!(form.contains(&(pair.0.into(), pair.1.into())), "{form:?}");
    }

    let s = server_answering(204, None).await;
    let app = oauth::OAuthApp::new("cid", "csecret", UA).base_url(s.uri());
    app.deauthorize("12345").await.unwrap();
    let r = only_request(&s).await;
    assert_eq!(
        (r.method.as_str(), r.url.path()),
        ("POST", "/oauth/deauthorize/12345")
    );
    assert_eq!(header(&r, "authorization"), Some("Basic Y2lkOmNzZWNyZXQ="));

    // An OAuth error is typed and carries the code, not the secret.
    let s = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({ "error": "invalid_client_secret" })),
        )
        .mount(&s)
        .await;
    let app = oauth::OAuthApp::new("cid", "csecret", UA).base_url(s.uri());
    let err = app.exchange_code("c").await.unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!((api.status, api.kind), (401, ApiErrorKind::Unauthorized));
    assert_eq!(api.errors[0].code.as_deref(), Some("invalid_client_secret"));
    assert!(!format!("{err} {err:?}").contains("csecret"));
}

#[test]
fn configuration_is_checked() {
    let err = Client::builder("  ").bearer("t").build().unwrap_err();
    assert!(err.to_string().contains("User-Agent"), "{err}");
    let err = Client::builder(UA).build().unwrap_err();
    assert!(err.to_string().contains("credentials"), "{err}");
    let err = Client::builder(UA)
        .bearer("t")
        .base_url("http://api.example.com")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("https"), "{err}");
    assert!(
        Client::builder(UA)
            .bearer("t")
            .base_url("http://127.0.0.1:9")
            .build()
            .is_ok()
    );
    assert!(
        Client::builder(UA)
            .bearer("t")
            .base_url("http://localhost:9")
            .build()
            .is_ok()
    );
    let err = Client::builder(UA)
        .bearer("t")
        .base_url("https://user:pw@api.example.com")
        .build()
        .unwrap_err();
    assert!(!err.to_string().contains("pw@"), "{err}");
}
