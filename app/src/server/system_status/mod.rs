//! The admin panel's server side: the snapshot of every integration
//! ([`load_system_status`]), the history charts ([`chart`]), the upstream
//! checks ([`upstream`]), the webhook replay ([`replay`]) and the Kill Bill
//! reconciliation ([`reconciliation`]).

pub mod chart;
pub mod control;
pub mod health;
pub mod reconciliation;
pub mod replay;
pub mod upstream;

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::domain::{Job, Platform};
use crate::model::system_status::{
    Activity, EventState, InboxEvent, IntegrationCard, JobLine, ListingCounts, RunError, RunSummary, SystemStatus,
    TicketCounts,
};
use crate::model::system_status::{IntegrationActivity, SyncRequestState};
use crate::server::scheduler::schedule::SchedulerSettings;
use crate::server::store::condo_import;
use crate::server::store::sync_state::StatusRow;
use crate::server::store::webhook_inbox::{self, InboxRow};
use crate::server::store::{listing, sync_run, sync_state};
use health::HealthFacts;

/// Runs in each history chart.
pub const HISTORY_RUNS: i64 = 30;
/// Deliveries in the inbox.
pub const INBOX_EVENTS: i64 = 25;
/// Tries after which a delivery is no longer claimed (`webhook_event::claim_pending_events_of`).
const GIVE_UP_AFTER: i32 = 10;

/// Reads everything the panel shows (the upstream checks aside), judged at `now`.
pub async fn load_system_status(
    pool: &PgPool,
    schedules: &SchedulerSettings,
    now: DateTime<Utc>,
) -> Result<SystemStatus, sqlx::Error> {
    let mut cards = Vec::new();
    let activities = control::activity(pool, schedules).await?;
    let mut rows = sync_state::list_status_rows(pool).await?;
    for platform in Platform::ALL {
        let main = Job::main_of(platform);
        let Some(at) = rows.iter().position(|r| r.job == main.as_str()) else { continue };
        let row = rows.swap_remove(at);
        let Some(activity) = activities.iter().find(|a| a.job == main) else { continue };
        let history = sync_run::list_run_history(pool, main, HISTORY_RUNS).await?;
        let svg = chart::render_history(platform, &history, now);
        let mut card = card(platform, schedules, row, activity, svg, now);
        for job in Job::of(platform).filter(|job| !job.is_main()) {
            let row = rows.iter().find(|r| r.job == job.as_str());
            let activity = activities.iter().find(|a| a.job == job);
            if let (Some(row), Some(activity)) = (row, activity) {
                card.jobs.push(job_line(job, row.clone(), activity));
            }
        }
        cards.push(card);
    }
    let mut jobs = Vec::new();
    for job in Job::own() {
        let row = rows.iter().find(|r| r.job == job.as_str());
        if let (Some(row), Some(activity)) = (row, activity_of_job(&activities, job)) {
            jobs.push(job_line(job, row.clone(), activity));
        }
    }
    let inbox = webhook_inbox::list_latest_events(pool, INBOX_EVENTS).await?.into_iter().filter_map(inbox_event);
    let listings = listing::count_imported_listings(pool).await?;
    Ok(SystemStatus {
        generated_at: now,
        cards,
        jobs,
        inbox: inbox.collect(),
        reconciliation: reconciliation::load(pool).await?,
        tickets: ticket_counts(condo_import::count_condo_tickets(pool).await?),
        listings: ListingCounts { published: listings.published, unpublished: listings.unpublished },
    })
}

/// One card from its panel row and its drawn history.
fn card(
    platform: Platform,
    schedules: &SchedulerSettings,
    row: StatusRow,
    activity: &IntegrationActivity,
    history_svg: String,
    now: DateTime<Utc>,
) -> IntegrationCard {
    let freshness = schedules.freshness(Job::main_of(platform));
    let facts = HealthFacts {
        configured: row.configured,
        paused: row.paused,
        last_run_status: row.last_status.as_deref(),
        last_success_at: row.last_success_at,
    };
    let health = health::judge(facts, freshness, now);
    let last_run = last_run_of(&row);
    let failed = row.last_status.as_deref() == Some("failed");
    IntegrationCard {
        platform,
        health,
        activity: activity_of(activity),
        schedule: activity.schedule.clone(),
        freshness_hours: freshness.num_hours(),
        last_success_at: row.last_success_at,
        next_run_at: row.next_run_at,
        last_run,
        error: row.error.filter(|_| failed).map(|message| RunError { message, detail: row.error_detail }),
        paused_reason: row.paused_reason,
        consecutive_failures: row.consecutive_failures,
        history_svg,
        jobs: Vec::new(),
    }
}

