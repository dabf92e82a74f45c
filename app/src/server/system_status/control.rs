//! What the admin panel's scheduler controls do: queue "sync now", pause,
//! resume, and read each job's activity. Authorization is the caller's.

use chrono::Utc;
use sqlx::PgPool;
use uuid::Uuid;

use crate::domain::Job;
use crate::model::AppError;
use crate::model::system_status::{IntegrationActivity, RunRecord, RunningSync, SyncRequestInfo, SyncRequestState};
use crate::server::scheduler::schedule::SchedulerSettings;
use crate::server::state::AppState;
use crate::server::store::sync_request::{Requester, SyncRequestRow};
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

/// Every job's schedule, next run, run in progress and open request, in
/// display order (each platform's main job first).
pub async fn activity(pool: &PgPool, settings: &SchedulerSettings) -> Result<Vec<IntegrationActivity>, sqlx::Error> {
    let next_runs = sync_state::list_next_runs(pool).await?;
    let leases = job_lease::list_leases(pool).await?;
    let running_runs = sync_run::list_running(pool).await?;
    let open = sync_request::list_open(pool).await?;
    let now = Utc::now();
    let activity = Job::ALL.into_iter().map(|job| {
        // The platform's main job is the card; others are lines.
        let name = job.as_str();
        let running = leases.iter().find(|l| l.job == name && l.is_active(now)).map(|lease| {
            let run = running_runs.iter().find(|r| r.job == name);
            RunningSync {
                run_id: run.map(|r| r.id),
                trigger: run.map(|r| r.trigger.clone()),
                started_at: lease.acquired_at,
                holder: lease.holder.clone(),
            }
        });
        IntegrationActivity {
            platform: job.platform(),
            job,
            schedule: settings.schedule(job).describe(),
            next_run_at: next_runs.iter().find(|(j, _)| j == name).and_then(|(_, at)| *at),
            running,
            request: open.iter().find(|r| r.job == name).cloned().and_then(request_info),
        }
    });
    Ok(activity.collect())
}

/// One request, by id.
pub async fn request(pool: &PgPool, id: i64) -> Result<Option<SyncRequestInfo>, sqlx::Error> {
    Ok(sync_request::get(pool, id).await?.and_then(request_info))
}

fn request_info(row: SyncRequestRow) -> Option<SyncRequestInfo> {
    let job = Job::parse(&row.job)?;
    Some(SyncRequestInfo {
        id: row.id,
        platform: job.platform(),
        job,
        state: SyncRequestState::parse(&row.status)?,
        requested_at: row.requested_at,
        started_at: row.started_at,
        finished_at: row.finished_at,
        run_id: row.run_id,
        error: row.error,
    })
}

/// Queues a run of `job` unless its platform is not configured or the job is paused.
pub async fn sync_now(pool: &PgPool, job: Job, requested_by: Uuid) -> Result<i64, AppError> {
    let state = sync_state::list_sync_states(pool)
        .await?
        .into_iter()
        .find(|s| s.job == job.as_str())
        .ok_or(AppError::NotFound)?;
    if !state.configured {
        let name = job.platform().map_or(job.display_name(), |platform| platform.display_name());
        return Err(AppError::Conflict(format!("{name} is not configured")));
    }
    if state.paused {
        return Err(AppError::Conflict(format!("the {} is paused; resume it first", job.display_name())));
    }
    let id = sync_request::enqueue(pool, job, Requester::Admin(requested_by)).await?;
    tracing::info!(%job, request_id = id, user_id = %requested_by, "run queued by hand");
    Ok(id)
}

/// Pauses a job by hand with a reason (required, at most 500 characters).
pub async fn pause(pool: &PgPool, job: Job, reason: &str) -> Result<(), AppError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::Validation("say why the integration is paused".into()));
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(AppError::Validation(format!("the reason is longer than {MAX_REASON_CHARS} characters")));
    }
    sync_state::pause(pool, job, reason).await?;
    tracing::info!(%job, %reason, "paused by hand");
    Ok(())
}

/// Resumes a paused job.
pub async fn resume(pool: &PgPool, job: Job) -> Result<(), AppError> {
    if !sync_state::resume(pool, job).await? {
        return Err(AppError::Conflict(format!("the {} is not paused", job.display_name())));
    }
    tracing::info!(%job, "resumed");
    Ok(())
}

/// The latest runs of a job, newest first (at most 200).
pub async fn recent_runs(pool: &PgPool, job: Job, limit: i64) -> Result<Vec<RunRecord>, AppError> {
    let rows = sync_run::list_recent_runs(pool, job, limit.clamp(1, 200)).await?;
    Ok(rows
        .into_iter()
        .map(|r| RunRecord {
            id: r.id,
            job,
            trigger: r.trigger,
            status: r.status,
            started_at: r.started_at,
            finished_at: r.finished_at,
            records_in: r.records_in,
            records_out: r.records_out,
            records_failed: r.records_failed,
            records_skipped: r.records_skipped,
            cursor: r.cursor,
            error: r.error,
        })
        .collect())
}
