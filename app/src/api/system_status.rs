//! The unified admin panel, `/admin/system-status`: one snapshot of every
//! integration (cards with their history charts), the webhook inbox, the
//! Kill Bill reconciliation and the imported counts; the upstream checks;
//! and replaying a webhook delivery. Admins only.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::AppError;
use super::integration::IntegrationHealth;
use super::reconciliation::ReconciliationState;
use crate::domain::Platform;

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
    /// `schedule`, `manual`, `cli` or `webhook`.
    pub trigger: String,
    pub succeeded: bool,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// How long it took, when it finished.
    pub duration_ms: Option<i64>,
    pub records_in: i32,
    pub records_out: i32,
    pub records_failed: i32,
    pub records_skipped: i32,
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
    pub platform: Platform,
    pub health: IntegrationHealth,
    pub activity: Activity,
    /// The schedule in words ("every 6 h", "daily at 02:00 UTC", "off").
    pub schedule: String,
    /// The freshness target: older successes make the integration delayed.
    pub freshness_hours: i64,
    pub last_success_at: Option<DateTime<Utc>>,
    pub next_run_at: Option<DateTime<Utc>>,
    pub last_run: Option<RunSummary>,
    /// The last run's failure, when it failed.
    pub error: Option<RunError>,
    pub paused_reason: Option<String>,
    pub consecutive_failures: i32,
    /// The last 30 runs as an accessible SVG chart, drawn on the server.
    pub history_svg: String,
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
    pub id: i64,
    pub source: Platform,
    /// The source's own id of the event (type and object).
    pub key: String,
    pub received_at: DateTime<Utc>,
    /// How the delivery proved where it came from, in words.
    pub verification: String,
    pub state: EventState,
    pub attempts: i32,
    pub error: Option<String>,
    /// How processing ended, in the processor's words.
    pub outcome: Option<String>,
}

/// Imported Condo tickets by status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketCounts {
    /// (status label, count) of live tickets, in workflow order.
    pub by_status: Vec<(String, i64)>,
    pub deleted: i64,
    pub total: i64,
}

/// Imported Cocorico listings by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingCounts {
    pub published: i64,
    pub unpublished: i64,
}

/// Everything the panel shows except the upstream checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SystemStatus {
    pub generated_at: DateTime<Utc>,
    pub cards: Vec<IntegrationCard>,
    pub inbox: Vec<InboxEvent>,
    pub reconciliation: ReconciliationState,
    pub tickets: TicketCounts,
    pub listings: ListingCounts,
}

impl SystemStatus {
    /// Whether a run is queued or in progress (the page then polls faster).
    pub fn busy(&self) -> bool {
        self.cards.iter().any(|c| c.activity != Activity::Idle)
    }
}

/// Whose side an upstream check is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckTarget {
    /// Our own database.
    Ours,
    /// An outside platform.
    Upstream(Platform),
}

/// How a check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckState {
    Up,
    Down,
    NotConfigured,
}

/// One reachability check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpstreamCheck {
    pub target: CheckTarget,
    /// What was checked, e.g. "Kill Bill healthcheck".
    pub name: String,
    pub state: CheckState,
    pub latency_ms: Option<i64>,
    /// In plain words.
    pub message: String,
    /// The technical detail of a failure.
    pub detail: Option<String>,
}

/// The panel's snapshot. The page polls it while open.
#[server(endpoint = "admin/system-status")]
pub async fn load_system_status() -> Result<SystemStatus, AppError> {
    crate::server::auth::require_user()?.require_admin()?;
    let pool = crate::server::state::pool()?;
    Ok(crate::server::panel::load_system_status(&pool, Utc::now()).await?)
}

/// Our database and each platform, checked at the same time with short timeouts.
#[server(endpoint = "admin/upstream-checks")]
pub async fn check_upstreams() -> Result<Vec<UpstreamCheck>, AppError> {
    crate::server::auth::require_user()?.require_admin()?;
    let state = crate::server::state::app_state()?;
    Ok(crate::server::panel::upstream::run_checks(&state.pool, &state.sync).await)
}

/// Puts a webhook delivery back in the queue and starts processing it.
#[server(endpoint = "admin/webhooks/replay")]
pub async fn replay_webhook_event(id: i64) -> Result<(), AppError> {
    crate::server::auth::require_user()?.require_admin()?;
    let state = crate::server::state::app_state()?;
    crate::server::panel::replay::replay_event(&state, id).await
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