fn activity_of_job(activities: &[IntegrationActivity], job: Job) -> Option<&IntegrationActivity> {
    activities.iter().find(|a| a.job == job)
}

/// The line of one of a platform's other jobs, or of one of our own.
fn job_line(job: Job, row: StatusRow, activity: &IntegrationActivity) -> JobLine {
    let failed = row.last_status.as_deref() == Some("failed");
    JobLine {
        job,
        activity: activity_of(activity),
        schedule: activity.schedule.clone(),
        next_run_at: row.next_run_at,
        last_run: last_run_of(&row),
        error: row.error.filter(|_| failed).map(|message| RunError { message, detail: row.error_detail }),
        paused_reason: row.paused_reason.filter(|_| row.paused),
        configured: row.configured,
    }
}

/// The last finished run of a state row.
fn last_run_of(row: &StatusRow) -> Option<RunSummary> {
    row.last_started_at.map(|started_at| RunSummary {
        trigger: row.last_trigger.clone().unwrap_or_default(),
        succeeded: row.last_status.as_deref() == Some("succeeded"),
        started_at,
        finished_at: row.last_finished_at,
        duration_ms: row.last_finished_at.map(|f| (f - started_at).num_milliseconds().max(0)),
        records_in: row.records_in.unwrap_or_default(),
        records_out: row.records_out.unwrap_or_default(),
        records_failed: row.records_failed.unwrap_or_default(),
        records_skipped: row.records_skipped.unwrap_or_default(),
    })
}

/// What the scheduler is doing: a run holding the job's lease, or a "sync now" request.
fn activity_of(activity: &IntegrationActivity) -> Activity {
    if let Some(running) = &activity.running {
        return Activity::Running { since: running.started_at };
    }
    match &activity.request {
        Some(r) if r.state == SyncRequestState::Queued => Activity::Queued,
        Some(r) if r.state == SyncRequestState::Running => {
            Activity::Running { since: r.started_at.unwrap_or(r.requested_at) }
        }
        _ => Activity::Idle,
    }
}

/// An inbox line; deliveries from a source we do not know are left out.
fn inbox_event(row: InboxRow) -> Option<InboxEvent> {
    let state = match (row.processed_at, row.attempts, &row.error) {
        (Some(_), _, _) => EventState::Processed,
        (None, n, _) if n >= GIVE_UP_AFTER => EventState::GaveUp,
        (None, _, Some(_)) => EventState::Retrying,
        (None, _, None) => EventState::Pending,
    };
    let verification = match row.verification.as_str() {
        "token" => "Shared token",
        "signature" => "Signature",
        "token_and_signature" => "Token and signature",
        other => other,
    };
    Some(InboxEvent {
        id: row.id,
        source: Platform::parse(&row.source)?,
        key: row.dedupe_key,
        received_at: row.received_at,
        verification: verification.to_owned(),
        state,
        attempts: row.attempts,
        error: row.error,
        outcome: row.outcome,
    })
}

/// Ticket counts in workflow order, with Condo's words for each status.
fn ticket_counts(totals: condo_import::CondoTicketTotals) -> TicketCounts {
    const ORDER: [(&str, &str); 6] = [
        ("new_or_reopened", "New or reopened"),
        ("processing", "In progress"),
        ("deferred", "Deferred"),
        ("completed", "Completed"),
        ("closed", "Closed"),
        ("canceled", "Canceled"),
    ];
    let by_status =
        ORDER.iter().map(|(key, label)| ((*label).to_owned(), totals.by_status.get(*key).copied().unwrap_or(0)));
    TicketCounts { by_status: by_status.collect(), deleted: totals.deleted, total: totals.total }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_that_failed_too_often_has_given_up_until_replayed() {
        let row = |processed: bool, attempts: i32, error: Option<&str>| InboxRow {
            id: 1,
            source: "condo".into(),
            dedupe_key: "k".into(),
            received_at: Utc::now(),
            verification: "token".into(),
            processed_at: processed.then(Utc::now),
            attempts,
            error: error.map(str::to_owned),
            outcome: None,
        };
        let state = |r| inbox_event(r).unwrap().state;
        assert_eq!(state(row(true, 1, None)), EventState::Processed);
        assert_eq!(state(row(false, 0, None)), EventState::Pending);
        assert_eq!(state(row(false, 3, Some("unknown property"))), EventState::Retrying);
        assert_eq!(state(row(false, 10, Some("unknown property"))), EventState::GaveUp);
        assert!(inbox_event(InboxRow { source: "stripe".into(), ..row(true, 1, None) }).is_none());
    }
}
