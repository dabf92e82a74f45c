//! The upstream checks of the admin panel: our database and each platform,
//! checked at the same time with short timeouts.

use crate::domain::Platform;
use serde::{Deserialize, Serialize};

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
    /// It answered.
    Up,
    /// It failed or did not answer in time.
    Down,
    /// The platform has no settings, so nothing was checked.
    NotConfigured,
}

/// One reachability check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpstreamCheck {
    /// Whose side was checked.
    pub target: CheckTarget,
    /// What was checked, e.g. "Kill Bill healthcheck".
    pub name: String,
    /// How it ended.
    pub state: CheckState,
    /// How long it took, in milliseconds (`None` when it was not run).
    pub latency_ms: Option<i64>,
    /// In plain words.
    pub message: String,
    /// The technical detail of a failure.
    pub detail: Option<String>,
}
