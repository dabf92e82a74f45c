//! The webhook inbox as the admin panel shows it: the latest deliveries with
//! their verification and processing state, and replaying one.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

/// A stored delivery, without its payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxRow {
    pub id: i64,
    pub source: String,
    pub dedupe_key: String,
    pub received_at: DateTime<Utc>,
    pub verification: String,
    pub processed_at: Option<DateTime<Utc>>,
    pub attempts: i32,
    pub error: Option<String>,
    /// How processing ended (`applied`, `stale`, `unlinked`, `rejected`, or the source's own words).
    pub outcome: Option<String>,
}

/// The latest `limit` deliveries, newest first.
pub async fn list_latest_events(db: impl PgExecutor<'_>, limit: i64) -> Result<Vec<InboxRow>, sqlx::Error> {
    sqlx::query_as!(
        InboxRow,
        "SELECT id, source, dedupe_key, received_at, verification, processed_at, attempts, error, outcome
         FROM webhook_event ORDER BY received_at DESC, id DESC LIMIT $1",
        limit
    )
    .fetch_all(db)
    .await
}

/// Puts a delivery back in the queue as if it had just arrived: not processed,
/// no attempts, no error, no outcome. Returns its source, or `None` when there is no such event.
pub async fn reset_event(db: impl PgExecutor<'_>, id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "UPDATE webhook_event SET processed_at = NULL, attempts = 0, error = NULL, outcome = NULL
         WHERE id = $1 RETURNING source",
        id
    )
    .fetch_optional(db)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::store::webhook_event::{
        NewWebhookEvent, claim_pending_events_of, finish_event, insert_event_if_new, record_outcome,
    };

    #[sqlx::test(migrations = "../migrations")]
    async fn a_replayed_event_is_pending_again_with_no_attempts(pool: sqlx::PgPool) {
        let event = NewWebhookEvent {
            source: "killbill".into(),
            dedupe_key: "INVOICE_CREATION:1".into(),
            verification: "token".into(),
            payload: serde_json::json!({ "eventType": "INVOICE_CREATION" }),
        };
        let id = insert_event_if_new(&pool, &event).await.unwrap().unwrap();
        claim_pending_events_of(&pool, "killbill", 10).await.unwrap();
        finish_event(&pool, id, None).await.unwrap();
        record_outcome(&pool, id, "balance refreshed").await.unwrap();
        let before = list_latest_events(&pool, 10).await.unwrap();
        assert!(before[0].processed_at.is_some());
        assert_eq!(before[0].outcome.as_deref(), Some("balance refreshed"));
        assert_eq!(before[0].attempts, 1);

        assert_eq!(reset_event(&pool, id).await.unwrap().as_deref(), Some("killbill"));
        let after = list_latest_events(&pool, 10).await.unwrap();
        assert_eq!((after[0].processed_at, after[0].attempts, after[0].error.clone()), (None, 0, None));
        assert_eq!(after[0].outcome, None);
        assert_eq!(claim_pending_events_of(&pool, "killbill", 10).await.unwrap().len(), 1, "claimable again");
        assert_eq!(reset_event(&pool, id + 100).await.unwrap(), None);
    }
}
