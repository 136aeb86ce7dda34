//! The crash test: the `bigcartel-fulfill` binary, run as a real child process against the mock
//! shop and a reference center living in this test process, is killed with SIGKILL at many
//! different moments of a run of 500+ orders and restarted each time. Afterwards every order that
//! can be fulfilled is held by the center exactly once (the center's own records) and marked
//! shipped exactly once in the mock (its state and counters); held orders are never submitted.
//!
//! `cargo test -p bigcartel-fulfillment --test crash -- --nocapture` prints the figures.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bigcartel_fulfillment::ledger::Durability;
use bigcartel_fulfillment::prepare::idempotency_key;
use bigcartel_fulfillment::reference::{ReferenceCenter, ReferenceConfig};
use bigcartel_fulfillment::{Ledger, OrderState};
use common::{Expected, check_center, check_mock, counts, mock};

const BIN: &str = env!("CARGO_BIN_EXE_bigcartel-fulfill");
const TOKEN_ENV: &str = "FULFILL_CRASH_TEST_TOKEN";
/// Kills at most; the run usually completes sooner.
const MAX_KILLS: usize = 150;

fn config(mock_url: &str, center_url: &str) -> String {
    format!(
        r#"
[bigcartel]
base_url = "{mock_url}"
account_id = "12345"
user_agent = "bigcartel-fulfillment crash test (https://example.com/contact)"
token_env = "{TOKEN_ENV}"

[center]
url = "{center_url}"

[ledger]
path = "ledger.db"

[shipping.services]
DOMESTIC_DEFAULT = "USPS_PRIORITY"

[run]
concurrency = 8
retry_base = "20ms"
retry_max = "200ms"
"#
    )
}

fn spawn(config: &Path) -> Child {
    Command::new(BIN)
        .args(["--quiet", "--config"])
        .arg(config)
        .args(["run", "--interval", "10ms", "--until-idle"])
        .env(TOKEN_ENV, "mock-token")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bigcartel-fulfill starts")
}

/// A small deterministic generator: kill delays are log-uniform between 2 ms and 400 ms, so kills
/// land during start-up, listing, submission, polling and marking alike. The cap keeps one run
/// from finishing the whole job between two kills on a fast, idle machine.
struct Delays(u64);

impl Delays {
    fn next(&mut self) -> Duration {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        let unit = (self.0 >> 11) as f64 / (1u64 << 53) as f64;
        Duration::from_secs_f64(0.002 * (200f64).powf(unit))
    }
}

