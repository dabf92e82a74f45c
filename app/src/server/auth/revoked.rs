//! The access-token deny-list: the sessions revoked recently enough that
//! access tokens they issued may still be unexpired. Checking it is a memory
//! look-up (the extractor runs on every request); the set is read from
//! PostgreSQL every few seconds, so a logout or a disabled account on one
//! replica reaches the others within that time, and the one that did it at
//! once.

use chrono::Utc;
use sqlx::PgPool;
use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};
use uuid::Uuid;

use crate::server::store::session_family;

/// How often the set is read again.
pub const RELOAD_EVERY: Duration = Duration::from_secs(2);

/// Revoked sessions, each with when this process learnt of it.
#[derive(Debug)]
pub struct RevokedSessions {
    /// How long an entry matters: the access-token lifetime and its leeway.
    horizon: Duration,
    ids: RwLock<HashMap<Uuid, Instant>>,
}

impl RevokedSessions {
    /// An empty set whose entries matter for `horizon`.
    pub fn new(horizon: Duration) -> Self {
        Self { horizon, ids: RwLock::default() }
    }

    /// Whether the session was revoked.
    pub fn contains(&self, session: Uuid) -> bool {
        self.ids.read().unwrap_or_else(|e| e.into_inner()).contains_key(&session)
    }

    /// Adds a session this process just revoked.
    pub fn add(&self, session: Uuid) {
        self.ids.write().unwrap_or_else(|e| e.into_inner()).insert(session, Instant::now());
    }

    /// Reads the sessions revoked within the horizon and forgets the ones
    /// past it; how many are held.
    pub async fn reload(&self, pool: &PgPool) -> Result<usize, sqlx::Error> {
        let horizon = chrono::Duration::from_std(self.horizon).unwrap_or_else(|_| chrono::Duration::days(1));
        let revoked = session_family::revoked_since(pool, Utc::now() - horizon).await?;
        let now = Instant::now();
        let mut ids = self.ids.write().unwrap_or_else(|e| e.into_inner());
        ids.retain(|_, learnt| now.duration_since(*learnt) < self.horizon);
        for id in revoked {
            ids.entry(id).or_insert(now);
        }
        Ok(ids.len())
    }

    /// Reloads the set every [`RELOAD_EVERY`] until the process ends.
    pub async fn keep_fresh(self: std::sync::Arc<Self>, pool: PgPool) {
        let mut tick = tokio::time::interval(RELOAD_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(err) = self.reload(&pool).await {
                tracing::warn!(error = %err, "the revoked sessions could not be read; keeping the last list");
            }
        }
    }
}
