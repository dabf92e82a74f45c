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

impl SyncStateRow {
    /// Freshness target: a platform is delayed when its last success is older.
    pub fn freshness(platform: Platform) -> chrono::Duration {
        match platform {
            Platform::KillBill => chrono::Duration::hours(48),
            Platform::Condo => chrono::Duration::hours(48),
            Platform::Cocorico => chrono::Duration::hours(12),
        }
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
