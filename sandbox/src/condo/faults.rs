//! Fault injection on `/admin/api`: latency, 5xx answers, hangs, dropped connections, "down".
//!
//! Faults are set at start (config or CLI) and replaced at run time through the control API.
//! Random faults draw from a seeded generator, so a run with the same seed and the same
//! request sequence fails the same requests.

use super::rng::SeededRng;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The faults applied to each GraphQL request, checked in this order: `down`, latency,
/// hang, 5xx, then (after the request was processed) dropping the connection.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Faults {
    /// Close every connection without answering, as a crashed server would.
    pub down: bool,
    /// Delay added to every request, in milliseconds.
    pub latency_ms: u64,
    /// Probability of answering with `error_status` instead of processing the request.
    pub error_rate: f64,
    /// The status used for injected errors (502, 503, 504, 500…).
    pub error_status: u16,
    /// Probability of hanging for `hang_ms` before processing (longer than a client timeout).
    pub timeout_rate: f64,
    /// How long a hang lasts, in milliseconds.
    pub hang_ms: u64,
    /// Probability of processing the request and then closing the connection unanswered.
    pub drop_rate: f64,
    /// 1-based numbers of GraphQL requests (counted since start) that get `error_status`.
    pub fail_nth: Vec<u64>,
    /// How many of the next GraphQL requests get `error_status`.
    pub fail_next: u32,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            down: false,
            latency_ms: 0,
            error_rate: 0.0,
            error_status: 503,
            timeout_rate: 0.0,
            hang_ms: 60_000,
            drop_rate: 0.0,
            fail_nth: Vec::new(),
            fail_next: 0,
        }
    }
}

/// What to do to one request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decision {
    /// Close the connection without reading the request further.
    pub down: bool,
    /// Delay before anything else.
    pub latency: Duration,
    /// Hang this long before processing.
    pub hang: Option<Duration>,
    /// Answer with this status instead of processing.
    pub error: Option<u16>,
    /// Close the connection after processing, without sending the answer.
    pub drop_after: bool,
}

/// The current faults plus the seeded generator that decides random ones.
pub struct FaultState {
    faults: Faults,
    rng: SeededRng,
}

impl FaultState {
    /// Starts with `faults`, drawing random decisions from `seed`.
    pub fn new(faults: Faults, seed: u64) -> Self {
        Self { faults, rng: SeededRng::new(seed, 7) }
    }

    /// The faults in force.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Replaces the faults in force.
    pub fn set(&mut self, faults: Faults) {
        self.faults = faults;
    }

    /// Decides the fate of GraphQL request number `n` (1-based).
    pub fn decide(&mut self, n: u64) -> Decision {
        let f = &mut self.faults;
        if f.down {
            return Decision { down: true, ..Decision::default() };
        }
        let forced = f.fail_nth.contains(&n) || f.fail_next > 0;
        f.fail_next = f.fail_next.saturating_sub(1);
        let status = f.error_status;
        let (error_rate, timeout_rate, drop_rate) = (f.error_rate, f.timeout_rate, f.drop_rate);
        let (latency, hang) = (Duration::from_millis(f.latency_ms), Duration::from_millis(f.hang_ms));
        Decision {
            down: false,
            latency,
            hang: self.rng.chance(timeout_rate).then_some(hang),
            error: (self.rng.chance(error_rate) || forced).then_some(status),
            drop_after: self.rng.chance(drop_rate),
        }
    }
}

/// The HTML page a reverse proxy in front of Condo shows for a 5xx status.
pub fn error_page(status: u16) -> String {
    let reason = match status {
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Temporarily Unavailable",
        504 => "Gateway Time-out",
        _ => "Error",
    };
    format!(
        "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    )
}

#[cfg(test)]
mod tests {
    use super::{FaultState, Faults};

    #[test]
    fn the_nth_request_and_the_next_requests_fail() {
        let faults = Faults { fail_nth: vec![3], fail_next: 1, ..Faults::default() };
        let mut state = FaultState::new(faults, 1);
        let errors: Vec<bool> = (1..=4).map(|n| state.decide(n).error.is_some()).collect();
        assert_eq!(errors, [true, false, true, false]);
    }

    #[test]
    fn the_same_seed_fails_the_same_requests() {
        let faults = Faults { error_rate: 0.3, ..Faults::default() };
        let run = |seed| {
            let mut state = FaultState::new(faults.clone(), seed);
            (1..=50).map(|n| state.decide(n).error.is_some()).collect::<Vec<_>>()
        };
        assert_eq!(run(9), run(9));
        assert!(run(9).iter().any(|&e| e) && !run(9).iter().all(|&e| e));
    }
}
