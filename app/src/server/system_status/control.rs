//! What the admin panel's scheduler controls do: queue "sync now", pause,
//! resume, and read each job's activity. Authorization is the caller's.

use chrono::Utc;
use sqlx::PgPool;
use uuid::Uuid;

use crate::domain::Platform;
use crate::model::AppError;
use crate::model::system_status::{IntegrationActivity, RunningSync, SyncRequestInfo, SyncRequestState};
use crate::server::scheduler::job_of;
use crate::server::scheduler::schedule::SchedulerSettings;
use crate::server::state::AppState;
use crate::server::store::sync_request::SyncRequestRow;
use crate::server::store::{job_lease, sync_request, sync_run, sync_state};

/// The signed-in admin and the server's state, or why not.
pub fn admin_context() -> Result<(crate::server::auth::AuthUser, AppState), AppError> {
    let user = crate::server::auth::require_user()?;
    user.require_admin()?;
    Ok((user, crate::server::state::app_state()?))
}

/// Gives a server function's error response the error's own HTTP status
/// (403, 404, 409, …) instead of a generic 500, for API callers.
pub fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(err) = &result {
        let options = leptos::prelude::use_context::<leptos_axum::ResponseOptions>();
        if let (Some(options), Ok(status)) = (options, http::StatusCode::from_u16(err.status_code())) {
            options.set_status(status);
        }
    }
    result
}

/// The longest pause reason kept.
const MAX_REASON_CHARS: usize = 500;

/// Every platform's schedule, next run, run in progress and open request.
pub async fn activity(pool: &PgPool, settings: &SchedulerSettings) -> Result<Vec<IntegrationActivity>, sqlx::Error> {
    let next_runs = sync_state::list_next_runs(pool).await?;
    let leases = job_lease::list_leases(pool).await?;
    let running_runs = sync_run::list_running(pool).await?;
    let open = sync_request::list_open(pool).await?;
    let now = Utc::now();
    let activity = Platform::ALL.into_iter().map(|platform| {
        let name = platform.as_str();
        let running = leases.iter().find(|l| l.job == job_of(platform) && l.is_active(now)).map(|lease| {
            let run = running_runs.iter().find(|r| r.platform == name);
            RunningSync {
                run_id: run.map(|r| r.id),
                trigger: run.map(|r| r.trigger.clone()),
                started_at: lease.acquired_at,
                holder: lease.holder.clone(),
            }
        });
        IntegrationActivity {
            platform,
            schedule: settings.schedule(platform).describe(),
            next_run_at: next_runs.iter().find(|(p, _)| p == name).and_then(|(_, at)| *at),
            running,
            request: open.iter().find(|r| r.platform == name).cloned().and_then(request_info),
        }
    });
    Ok(activity.collect())
}

/// One request, by id.
pub async fn request(pool: &PgPool, id: i64) -> Result<Option<SyncRequestInfo>, sqlx::Error> {
    Ok(sync_request::get(pool, id).await?.and_then(request_info))
}

fn request_info(row: SyncRequestRow) -> Option<SyncRequestInfo> {
    Some(SyncRequestInfo {
        id: row.id,
        platform: Platform::parse(&row.platform)?,
        state: SyncRequestState::parse(&row.status)?,
        requested_at: row.requested_at,
        started_at: row.started_at,
        finished_at: row.finished_at,
        run_id: row.run_id,
        error: row.error,
    })
}

/// Queues a run unless the platform is not configured or paused.
pub async fn sync_now(pool: &PgPool, platform: Platform, requested_by: Uuid) -> Result<i64, AppError> {
    let state = sync_state::list_sync_states(pool)
        .await?
        .into_iter()
        .find(|s| s.platform == platform.as_str())
        .ok_or(AppError::NotFound)?;
    if !state.configured {
        return Err(AppError::Conflict(format!("{} is not configured", platform.display_name())));
    }
    if state.paused {
        return Err(AppError::Conflict(format!("{} is paused; resume it first", platform.display_name())));
    }
    let id = sync_request::enqueue(pool, platform, Some(requested_by)).await?;
    tracing::info!(platform = %platform, request_id = id, user_id = %requested_by, "sync now queued");
    Ok(id)
}

/// Pauses a platform by hand with a reason (required, at most 500 characters).
pub async fn pause(pool: &PgPool, platform: Platform, reason: &str) -> Result<(), AppError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::Validation("say why the integration is paused".into()));
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(AppError::Validation(format!("the reason is longer than {MAX_REASON_CHARS} characters")));
    }
    sync_state::pause(pool, platform, reason).await?;
    tracing::info!(platform = %platform, %reason, "paused by hand");
    Ok(())
}

/// Resumes a paused platform.
pub async fn resume(pool: &PgPool, platform: Platform) -> Result<(), AppError> {
    if !sync_state::resume(pool, platform).await? {
        return Err(AppError::Conflict(format!("{} is not paused", platform.display_name())));
    }
    tracing::info!(platform = %platform, "resumed");
    Ok(())
}
