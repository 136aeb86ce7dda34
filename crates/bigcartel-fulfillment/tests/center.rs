//! The reference center through its HTTP client: one order per key, replays, conflicts,
//! rejections, shipping after polls, and its state file across restarts.

use bigcartel_fulfillment::center::{FulfillmentLine, Recipient};
use bigcartel_fulfillment::reference::{ReferenceCenter, ReferenceConfig};
use bigcartel_fulfillment::{
    CenterError, FulfillmentCenter, FulfillmentOrder, HttpCenter, ShipmentStatus,
};

fn order(id: &str, sku: &str) -> FulfillmentOrder {
    FulfillmentOrder {
        account_id: "12345".into(),
        order_id: id.into(),
        shipping_code: "DOMESTIC_DEFAULT".into(),
        carrier_service: Some("USPS_PRIORITY".into()),
        recipient: Recipient {
            name: "Ana Silva".into(),
            address_1: "12 Main St".into(),
            country: "US".into(),
            ..Default::default()
        },
        lines: vec![FulfillmentLine {
            sku: sku.into(),
            quantity: 1,
            line_item_id: format!("li-{id}"),
            product_name: None,
            option_name: None,
        }],
        note: None,
    }
}

#[tokio::test]
async fn one_order_per_key() {
    let center = ReferenceCenter::start(ReferenceConfig {
        ship_after_polls: 2,
        ..Default::default()
    })
    .await
    .unwrap();
    let http = HttpCenter::new(center.url()).unwrap();

    assert_eq!(http.find("k1").await.unwrap(), None);
    let first = http.submit("k1", &order("1", "TEE-L")).await.unwrap();
    // The same order again: the same reference, nothing created.
    let again = http.submit("k1", &order("1", "TEE-L")).await.unwrap();
    assert_eq!(first, again);
    assert_eq!(http.find("k1").await.unwrap(), Some(first.clone()));
    // A different order under the same key: refused.
    let err = http.submit("k1", &order("1", "TEE-XL")).await.unwrap_err();
    assert!(matches!(err, CenterError::Conflict(_)), "{err:?}");
    // An invalid order: rejected, nothing stored.
    let err = http.submit("k2", &order("2", " ")).await.unwrap_err();
    assert!(
        matches!(&err, CenterError::Rejected(m) if m.contains("empty SKU")),
        "{err:?}"
    );
    assert_eq!(http.find("k2").await.unwrap(), None);
    // Keys with characters that need escaping stay one path segment.
    let odd = http.submit("a/b c?d", &order("3", "PIN")).await.unwrap();
    assert_eq!(http.find("a/b c?d").await.unwrap(), Some(odd));

    // Ships on the third poll (two "pending" first).
    for _ in 0..2 {
        assert_eq!(
            http.shipment(&first.reference).await.unwrap(),
            ShipmentStatus::Pending
        );
    }
    match http.shipment(&first.reference).await.unwrap() {
        ShipmentStatus::Shipped {
            carrier,
            tracking_number,
        } => {
            assert_eq!(carrier.as_deref(), Some("USPS_PRIORITY"));
            assert!(tracking_number.is_some());
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        http.shipment("FC-999999").await,
        Err(CenterError::Rejected(_))
    ));

    let snapshot = center.snapshot();
    assert_eq!(snapshot.records.len(), 2);
    assert_eq!(snapshot.records["k1"].submit_requests, 2);
    let s = &snapshot.stats;
    assert_eq!(
        (s.created, s.replays, s.conflicts, s.rejected),
        (2, 1, 1, 1)
    );
}

#[tokio::test]
async fn unreachable_center_is_unavailable_not_rejected() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let http = HttpCenter::new(&format!("http://127.0.0.1:{port}")).unwrap();
    let err = http.submit("k", &order("1", "A")).await.unwrap_err();
    assert!(matches!(err, CenterError::Unavailable(_)), "{err:?}");
    assert!(HttpCenter::new("ftp://example.com").is_err());
}

#[tokio::test]
async fn state_file_survives_restarts_and_a_torn_last_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("center.jsonl");
    let config = ReferenceConfig {
        state_file: Some(file.clone()),
        ship_after_polls: 0,
        ..Default::default()
    };
    let reference = {
        let center = ReferenceCenter::start(config.clone()).await.unwrap();
        let http = HttpCenter::new(center.url()).unwrap();
        let sub = http.submit("k1", &order("1", "A")).await.unwrap();
        http.submit("k2", &order("2", "B")).await.unwrap();
        assert!(matches!(
            http.shipment(&sub.reference).await.unwrap(),
            ShipmentStatus::Shipped { .. }
        ));
        center.shutdown().await;
        sub.reference
    };
    // A write cut short by a crash.
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str(r#"{"key":"k3","refer"#);
    std::fs::write(&file, text).unwrap();

    let center = ReferenceCenter::start(config.clone()).await.unwrap();
    let http = HttpCenter::new(center.url()).unwrap();
    assert_eq!(
        http.find("k1").await.unwrap().map(|s| s.reference),
        Some(reference.clone())
    );
    assert!(matches!(
        http.shipment(&reference).await.unwrap(),
        ShipmentStatus::Shipped { .. }
    ));
    assert_eq!(http.find("k3").await.unwrap(), None);
    // Replays still answer with the stored record; new keys get new references.
    assert_eq!(
        http.submit("k1", &order("1", "A")).await.unwrap().reference,
        reference
    );
    let k4 = http.submit("k4", &order("4", "D")).await.unwrap();
    assert_ne!(k4.reference, reference);
    center.shutdown().await;
    // The torn tail was dropped, so the file reads back whole.
    let center = ReferenceCenter::start(config).await.unwrap();
    assert_eq!(center.snapshot().records.len(), 3);
}

/// The reference center's state file holds buyers' names and addresses: its owner's alone.
#[cfg(unix)]
#[tokio::test]
async fn state_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("center.jsonl");
    let center = ReferenceCenter::start(ReferenceConfig {
        state_file: Some(file.clone()),
        ..Default::default()
    })
    .await
    .unwrap();
    HttpCenter::new(center.url())
        .unwrap()
        .submit("k1", &order("1", "A"))
        .await
        .unwrap();
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    println!("state file mode: {mode:o}");
    assert_eq!(mode & 0o077, 0, "state file mode {mode:o}");
    center.shutdown().await;
}
