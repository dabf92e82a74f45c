//! Correcting a person's e-mail and name (admins). The change is audited
//! with before and after, and a tenant's Kill Bill account follows it on the
//! next mirror run (`profile_version`).

use sqlx::PgPool;
use uuid::Uuid;

use crate::model::AppError;
use crate::model::people::{ProfileChanged, ProfileRequest};
use crate::server::audit::Actor;
use crate::server::auth::AuthUser;
use crate::server::people::{check_email, check_name};
use crate::server::store::app_user::{self, ProfileUpdate};
use crate::server::store::audit_log::{self, AuditEntry};

/// Sets the e-mail and name of user `id`.
pub async fn edit(
    pool: &PgPool,
    user: &AuthUser,
    id: Uuid,
    request: &ProfileRequest,
) -> Result<ProfileChanged, AppError> {
    user.require_admin()?;
    let email = check_email(&request.email)?;
    if request.name.trim().is_empty() {
        return Err(AppError::Validation("name: from 1 to 100 characters".into()));
    }
    let name = check_name(Some(&request.name), &email)?;
    let mut tx = pool.begin().await?;
    let changed = match app_user::update_profile(&mut tx, id, &email, &name).await? {
        ProfileUpdate::Missing => return Err(AppError::NotFound),
        ProfileUpdate::EmailTaken => return Err(AppError::Conflict(format!("email: {email} already has an account"))),
        ProfileUpdate::Unchanged => false,
        ProfileUpdate::Changed { email: was_email, display_name: was_name } => {
            let by = Actor::of(user);
            let entry = AuditEntry {
                before: Some(serde_json::json!({ "email": was_email, "name": was_name })),
                after: Some(serde_json::json!({ "email": email, "name": name })),
                ..by.did("user.profile", "user", id)
            };
            audit_log::record(&mut *tx, &entry).await?;
            true
        }
    };
    tx.commit().await?;
    Ok(ProfileChanged { id, email, name, changed })
}
