//! Incoming webhooks: each platform's deliveries are verified by the HTTP handler, stored
//! as `webhook_event` rows (deduplicated) and processed from there, outside the request,
//! so a crash between receiving and processing loses nothing. One module per source;
//! the processing runs as a job of its own (`jobs::webhooks`), which a delivery asks for.

pub mod condo;
pub mod condo_signature;
pub mod killbill;

/// What one pass over a source's pending events did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Processed {
    /// Events finished (applied, or rejected for good with their reason).
    pub done: usize,
    /// Events that failed this time and stay pending, with why (`event <id>: <error>`).
    pub failed: Vec<String>,
}

/// Asks for the job that processes `source`'s events (at most one waits at a
/// time; the schedulers start it at once). A failure to ask is logged: the
/// events are stored, and the job's schedule finds them.
pub async fn request_processing(pool: &sqlx::PgPool, source: &str) {
    use crate::domain::Job;
    use crate::server::store::sync_request::{self, Requester};
    let job = match source {
        killbill::SOURCE => Job::KillbillWebhooks,
        condo::SOURCE => Job::CondoWebhooks,
        other => {
            tracing::warn!(source = other, "no job processes this webhook source");
            return;
        }
    };
    if let Err(err) = sync_request::enqueue(pool, job, Requester::Webhook).await {
        tracing::warn!(%job, error = %err, "could not ask for webhook processing; the schedule will");
    }
}
