//! The cluster-wide figures `/metrics` exposes, read from the database at
//! scrape time (every replica reports the same values).

use serde::{Deserialize, Serialize};

/// Everything the database series are drawn from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncFigures {
    /// Finished runs, records and durations per job and outcome.
    pub runs: Vec<RunTotal>,
    /// Each job's state.
    pub jobs: Vec<JobGauges>,
    /// `(status, count)` of the "sync now" requests.
    pub requests: Vec<(String, i64)>,
    /// `(source, state, count)` of the stored webhook events.
    pub webhook_events: Vec<(String, String, i64)>,
}

/// Runs of one job in one status, and their records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunTotal {
    /// The job (`killbill`, `killbill_reconciliation`, …).
    pub job: String,
    /// `succeeded` or `failed`.
    pub status: String,
    /// How many runs.
    pub runs: i64,
    /// Records read.
    pub records_in: f64,
    /// Records written.
    pub records_out: f64,
    /// Records that failed.
    pub records_failed: f64,
    /// Records skipped.
    pub records_skipped: f64,
    /// The runs' durations summed, in seconds.
    pub duration_seconds: f64,
    /// Runs per duration bucket (not cumulative; the last one unbounded).
    pub duration_buckets: Vec<i64>,
}

/// One job's gauges (times as Unix seconds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobGauges {
    /// The job.
    pub job: String,
    /// Whether its platform's settings are present.
    pub configured: bool,
    /// Whether its schedule is paused.
    pub paused: bool,
    /// Failed runs in a row.
    pub consecutive_failures: i32,
    /// When a run last succeeded.
    pub last_success: Option<f64>,
    /// When the next scheduled run is due.
    pub next_run: Option<f64>,
    /// How long the last finished run took, in seconds.
    pub last_duration: Option<f64>,
    /// Whether a server holds its job lease now.
    pub running: bool,
}
