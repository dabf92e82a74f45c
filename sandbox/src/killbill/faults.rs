//! Fault injection: added latency, 5xx errors, hangs, connections dropped after the request
//! was processed, a deterministic "fail the N-th request", and "down". Random draws come from
//! a seeded generator and three are taken per request whatever is enabled, so a run with the
//! same seed and the same request sequence injects the same faults.

use std::sync::Mutex;
use std::time::Duration;

use axum::http::StatusCode;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// What a forced failure does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer `error_status` with a Kill Bill error body, without processing.
    #[default]
    Error,
    /// Hang for `hang_ms` without processing, then answer 504.
    Timeout,
    /// Process the request, then close the connection without answering.
    DropAfterProcessing,
}

/// Fault settings; every field defaults to "no fault".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// Latency added before every Kill Bill request, and before the healthcheck's answer.
    pub latency_ms: u64,
    /// Probability (0..=1) of answering `error_status` without processing.
    pub error_rate: f64,
    /// Status of injected errors (500..=599).
    pub error_status: u16,
    /// Probability (0..=1) of hanging `hang_ms` without processing.
    pub timeout_rate: f64,
    /// How long an injected timeout hangs; longer than any sane client timeout by default.
    pub hang_ms: u64,
    /// Probability (0..=1) of processing the request and then dropping the connection.
    pub drop_after_processing_rate: f64,
    /// Fail exactly the N-th Kill Bill request (1-based) counted from when faults were set.
    pub fail_nth_request: Option<u64>,
    /// How the N-th request fails.
    pub fail_nth_kind: FaultKind,
    /// Every Kill Bill request answers 503 and the healthcheck reports unhealthy.
    pub down: bool,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            latency_ms: 0,
            error_rate: 0.0,
            error_status: 500,
            timeout_rate: 0.0,
            hang_ms: 30_000,
            drop_after_processing_rate: 0.0,
            fail_nth_request: None,
            fail_nth_kind: FaultKind::Error,
            down: false,
        }
    }
}

/// Why fault settings were refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FaultsError {
    /// A rate outside 0..=1 (or not a number).
    #[error("{field} must be between 0 and 1, got {value}")]
    RateOutOfRange { field: &'static str, value: f64 },
    /// An error status that is not a 5xx.
    #[error("error_status must be a 5xx status, got {0}")]
    NotServerError(u16),
}

impl Faults {
    /// Checks rates and status.
    pub fn validate(&self) -> Result<(), FaultsError> {
        let rates = [
            ("error_rate", self.error_rate),
            ("timeout_rate", self.timeout_rate),
            ("drop_after_processing_rate", self.drop_after_processing_rate),
        ];
        for (field, value) in rates {
            if !(0.0..=1.0).contains(&value) {
                return Err(FaultsError::RateOutOfRange { field, value });
            }
        }
        if !(500..=599).contains(&self.error_status) {
            return Err(FaultsError::NotServerError(self.error_status));
        }
        Ok(())
    }
}

/// What happens to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Process normally.
    Pass,
    /// Answer 503 at once.
    Down,
    /// Answer this status without processing.
    Error(StatusCode),
    /// Hang this long without processing.
    Timeout(Duration),
    /// Process, then drop the connection.
    DropAfterProcessing,
}

/// Injected-fault counters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultStats {
    /// Injected error answers.
    pub errors: u64,
    /// Injected hangs.
    pub timeouts: u64,
    /// Connections dropped after processing.
    pub drops: u64,
    /// Requests refused while down.
    pub down: u64,
}

#[derive(Debug)]
struct State {
    faults: Faults,
    rng: ChaCha8Rng,
    seen: u64,
    stats: FaultStats,
}

/// Decides, request by request, which fault to inject.
#[derive(Debug)]
pub struct FaultInjector {
    state: Mutex<State>,
}

impl FaultInjector {
    /// An injector with `faults`, drawing from `seed`.
    pub fn new(faults: Faults, seed: u64) -> Self {
        let rng = ChaCha8Rng::seed_from_u64(seed);
        Self { state: Mutex::new(State { faults, rng, seen: 0, stats: FaultStats::default() }) }
    }

    /// Replaces the settings and restarts the N-th request count.
    pub fn set(&self, faults: Faults) -> Result<(), FaultsError> {
        faults.validate()?;
        let mut state = self.lock();
        state.faults = faults;
        state.seen = 0;
        Ok(())
    }

    /// Current settings.
    pub fn get(&self) -> Faults {
        self.lock().faults.clone()
    }

    /// Counters of injected faults.
    pub fn stats(&self) -> FaultStats {
        self.lock().stats.clone()
    }

    /// Clears the counters.
    pub fn reset_stats(&self) {
        self.lock().stats = FaultStats::default();
    }

    /// The added latency and the fate of the next request.
    pub fn decide(&self) -> (Duration, Decision) {
        let mut state = self.lock();
        state.seen += 1;
        let draws: [f64; 3] = [state.rng.random(), state.rng.random(), state.rng.random()];
        let f = &state.faults;
        let hang = Duration::from_millis(f.hang_ms);
        let decision = if f.down {
            Decision::Down
        } else if f.fail_nth_request == Some(state.seen) {
            match f.fail_nth_kind {
                FaultKind::Error => Decision::Error(error_status(f.error_status)),
                FaultKind::Timeout => Decision::Timeout(hang),
                FaultKind::DropAfterProcessing => Decision::DropAfterProcessing,
            }
        } else if draws[0] < f.error_rate {
            Decision::Error(error_status(f.error_status))
        } else if draws[1] < f.timeout_rate {
            Decision::Timeout(hang)
        } else if draws[2] < f.drop_after_processing_rate {
            Decision::DropAfterProcessing
        } else {
            Decision::Pass
        };
        let latency = Duration::from_millis(f.latency_ms);
        count(&mut state.stats, decision);
        (latency, decision)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().expect("fault state poisoned")
    }
}

fn error_status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn count(stats: &mut FaultStats, decision: Decision) {
    match decision {
        Decision::Pass => {}
        Decision::Down => stats.down += 1,
        Decision::Error(_) => stats.errors += 1,
        Decision::Timeout(_) => stats.timeouts += 1,
        Decision::DropAfterProcessing => stats.drops += 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_nth_request_fails() {
        let injector = FaultInjector::new(Faults { fail_nth_request: Some(3), ..Faults::default() }, 7);
        let fates: Vec<Decision> = (0..5).map(|_| injector.decide().1).collect();
        assert_eq!(fates[2], Decision::Error(StatusCode::INTERNAL_SERVER_ERROR));
        assert!(fates.iter().enumerate().all(|(i, d)| i == 2 || *d == Decision::Pass));
    }

    #[test]
    fn the_same_seed_injects_the_same_faults() {
        let faults = Faults { error_rate: 0.5, ..Faults::default() };
        let run = |seed| {
            let injector = FaultInjector::new(faults.clone(), seed);
            (0..32).map(|_| injector.decide().1).collect::<Vec<_>>()
        };
        assert_eq!(run(1), run(1));
        assert!(run(1).contains(&Decision::Pass));
        assert!(run(1).iter().any(|d| matches!(d, Decision::Error(_))));
    }

    #[test]
    fn rates_above_one_are_refused() {
        let faults = Faults { timeout_rate: 1.5, ..Faults::default() };
        assert!(matches!(faults.validate(), Err(FaultsError::RateOutOfRange { field: "timeout_rate", .. })));
        assert!(Faults { error_status: 404, ..Faults::default() }.validate().is_err());
    }
}
