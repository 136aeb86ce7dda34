//! Fuzzes URL, path and query building from arbitrary parameters: every call must either be
//! refused as invalid input or reach the network layer (here a closed loopback port), never panic.
#![no_main]

use bigcartel::{Client, ListOrdersParams, ListProductsParams, OrderInput, RetryPolicy};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

#[derive(Arbitrary, Debug)]
struct Input {
    id: String,
    search: Option<String>,
    status: Option<String>,
    sort: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
    ids: Vec<String>,
    email: Option<String>,
    image_url: String,
    width: u32,
    height: u32,
    amount: String,
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap())
}

fn client() -> &'static Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    // Port 9 (discard) on loopback is closed here: requests are fully built, then refused.
    CLIENT.get_or_init(|| {
        Client::builder("fuzz (fuzz@example.com)")
            .base_url("http://127.0.0.1:9")
            .bearer("t")
            .account_id("1")
            .retry(RetryPolicy::none())
            .build()
            .unwrap()
    })
}

fuzz_target!(|input: Input| {
    let c = client();
    runtime().block_on(async {
        let _ = c.get_order(&input.id).await;
        // The params are `#[non_exhaustive]`: optional inputs are assigned to the fields.
        let mut params = ListOrdersParams::new();
        params.search = input.search.clone();
        params.filter_shipping_status = input.status.clone();
        params.sort = input.sort.clone();
        params.page_limit = input.limit;
        params.page_offset = input.offset;
        let _ = c.list_orders(&params).await;
        let mut products = ListProductsParams::new();
        products.filter_status = input.status.clone();
        products.sort = input.sort.clone();
        let _ = c.list_products(&products).await;
        let _ = c.reposition_products(&input.ids).await;
        let mut order = OrderInput::new();
        order.customer_email = input.email.clone();
        let _ = c.update_order(&input.id, &order).await;
    });
    let _ = bigcartel::image::resized(&input.image_url, input.width, input.height, bigcartel::image::Fit::Max);
    if let Ok(units) = bigcartel::money::to_minor_units(&input.amount, 2) {
        // A parsed amount formats back to the same value.
        let again = bigcartel::money::from_minor_units(units, 2);
        assert_eq!(bigcartel::money::to_minor_units(&again, 2), Ok(units));
    }
    let app = bigcartel::oauth::OAuthApp::new(input.id.clone(), "s", "fuzz").redirect_uri(input.image_url.clone());
    let _ = app.authorize_url(&input.amount);
});
