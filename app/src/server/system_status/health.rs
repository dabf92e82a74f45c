//! How each integration is doing: its `sync_state` row judged against its
//! schedule's freshness target. One judgement for the admin panel, the
//! integrations list and `/api/health`.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;

use crate::domain::Job;
use crate::model::system_status::{IntegrationHealth, IntegrationStatus};
use crate::server::scheduler::schedule::SchedulerSettings;
use crate::server::store::sync_state::{self, SyncStateRow};

/// What the judgement reads of a platform's state.
#[derive(Debug, Clone, Copy)]
pub struct HealthFacts<'a> {
    /// Whether its settings are present.
    pub configured: bool,
    /// Whether its schedule is paused.
    pub paused: bool,
    /// The status of its last run (`failed`, `succeeded`, …).
    pub last_run_status: Option<&'a str>,
    /// When a run last succeeded.
    pub last_success_at: Option<DateTime<Utc>>,
}

/// The state a platform is in at `now`: delayed when its last success is
/// older than `freshness` (two periods of its schedule).
pub fn judge(facts: HealthFacts<'_>, freshness: Duration, now: DateTime<Utc>) -> IntegrationHealth {
    if !facts.configured {
        IntegrationHealth::NotConfigured
    } else if facts.paused {
        IntegrationHealth::Paused
    } else if facts.last_run_status == Some("failed") {
        IntegrationHealth::Failing
    } else {
        match facts.last_success_at {
            None => IntegrationHealth::Pending,
            Some(at) if now - at > freshness => IntegrationHealth::Delayed,
            Some(_) => IntegrationHealth::Ok,
        }
    }
}

/// The status of one platform from its main job's row, judged at `now`;
/// `None` for the row of another job.
pub fn integration_status(
    row: SyncStateRow,
    schedules: &SchedulerSettings,
    now: DateTime<Utc>,
) -> Option<IntegrationStatus> {
    let job = Job::parse(&row.job).filter(Job::is_main)?;
    let platform = job.platform()?;
    let facts = HealthFacts {
        configured: row.configured,
        paused: row.paused,
        last_run_status: row.last_run_status.as_deref(),
        last_success_at: row.last_success_at,
    };
    let health = judge(facts, schedules.freshness(job), now);
    Some(IntegrationStatus {
        platform,
        health,
        last_success_at: row.last_success_at,
        paused_reason: row.paused_reason,
        consecutive_failures: row.consecutive_failures,
        last_error: row.last_error,
    })
}

/// Every integration's status, judged at `now`.
pub async fn list_integrations(
    pool: &PgPool,
    schedules: &SchedulerSettings,
    now: DateTime<Utc>,
) -> Result<Vec<IntegrationStatus>, sqlx::Error> {
    let rows = sync_state::list_sync_states(pool).await?;
    Ok(rows.into_iter().filter_map(|row| integration_status(row, schedules, now)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Platform;
    use crate::server::store::sync_state::{set_configured, set_paused};

    #[sqlx::test(migrations = "../migrations")]
    async fn every_platform_starts_not_configured(pool: PgPool) {
        let statuses = list_integrations(&pool, &SchedulerSettings::default(), Utc::now()).await.unwrap();
        assert_eq!(statuses.len(), 3);
        assert!(statuses.iter().all(|s| s.health == IntegrationHealth::NotConfigured));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_configured_platform_without_a_run_is_pending_and_can_be_paused(pool: PgPool) {
        let schedules = SchedulerSettings::default();
        let condo = |statuses: Vec<IntegrationStatus>| statuses.into_iter().find(|s| s.platform == Platform::Condo);
        set_configured(&pool, Job::CondoImport, true).await.unwrap();
        let status = condo(list_integrations(&pool, &schedules, Utc::now()).await.unwrap()).unwrap();
        assert_eq!(status.health, IntegrationHealth::Pending);
        set_paused(&pool, Job::CondoImport, true, Some("maintenance window")).await.unwrap();
        let status = condo(list_integrations(&pool, &schedules, Utc::now()).await.unwrap()).unwrap();
        assert_eq!(status.health, IntegrationHealth::Paused);
        assert_eq!(status.paused_reason.as_deref(), Some("maintenance window"));
    }

    #[test]
    fn an_old_success_is_delayed_and_a_recent_one_is_ok() {
        let now = Utc::now();
        let facts = |age_hours: i64| HealthFacts {
            configured: true,
            paused: false,
            last_run_status: Some("succeeded"),
            last_success_at: Some(now - Duration::hours(age_hours)),
        };
        let freshness = SchedulerSettings::default().freshness(Job::CocoricoImport);
        assert_eq!(judge(facts(1), freshness, now), IntegrationHealth::Ok);
        assert_eq!(judge(facts(13), freshness, now), IntegrationHealth::Delayed);
    }

    #[test]
    fn a_failed_last_run_is_failing_and_a_pause_wins_over_it() {
        let now = Utc::now();
        let failed =
            HealthFacts { configured: true, paused: false, last_run_status: Some("failed"), last_success_at: None };
        assert_eq!(judge(failed, Duration::hours(1), now), IntegrationHealth::Failing);
        assert_eq!(judge(HealthFacts { paused: true, ..failed }, Duration::hours(1), now), IntegrationHealth::Paused);
    }
}
