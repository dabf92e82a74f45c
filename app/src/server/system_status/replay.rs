//! Replaying a webhook delivery from the inbox: the event is put back in the
//! queue as if it had just arrived, and its source's processing job is asked
//! for (never run inside the admin's request); processing stays idempotent, so
//! a replay of an event already applied changes nothing.

use crate::model::AppError;
use crate::server::state::AppState;
use crate::server::store::webhook_inbox;
use crate::server::webhooks;

/// Resets event `id` to pending and asks for its source's processing job.
pub async fn replay_event(state: &AppState, id: i64) -> Result<(), AppError> {
    let source = webhook_inbox::reset_event(&state.pool, id).await?.ok_or(AppError::NotFound)?;
    tracing::info!(event_id = id, %source, "webhook event put back in the queue by an admin");
    webhooks::request_processing(&state.pool, &source).await;
    Ok(())
}
