//! The state of each outside integration, as the admin panel shows it.

use crate::domain::Platform;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::AppError;

/// How an integration is doing right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntegrationHealth {
    /// No connection settings yet.
    NotConfigured,
    /// Configured but never synced successfully.
    Pending,
    /// The last run succeeded within its freshness target.
    Ok,
    /// The last success is older than the freshness target.
    Delayed,
    /// The last run failed.
    Failing,
    /// Stopped by hand or after repeated failures.
    Paused,
}

impl IntegrationHealth {
    /// Label shown on the card.
    pub fn label(&self) -> &'static str {
        match self {
            IntegrationHealth::NotConfigured => "Not configured yet",
            IntegrationHealth::Pending => "Waiting for first sync",
            IntegrationHealth::Ok => "OK",
            IntegrationHealth::Delayed => "Delayed",
            IntegrationHealth::Failing => "Failing",
            IntegrationHealth::Paused => "Paused",
        }
    }
}

/// One integration card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntegrationStatus {
    /// Which platform.
    pub platform: Platform,
    /// Overall state.
    pub health: IntegrationHealth,
    /// When a run last succeeded.
    pub last_success_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Why it is paused, if it is.
    pub paused_reason: Option<String>,
    /// Failures in a row.
    pub consecutive_failures: i32,
    /// The last run's error in plain words.
    pub last_error: Option<String>,
}

/// The status of every integration, for the admin panel.
#[server(endpoint = "integrations/status")]
pub async fn list_integrations() -> Result<Vec<IntegrationStatus>, AppError> {
    crate::server::auth::require_user()?.require_admin()?;
    let pool = crate::server::state::pool()?;
    let states = crate::server::store::sync_state::list_sync_states(&pool).await?;
    let now = chrono::Utc::now();
    Ok(states.into_iter().filter_map(|s| s.into_status(now)).collect())
}

/// Where a "sync now" request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncRequestState {
    /// Waiting for a server to pick it up (within one scheduler tick).
    Queued,
    /// A server is running it.
    Running,
    /// The run succeeded.
    Succeeded,
    /// The run failed; `error` says why.
    Failed,
}

impl SyncRequestState {
    /// Parses the `sync_request.status` column.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "queued" => Some(Self::Queued),
            "running" => Some(Self::Running),
            "succeeded" => Some(Self::Succeeded),
            "failed" => Some(Self::Failed),
            _ => None,
        }
    }

    /// Whether the request is over.
    pub fn is_finished(&self) -> bool {
        matches!(self, Self::Succeeded | Self::Failed)
    }
}

/// A "sync now" request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncRequestInfo {
    /// The id [`request_sync_now`] returned.
    pub id: i64,
    /// Which platform.
    pub platform: Platform,
    /// Where it is.
    pub state: SyncRequestState,
    /// When it was queued.
    pub requested_at: chrono::DateTime<chrono::Utc>,
    /// When a server started it.
    pub started_at: Option<chrono::DateTime<chrono::Utc>>,
    /// When it ended.
    pub finished_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The `sync_run` it made.
    pub run_id: Option<i64>,
    /// Why it failed, in plain words.
    pub error: Option<String>,
}

/// A run in progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunningSync {
    /// Its `sync_run` row, once recorded.
    pub run_id: Option<i64>,
    /// `schedule`, `manual` or `cli`.
    pub trigger: Option<String>,
    /// When the server took the job.
    pub started_at: chrono::DateTime<chrono::Utc>,
    /// The server running it (`job_lease.holder`).
    pub holder: String,
}

/// What the scheduler is doing about one integration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntegrationActivity {
    /// Which platform.
    pub platform: Platform,
    /// Its schedule in words ("every 6 h", "daily at 02:00 UTC", "off").
    pub schedule: String,
    /// The next scheduled run (`None` while paused, off or not configured).
    pub next_run_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The run in progress, if any.
    pub running: Option<RunningSync>,
    /// The "sync now" request waiting or running, if any.
    pub request: Option<SyncRequestInfo>,
}

/// Next run, run in progress and waiting "sync now" request of every
/// integration, for the admin panel (cheap enough to poll every few seconds).
#[server(endpoint = "integrations/activity")]
pub async fn list_integration_activity() -> Result<Vec<IntegrationActivity>, AppError> {
    crate::server::auth::require_user()?.require_admin()?;
    let pool = crate::server::state::pool()?;
    Ok(crate::server::scheduler::admin::activity(&pool).await?)
}

/// One "sync now" request, to follow it after [`request_sync_now`].
#[server(endpoint = "integrations/sync_request")]
pub async fn sync_request_status(id: i64) -> Result<SyncRequestInfo, AppError> {
    crate::server::auth::require_user()?.require_admin()?;
    let pool = crate::server::state::pool()?;
    crate::server::scheduler::admin::request(&pool, id).await?.ok_or(AppError::NotFound)
}

/// Queues a run of `platform` now and returns the request's id; a scheduler
/// on any server picks it up within a tick. Pressing again while one waits
/// returns the same id. Refused for a platform that is not configured or paused.
#[server(endpoint = "integrations/sync_now")]
pub async fn request_sync_now(platform: Platform) -> Result<i64, AppError> {
    let user = crate::server::auth::require_user()?;
    user.require_admin()?;
    let pool = crate::server::state::pool()?;
    crate::server::scheduler::admin::sync_now(&pool, platform, user.user_id).await
}

/// Pauses `platform`'s scheduled runs, with the reason shown on the panel
/// (at most 500 characters). A run in progress finishes.
#[server(endpoint = "integrations/pause")]
pub async fn pause_integration(platform: Platform, reason: String) -> Result<(), AppError> {
    crate::server::auth::require_user()?.require_admin()?;
    let pool = crate::server::state::pool()?;
    crate::server::scheduler::admin::pause(&pool, platform, &reason).await
}

/// Resumes `platform`'s scheduled runs; its failure streak starts over and
/// its next run is planned (at once when it is overdue).
#[server(endpoint = "integrations/resume")]
pub async fn resume_integration(platform: Platform) -> Result<(), AppError> {
    crate::server::auth::require_user()?.require_admin()?;
    let pool = crate::server::state::pool()?;
    crate::server::scheduler::admin::resume(&pool, platform).await
}
