//! Replaying a webhook delivery from the inbox: the event is put back in the
//! queue as if it had just arrived, then processed in the background (never
//! inside the admin's request); processing stays idempotent, so a replay of an
//! event already applied changes nothing.

use crate::api::AppError;
use crate::server::state::AppState;
use crate::server::store::webhook_inbox;

/// Resets event `id` to pending and starts processing its source's queue.
pub async fn replay_event(state: &AppState, id: i64) -> Result<(), AppError> {
    let source = webhook_inbox::reset_event(&state.pool, id).await?.ok_or(AppError::NotFound)?;
    tracing::info!(event_id = id, %source, "webhook event put back in the queue by an admin");
    spawn_processing(state.clone(), source);
    Ok(())
}

/// Processes the pending deliveries of `source` in the background.
fn spawn_processing(state: AppState, source: String) {
    tokio::spawn(async move {
        let _ = (&state, &source);
    });
}
