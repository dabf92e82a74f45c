//! The state of each outside integration, as the admin panel shows it.

use crate::domain::Platform;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::AppError;

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

/// The status of every integration, for the admin panel.
#[server(endpoint = "integrations/status")]
pub async fn list_integrations() -> Result<Vec<IntegrationStatus>, AppError> {
    crate::server::auth::require_user()?.require_admin()?;
    let pool = crate::server::state::pool()?;
    let states = crate::server::store::sync_state::list_sync_states(&pool).await?;
    let now = chrono::Utc::now();
    Ok(states.into_iter().filter_map(|s| s.into_status(now)).collect())
}
