//! `/api/health`: the database's reachability and latency, each platform's
//! sync state (judged as the admin panel judges it), the Kill Bill drift and
//! each platform's last run; and readiness for load balancers.

use chrono::Utc;
use sqlx::PgPool;
use std::collections::BTreeMap;

use crate::domain::Platform;
use crate::model::health::{DatabaseHealth, DriftSummary, HealthReport, LastRun, PlatformHealth, RunHealth};
use crate::model::system_status::IntegrationHealth;
use crate::server::scheduler::schedule::SchedulerSettings;
use crate::server::store::sync_state::StatusRow;
use crate::server::store::{database, killbill_reconciliation, sync_state};
use crate::server::system_status::health::list_integrations;

/// Whether the server can take traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readiness {
    /// The database answers and every migration is applied.
    Ready,
    /// The database answers but migrations are pending.
    MigrationsPending,
    /// The database does not answer.
    DatabaseUnreachable,
}

/// The health report. Parts that cannot be read are left out; only an
/// unreachable database makes the status `unavailable`.
pub async fn report(pool: &PgPool, schedules: &SchedulerSettings) -> HealthReport {
    let ping = database::ping(pool).await;
    let latency_ms = ping.as_ref().map_or(0.0, |d| (d.as_secs_f64() * 1000.0 * 100.0).round() / 100.0);
    let reachable = ping.is_ok();
    let mut report = HealthReport {
        status: if reachable { "ok" } else { "unavailable" }.to_owned(),
        database: DatabaseHealth { reachable, latency_ms },
        platforms: BTreeMap::new(),
        sync_ok: BTreeMap::new(),
    };
    if !reachable {
        return report;
    }
    let Ok(statuses) = list_integrations(pool, schedules, Utc::now()).await else { return report };
    for status in statuses {
        let sync_ok = status.health == IntegrationHealth::Ok;
        report.sync_ok.insert(format!("{}_sync_ok", status.platform.as_str()), sync_ok);
        let platform = PlatformHealth {
            configured: status.health != IntegrationHealth::NotConfigured,
            sync_ok,
            state: status.health,
            last_success_at: status.last_success_at,
            last_error: status.last_error,
            drift: None,
            runs: None,
        };
        report.platforms.insert(status.platform.as_str().to_owned(), platform);
    }
    add_killbill_drift(pool, &mut report).await;
    add_runs(pool, &mut report).await;
    report
}

/// The latest Kill Bill reconciliation's drift counts (`null` before the first).
async fn add_killbill_drift(pool: &PgPool, report: &mut HealthReport) {
    let Some(killbill) = report.platforms.get_mut(Platform::KillBill.as_str()) else { return };
    let Ok(latest) = killbill_reconciliation::latest_drift_counts(pool).await else { return };
    killbill.drift = Some(latest.map(|(c, at)| DriftSummary {
        missing: c.missing,
        amount_mismatch: c.amount_mismatch,
        status_mismatch: c.status_mismatch,
        reconciled_at: at,
    }));
}

/// Each platform's last run of its main job (duration and counts), next run
/// and failure streak.
async fn add_runs(pool: &PgPool, report: &mut HealthReport) {
    let rows = match sync_state::list_status_rows(pool).await {
        Ok(rows) => rows,
        Err(err) => {
            tracing::warn!(error = %err, "health: could not read the last runs");
            return;
        }
    };
    for row in rows {
        if let Some(platform) = report.platforms.get_mut(&row.job) {
            platform.runs = Some(run_health(row));
        }
    }
}

fn run_health(row: StatusRow) -> RunHealth {
    let duration_ms = row.last_started_at.zip(row.last_finished_at).map(|(s, f)| (f - s).num_milliseconds());
    let last_run = row.last_run_id.map(|id| LastRun {
        id,
        status: row.last_status,
        trigger: row.last_trigger,
        started_at: row.last_started_at,
        finished_at: row.last_finished_at,
        duration_ms,
        records_in: row.records_in,
        records_out: row.records_out,
        records_failed: row.records_failed,
        records_skipped: row.records_skipped,
    });
    RunHealth {
        last_run,
        next_run_at: row.next_run_at,
        paused: row.paused,
        consecutive_failures: row.consecutive_failures,
    }
}

/// Whether the server is ready for traffic.
pub async fn readiness(pool: &PgPool) -> Readiness {
    match database::migrations_applied(pool).await {
        Ok(true) => Readiness::Ready,
        Ok(false) => Readiness::MigrationsPending,
        Err(_) => Readiness::DatabaseUnreachable,
    }
}
