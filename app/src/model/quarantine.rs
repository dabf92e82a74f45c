//! Records Kill Bill refused for good, held out of the mirror.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One quarantined record (`GET /api/manage/killbill/quarantine`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarantinedRecord {
    /// The quarantine entry's id (for retry and skip).
    pub id: i64,
    /// `account`, `invoice`, `payment` or `invoice_void`.
    pub entity: String,
    /// Our id of the record.
    pub local_id: Uuid,
    /// The tenant it belongs to.
    pub tenant_id: Uuid,
    /// The tenant's name.
    pub tenant_name: String,
    /// What it is, in words ("invoice 2026-000123").
    pub label: String,
    /// Kill Bill's HTTP status, when it answered.
    pub http_status: Option<i32>,
    /// Kill Bill's error code, when it gave one.
    pub code: Option<i64>,
    /// Why it was refused.
    pub message: String,
    /// `held` (left alone), `retry` (tried again by the next run) or `skipped` (for good).
    pub state: String,
    /// How many runs it was refused in.
    pub attempts: i32,
    /// The first refusal.
    pub first_refused_at: DateTime<Utc>,
    /// The latest refusal.
    pub last_refused_at: DateTime<Utc>,
}
