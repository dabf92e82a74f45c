//! `sync_state`: one row per platform with its watermark, pause flag and
//! failure streak.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::api::integration::{IntegrationHealth, IntegrationStatus};
use crate::domain::Platform;

/// A `sync_state` row joined with its last run's error.
#[derive(Debug, Clone)]
pub struct SyncStateRow {
    pub platform: String,
    pub configured: bool,
    pub watermark: Option<String>,
    pub paused: bool,
    pub paused_reason: Option<String>,
    pub consecutive_failures: i32,
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_run_status: Option<String>,
    pub last_error: Option<String>,
}

/// Every platform's state, in a stable order.
pub async fn list_sync_states(db: impl PgExecutor<'_>) -> Result<Vec<SyncStateRow>, sqlx::Error> {
    sqlx::query_as!(
        SyncStateRow,
        r#"SELECT s.platform, s.configured, s.watermark, s.paused, s.paused_reason, s.consecutive_failures,
                  s.last_success_at, r.status AS "last_run_status?", r.error AS "last_error?"
           FROM sync_state s LEFT JOIN sync_run r ON r.id = s.last_run_id
           ORDER BY array_position(ARRAY['killbill', 'condo', 'cocorico'], s.platform)"#
    )
    .fetch_all(db)
    .await
}

/// Marks a platform as configured (or not), as read from the configuration at start.
pub async fn set_configured(db: impl PgExecutor<'_>, platform: Platform, configured: bool) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE sync_state SET configured = $2 WHERE platform = $1 AND configured IS DISTINCT FROM $2",
        platform.as_str(),
        configured
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Pauses or resumes a platform's scheduled runs.
pub async fn set_paused(
    db: impl PgExecutor<'_>,
    platform: Platform,
    paused: bool,
    reason: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE sync_state SET paused = $2, paused_reason = CASE WHEN $2 THEN $3 END WHERE platform = $1",
        platform.as_str(),
        paused,
        reason
    )
    .execute(db)
    .await?;
    Ok(())
}

/// What the scheduler needs to know about a platform.
#[derive(Debug, Clone)]
pub struct ScheduleState {
    pub paused: bool,
    pub next_run_at: Option<DateTime<Utc>>,
    pub last_success_at: Option<DateTime<Utc>>,
    pub consecutive_failures: i32,
}

/// The scheduling columns of one platform.
pub async fn schedule_state(db: impl PgExecutor<'_>, platform: Platform) -> Result<ScheduleState, sqlx::Error> {
    sqlx::query_as!(
        ScheduleState,
        "SELECT paused, next_run_at, last_success_at, consecutive_failures FROM sync_state WHERE platform = $1",
        platform.as_str()
    )
    .fetch_one(db)
    .await
}

/// Every platform's next scheduled run (`None` while paused, off or not yet planned).
pub async fn list_next_runs(db: impl PgExecutor<'_>) -> Result<Vec<(String, Option<DateTime<Utc>>)>, sqlx::Error> {
    let rows = sqlx::query!("SELECT platform, next_run_at FROM sync_state ORDER BY platform").fetch_all(db).await?;
    Ok(rows.into_iter().map(|r| (r.platform, r.next_run_at)).collect())
}

/// Plans the first tick of a platform that has none (at start, after a resume)
/// and is not paused. Returns whether it was planned here.
pub async fn plan_first_run(
    db: impl PgExecutor<'_>,
    platform: Platform,
    at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE sync_state SET next_run_at = $2 WHERE platform = $1 AND next_run_at IS NULL AND NOT paused",
        platform.as_str(),
        at
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves a platform's next tick (`None`: no tick planned), unless it is paused.
pub async fn set_next_run(
    db: impl PgExecutor<'_>,
    platform: Platform,
    at: Option<DateTime<Utc>>,
) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE sync_state SET next_run_at = $2 WHERE platform = $1 AND NOT paused", platform.as_str(), at)
        .execute(db)
        .await?;
    Ok(())
}

