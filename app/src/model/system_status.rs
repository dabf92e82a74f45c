//! What the admin panel (`/admin/system-status`) shows: each integration's
//! state and activity, its runs, the webhook inbox, upstream checks and the
//! "sync now" requests.

use super::reconciliation::ReconciliationState;
pub use super::upstream_check::{CheckState, CheckTarget, UpstreamCheck};
use crate::domain::{Job, Platform};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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
    /// Which platform (`None`: a job of the Marketplace itself).
    pub platform: Option<Platform>,
    /// Which of its jobs.
    pub job: Job,
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

/// What the scheduler is doing about one job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntegrationActivity {
    /// Which platform (`None`: a job of the Marketplace itself).
    pub platform: Option<Platform>,
    /// Which of its jobs.
    pub job: Job,
    /// Its schedule in words ("every 6 h", "daily at 02:00 UTC", "off").
    pub schedule: String,
    /// The next scheduled run (`None` while paused, off or not configured).
    pub next_run_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The run in progress, if any.
    pub running: Option<RunningSync>,
    /// The "sync now" request waiting or running, if any.
    pub request: Option<SyncRequestInfo>,
}

/// What an integration is doing right now, besides its health.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Activity {
    /// Nothing running.
    Idle,
    /// A "sync now" request waits for a worker.
    Queued,
    /// A run is in progress.
    Running {
        /// When it started.
        since: DateTime<Utc>,
    },
}

/// The last finished run of an integration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunSummary {
    /// `schedule`, `manual`, `cli`, `webhook` or `follow_up`.
    pub trigger: String,
    /// Whether it succeeded (otherwise it failed).
    pub succeeded: bool,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it ended (`None` if it never recorded an end).
    pub finished_at: Option<DateTime<Utc>>,
    /// How long it took, when it finished.
    pub duration_ms: Option<i64>,
    /// Records read from the source.
    pub records_in: i32,
    /// Records written to the destination.
    pub records_out: i32,
    /// Records that failed and were reported.
    pub records_failed: i32,
    /// Records that needed no change.
    pub records_skipped: i32,
}

/// One run of a job, as `POST /api/jobs/runs` lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRecord {
    /// The `sync_run` id.
    pub id: i64,
    /// The job it ran.
    pub job: Job,
    /// `schedule`, `manual`, `cli`, `webhook` or `follow_up`.
    pub trigger: String,
    /// `running`, `succeeded` or `failed`.
    pub status: String,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it ended.
    pub finished_at: Option<DateTime<Utc>>,
    /// Records read, written, failed and skipped.
    pub records_in: i32,
    /// Records written.
    pub records_out: i32,
    /// Records that failed.
    pub records_failed: i32,
    /// Records that needed nothing.
    pub records_skipped: i32,
    /// Where the run left off (a watermark, a billed month), when it says.
    pub cursor: Option<String>,
    /// Why it failed, in plain words.
    pub error: Option<String>,
}

/// A failure: what an admin reads, and what an engineer needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunError {
    /// In plain words.
    pub message: String,
    /// The technical detail, shown folded.
    pub detail: Option<String>,
}

/// One integration card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntegrationCard {
    /// Which platform.
    pub platform: Platform,
    /// Overall state, judged when the panel was read.
    pub health: IntegrationHealth,
    /// Idle, queued or running.
    pub activity: Activity,
    /// The schedule in words ("every 6 h", "daily at 02:00 UTC", "off").
    pub schedule: String,
    /// The freshness target: older successes make the integration delayed.
    pub freshness_hours: i64,
    /// When a run last succeeded (`None`: never).
    pub last_success_at: Option<DateTime<Utc>>,
    /// The next scheduled run (`None` while paused, off or not configured).
    pub next_run_at: Option<DateTime<Utc>>,
    /// The last finished run (`None`: it never ran).
    pub last_run: Option<RunSummary>,
    /// The last run's failure, when it failed.
    pub error: Option<RunError>,
    /// Why it is paused, if it is.
    pub paused_reason: Option<String>,
    /// Failed runs in a row (0 after a success).
    pub consecutive_failures: i32,
    /// The last 30 runs as an accessible SVG chart, drawn on the server.
    pub history_svg: String,
    /// The platform's other jobs (reconciliation, webhook processing), one line each.
    pub jobs: Vec<JobLine>,
}

