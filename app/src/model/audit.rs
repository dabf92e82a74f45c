//! The audit log as admins read it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One recorded change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// Its place in the log.
    pub id: i64,
    /// When it was made.
    pub at: DateTime<Utc>,
    /// Who made it: an admin, `cli`, `schedule`.
    pub actor: String,
    /// What was done (`billing.run`, …).
    pub action: String,
    /// The kind of record.
    pub entity: String,
    /// Which record.
    pub entity_id: Option<String>,
    /// The record before the change.
    pub before: Option<serde_json::Value>,
    /// The record after it.
    pub after: Option<serde_json::Value>,
}

/// `GET /api/manage/audit` filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    /// One kind of record (`invoice`, `lease`, `billing_period`, …).
    pub entity: Option<String>,
    /// One record of that kind.
    pub entity_id: Option<String>,
    /// How many, newest first (1 to 500, default 100).
    pub limit: Option<i64>,
}
