//! The SDK's own client against the mock: the two sides of the contract
//! meet, and the mock's counters prove how the client retries.

mod common;

use std::time::Duration;

use bigcartel::{ApiErrorKind, Client, Error, ListOrdersParams, RetryPolicy};
use bigcartel_mock::{FaultConfig, MockConfig, MockServer};
use common::*;
use futures::TryStreamExt;

fn client(server: &MockServer, retry: RetryPolicy) -> Client {
    Client::builder(UA)
        .base_url(server.url())
        .bearer("mock-token")
        .retry(retry)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client builds")
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(50),
        budget: Duration::from_secs(5),
    }
}

#[tokio::test]
async fn client_reads_resolved_models_and_pages() {
    let server = start_with(MockConfig {
        orders: 57,
        ..MockConfig::default()
    })
    .await;
    let c = client(&server, RetryPolicy::none());
    let orders: Vec<_> = c
        .list_orders_stream(
            ListOrdersParams::default(),
            bigcartel::PageOptions {
                page_size: 10,
                ..Default::default()
            },
        )
        .try_collect()
        .await
        .expect("all pages");
    assert_eq!(orders.len(), 57);
    let mut ids: Vec<&str> = orders.iter().map(|o| o.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 57);

    let want = server.orders()[5].clone();
    let order = c.get_order(&want.id.to_string()).await.expect("getOrder");
    assert_eq!(order.items.len(), want.items.len());
    assert_eq!(
        order.customer_email.as_deref(),
        Some(want.customer_email.as_str())
    );
    assert_eq!(
        order.total.as_deref(),
        Some(bigcartel_mock::money::format(want.total_cents()).as_str())
    );
    assert!(
        order
            .items
            .iter()
            .all(|i| i.price.is_some() && i.product_option_name.is_some())
    );

    let err = c.get_order("424242").await.expect_err("404");
    match err {
        Error::Api(e) => assert_eq!((e.status, e.kind), (404, ApiErrorKind::NotFound)),
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn client_retries_reads_but_never_blindly_repeats_a_post() {
    let server = start().await;
    let c = client(&server, fast_retries());

    // Two 503s then success: a read is retried and succeeds.
    server.set_faults(
        FaultConfig {
            error_503_rate: 1.0,
            ..FaultConfig::default()
        }
        .only(["getOrder"])
        .at_most(2),
    );
    c.get_order("1001").await.expect("retried past two 503s");
    assert_eq!(server.counters().requests_for("getOrder"), 3);

    // A POST that was applied and then answered 500 must not be sent again.
    server.set_faults(FaultConfig {
        fail_after_write_rate: 1.0,
        ..FaultConfig::default()
    });
    let input = {
        let mut value = bigcartel::ArtistInput::default();
        value.name = "Once Only".into();
        value
    };
    let err = c
        .create_artist(&input)
        .await
        .expect_err("the 500 reaches the caller");
    assert_eq!(err.status(), Some(500));
    let counters = server.counters();
    assert_eq!(
        counters.requests_for("createArtist"),
        1,
        "no blind retry of a POST"
    );
    assert_eq!(counters.writes_for("artists").creates, 1);
    assert_eq!(
        server
            .artists()
            .iter()
            .filter(|a| a.name == "Once Only")
            .count(),
        1
    );
}
