//! Deterministic fault decisions.

use std::time::Duration;

use crate::config::FaultConfig;
use crate::ops::Operation;

/// What to do to one request, decided before any state change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    None,
    Drop,
    Status(u16),
    Truncate,
    CutJson,
}

impl Decision {
    pub(crate) fn kind(self) -> &'static str {
        match self {
            Decision::None => "none",
            Decision::Drop => "drop",
            Decision::Status(500) => "error_500",
            Decision::Status(503) => "error_503",
            Decision::Status(_) => "rate_limit",
            Decision::Truncate => "truncate",
            Decision::CutJson => "cut_json",
        }
    }
}

pub(crate) struct FaultState {
    seed: u64,
    cfg: FaultConfig,
    rng: fastrand::Rng,
    injected: u64,
}

fn rate(r: f64) -> f64 {
    if r.is_finite() {
        r.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

impl FaultState {
    pub(crate) fn new(seed: u64, cfg: FaultConfig) -> Self {
        FaultState {
            seed,
            rng: fastrand::Rng::with_seed(seed ^ 0xFA17_5EED_0000_0001),
            cfg,
            injected: 0,
        }
    }

    /// Replaces the configuration and restarts the random sequence.
    pub(crate) fn set(&mut self, cfg: FaultConfig) {
        *self = FaultState::new(self.seed, cfg);
    }

    pub(crate) fn config(&self) -> &FaultConfig {
        &self.cfg
    }

    fn in_scope(&self, op: Operation) -> bool {
        self.cfg.operations.is_empty() || self.cfg.operations.iter().any(|o| o == op.id())
    }

    fn exhausted(&self) -> bool {
        self.cfg.max_faults.is_some_and(|m| self.injected >= m)
    }

    /// Delay and fault for one request to `op`.
    pub(crate) fn decide(&mut self, op: Operation) -> (Duration, Decision) {
        if !self.in_scope(op) {
            return (Duration::ZERO, Decision::None);
        }
        let jitter = if self.cfg.jitter_ms > 0 {
            self.rng.u64(0..=self.cfg.jitter_ms)
        } else {
            0
        };
        let delay = Duration::from_millis(self.cfg.latency_ms.saturating_add(jitter));
        let c = &self.cfg;
        let table = [
            (rate(c.drop_rate), Decision::Drop),
            (rate(c.error_500_rate), Decision::Status(500)),
            (rate(c.error_503_rate), Decision::Status(503)),
            (rate(c.rate_limit_rate), Decision::Status(429)),
            (rate(c.truncate_rate), Decision::Truncate),
            (rate(c.cut_json_rate), Decision::CutJson),
        ];
        if table.iter().all(|(r, _)| *r == 0.0) || self.exhausted() {
            return (delay, Decision::None);
        }
        let roll = self.rng.f64();
        let mut acc = 0.0;
        for (r, d) in table {
            acc += r;
            if r > 0.0 && (roll < acc || (r >= 1.0)) {
                self.injected += 1;
                return (delay, d);
            }
        }
        (delay, Decision::None)
    }

    /// Whether a successful write to `op` should be answered 500 anyway.
    pub(crate) fn fail_after_write(&mut self, op: Operation) -> bool {
        let r = rate(self.cfg.fail_after_write_rate);
        if r == 0.0 || !op.is_write() || !self.in_scope(op) || self.exhausted() {
            return false;
        }
        if r >= 1.0 || self.rng.f64() < r {
            self.injected += 1;
            return true;
        }
        false
    }

    pub(crate) fn retry_after(&self) -> u64 {
        self.cfg.retry_after_secs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_bounded() {
        let cfg = FaultConfig {
            error_503_rate: 0.5,
            ..FaultConfig::default()
        };
        let run = || {
            let mut f = FaultState::new(9, cfg.clone());
            (0..64)
                .map(|_| f.decide(Operation::ListOrders).1)
                .collect::<Vec<_>>()
        };
        let a = run();
        assert_eq!(a, run());
        let n = a.iter().filter(|d| **d == Decision::Status(503)).count();
        assert!((16..48).contains(&n), "{n}");

        let mut f = FaultState::new(
            9,
            FaultConfig {
                drop_rate: 1.0,
                ..FaultConfig::default()
            }
            .at_most(2),
        );
        let got: Vec<_> = (0..4).map(|_| f.decide(Operation::GetOrder).1).collect();
        assert_eq!(
            got,
            [
                Decision::Drop,
                Decision::Drop,
                Decision::None,
                Decision::None
            ]
        );

        let mut f = FaultState::new(
            9,
            FaultConfig {
                error_500_rate: 1.0,
                ..FaultConfig::default()
            }
            .only(["createArtist"]),
        );
        assert_eq!(f.decide(Operation::GetOrder).1, Decision::None);
        assert_eq!(f.decide(Operation::CreateArtist).1, Decision::Status(500));
    }
}
