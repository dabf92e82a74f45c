//! The admin panel (`/admin/system-status`): each integration's state and
//! activity, "sync now", pause and resume, the upstream checks and the
//! webhook replay. Admins only; every call answers with its error's own
//! HTTP status.

use leptos::prelude::*;

use crate::domain::{Job, Platform};
use crate::model::AppError;
use crate::model::system_status::{
    IntegrationActivity, IntegrationStatus, RunRecord, SyncRequestInfo, SystemStatus, UpstreamCheck,
};

/// The status of every integration.
#[server(endpoint = "integrations/status")]
pub async fn list_integrations() -> Result<Vec<IntegrationStatus>, AppError> {
    use crate::server::system_status::{control, health};
    control::with_status(
        async {
            let (_, state) = control::admin_context()?;
            Ok(health::list_integrations(&state.pool, &state.schedules, chrono::Utc::now()).await?)
        }
        .await,
    )
}

/// Next run, run in progress and waiting request of every job, each
/// platform's main job first (cheap enough to poll every few seconds).
#[server(endpoint = "integrations/activity")]
pub async fn list_integration_activity() -> Result<Vec<IntegrationActivity>, AppError> {
    use crate::server::system_status::control;
    control::with_status(
        async {
            let (_, state) = control::admin_context()?;
            Ok(control::activity(&state.pool, &state.schedules).await?)
        }
        .await,
    )
}

/// One "sync now" request, to follow it after [`request_sync_now`].
#[server(endpoint = "integrations/sync_request")]
pub async fn sync_request_status(id: i64) -> Result<SyncRequestInfo, AppError> {
    use crate::server::system_status::control;
    control::with_status(
        async {
            let (_, state) = control::admin_context()?;
            control::request(&state.pool, id).await?.ok_or(AppError::NotFound)
        }
        .await,
    )
}

/// Queues a run of `platform` now and returns the request's id; a scheduler
/// on any server picks it up within a tick. Pressing again while one waits
/// returns the same id. Refused for a platform that is not configured or paused.
#[server(endpoint = "integrations/sync_now")]
pub async fn request_sync_now(platform: Platform) -> Result<i64, AppError> {
    use crate::server::system_status::control;
    control::with_status(
        async {
            let (user, state) = control::admin_context()?;
            control::sync_now(&state.pool, Job::main_of(platform), user.user_id).await
        }
        .await,
    )
}

/// Pauses `platform`'s scheduled runs, with the reason shown on the panel
/// (required, at most 500 characters). A run in progress finishes.
#[server(endpoint = "integrations/pause")]
pub async fn pause_integration(platform: Platform, reason: String) -> Result<(), AppError> {
    use crate::server::system_status::control;
    control::with_status(
        async {
            let (_, state) = control::admin_context()?;
            control::pause(&state.pool, Job::main_of(platform), &reason).await
        }
        .await,
    )
}

/// Resumes `platform`'s scheduled runs; its failure streak starts over and
/// its next run is planned (at once when it is overdue).
#[server(endpoint = "integrations/resume")]
pub async fn resume_integration(platform: Platform) -> Result<(), AppError> {
    use crate::server::system_status::control;
    control::with_status(
        async {
            let (_, state) = control::admin_context()?;
            control::resume(&state.pool, Job::main_of(platform)).await
        }
        .await,
    )
}

/// Queues a run of one job (the reconciliation, a webhook job, or a
/// platform's main job) and returns the request's id, as "sync now" does.
#[server(endpoint = "jobs/run_now")]
pub async fn run_job_now(job: Job) -> Result<i64, AppError> {
    use crate::server::system_status::control;
    control::with_status(
        async {
            let (user, state) = control::admin_context()?;
            control::sync_now(&state.pool, job, user.user_id).await
        }
        .await,
    )
}

/// The latest runs of one job, newest first (`limit`: 1 to 200, default 30).
#[server(endpoint = "jobs/runs")]
pub async fn list_job_runs(job: Job, limit: Option<i64>) -> Result<Vec<RunRecord>, AppError> {
    use crate::server::system_status::control;
    control::with_status(
        async {
            let (_, state) = control::admin_context()?;
            control::recent_runs(&state.pool, job, limit.unwrap_or(30)).await
        }
        .await,
    )
}

/// Resumes one job that paused itself (or was paused by hand).
#[server(endpoint = "jobs/resume")]
pub async fn resume_job(job: Job) -> Result<(), AppError> {
    use crate::server::system_status::control;
    control::with_status(
        async {
            let (_, state) = control::admin_context()?;
            control::resume(&state.pool, job).await
        }
        .await,
    )
}

/// The panel's snapshot. The page polls it while open. (Rendered on the
/// server too: the page sets its own status then, so this one leaves the
/// response alone.)
#[server(endpoint = "admin/system-status")]
pub async fn load_system_status() -> Result<SystemStatus, AppError> {
    use crate::server::system_status::{self, control};
    let (_, state) = control::admin_context()?;
    Ok(system_status::load_system_status(&state.pool, &state.schedules, chrono::Utc::now()).await?)
}

/// Our database and each platform, checked at the same time with short timeouts.
#[server(endpoint = "admin/upstream-checks")]
pub async fn check_upstreams() -> Result<Vec<UpstreamCheck>, AppError> {
    use crate::server::system_status::{control, upstream};
    let (_, state) = control::admin_context()?;
    Ok(upstream::run_checks(&state.pool, &state.sync, &state.integrations).await)
}

/// Puts a webhook delivery back in the queue and starts processing it.
#[server(endpoint = "admin/webhooks/replay")]
pub async fn replay_webhook_event(id: i64) -> Result<(), AppError> {
    use crate::server::system_status::{control, replay};
    control::with_status(
        async {
            let (_, state) = control::admin_context()?;
            replay::replay_event(&state, id).await
        }
        .await,
    )
}
