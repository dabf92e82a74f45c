//! `app_user`: people who sign in (admins, landlords and tenants).

use sqlx::PgExecutor;
use uuid::Uuid;

/// A user as stored.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub password_hash: Option<String>,
    pub disabled_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub password_hash: Option<String>,
    pub phone: Option<String>,
}

/// Creates the user unless the id or e-mail exists. Returns whether a row was written.
pub async fn insert_user_if_absent(db: impl PgExecutor<'_>, user: &NewUser) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        "INSERT INTO app_user (id, email, display_name, role, password_hash, phone)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        user.id,
        user.email,
        user.display_name,
        user.role,
        user.password_hash,
        user.phone
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Sets a user's password hash unless one is set. Returns whether it was written.
pub async fn set_password_if_unset(
    db: impl PgExecutor<'_>,
    id: Uuid,
    password_hash: &str,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        "UPDATE app_user SET password_hash = $2 WHERE id = $1 AND password_hash IS NULL",
        id,
        password_hash
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// The user with this e-mail (case-insensitive), if any.
pub async fn find_user_by_email(db: impl PgExecutor<'_>, email: &str) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as!(
        UserRow,
        "SELECT id, email, display_name, role, password_hash, disabled_at FROM app_user WHERE lower(email) = lower($1)",
        email
    )
    .fetch_optional(db)
    .await
}

/// The user with this id, if any.
pub async fn find_user(db: impl PgExecutor<'_>, id: Uuid) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as!(
        UserRow,
        "SELECT id, email, display_name, role, password_hash, disabled_at FROM app_user WHERE id = $1",
        id
    )
    .fetch_optional(db)
    .await
}

/// The display names of some users, by id.
pub async fn display_names(
    db: impl PgExecutor<'_>,
    ids: &[uuid::Uuid],
) -> Result<std::collections::HashMap<uuid::Uuid, String>, sqlx::Error> {
    let rows = sqlx::query!("SELECT id, display_name FROM app_user WHERE id = ANY($1)", ids).fetch_all(db).await?;
    Ok(rows.into_iter().map(|r| (r.id, r.display_name)).collect())
}

/// Sets a user's password hash (a new one replaces the old).
pub async fn set_password(db: impl PgExecutor<'_>, id: Uuid, password_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE app_user SET password_hash = $2, updated_at = now() WHERE id = $1", id, password_hash)
        .execute(db)
        .await?;
    Ok(())
}

/// Disables a user (they can no longer sign in). Returns whether it was enabled.
pub async fn disable_user(db: impl PgExecutor<'_>, id: Uuid) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE app_user SET disabled_at = now(), updated_at = now() WHERE id = $1 AND disabled_at IS NULL",
        id
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// What a profile correction did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileUpdate {
    /// Changed: the name and e-mail it had before.
    Changed { email: String, display_name: String },
    /// Already so: nothing written.
    Unchanged,
    /// No such user.
    Missing,
    /// Another account has that e-mail.
    EmailTaken,
}

/// Sets a user's e-mail and name, bumping `profile_version` when either
/// changes (an e-mail another account has, in any case, is refused).
pub async fn update_profile(
    conn: &mut sqlx::PgConnection,
    id: Uuid,
    email: &str,
    display_name: &str,
) -> Result<ProfileUpdate, sqlx::Error> {
    let Some(before) = sqlx::query!("SELECT email, display_name FROM app_user WHERE id = $1 FOR UPDATE", id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(ProfileUpdate::Missing);
    };
    if before.email == email && before.display_name == display_name {
        return Ok(ProfileUpdate::Unchanged);
    }
    let done = sqlx::query!(
        "UPDATE app_user SET email = $2, display_name = $3, profile_version = profile_version + 1, updated_at = now()
         WHERE id = $1",
        id,
        email,
        display_name
    )
    .execute(&mut *conn)
    .await;
    match done {
        Ok(_) => Ok(ProfileUpdate::Changed { email: before.email, display_name: before.display_name }),
        Err(err) if err.as_database_error().and_then(|e| e.code()).as_deref() == Some("23505") => {
            Ok(ProfileUpdate::EmailTaken)
        }
        Err(err) => Err(err),
    }
}

/// A user as the people list shows them.
#[derive(Debug, Clone)]
pub struct UserListRow {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub has_password: bool,
    pub disabled_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Users of one role (all with `None`) whose e-mail or name contains
/// `search` (any with `None`), by e-mail, a page at a time.
pub async fn list_users(
    db: impl PgExecutor<'_>,
    role: Option<&str>,
    search: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<Vec<UserListRow>, sqlx::Error> {
    sqlx::query_as!(
        UserListRow,
        r#"SELECT id, email, display_name, role, password_hash IS NOT NULL AS "has_password!", disabled_at, created_at
           FROM app_user
           WHERE ($1::text IS NULL OR role = $1)
             AND ($2::text IS NULL OR strpos(lower(email), lower($2)) > 0
                  OR strpos(lower(display_name), lower($2)) > 0)
           ORDER BY lower(email) LIMIT $3 OFFSET $4"#,
        role,
        search,
        limit,
        offset
    )
    .fetch_all(db)
    .await
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn user(n: u128, role: &str) -> NewUser {
        NewUser {
            id: Uuid::from_u128(n),
            email: format!("user{n}@example.test"),
            display_name: format!("User {n}"),
            role: role.into(),
            password_hash: None,
            phone: None,
        }
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn emails_are_unique_whatever_their_case(pool: sqlx::PgPool) {
        assert!(insert_user_if_absent(&pool, &user(1, "tenant")).await.unwrap());
        let mut twin = user(2, "tenant");
        twin.email = "USER1@example.test".into();
        assert!(!insert_user_if_absent(&pool, &twin).await.unwrap());
        let found = find_user_by_email(&pool, "User1@Example.test").await.unwrap().unwrap();
        assert_eq!(found.id, Uuid::from_u128(1));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn unknown_roles_are_refused_by_the_database(pool: sqlx::PgPool) {
        assert!(insert_user_if_absent(&pool, &user(1, "superuser")).await.is_err());
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn users_keep_their_roles_and_unknown_ids_are_not_found(pool: sqlx::PgPool) {
        for (n, role) in [(1, "admin"), (2, "tenant"), (3, "tenant")] {
            insert_user_if_absent(&pool, &user(n, role)).await.unwrap();
        }
        let roles: Vec<String> =
            sqlx::query_scalar("SELECT role FROM app_user ORDER BY id").fetch_all(&pool).await.unwrap();
        assert_eq!(roles, ["admin", "tenant", "tenant"]);
        assert!(find_user(&pool, Uuid::from_u128(9)).await.unwrap().is_none());
    }
}
