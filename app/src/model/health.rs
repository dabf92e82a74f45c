//! What `/api/health` reports: the database's reachability and each
//! platform's sync state, for load balancers, monitors and operators.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::system_status::IntegrationHealth;

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthReport {
    /// `ok`, or `unavailable` when the database does not answer.
    pub status: String,
    /// Our PostgreSQL.
    pub database: DatabaseHealth,
    /// Each platform by name (`killbill`, `condo`, `cocorico`).
    pub platforms: BTreeMap<String, PlatformHealth>,
    /// `<platform>_sync_ok` for each platform: what a monitor alerts on.
    #[serde(flatten)]
    pub sync_ok: BTreeMap<String, bool>,
}

/// The database as the server sees it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DatabaseHealth {
    /// Whether it answered.
    pub reachable: bool,
    /// How long `SELECT 1` took, in milliseconds (two decimals).
    pub latency_ms: f64,
}

/// One platform's sync state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlatformHealth {
    /// Whether its settings are present.
    pub configured: bool,
    /// Whether the last run succeeded within its freshness target.
    pub sync_ok: bool,
    /// The state the admin panel shows.
    pub state: IntegrationHealth,
    /// When a run last succeeded.
    pub last_success_at: Option<DateTime<Utc>>,
    /// The last run's error in plain words.
    pub last_error: Option<String>,
    /// Kill Bill only: the latest reconciliation's drift (`null` before the first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drift: Option<Option<DriftSummary>>,
    /// The last run, next run and failure streak, when they could be read.
    #[serde(flatten)]
    pub runs: Option<RunHealth>,
}

/// Drift counts of the latest Kill Bill reconciliation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftSummary {
    /// Documents on one side only.
    pub missing: i32,
    /// Documents whose amounts differ.
    pub amount_mismatch: i32,
    /// Documents whose statuses differ.
    pub status_mismatch: i32,
    /// When the reconciliation ended.
    pub reconciled_at: DateTime<Utc>,
}

/// A platform's runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunHealth {
    /// The last run, if there was one.
    pub last_run: Option<LastRun>,
    /// The next scheduled run.
    pub next_run_at: Option<DateTime<Utc>>,
    /// Whether its schedule is paused.
    pub paused: bool,
    /// Failed runs in a row.
    pub consecutive_failures: i32,
}

/// The last run of a platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastRun {
    /// Its `sync_run` id.
    pub id: i64,
    /// `running`, `succeeded`, `failed`, …
    pub status: Option<String>,
    /// `schedule`, `manual` or `cli`.
    pub trigger: Option<String>,
    /// When it started.
    pub started_at: Option<DateTime<Utc>>,
    /// When it ended.
    pub finished_at: Option<DateTime<Utc>>,
    /// How long it took.
    pub duration_ms: Option<i64>,
    /// Records read.
    pub records_in: Option<i32>,
    /// Records written.
    pub records_out: Option<i32>,
    /// Records that failed.
    pub records_failed: Option<i32>,
    /// Records skipped.
    pub records_skipped: Option<i32>,
}
