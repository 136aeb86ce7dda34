//! The fulfillment part of `bigcartel demo`: a reference center in this process, a fresh ledger,
//! and passes until every order that can be fulfilled is submitted, shipped and marked shipped.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::engine::{Engine, EngineError, RunOptions, RunReport, Settings};
use crate::ledger::{Durability, Ledger, LedgerStatus};
use crate::progress::ProgressFn;
use crate::reference::{CenterStats, ReferenceCenter, ReferenceConfig};
use crate::shipping::ShippingCode;
use crate::{HttpCenter, OrderState};

/// The ledger file the demo (re)creates in its folder.
pub const DEMO_LEDGER: &str = "bigcartel-fulfillment-demo.db";

/// What the demo did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DemoReport {
    /// The passes and their totals.
    pub run: RunReport,
    /// The ledger at the end.
    pub status: LedgerStatus,
    /// Orders the reference center holds.
    pub center_orders: usize,
    /// The center's request counters.
    pub center: CenterStats,
    /// The ledger file.
    pub ledger: PathBuf,
}

impl std::fmt::Display for DemoReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "fulfillment: {} passes; {} orders submitted to the reference center, {} marked shipped in Big Cartel, {} held",
            self.run.passes,
            self.center_orders,
            self.status.count(OrderState::Done),
            self.status.count(OrderState::Held),
        )?;
        for h in self.status.held.iter().take(5) {
            writeln!(f, "  held order {}: {}", h.order_id, h.reason)?;
        }
        if self.status.held.len() > 5 {
            writeln!(f, "  ... and {} more held", self.status.held.len() - 5)?;
        }
        Ok(())
    }
}

/// Runs the engine against `client`'s shop (the mock, in `bigcartel demo`) with a reference
/// center started in this process and a fresh ledger `dir/`[`DEMO_LEDGER`] (an earlier demo
/// ledger there is replaced). Returns when no order has work left.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = bigcartel::Client::builder("demo").base_url("http://127.0.0.1:4010").bearer("mock-token").build()?;
/// let report = bigcartel_fulfillment::demo(client, std::env::temp_dir().as_path(), None).await?;
/// print!("{report}");
/// # Ok(()) }
/// ```
pub async fn demo(
    client: bigcartel::Client,
    dir: &Path,
    progress: Option<ProgressFn>,
) -> Result<DemoReport, EngineError> {
    let path = dir.join(DEMO_LEDGER);
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.clone().into_os_string();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
    let center = ReferenceCenter::start(ReferenceConfig::default())
        .await
        .map_err(|e| EngineError::Task(e.to_string()))?;
    let ledger = Ledger::open(&path, Durability::Normal)?;
    let settings = Settings {
        services: [
            (ShippingCode::Domestic, "USPS_PRIORITY".to_string()),
            (
                ShippingCode::International,
                "USPS_PRIORITY_INTERNATIONAL".to_string(),
            ),
        ]
        .into(),
        retry_base: Duration::from_millis(200),
        retry_max: Duration::from_secs(2),
        ..Settings::default()
    };
    let mut engine = Engine::new(client, HttpCenter::new(center.url())?, ledger, settings).await?;
    if let Some(p) = progress {
        engine = engine.with_progress(p);
    }
    let options = RunOptions {
        interval: Duration::from_millis(50),
        until_idle: true,
        max_passes: Some(50),
        webhook: None,
    };
    let run = engine.run(options, std::future::pending()).await?;
    let status = engine.status()?;
    let snapshot = center.snapshot();
    center.shutdown().await;
    Ok(DemoReport {
        run,
        status,
        center_orders: snapshot.records.len(),
        center: snapshot.stats,
        ledger: path,
    })
}
