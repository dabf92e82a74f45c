//! People: admins invite admins, landlords and tenants by e-mail; an
//! invitation (or a password reset) is a single-use link that expires, whose
//! token is stored hashed; a disabled user cannot sign in and loses their
//! sessions. The CLI does the same for a fresh install's first admin. Every
//! change is in the audit log.

use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore as _;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use uuid::Uuid;

use crate::domain::Role;
use crate::model::AppError;
use crate::model::people::{AccountState, Invited, PeopleQuery, Person};
use crate::server::audit::Actor;
use crate::server::auth::password;
use crate::server::error::internal;
use crate::server::mail::{Delivery, Mailer};
use crate::server::store::app_user::{self, NewUser, UserListRow, UserRow};
use crate::server::store::audit_log::{self, AuditEntry};
use crate::server::store::session_family;
use crate::server::store::user_token::{self, NewUserToken};

/// How long an invitation link works.
pub const INVITATION_TTL_DAYS: i64 = 7;
/// How long a password-reset link works.
pub const RESET_TTL_HOURS: i64 = 2;
/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// People per page of the list.
const PAGE: i64 = 50;

/// What a link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    Invitation,
    PasswordReset,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Invitation => "invitation",
            Purpose::PasswordReset => "password_reset",
        }
    }
}

/// A checked e-mail address: trimmed, at most 254 characters, one `@`, a
/// local part and a domain with a dot, no spaces.
pub fn check_email(raw: &str) -> Result<String, AppError> {
    let email = raw.trim();
    let bad = || AppError::Validation("email: an address like name@example.com".into());
    let (local, domain) = email.split_once('@').ok_or_else(bad)?;
    let valid = email.chars().count() <= 254
        && !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if valid { Ok(email.to_owned()) } else { Err(bad()) }
}

fn check_role(raw: &str) -> Result<Role, AppError> {
    Role::parse(raw.trim()).ok_or_else(|| AppError::Validation("role: admin, landlord or tenant".into()))
}

pub(crate) fn check_name(raw: Option<&str>, email: &str) -> Result<String, AppError> {
    let name = raw.map(str::trim).filter(|n| !n.is_empty()).unwrap_or_else(|| email.split('@').next().unwrap_or(email));
    if name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(AppError::Validation("name: at most 100 characters".into()));
    }
    Ok(name.to_owned())
}

/// A new password's rules: 12 to 200 characters.
pub fn check_password(password: &str) -> Result<(), AppError> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(AppError::Validation(format!("password: at least {MIN_PASSWORD_CHARS} characters")));
    }
    if n > 200 {
        return Err(AppError::Validation("password: at most 200 characters".into()));
    }
    Ok(())
}

