//! What the admin panel reads about each integration: its `sync_state` row
//! with the last finished run (counts, duration, error and its detail), the
//! run in progress, the run history for the chart, and the imported listings.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::domain::Platform;

/// A platform's state and its last finished run.
#[derive(Debug, Clone)]
pub struct PanelStateRow {
    pub platform: String,
    pub configured: bool,
    pub paused: bool,
    pub paused_reason: Option<String>,
    pub consecutive_failures: i32,
    pub last_success_at: Option<DateTime<Utc>>,
    pub next_run_at: Option<DateTime<Utc>>,
    pub last_run_id: Option<i64>,
    pub last_trigger: Option<String>,
    pub last_status: Option<String>,
    pub last_started_at: Option<DateTime<Utc>>,
    pub last_finished_at: Option<DateTime<Utc>>,
    pub records_in: Option<i32>,
    pub records_out: Option<i32>,
    pub records_failed: Option<i32>,
    pub records_skipped: Option<i32>,
    pub error: Option<String>,
    pub error_detail: Option<String>,
}

/// Every platform's panel row, in display order.
pub async fn list_panel_states(db: impl PgExecutor<'_>) -> Result<Vec<PanelStateRow>, sqlx::Error> {
    sqlx::query_as!(
        PanelStateRow,
        r#"SELECT s.platform, s.configured, s.paused, s.paused_reason, s.consecutive_failures, s.last_success_at,
                  s.next_run_at, s.last_run_id,
                  r.trigger AS "last_trigger?", r.status AS "last_status?", r.started_at AS "last_started_at?",
                  r.finished_at AS last_finished_at, r.records_in AS "records_in?", r.records_out AS "records_out?",
                  r.records_failed AS "records_failed?", r.records_skipped AS "records_skipped?",
                  r.error, r.error_detail
           FROM sync_state s LEFT JOIN sync_run r ON r.id = s.last_run_id
           ORDER BY array_position(ARRAY['killbill', 'condo', 'cocorico'], s.platform)"#
    )
    .fetch_all(db)
    .await
}

/// Whether a platform has its settings (as the server read them at start).
pub async fn is_configured(db: impl PgExecutor<'_>, platform: Platform) -> Result<bool, sqlx::Error> {
    let configured = sqlx::query_scalar!("SELECT configured FROM sync_state WHERE platform = $1", platform.as_str())
        .fetch_optional(db)
        .await?;
    Ok(configured.unwrap_or(false))
}

/// The display names of some users, by id.
pub async fn display_names(
    db: impl PgExecutor<'_>,
    ids: &[uuid::Uuid],
) -> Result<std::collections::HashMap<uuid::Uuid, String>, sqlx::Error> {
    let rows = sqlx::query!("SELECT id, display_name FROM app_user WHERE id = ANY($1)", ids).fetch_all(db).await?;
    Ok(rows.into_iter().map(|r| (r.id, r.display_name)).collect())
}

/// One run of the history chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    pub id: i64,
    pub status: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub records_in: i32,
    pub records_out: i32,
    pub records_failed: i32,
    pub records_skipped: i32,
}

/// The latest `limit` runs of a platform, oldest first (the chart's order).
pub async fn list_run_history(
    db: impl PgExecutor<'_>,
    platform: Platform,
    limit: i64,
) -> Result<Vec<HistoryRow>, sqlx::Error> {
    let mut rows = sqlx::query_as!(
        HistoryRow,
        "SELECT id, status, started_at, finished_at, records_in, records_out, records_failed, records_skipped
         FROM sync_run WHERE platform = $1 ORDER BY started_at DESC, id DESC LIMIT $2",
        platform.as_str(),
        limit
    )
    .fetch_all(db)
    .await?;
    rows.reverse();
    Ok(rows)
}

/// Imported Cocorico listings by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportedListingCounts {
    pub published: i64,
    pub unpublished: i64,
}

/// Counts the imported Cocorico listings, published and unpublished.
pub async fn count_imported_listings(db: impl PgExecutor<'_>) -> Result<ImportedListingCounts, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT count(*) FILTER (WHERE published) AS "published!", count(*) FILTER (WHERE NOT published) AS "unpublished!"
           FROM listing WHERE source = 'cocorico'"#
    )
    .fetch_one(db)
    .await?;
    Ok(ImportedListingCounts { published: row.published, unpublished: row.unpublished })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::store::sync_run::{RunCounts, RunOutcome, finish_run, start_run};

    #[sqlx::test(migrations = "../migrations")]
    async fn the_panel_row_carries_the_last_finished_run(pool: sqlx::PgPool) {
        let failed = RunOutcome::Failed { error: "Condo did not answer".into(), detail: "timeout after 10 s".into() };
        let id = start_run(&pool, Platform::Condo, "schedule").await.unwrap();
        let counts = RunCounts { records_in: 4, records_out: 3, records_failed: 1, records_skipped: 0 };
        finish_run(&mut pool.acquire().await.unwrap(), id, counts, None, &failed).await.unwrap();
        start_run(&pool, Platform::Condo, "manual").await.unwrap();
        let rows = list_panel_states(&pool).await.unwrap();
        let condo = rows.iter().find(|r| r.platform == "condo").unwrap();
        assert_eq!(condo.last_run_id, Some(id));
        assert_eq!(condo.last_status.as_deref(), Some("failed"));
        assert_eq!(condo.error_detail.as_deref(), Some("timeout after 10 s"));
        assert_eq!((condo.records_in, condo.records_failed), (Some(4), Some(1)));
        let kb = rows.iter().find(|r| r.platform == "killbill").unwrap();
        assert!(kb.last_run_id.is_none());
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn the_history_keeps_the_latest_runs_oldest_first(pool: sqlx::PgPool) {
        let mut ids = Vec::new();
        for _ in 0..5 {
            ids.push(start_run(&pool, Platform::Cocorico, "schedule").await.unwrap());
        }
        let history = list_run_history(&pool, Platform::Cocorico, 3).await.unwrap();
        assert_eq!(history.iter().map(|r| r.id).collect::<Vec<_>>(), ids[2..].to_vec());
    }
}
