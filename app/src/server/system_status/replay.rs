//! Replaying a webhook delivery from the inbox: the event is put back in the
//! queue as if it had just arrived, then processed in the background (never
//! inside the admin's request); processing stays idempotent, so a replay of an
//! event already applied changes nothing.

use crate::model::AppError;
use crate::server::state::AppState;
use crate::server::store::webhook_inbox;
use crate::server::webhooks;

/// Resets event `id` to pending and starts processing its source's queue.
pub async fn replay_event(state: &AppState, id: i64) -> Result<(), AppError> {
    let source = webhook_inbox::reset_event(&state.pool, id).await?.ok_or(AppError::NotFound)?;
    tracing::info!(event_id = id, %source, "webhook event put back in the queue by an admin");
    spawn_processing(state.clone(), source);
    Ok(())
}

/// Processes the pending deliveries of `source` in the background.
fn spawn_processing(state: AppState, source: String) {
    let ctx = state.sync_context();
    tokio::spawn(async move {
        let result = match source.as_str() {
            "killbill" => webhooks::killbill::process_pending(&ctx).await,
            "condo" => webhooks::condo::process_pending(&ctx).await,
            other => {
                tracing::warn!(source = other, "no processor for this webhook source");
                return;
            }
        };
        match result {
            Ok(done) => tracing::info!(%source, done, "replayed webhook events processed"),
            Err(err) => tracing::warn!(%source, error = format!("{err:#}"), "replayed webhook events not processed"),
        }
    });
}
