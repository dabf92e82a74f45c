//! Reading the audit log (admins only). Entries are written by the services
//! that make the changes (see `store::audit_log`).

use sqlx::PgPool;

use crate::model::AppError;
use crate::model::audit::{AuditQuery, AuditRecord};
use crate::server::auth::AuthUser;
use crate::server::store::audit_log::{self, AuditEntry};

/// Who makes a change, as the audit log records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The signed-in user (`None`: the scheduler or the CLI).
    pub user_id: Option<uuid::Uuid>,
    /// In words: a role and id, `schedule`, `cli`.
    pub name: String,
}

impl Actor {
    /// A signed-in user.
    pub fn of(user: &AuthUser) -> Self {
        Self { user_id: Some(user.user_id), name: actor_of(user) }
    }

    /// The command line.
    pub fn cli() -> Self {
        Self { user_id: None, name: "cli".into() }
    }

    /// An audit entry of this actor doing `action` to record `id` of kind
    /// `entity`, its `before` and `after` left for the caller to fill in.
    pub fn did<'a>(&'a self, action: &'a str, entity: &'a str, id: impl ToString) -> AuditEntry<'a> {
        AuditEntry {
            actor_id: self.user_id,
            actor: &self.name,
            action,
            entity,
            entity_id: Some(id.to_string()),
            before: None,
            after: None,
        }
    }
}

/// How a signed-in user is named in the audit log: their role and id.
pub fn actor_of(user: &AuthUser) -> String {
    format!("{} {}", user.role, user.user_id)
}

/// The latest changes matching `query`, newest first.
pub async fn list(pool: &PgPool, user: &AuthUser, query: &AuditQuery) -> Result<Vec<AuditRecord>, AppError> {
    user.require_admin()?;
    let clean = |value: &Option<String>, name: &str| -> Result<Option<String>, AppError> {
        match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            Some(v) if v.chars().count() > 100 => Err(AppError::Validation(format!("{name}: at most 100 characters"))),
            other => Ok(other.map(str::to_owned)),
        }
    };
    let entity = clean(&query.entity, "entity")?;
    let entity_id = clean(&query.entity_id, "entity_id")?;
    if entity_id.is_some() && entity.is_none() {
        return Err(AppError::Validation("entity_id: give the entity too".into()));
    }
    let limit = query.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(AppError::Validation("limit: from 1 to 500".into()));
    }
    let rows = audit_log::list_for(pool, entity.as_deref(), entity_id.as_deref(), limit).await?;
    Ok(rows
        .into_iter()
        .map(|r| AuditRecord {
            id: r.id,
            at: r.at,
            actor: r.actor,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            before: r.before,
            after: r.after,
        })
        .collect())
}
