//! Wire formats: the JSON bodies Kill Bill reads (`input`) and writes (`output`), following the
//! definitions of kbswagger.yaml and the server's `*Json` classes.

pub mod input;
pub mod output;
pub mod payment;

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::killbill::store::model::Audit;

/// A `DateTime` as Kill Bill writes it: `2018-07-19T20:48:34.000Z`.
pub fn date_time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// How much audit history to return (`audit=NONE|MINIMAL|FULL`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum AuditMode {
    /// No audit logs (the default).
    #[default]
    None,
    /// The insert record.
    Minimal,
    /// Same as `MINIMAL` here (no history is kept).
    Full,
}

/// One `AuditLog` entry.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditLogJson {
    change_type: &'static str,
    change_date: String,
    object_type: &'static str,
    object_id: Uuid,
    changed_by: String,
    reason_code: Option<String>,
    comments: Option<String>,
    user_token: String,
    history: Option<serde_json::Value>,
}

/// The audit logs of an object created with `audit`, as `mode` asks.
pub fn audit_logs(mode: AuditMode, object_type: &'static str, object_id: Uuid, audit: &Audit) -> Vec<AuditLogJson> {
    if mode == AuditMode::None {
        return Vec::new();
    }
    vec![AuditLogJson {
        change_type: "INSERT",
        change_date: date_time(audit.at),
        object_type,
        object_id,
        changed_by: audit.created_by.clone(),
        reason_code: audit.reason.clone(),
        comments: audit.comment.clone(),
        user_token: audit.user_token.unwrap_or_else(|| Uuid::new_v5(&object_id, b"userToken")).to_string(),
        history: None,
    }]
}