/// One of an integration's other jobs, as a line on its card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobLine {
    /// Which job.
    pub job: Job,
    /// Idle, queued or running.
    pub activity: Activity,
    /// The schedule in words.
    pub schedule: String,
    /// The next scheduled run (`None` while paused, off or not configured).
    pub next_run_at: Option<DateTime<Utc>>,
    /// The last finished run (`None`: it never ran, or never had work).
    pub last_run: Option<RunSummary>,
    /// The last run's failure, when it failed.
    pub error: Option<RunError>,
    /// Why it is paused, if it is.
    pub paused_reason: Option<String>,
    /// Whether its platform is configured.
    pub configured: bool,
}

/// Where a webhook delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventState {
    /// Handled.
    Processed,
    /// Waiting for its first try.
    Pending,
    /// Failed, will be tried again.
    Retrying,
    /// Failed too often; only a replay sends it through again.
    GaveUp,
}

impl EventState {
    /// Label shown in the inbox.
    pub fn label(&self) -> &'static str {
        match self {
            EventState::Processed => "Processed",
            EventState::Pending => "Pending",
            EventState::Retrying => "Retrying",
            EventState::GaveUp => "Gave up",
        }
    }
}

/// One webhook delivery in the inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxEvent {
    /// Our id of the delivery (`webhook_event.id`).
    pub id: i64,
    /// The platform that sent it.
    pub source: Platform,
    /// The source's own id of the event (type and object).
    pub key: String,
    /// When we received it.
    pub received_at: DateTime<Utc>,
    /// How the delivery proved where it came from, in words.
    pub verification: String,
    /// Processed, pending, retrying or given up.
    pub state: EventState,
    /// Processing tries so far.
    pub attempts: i32,
    /// The last try's error, if it failed.
    pub error: Option<String>,
    /// How processing ended, in the processor's words.
    pub outcome: Option<String>,
}

/// Imported Condo tickets by status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketCounts {
    /// (status label, count) of live tickets, in workflow order.
    pub by_status: Vec<(String, i64)>,
    /// Tickets deleted in Condo (kept here, marked deleted).
    pub deleted: i64,
    /// All imported tickets, live and deleted.
    pub total: i64,
}

/// Imported Cocorico listings by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingCounts {
    /// Listings shown on the site.
    pub published: i64,
    /// Listings imported but not shown.
    pub unpublished: i64,
}

/// Everything the panel shows except the upstream checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SystemStatus {
    /// When the snapshot was read (health is judged at this time).
    pub generated_at: DateTime<Utc>,
    /// One card per integration, in display order.
    pub cards: Vec<IntegrationCard>,
    /// The Marketplace's own jobs (the rent run), one line each.
    pub jobs: Vec<JobLine>,
    /// The latest webhook deliveries (up to 25), newest first.
    pub inbox: Vec<InboxEvent>,
    /// The Kill Bill reconciliation section.
    pub reconciliation: ReconciliationState,
    /// Imported Condo tickets by status.
    pub tickets: TicketCounts,
    /// Imported Cocorico listings, published and not.
    pub listings: ListingCounts,
}

impl SystemStatus {
    /// Whether a run is queued or in progress (the page then polls faster).
    pub fn busy(&self) -> bool {
        let busy = |line: &JobLine| line.activity != Activity::Idle;
        self.jobs.iter().any(busy) || self.cards.iter().any(|c| c.activity != Activity::Idle || c.jobs.iter().any(busy))
    }
}

/// A duration the way the panel writes it: "350 ms", "2.4 s", "3 min 05 s", "1 h 02 min".
pub fn format_duration(ms: i64) -> String {
    let ms = ms.max(0);
    match ms {
        0..1_000 => format!("{ms} ms"),
        1_000..60_000 => format!("{:.1} s", ms as f64 / 1_000.0),
        60_000..3_600_000 => format!("{} min {:02} s", ms / 60_000, (ms % 60_000) / 1_000),
        _ => format!("{} h {:02} min", ms / 3_600_000, (ms % 3_600_000) / 60_000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally_at_every_scale() {
        assert_eq!(format_duration(350), "350 ms");
        assert_eq!(format_duration(2_449), "2.4 s");
        assert_eq!(format_duration(185_000), "3 min 05 s");
        assert_eq!(format_duration(3_720_000), "1 h 02 min");
        assert_eq!(format_duration(-5), "0 ms");
    }
}