/// Pauses a platform by hand, or after repeated failures: no scheduled run
/// until it is resumed.
pub async fn pause(db: impl PgExecutor<'_>, platform: Platform, reason: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE sync_state SET paused = true, paused_reason = $2, next_run_at = NULL WHERE platform = $1",
        platform.as_str(),
        reason
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Pauses a platform whose failure streak reached `threshold` (not already
/// paused). Returns whether it was paused now.
pub async fn pause_if_failing(
    db: impl PgExecutor<'_>,
    platform: Platform,
    threshold: i32,
    reason: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE sync_state SET paused = true, paused_reason = $3, next_run_at = NULL
         WHERE platform = $1 AND NOT paused AND $2 > 0 AND consecutive_failures >= $2",
        platform.as_str(),
        threshold,
        reason
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Resumes a paused platform: its failure streak starts over and the
/// scheduler plans its next tick. Returns whether it was paused.
pub async fn resume(db: impl PgExecutor<'_>, platform: Platform) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE sync_state SET paused = false, paused_reason = NULL, consecutive_failures = 0, next_run_at = NULL
         WHERE platform = $1 AND paused",
        platform.as_str()
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

impl SyncStateRow {
    /// Freshness target: a platform is delayed when its last success is older
    /// than two periods of its configured schedule.
    pub fn freshness(platform: Platform) -> chrono::Duration {
        crate::server::scheduler::schedule::installed().freshness(platform)
    }

    /// The card the admin panel shows for this row, judged at `now`.
    /// Rows for unknown platforms are skipped.
    pub fn into_status(self, now: DateTime<Utc>) -> Option<IntegrationStatus> {
        let platform = Platform::parse(&self.platform)?;
        let health = if !self.configured {
            IntegrationHealth::NotConfigured
        } else if self.paused {
            IntegrationHealth::Paused
        } else if self.last_run_status.as_deref() == Some("failed") {
            IntegrationHealth::Failing
        } else {
            match self.last_success_at {
                None => IntegrationHealth::Pending,
                Some(at) if now - at > Self::freshness(platform) => IntegrationHealth::Delayed,
                Some(_) => IntegrationHealth::Ok,
            }
        };
        Some(IntegrationStatus {
            platform,
            health,
            last_success_at: self.last_success_at,
            paused_reason: self.paused_reason,
            consecutive_failures: self.consecutive_failures,
            last_error: self.last_error,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[sqlx::test(migrations = "../migrations")]
    async fn every_platform_starts_not_configured(pool: sqlx::PgPool) {
        let states = list_sync_states(&pool).await.unwrap();
        let platforms: Vec<_> = states.iter().map(|s| s.platform.as_str()).collect();
        assert_eq!(platforms, ["killbill", "condo", "cocorico"]);
        let now = Utc::now();
        for state in states {
            assert_eq!(state.into_status(now).unwrap().health, IntegrationHealth::NotConfigured);
        }
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_configured_platform_without_a_run_is_pending_and_can_be_paused(pool: sqlx::PgPool) {
        set_configured(&pool, Platform::Condo, true).await.unwrap();
        let condo = |rows: Vec<SyncStateRow>| rows.into_iter().find(|r| r.platform == "condo").unwrap();
        let row = condo(list_sync_states(&pool).await.unwrap());
        assert_eq!(row.into_status(Utc::now()).unwrap().health, IntegrationHealth::Pending);
        set_paused(&pool, Platform::Condo, true, Some("maintenance window")).await.unwrap();
        let status = condo(list_sync_states(&pool).await.unwrap()).into_status(Utc::now()).unwrap();
        assert_eq!(status.health, IntegrationHealth::Paused);
        assert_eq!(status.paused_reason.as_deref(), Some("maintenance window"));
    }

    #[test]
    fn an_old_success_is_delayed_and_a_recent_one_is_ok() {
        let row = |age_hours: i64| SyncStateRow {
            platform: "cocorico".into(),
            configured: true,
            watermark: None,
            paused: false,
            paused_reason: None,
            consecutive_failures: 0,
            last_success_at: Some(Utc::now() - chrono::Duration::hours(age_hours)),
            last_run_status: Some("succeeded".into()),
            last_error: None,
        };
        assert_eq!(row(1).into_status(Utc::now()).unwrap().health, IntegrationHealth::Ok);
        assert_eq!(row(13).into_status(Utc::now()).unwrap().health, IntegrationHealth::Delayed);
    }
}
