//! `unit`: the rentable flats, houses or rooms of a property.

use sqlx::PgExecutor;
use uuid::Uuid;

/// A unit as stored.
#[derive(Debug, Clone)]
pub struct UnitRow {
    pub id: Uuid,
    pub property_id: Uuid,
    pub label: String,
    pub section: Option<String>,
    pub floor: Option<String>,
    pub bedrooms: i32,
    pub archived_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A unit to create.
#[derive(Debug, Clone)]
pub struct NewUnit {
    pub id: Uuid,
    pub property_id: Uuid,
    pub label: String,
    pub section: Option<String>,
    pub floor: Option<String>,
    pub bedrooms: i32,
    pub bathrooms: i32,
    pub area_m2: Option<i32>,
    pub rent_minor: Option<i64>,
    pub currency: Option<String>,
}

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitUpsert {
    /// The unit's id (the existing one when the label was known).
    pub id: Uuid,
    /// Whether a row was inserted or changed.
    pub written: bool,
}

/// Creates the unit, or updates its section and floor when the property
/// already has a unit with this label.
pub async fn upsert_unit(db: impl PgExecutor<'_>, u: &NewUnit) -> Result<UnitUpsert, sqlx::Error> {
    sqlx::query_as!(
        UnitUpsert,
        r#"WITH written AS (
             INSERT INTO unit (id, property_id, label, section, floor, bedrooms, bathrooms, area_m2, rent_minor, currency)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (property_id, label) DO UPDATE
               SET section = EXCLUDED.section, floor = EXCLUDED.floor
               WHERE (unit.section, unit.floor) IS DISTINCT FROM (EXCLUDED.section, EXCLUDED.floor)
             RETURNING id)
           SELECT id AS "id!", true AS "written!" FROM written
           UNION ALL SELECT id, false FROM unit WHERE property_id = $2 AND label = $3
           LIMIT 1"#,
        u.id,
        u.property_id,
        u.label,
        u.section,
        u.floor,
        u.bedrooms,
        u.bathrooms,
        u.area_m2,
        u.rent_minor,
        u.currency
    )
    .fetch_one(db)
    .await
}

/// The units of a property, by label.
pub async fn list_units_of_property(db: impl PgExecutor<'_>, property_id: Uuid) -> Result<Vec<UnitRow>, sqlx::Error> {
    sqlx::query_as!(
        UnitRow,
        "SELECT id, property_id, label, section, floor, bedrooms, archived_at FROM unit WHERE property_id = $1
         ORDER BY label",
        property_id
    )
    .fetch_all(db)
    .await
}

/// The units of several properties in one read, by property then label.
pub async fn list_units_of_properties(
    db: impl PgExecutor<'_>,
    property_ids: &[Uuid],
) -> Result<Vec<UnitRow>, sqlx::Error> {
    sqlx::query_as!(
        UnitRow,
        "SELECT id, property_id, label, section, floor, bedrooms, archived_at FROM unit WHERE property_id = ANY($1)
         ORDER BY property_id, label",
        property_ids
    )
    .fetch_all(db)
    .await
}

/// Creates a unit unless its property already has one with this label.
/// Returns whether it was written.
pub async fn insert_unit(db: impl PgExecutor<'_>, u: &NewUnit) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "INSERT INTO unit (id, property_id, label, section, floor, bedrooms, bathrooms, area_m2, rent_minor, currency)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (property_id, label) DO NOTHING",
        u.id,
        u.property_id,
        u.label,
        u.section,
        u.floor,
        u.bedrooms,
        u.bathrooms,
        u.area_m2,
        u.rent_minor,
        u.currency
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether a unit of `landlord`'s properties (any with `None`) can take a
/// new lease: `None` when it is not theirs, else whether it or its property
/// is archived. Both rows stay locked (`FOR SHARE`) until the caller's
/// transaction ends, so neither can be archived meanwhile.
pub async fn lock_unit_for_lease(
    conn: &mut sqlx::PgConnection,
    landlord: Option<Uuid>,
    id: Uuid,
) -> Result<Option<bool>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT (u.archived_at IS NOT NULL OR p.archived_at IS NOT NULL) AS "archived!"
           FROM unit u JOIN property p ON p.id = u.property_id
           WHERE u.id = $1 AND ($2::uuid IS NULL OR p.landlord_id = $2) FOR SHARE OF u, p"#,
        id,
        landlord
    )
    .fetch_optional(conn)
    .await
}

/// A lease holding one of the given units on `day` or later.
#[derive(Debug, Clone)]
pub struct LetUnit {
    pub unit_label: String,
    pub tenant_name: String,
    pub ends_on: Option<chrono::NaiveDate>,
}