/// Where one kill landed, read from the ledger, the center and the mock right after it.
#[derive(Debug)]
struct KillPoint {
    after: Duration,
    states: std::collections::BTreeMap<&'static str, u64>,
    /// Orders whose submission the center holds while the ledger still says `submitting`/`failed`:
    /// killed between the center's answer and the ledger's commit.
    unrecorded_submissions: BTreeSet<String>,
    /// Orders marked shipped in the mock while the ledger still says `marking`.
    unrecorded_marks: BTreeSet<String>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_at_many_points_loses_and_duplicates_nothing() {
    let started = Instant::now();
    let mock = mock(5000, 21).await;
    let expected = Expected::from_store(&mock.snapshot());
    assert!(
        expected.fulfilled.len() >= 500,
        "{} fulfillable orders",
        expected.fulfilled.len()
    );
    // The center lives in this process: it outlives every kill of the engine.
    let center = ReferenceCenter::start(ReferenceConfig::default())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join("fulfill.toml");
    std::fs::write(&config_path, config(mock.url(), center.url())).unwrap();
    let ledger_path = dir.path().join("ledger.db");

    let mut delays = Delays(0x9e37_79b9_7f4a_7c15);
    // How long a run takes to reach the ledger depends on the machine and its load: when ten kills
    // in a row land before the first ledger write, the delays double (up to 32 times), so a slow
    // machine still gets kills mid-run instead of 150 kills at start-up.
    let mut scale = 1u32;
    let mut before_any_write = 0;
    let mut kills: Vec<KillPoint> = Vec::new();
    let mut finished_early = false;
    // Kill until the kills have landed at enough different points (how many a given number of
    // kills reaches depends on the machine's speed), or MAX_KILLS, or a run finishes first.
    let distinct_points = |kills: &[KillPoint]| {
        kills
            .iter()
            .map(|k| format!("{:?}", k.states))
            .collect::<BTreeSet<_>>()
            .len()
    };
    while kills.len() < MAX_KILLS && (kills.len() < 20 || distinct_points(&kills) < 15) {
        let mut child = spawn(&config_path);
        // The first kills land before anything reaches the ledger (start-up, first listing).
        let delay = match kills.len() {
            0 => Duration::from_millis(2),
            1 => Duration::from_millis(20),
            _ => delays.next() * scale,
        };
        tokio::time::sleep(delay).await;
        if let Some(status) = child.try_wait().unwrap() {
            // The run completed before this kill was due.
            let mut stderr = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
            assert!(
                status.success(),
                "bigcartel-fulfill failed: {status}: {stderr}"
            );
            finished_early = true;
            break;
        }
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        let point = kill_point(delay, &ledger_path, &center, &mock);
        before_any_write = if point.states.is_empty() {
            before_any_write + 1
        } else {
            0
        };
        if before_any_write >= 10 && scale < 32 {
            scale *= 2;
            before_any_write = 0;
        }
        kills.push(point);
    }
    // The last start runs to the end.
    let child = spawn(&config_path);
    let output = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert!(
        output.status.success(),
        "final run failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );

    // Nothing lost, nothing duplicated, held orders never submitted: the center's own records.
    let snapshot = center.snapshot();
    let at_center = check_center(&snapshot, &expected);
    assert_eq!(at_center, expected.fulfilled.len());
    // Every submission the center answered was under a key it had not seen, or an identical
    // re-send of one it had (never a second order).
    assert_eq!(snapshot.stats.conflicts, 0);
    assert!(
        snapshot.stats.replays as usize <= kills.len(),
        "{} re-sent submissions for {} kills",
        snapshot.stats.replays,
        kills.len()
    );
    // Marked shipped in the mock, once each.
    check_mock(&mock, &expected);
    let patches = mock.counters().writes_for("orders").updates as usize;
    assert!(patches >= expected.fulfilled.len());
    assert!(
        patches <= expected.fulfilled.len() + kills.len(),
        "{patches} PATCHes"
    );
    // And the ledger agrees.
    let status = Ledger::open(&ledger_path, Durability::Full)
        .unwrap()
        .status()
        .unwrap();
    assert_eq!(
        status.count(OrderState::Done) as usize,
        expected.fulfilled.len()
    );
    assert_eq!(status.count(OrderState::Held) as usize, expected.held.len());
    assert_eq!(status.in_progress(), 0, "{:?}", counts(&status));

    // The kills really landed mid-run, at many different points.
    let mid_run = kills
        .iter()
        .filter(|k| {
            let done = k.states.get("done").copied().unwrap_or(0) as usize;
            k.states.values().sum::<u64>() > 0 && done < expected.fulfilled.len()
        })
        .count();
    let distinct = distinct_points(&kills);
    let with_intents = kills
        .iter()
        .filter(|k| k.states.contains_key("submitting"))
        .count();
    let with_marking = kills
        .iter()
        .filter(|k| k.states.contains_key("marking"))
        .count();
    // Orders caught in those windows (an order stays caught across kills until a run recovers it).
    let unrecorded_submissions = kills
        .iter()
        .flat_map(|k| k.unrecorded_submissions.iter())
        .collect::<BTreeSet<_>>()
        .len();
    let unrecorded_marks = kills
        .iter()
        .flat_map(|k| k.unrecorded_marks.iter())
        .collect::<BTreeSet<_>>()
        .len();
    let before_first_write = kills.iter().filter(|k| k.states.is_empty()).count();

    println!(
        "crash test: {} unshipped orders ({} fulfillable, {} held); {} SIGKILLs ({} mid-run, {} distinct ledger states at the kill, \
         {} before the first ledger write, {} with submissions in flight, {} with marks in flight; \
         {} orders killed between the center's answer and the ledger's commit, {} between Big Cartel's answer and the commit){}; \
         center: {} orders, 0 duplicates, 0 lost, {} re-sent submissions answered idempotently, {} look-ups; \
         mock: {} orders marked shipped, {} PATCHes; {:.1?}",
        expected.unshipped.len(),
        expected.fulfilled.len(),
        expected.held.len(),
        kills.len(),
        mid_run,
        distinct,
        before_first_write,
        with_intents,
        with_marking,
        unrecorded_submissions,
        unrecorded_marks,
        if finished_early {
            ", then a run finished before its kill"
        } else {
            ""
        },
        at_center,
        snapshot.stats.replays,
        snapshot.stats.finds,
        expected.fulfilled.len(),
        patches,
        started.elapsed(),
    );
    for (i, k) in kills.iter().enumerate() {
        println!(
            "  kill {:>2} after {:>6.1?}: {:?} (unrecorded: {} submissions, {} marks)",
            i + 1,
            k.after,
            k.states,
            k.unrecorded_submissions.len(),
            k.unrecorded_marks.len()
        );
    }
    assert!(kills.len() >= 15, "only {} kills", kills.len());
    assert!(mid_run >= 10, "{mid_run} kills mid-run");
    assert!(distinct >= 10, "{distinct} distinct kill points");
}

fn kill_point(
    after: Duration,
    ledger_path: &Path,
    center: &ReferenceCenter,
    mock: &bigcartel_mock::MockServer,
) -> KillPoint {
    if !ledger_path.exists() {
        return KillPoint {
            after,
            states: Default::default(),
            unrecorded_submissions: BTreeSet::new(),
            unrecorded_marks: BTreeSet::new(),
        };
    }
    let ledger = Ledger::open(ledger_path, Durability::Full).unwrap();
    let status = ledger.status().unwrap();
    let records = center.snapshot().records;
    let unrecorded_submissions = ledger
        .in_states(&[OrderState::Submitting, OrderState::Failed])
        .unwrap()
        .iter()
        .filter(|e| records.contains_key(&idempotency_key("12345", &e.order_id)))
        .map(|e| e.order_id.clone())
        .collect();
    let unrecorded_marks = ledger
        .in_states(&[OrderState::Marking])
        .unwrap()
        .iter()
        .filter(|e| {
            let id: u64 = e.order_id.parse().unwrap();
            mock.order(id)
                .is_some_and(|o| o.shipping_status == "shipped")
        })
        .map(|e| e.order_id.clone())
        .collect();
    KillPoint {
        after,
        states: counts(&status),
        unrecorded_submissions,
        unrecorded_marks,
    }
}
