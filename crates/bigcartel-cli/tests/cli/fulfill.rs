//! `fulfill sync` and `fulfill status`.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fulfill_sync_and_status() {
    use bigcartel_fulfillment::reference::{ReferenceCenter, ReferenceConfig};
    let s = mock().await;
    let center = ReferenceCenter::start(ReferenceConfig {
        port: 0,
        ship_after_polls: 0,
        ..ReferenceConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fulfill.toml");
    std::fs::write(
        &config,
        format!(
            "[bigcartel]\nuser_agent = \"CliTest (test@example.com)\"\ntoken_env = \"BIGCARTEL_TOKEN\"\nbase_url = \"{}\"\n\n\
             [center]\nurl = \"{}\"\n\n[ledger]\npath = \"ledger.db\"\n",
            s.url(),
            center.url()
        ),
    )
    .unwrap();
    let cfg = config.to_str().unwrap();
    let unshipped_before = s
        .orders()
        .iter()
        .filter(|o| o.shipping_status == "unshipped")
        .count();
    // Passes until nothing is left to do: submit, then poll and mark shipped.
    for _ in 0..4 {
        let out = run(&s, &["fulfill", "--config", cfg, "--quiet", "sync"]);
        assert!(
            matches!(out.status.code(), Some(0) | Some(1)),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let status = json(&run(&s, &["fulfill", "--config", cfg, "status", "--json"]));
    let unshipped_after = s
        .orders()
        .iter()
        .filter(|o| o.shipping_status == "unshipped")
        .count();
    let submitted = center.snapshot().records.len();
    assert!(submitted > 0, "orders reached the center: {status}");
    assert_eq!(
        unshipped_before - unshipped_after,
        submitted,
        "every submitted order was marked shipped once"
    );
    assert!(status.to_string().contains("held"), "{status}");
}