/// The first lease (by unit label) holding one of the units of `property_id`
/// (or only `unit_id`) on `day` or later.
pub async fn find_let_from(
    db: impl PgExecutor<'_>,
    property_id: Uuid,
    unit_id: Option<Uuid>,
    day: chrono::NaiveDate,
) -> Result<Option<LetUnit>, sqlx::Error> {
    sqlx::query_as!(
        LetUnit,
        "SELECT u.label AS unit_label, t.display_name AS tenant_name, l.ends_on
         FROM lease l JOIN unit u ON u.id = l.unit_id JOIN app_user t ON t.id = l.tenant_id
         WHERE u.property_id = $1 AND ($2::uuid IS NULL OR u.id = $2) AND (l.ends_on IS NULL OR l.ends_on >= $3)
         ORDER BY u.label LIMIT 1",
        property_id,
        unit_id,
        day
    )
    .fetch_optional(db)
    .await
}

/// Archives a unit (`true`) or brings it back (`false`); returns when it
/// was archived (`None` once restored).
pub async fn set_unit_archived(
    db: impl PgExecutor<'_>,
    id: Uuid,
    archived: bool,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, sqlx::Error> {
    sqlx::query_scalar!(
        "UPDATE unit SET archived_at = CASE WHEN $2 THEN coalesce(archived_at, now()) END WHERE id = $1
         RETURNING archived_at",
        id,
        archived
    )
    .fetch_one(db)
    .await
}

/// Takes our public listings of the given units off the portal, marked as
/// withdrawn with their unit; returns their ids.
pub async fn withdraw_listings_of_units(db: impl PgExecutor<'_>, unit_ids: &[Uuid]) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "UPDATE listing SET published = false, withdrawn_with_unit = true
         WHERE source = 'local' AND unit_id = ANY($1) AND published RETURNING id",
        unit_ids
    )
    .fetch_all(db)
    .await
}

/// Publishes again the listings withdrawn with the given units; returns their ids.
pub async fn republish_listings_of_units(db: impl PgExecutor<'_>, unit_ids: &[Uuid]) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "UPDATE listing SET published = true, withdrawn_with_unit = false
         WHERE unit_id = ANY($1) AND withdrawn_with_unit RETURNING id",
        unit_ids
    )
    .fetch_all(db)
    .await
}

/// One unit of `landlord`'s properties (any with `None`), locked for the
/// caller's transaction.
pub async fn lock_unit_scoped(
    conn: &mut sqlx::PgConnection,
    landlord: Option<Uuid>,
    id: Uuid,
) -> Result<Option<UnitRow>, sqlx::Error> {
    sqlx::query_as!(
        UnitRow,
        "SELECT u.id, u.property_id, u.label, u.section, u.floor, u.bedrooms, u.archived_at
         FROM unit u JOIN property p ON p.id = u.property_id
         WHERE u.id = $1 AND ($2::uuid IS NULL OR p.landlord_id = $2) FOR UPDATE OF u",
        id,
        landlord
    )
    .fetch_optional(conn)
    .await
}

/// Rewrites a unit's label, section, floor and bedrooms; `false` when its
/// property already has another unit with that label.
pub async fn update_unit(
    conn: &mut sqlx::PgConnection,
    id: Uuid,
    label: &str,
    section: Option<&str>,
    floor: Option<&str>,
    bedrooms: i32,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE unit u SET label = $2, section = $3, floor = $4, bedrooms = $5
         WHERE u.id = $1 AND NOT EXISTS (
             SELECT 1 FROM unit o WHERE o.property_id = u.property_id AND o.label = $2 AND o.id <> u.id)",
        id,
        label,
        section,
        floor,
        bedrooms
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::server::store::app_user::{insert_user_if_absent, tests::user};
    use crate::server::store::property::{insert_property_if_absent, tests::property};

    pub(crate) fn unit(n: u128, property: u128, label: &str) -> NewUnit {
        NewUnit {
            id: Uuid::from_u128(n),
            property_id: Uuid::from_u128(property),
            label: label.into(),
            section: Some("A".into()),
            floor: Some("1".into()),
            bedrooms: 2,
            bathrooms: 1,
            area_m2: Some(48),
            rent_minor: Some(95_000),
            currency: Some("EUR".into()),
        }
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_label_names_one_unit_per_property(pool: sqlx::PgPool) {
        insert_user_if_absent(&pool, &user(1, "landlord")).await.unwrap();
        insert_property_if_absent(&pool, &property(10, 1)).await.unwrap();
        let first = upsert_unit(&pool, &unit(100, 10, "3A")).await.unwrap();
        let mut moved = unit(101, 10, "3A");
        moved.floor = Some("3".into());
        let second = upsert_unit(&pool, &moved).await.unwrap();
        assert_eq!(first.id, second.id, "same label, same unit");
        assert!(first.written && second.written);
        let unchanged = upsert_unit(&pool, &moved).await.unwrap();
        assert_eq!(unchanged, UnitUpsert { id: first.id, written: false }, "a no-op upsert still names the unit");
        let units = list_units_of_property(&pool, Uuid::from_u128(10)).await.unwrap();
        assert_eq!(units.len(), 1);
        assert_eq!(units[0].floor.as_deref(), Some("3"));
    }
}
