//! `property`: buildings owned by a landlord.

use sqlx::PgExecutor;
use uuid::Uuid;

/// A property as stored.
#[derive(Debug, Clone)]
pub struct PropertyRow {
    pub id: Uuid,
    pub landlord_id: Uuid,
    pub name: String,
    pub address_line: String,
    pub city: String,
    pub postal_code: String,
    pub country: String,
    pub archived_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A property to create.
#[derive(Debug, Clone)]
pub struct NewProperty {
    pub id: Uuid,
    pub landlord_id: Uuid,
    pub name: String,
    pub address_line: String,
    pub city: String,
    pub postal_code: String,
    pub country: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

/// Creates the property unless its id exists. Returns whether a row was written.
pub async fn insert_property_if_absent(db: impl PgExecutor<'_>, p: &NewProperty) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        "INSERT INTO property (id, landlord_id, name, address_line, city, postal_code, country, latitude, longitude)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING",
        p.id,
        p.landlord_id,
        p.name,
        p.address_line,
        p.city,
        p.postal_code,
        p.country,
        p.latitude,
        p.longitude
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// The properties of one landlord (`None` for admins: every property), by name.
pub async fn list_properties_scoped(
    db: impl PgExecutor<'_>,
    landlord_id: Option<Uuid>,
) -> Result<Vec<PropertyRow>, sqlx::Error> {
    search_properties_scoped(db, landlord_id, None, None, (None, 0)).await
}

/// The properties of `landlord_id` (every one with `None`) whose name,
/// address, postal code or city contain `search` (any case; all with `None`),
/// archived or not as `archived` says (both with `None`), by name; `limit`
/// rows after `offset` (every one with no limit).
pub async fn search_properties_scoped(
    db: impl PgExecutor<'_>,
    landlord_id: Option<Uuid>,
    search: Option<&str>,
    archived: Option<bool>,
    (limit, offset): (Option<i64>, i64),
) -> Result<Vec<PropertyRow>, sqlx::Error> {
    sqlx::query_as!(
        PropertyRow,
        "SELECT id, landlord_id, name, address_line, city, postal_code, country, archived_at
         FROM property WHERE ($1::uuid IS NULL OR landlord_id = $1)
           AND ($2::text IS NULL OR strpos(lower(name || ' ' || address_line || ' ' || postal_code || ' ' || city),
                                           lower($2)) > 0)
           AND ($3::bool IS NULL OR (archived_at IS NOT NULL) = $3)
         ORDER BY name, id LIMIT $4 OFFSET $5",
        landlord_id,
        search,
        archived,
        limit,
        offset
    )
    .fetch_all(db)
    .await
}

/// Rewrites a property's name and address; whether it exists.
pub async fn update_property(
    db: impl PgExecutor<'_>,
    id: Uuid,
    name: &str,
    address_line: &str,
    city: &str,
    postal_code: &str,
    country: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE property SET name = $2, address_line = $3, city = $4, postal_code = $5, country = $6 WHERE id = $1",
        id,
        name,
        address_line,
        city,
        postal_code,
        country
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The properties named `name` (compared without regard to case).
pub async fn find_properties_by_name(db: impl PgExecutor<'_>, name: &str) -> Result<Vec<PropertyRow>, sqlx::Error> {
    sqlx::query_as!(
        PropertyRow,
        "SELECT id, landlord_id, name, address_line, city, postal_code, country, archived_at
         FROM property WHERE lower(name) = lower($1) ORDER BY id",
        name.trim()
    )
    .fetch_all(db)
    .await
}

/// One property, only if `landlord_id` owns it (`None` for admins: any).
pub async fn find_property_scoped(
    db: impl PgExecutor<'_>,
    landlord_id: Option<Uuid>,
    property_id: Uuid,
) -> Result<Option<PropertyRow>, sqlx::Error> {
    sqlx::query_as!(
        PropertyRow,
        "SELECT id, landlord_id, name, address_line, city, postal_code, country, archived_at
         FROM property WHERE id = $1 AND ($2::uuid IS NULL OR landlord_id = $2)",
        property_id,
        landlord_id
    )
    .fetch_optional(db)
    .await
}

/// One property of `landlord_id` (any with `None`), locked for the caller's transaction.
pub async fn lock_property_scoped(
    conn: &mut sqlx::PgConnection,
    landlord_id: Option<Uuid>,
    property_id: Uuid,
) -> Result<Option<PropertyRow>, sqlx::Error> {
    sqlx::query_as!(
        PropertyRow,
        "SELECT id, landlord_id, name, address_line, city, postal_code, country, archived_at
         FROM property WHERE id = $1 AND ($2::uuid IS NULL OR landlord_id = $2) FOR UPDATE",
        property_id,
        landlord_id
    )
    .fetch_optional(conn)
    .await
}

/// Archives a property (`true`) or brings it back (`false`); returns when it
/// was archived (`None` once restored).
pub async fn set_property_archived(
    db: impl PgExecutor<'_>,
    id: Uuid,
    archived: bool,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, sqlx::Error> {
    sqlx::query_scalar!(
        "UPDATE property SET archived_at = CASE WHEN $2 THEN coalesce(archived_at, now()) END WHERE id = $1
         RETURNING archived_at",
        id,
        archived
    )
    .fetch_one(db)
    .await
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::server::store::app_user::{insert_user_if_absent, tests::user};

    pub(crate) fn property(n: u128, landlord: u128) -> NewProperty {
        NewProperty {
            id: Uuid::from_u128(n),
            landlord_id: Uuid::from_u128(landlord),
            name: format!("Residence {n}"),
            address_line: format!("{n} Quai Perrache"),
            city: "Lyon".into(),
            postal_code: "69002".into(),
            country: "FR".into(),
            latitude: None,
            longitude: None,
        }
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_landlord_lists_only_their_own_properties(pool: sqlx::PgPool) {
        insert_user_if_absent(&pool, &user(1, "landlord")).await.unwrap();
        insert_user_if_absent(&pool, &user(2, "landlord")).await.unwrap();
        insert_property_if_absent(&pool, &property(10, 1)).await.unwrap();
        insert_property_if_absent(&pool, &property(11, 1)).await.unwrap();
        insert_property_if_absent(&pool, &property(20, 2)).await.unwrap();
        let mine = list_properties_scoped(&pool, Some(Uuid::from_u128(1))).await.unwrap();
        assert_eq!(list_properties_scoped(&pool, None).await.unwrap().len(), 3);
        assert_eq!(mine.len(), 2);
        assert!(mine.iter().all(|p| p.landlord_id == Uuid::from_u128(1)));
        let (one, two, theirs) = (Some(Uuid::from_u128(1)), Some(Uuid::from_u128(2)), Uuid::from_u128(20));
        assert!(find_property_scoped(&pool, one, theirs).await.unwrap().is_none());
        assert!(find_property_scoped(&pool, two, theirs).await.unwrap().is_some());
        assert!(find_property_scoped(&pool, None, theirs).await.unwrap().is_some(), "admins see every property");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_property_needs_an_existing_landlord_and_a_country_code(pool: sqlx::PgPool) {
        assert!(insert_property_if_absent(&pool, &property(10, 1)).await.is_err());
        insert_user_if_absent(&pool, &user(1, "landlord")).await.unwrap();
        let mut bad = property(10, 1);
        bad.country = "France".into();
        assert!(insert_property_if_absent(&pool, &bad).await.is_err());
    }
}