fn hash_token(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn person(row: UserListRow) -> Person {
    let state = match (row.disabled_at, row.has_password) {
        (Some(_), _) => AccountState::Disabled,
        (None, true) => AccountState::Active,
        (None, false) => AccountState::Invited,
    };
    Person { id: row.id, email: row.email, name: row.display_name, role: row.role, state, created_at: row.created_at }
}

fn person_of(user: &UserRow, has_password: bool) -> Person {
    person(UserListRow {
        id: user.id,
        email: user.email.clone(),
        display_name: user.display_name.clone(),
        role: user.role.clone(),
        has_password,
        disabled_at: user.disabled_at,
        created_at: Utc::now(),
    })
}

/// Makes a link for `user`, replacing their unused ones of that purpose,
/// and mails it; returns the link when the mail only went to a file.
async fn send_link(
    pool: &PgPool,
    mailer: &Mailer,
    public_url: &str,
    user: &UserRow,
    purpose: Purpose,
    by: &Actor,
) -> Result<(Option<String>, DateTime<Utc>), AppError> {
    let token = new_token();
    let expires_at = match purpose {
        Purpose::Invitation => Utc::now() + Duration::days(INVITATION_TTL_DAYS),
        Purpose::PasswordReset => Utc::now() + Duration::hours(RESET_TTL_HOURS),
    };
    let mut tx = pool.begin().await?;
    user_token::expire_unused(&mut *tx, user.id, purpose.as_str()).await?;
    let hash = hash_token(&token);
    let new = NewUserToken {
        user_id: user.id,
        purpose: purpose.as_str(),
        token_hash: &hash,
        expires_at,
        created_by: by.user_id,
    };
    user_token::insert_token(&mut *tx, &new).await?;
    tx.commit().await?;
    let link = format!("{}/set-password/{token}", public_url.trim_end_matches('/'));
    let (subject, body) = match purpose {
        Purpose::Invitation => (
            "You are invited to the Marketplace",
            format!(
                "Hello {},\n\nYou have a Marketplace account ({}). Choose your password here:\n\n{link}\n\n\
                 The link works once, for {INVITATION_TTL_DAYS} days.\n",
                user.display_name, user.role
            ),
        ),
        Purpose::PasswordReset => (
            "Reset your Marketplace password",
            format!(
                "Hello {},\n\nChoose a new password here:\n\n{link}\n\nThe link works once, for {RESET_TTL_HOURS} hours. \
                 If you did not ask for it, ignore this message.\n",
                user.display_name
            ),
        ),
    };
    match mailer.send(&user.email, subject, &body).await {
        Ok(Delivery::Sent) => Ok((None, expires_at)),
        Ok(Delivery::Written(path)) => {
            tracing::info!(user = %user.id, path = %path.display(), "mail written to a file (no SMTP server set)");
            Ok((Some(link), expires_at))
        }
        Err(err) => Err(AppError::Upstream(format!("the mail to {} could not be sent: {err:#}", user.email))),
    }
}

async fn audit(
    pool: &PgPool,
    by: &Actor,
    action: &str,
    user: &UserRow,
    after: serde_json::Value,
) -> Result<(), AppError> {
    let entry = AuditEntry { after: Some(after), ..by.did(action, "user", user.id) };
    Ok(audit_log::record(pool, &entry).await?)
}

/// Creates an account and sends its invitation link. A known e-mail is a 409.
pub async fn invite(
    pool: &PgPool,
    mailer: &Mailer,
    public_url: &str,
    by: &Actor,
    email: &str,
    role: &str,
    name: Option<&str>,
) -> Result<Invited, AppError> {
    let email = check_email(email)?;
    let role = check_role(role)?;
    let name = check_name(name, &email)?;
    let user = create(pool, &email, role, &name, None).await?;
    audit(pool, by, "user.invite", &user, serde_json::json!({ "email": email, "role": role.as_str(), "name": name }))
        .await?;
    let (link, expires_at) = send_link(pool, mailer, public_url, &user, Purpose::Invitation, by).await?;
    Ok(Invited { person: person_of(&user, false), invitation_link: link, link_expires_at: expires_at })
}

/// Creates an account with a password at once (the CLI's `--password-stdin`).
pub async fn add_with_password(
    pool: &PgPool,
    by: &Actor,
    email: &str,
    role: &str,
    name: Option<&str>,
    password_text: &str,
) -> Result<Person, AppError> {
    let email = check_email(email)?;
    let role = check_role(role)?;
    let name = check_name(name, &email)?;
    check_password(password_text)?;
    let hash = password::hash_password(password_text.to_owned()).await.map_err(internal)?;
    let user = create(pool, &email, role, &name, Some(hash)).await?;
    audit(pool, by, "user.add", &user, serde_json::json!({ "email": email, "role": role.as_str(), "name": name }))
        .await?;
    Ok(person_of(&user, true))
}

async fn create(pool: &PgPool, email: &str, role: Role, name: &str, hash: Option<String>) -> Result<UserRow, AppError> {
    let new = NewUser {
        id: Uuid::new_v4(),
        email: email.to_owned(),
        display_name: name.to_owned(),
        role: role.as_str().to_owned(),
        password_hash: hash,
        phone: None,
    };
    if !app_user::insert_user_if_absent(pool, &new).await? {
        return Err(AppError::Conflict(format!("email: {email} already has an account")));
    }
    app_user::find_user(pool, new.id).await?.ok_or_else(|| internal("the new user vanished"))
}

/// Sends a password-reset link to the account with this e-mail.
pub async fn send_reset(
    pool: &PgPool,
    mailer: &Mailer,
    public_url: &str,
    by: &Actor,
    email: &str,
) -> Result<Option<String>, AppError> {
    let email = check_email(email)?;
    let user = app_user::find_user_by_email(pool, &email).await?.ok_or(AppError::NotFound)?;
    if user.disabled_at.is_some() {
        return Err(AppError::Conflict(format!("{email} is disabled")));
    }
    audit(pool, by, "user.reset_password", &user, serde_json::json!({ "email": email })).await?;
    Ok(send_link(pool, mailer, public_url, &user, Purpose::PasswordReset, by).await?.0)
}

/// Disables the account with this e-mail and revokes its sessions.
pub async fn disable(pool: &PgPool, by: &Actor, email: &str) -> Result<(), AppError> {
    let email = check_email(email)?;
    let user = app_user::find_user_by_email(pool, &email).await?.ok_or(AppError::NotFound)?;
    if by.user_id == Some(user.id) {
        return Err(AppError::Conflict("you cannot disable your own account".into()));
    }
    if !app_user::disable_user(pool, user.id).await? {
        return Err(AppError::Conflict(format!("{email} is already disabled")));
    }
    let revoked = session_family::revoke_sessions_of_user(pool, user.id).await?;
    audit(pool, by, "user.disable", &user, serde_json::json!({ "email": email, "sessions_revoked": revoked })).await?;
    Ok(())
}

/// Whether a set-password link still works (to show its form or say why not).
pub async fn link_is_usable(pool: &PgPool, token: &str) -> Result<bool, AppError> {
    Ok(user_token::is_usable(pool, &hash_token(token.trim())).await?)
}

/// Sets the password of the link's account, once; its other sessions end.
pub async fn set_password_with_link(pool: &PgPool, token: &str, password_text: &str) -> Result<(), AppError> {
    check_password(password_text)?;
    let hash = password::hash_password(password_text.to_owned()).await.map_err(internal)?;
    let mut tx = pool.begin().await?;
    let (user_id, purpose) = user_token::take_token(&mut *tx, &hash_token(token.trim()))
        .await?
        .ok_or_else(|| AppError::Conflict("This link was used already or has expired; ask for a new one.".into()))?;
    let user = app_user::find_user(&mut *tx, user_id).await?.ok_or(AppError::NotFound)?;
    if user.disabled_at.is_some() {
        return Err(AppError::Conflict("This account is disabled.".into()));
    }
    app_user::set_password(&mut *tx, user_id, &hash).await?;
    session_family::revoke_sessions_of_user(&mut *tx, user_id).await?;
    tx.commit().await?;
    let by = Actor { user_id: Some(user_id), name: format!("{} {}", user.role, user_id) };
    audit(pool, &by, "user.set_password", &user, serde_json::json!({ "through": purpose })).await?;
    Ok(())
}

/// The id of the tenant with this e-mail: what the lease form asks for.
/// Anyone else (nobody, a landlord, an admin) is a validation error.
pub async fn tenant_id_by_email(pool: &PgPool, email: &str) -> Result<Uuid, AppError> {
    let user = crate::server::store::app_user::find_user_by_email(pool, email.trim()).await?;
    user.filter(|u| u.role == "tenant")
        .map(|u| u.id)
        .ok_or_else(|| AppError::Validation("tenant_email: no tenant has this e-mail".into()))
}

/// People, for admins: by e-mail, 50 a page, filtered by role and text.
pub async fn list(pool: &PgPool, query: &PeopleQuery) -> Result<Vec<Person>, AppError> {
    let role = query.role.as_deref().map(check_role).transpose()?;
    let page = query.page.unwrap_or(1);
    if !(1..=10_000).contains(&page) {
        return Err(AppError::Validation("page: from 1".into()));
    }
    let search = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    if search.is_some_and(|q| q.chars().count() > 100) {
        return Err(AppError::Validation("q: at most 100 characters".into()));
    }
    let rows = app_user::list_users(pool, role.map(|r| r.as_str()), search, PAGE, (page - 1) * PAGE).await?;
    Ok(rows.into_iter().map(person).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_names_and_passwords_are_checked() {
        assert_eq!(check_email("  ada@example.com ").unwrap(), "ada@example.com");
        for bad in
            ["", "ada", "ada@", "@example.com", "ada@example", "a da@example.com", "ada@@example.com", "ada@.com"]
        {
            assert!(check_email(bad).is_err(), "{bad:?}");
        }
        assert!(check_email(&format!("{}@example.com", "a".repeat(250))).is_err(), "too long");
        assert_eq!(check_name(None, "ada@example.com").unwrap(), "ada");
        assert!(check_role("owner").is_err());
        assert!(check_password("short").is_err());
        assert!(check_password("a long enough password").is_ok());
    }

    #[test]
    fn tokens_are_long_random_and_stored_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43, "32 random bytes");
        assert_eq!(hash_token(&a).len(), 64);
        assert_ne!(hash_token(&a), a);
    }
}
