//! The Kill Bill quarantine for admins: what the mirror holds back and why,
//! and the two ways out (retry on the next run, or skip for good), each
//! audited.

use sqlx::PgPool;

use crate::domain::Job;
use crate::model::AppError;
use crate::model::quarantine::QuarantinedRecord;
use crate::server::audit::Actor;
use crate::server::auth::AuthUser;
use crate::server::store::audit_log::{self, AuditEntry};
use crate::server::store::killbill_quarantine;
use crate::server::store::sync_request::{self, Requester};

/// Every quarantined record, held ones first.
pub async fn list(pool: &PgPool, user: &AuthUser) -> Result<Vec<QuarantinedRecord>, AppError> {
    user.require_admin()?;
    let rows = killbill_quarantine::list(pool).await?;
    Ok(rows
        .into_iter()
        .map(|r| QuarantinedRecord {
            id: r.id,
            entity: r.entity,
            local_id: r.local_id,
            tenant_id: r.tenant_id,
            tenant_name: r.tenant_name,
            label: r.label,
            http_status: r.http_status,
            code: r.code,
            message: r.message,
            state: r.state,
            attempts: r.attempts,
            first_refused_at: r.first_refused_at,
            last_refused_at: r.last_refused_at,
        })
        .collect())
}

/// What an admin decides for a quarantined record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Try it again on the next mirror run (asked for at once).
    Retry,
    /// Leave it out of Kill Bill for good.
    Skip,
}

/// Applies an admin's decision to quarantine entry `id`.
pub async fn decide(pool: &PgPool, user: &AuthUser, id: i64, decision: Decision) -> Result<(), AppError> {
    user.require_admin()?;
    let (state, action) = match decision {
        Decision::Retry => ("retry", "killbill.quarantine.retry"),
        Decision::Skip => ("skipped", "killbill.quarantine.skip"),
    };
    let mut tx = pool.begin().await?;
    let label = killbill_quarantine::set_state(&mut *tx, id, state).await?.ok_or(AppError::NotFound)?;
    let by = Actor::of(user);
    let after = serde_json::json!({ "record": label, "state": state });
    let entry = AuditEntry { after: Some(after), ..by.did(action, "killbill_quarantine", id) };
    audit_log::record(&mut *tx, &entry).await?;
    tx.commit().await?;
    if decision == Decision::Retry {
        sync_request::enqueue(pool, Job::KillbillMirror, Requester::Admin(user.user_id)).await?;
    }
    Ok(())
}
