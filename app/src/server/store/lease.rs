//! `lease`: a tenant renting a unit for a period.

use chrono::NaiveDate;
use sqlx::PgExecutor;
use uuid::Uuid;

/// A lease with where it is, as a tenant or landlord sees it.
#[derive(Debug, Clone)]
pub struct LeaseRow {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub tenant_id: Uuid,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub rent_minor: i64,
    pub currency: String,
    pub unit_label: String,
    pub property_name: String,
    pub city: String,
}

/// A lease to create.
#[derive(Debug, Clone)]
pub struct NewLease {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub tenant_id: Uuid,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub rent_minor: i64,
    pub deposit_minor: i64,
    pub currency: String,
    /// The day of the month rent falls due (1 to 28).
    pub due_day: i16,
}

/// Creates the lease unless its id exists. Returns whether a row was written.
pub async fn insert_lease_if_absent(db: impl PgExecutor<'_>, l: &NewLease) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        "INSERT INTO lease (id, unit_id, tenant_id, starts_on, ends_on, rent_minor, deposit_minor, currency, due_day)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING",
        l.id,
        l.unit_id,
        l.tenant_id,
        l.starts_on,
        l.ends_on,
        l.rent_minor,
        l.deposit_minor,
        l.currency,
        l.due_day
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// A tenant's leases, newest first.
pub async fn list_leases_of_tenant(db: impl PgExecutor<'_>, tenant_id: Uuid) -> Result<Vec<LeaseRow>, sqlx::Error> {
    sqlx::query_as!(
        LeaseRow,
        r#"SELECT l.id, l.unit_id, l.tenant_id, l.starts_on, l.ends_on, l.rent_minor, l.currency AS "currency!",
                  u.label AS unit_label, p.name AS property_name, p.city
           FROM lease l JOIN unit u ON u.id = l.unit_id JOIN property p ON p.id = u.property_id
           WHERE l.tenant_id = $1 ORDER BY l.starts_on DESC"#,
        tenant_id
    )
    .fetch_all(db)
    .await
}

/// A lease as the back office lists it.
#[derive(Debug, Clone)]
pub struct LeaseListRow {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub unit_label: String,
    pub property_id: Uuid,
    pub property_name: String,
    pub tenant_id: Uuid,
    pub tenant_name: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub rent_minor: i64,
    pub deposit_minor: i64,
    pub currency: String,
    pub due_day: i16,
    pub invoiced_through: Option<NaiveDate>,
}

/// Leases of `landlord`'s properties (every one with `None`), optionally of
/// one unit or one tenant, newest start first, a page at a time.
pub async fn list_leases_scoped(
    db: impl PgExecutor<'_>,
    landlord: Option<Uuid>,
    unit_id: Option<Uuid>,
    tenant_id: Option<Uuid>,
    search: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<Vec<LeaseListRow>, sqlx::Error> {
    sqlx::query_as!(
        LeaseListRow,
        r#"SELECT l.id, l.unit_id, u.label AS unit_label, p.id AS property_id, p.name AS property_name,
                  l.tenant_id, t.display_name AS tenant_name, l.starts_on, l.ends_on, l.rent_minor,
                  l.deposit_minor, l.currency AS "currency!", l.due_day,
                  (SELECT max(i.period_end) FROM invoice i WHERE i.lease_id = l.id) AS invoiced_through
           FROM lease l JOIN unit u ON u.id = l.unit_id JOIN property p ON p.id = u.property_id
           JOIN app_user t ON t.id = l.tenant_id
           WHERE ($1::uuid IS NULL OR p.landlord_id = $1) AND ($2::uuid IS NULL OR l.unit_id = $2)
             AND ($3::uuid IS NULL OR l.tenant_id = $3)
             AND ($6::text IS NULL OR strpos(lower(p.name || ' ' || p.city || ' ' || u.label || ' '
                                                  || t.display_name || ' ' || t.email), lower($6)) > 0)
           ORDER BY l.starts_on DESC, l.id LIMIT $4 OFFSET $5"#,
        landlord,
        unit_id,
        tenant_id,
        limit,
        offset,
        search
    )
    .fetch_all(db)
    .await
}

/// A lease's terms, as a change to it needs them.
#[derive(Debug, Clone)]
pub struct LeaseTerms {
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub rent_minor: i64,
    pub currency: String,
}

/// One lease of `landlord`'s properties (any with `None`), locked for the
/// caller's transaction.
pub async fn lock_lease_scoped(
    conn: &mut sqlx::PgConnection,
    landlord: Option<Uuid>,
    id: Uuid,
) -> Result<Option<LeaseTerms>, sqlx::Error> {
    sqlx::query_as!(
        LeaseTerms,
        r#"SELECT l.starts_on, l.ends_on, l.rent_minor, l.currency AS "currency!"
           FROM lease l JOIN unit u ON u.id = l.unit_id JOIN property p ON p.id = u.property_id
           WHERE l.id = $1 AND ($2::uuid IS NULL OR p.landlord_id = $2) FOR UPDATE OF l"#,
        id,
        landlord
    )
    .fetch_optional(conn)
    .await
}

/// The last day of the last month invoiced to a lease (void invoices
/// included: their months are not billed again), if any.
pub async fn last_invoiced_day(db: impl PgExecutor<'_>, id: Uuid) -> Result<Option<NaiveDate>, sqlx::Error> {
    sqlx::query_scalar!("SELECT max(period_end) FROM invoice WHERE lease_id = $1", id).fetch_one(db).await
}

/// The monthly rent of a lease on `day`: its latest change on or before
/// that day, else its own rent.
pub async fn rent_on(db: impl PgExecutor<'_>, id: Uuid, day: NaiveDate) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT coalesce((SELECT c.rent_minor FROM lease_rent_change c
                            WHERE c.lease_id = l.id AND c.starts_on <= $2 ORDER BY c.starts_on DESC LIMIT 1),
                           l.rent_minor) AS "rent!"
           FROM lease l WHERE l.id = $1"#,
        id,
        day
    )
    .fetch_one(db)
    .await
}

/// Sets a lease's rent from `starts_on` on (replacing a change from that same day).
pub async fn set_rent_from(
    db: impl PgExecutor<'_>,
    id: Uuid,
    starts_on: NaiveDate,
    rent_minor: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO lease_rent_change (lease_id, starts_on, rent_minor) VALUES ($1, $2, $3)
         ON CONFLICT (lease_id, starts_on) DO UPDATE SET rent_minor = EXCLUDED.rent_minor, created_at = now()",
        id,
        starts_on,
        rent_minor
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Removes a lease's rent changes from `from` on (one day only with `only`);
/// returns the days removed.
pub async fn remove_rent_changes(
    db: impl PgExecutor<'_>,
    id: Uuid,
    from: NaiveDate,
    only: bool,
) -> Result<Vec<NaiveDate>, sqlx::Error> {
    sqlx::query_scalar!(
        "DELETE FROM lease_rent_change WHERE lease_id = $1 AND starts_on >= $2 AND (NOT $3 OR starts_on = $2)
         RETURNING starts_on",
        id,
        from,
        only
    )
    .fetch_all(db)
    .await
}

/// Sets a lease's move-out day.
pub async fn set_end(db: impl PgExecutor<'_>, id: Uuid, ends_on: NaiveDate) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE lease SET ends_on = $2, updated_at = now() WHERE id = $1", id, ends_on).execute(db).await?;
    Ok(())
}

/// Live invoices of a lease for months starting after `day`.
pub async fn count_invoices_after(db: impl PgExecutor<'_>, id: Uuid, day: NaiveDate) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM invoice WHERE lease_id = $1 AND period_start > $2 AND voided_at IS NULL"#,
        id,
        day
    )
    .fetch_one(db)
    .await
}

/// A recurring charge of a lease, as listed.
#[derive(Debug, Clone)]
pub struct ChargeRow {
    pub id: Uuid,
    pub lease_id: Uuid,
    pub description: String,
    pub amount_minor: i64,
}

/// The recurring charges still on the given leases, in the order they were added.
pub async fn list_charges_of_leases(db: impl PgExecutor<'_>, ids: &[Uuid]) -> Result<Vec<ChargeRow>, sqlx::Error> {
    sqlx::query_as!(
        ChargeRow,
        "SELECT id, lease_id, description, amount_minor FROM lease_charge
         WHERE lease_id = ANY($1) AND removed_at IS NULL ORDER BY lease_id, created_at, id",
        ids
    )
    .fetch_all(db)
    .await
}

/// Adds a recurring charge to a lease.
pub async fn insert_charge(db: impl PgExecutor<'_>, charge: &ChargeRow) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO lease_charge (id, lease_id, description, amount_minor) VALUES ($1, $2, $3, $4)",
        charge.id,
        charge.lease_id,
        charge.description,
        charge.amount_minor
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Takes a recurring charge off its lease; `None` when the lease has no such charge (still on).
pub async fn remove_charge(
    db: impl PgExecutor<'_>,
    lease_id: Uuid,
    charge_id: Uuid,
) -> Result<Option<ChargeRow>, sqlx::Error> {
    sqlx::query_as!(
        ChargeRow,
        "UPDATE lease_charge SET removed_at = now() WHERE id = $2 AND lease_id = $1 AND removed_at IS NULL
         RETURNING id, lease_id, description, amount_minor",
        lease_id,
        charge_id
    )
    .fetch_optional(db)
    .await
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::server::store::app_user::{insert_user_if_absent, tests::user};
    use crate::server::store::property::{insert_property_if_absent, tests::property};
    use crate::server::store::unit::{tests::unit, upsert_unit};

    pub(crate) fn lease(n: u128, unit: u128, tenant: u128) -> NewLease {
        NewLease {
            id: Uuid::from_u128(n),
            unit_id: Uuid::from_u128(unit),
            tenant_id: Uuid::from_u128(tenant),
            starts_on: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            ends_on: None,
            rent_minor: 95_000,
            deposit_minor: 190_000,
            currency: "EUR".into(),
            due_day: 1,
        }
    }

    /// A landlord (1), a property (10), two units (100, 101) and two tenants (2, 3).
    pub(crate) async fn setup(pool: &sqlx::PgPool) {
        insert_user_if_absent(pool, &user(1, "landlord")).await.unwrap();
        insert_user_if_absent(pool, &user(2, "tenant")).await.unwrap();
        insert_user_if_absent(pool, &user(3, "tenant")).await.unwrap();
        insert_property_if_absent(pool, &property(10, 1)).await.unwrap();
        upsert_unit(pool, &unit(100, 10, "1A")).await.unwrap();
        upsert_unit(pool, &unit(101, 10, "1B")).await.unwrap();
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_tenant_sees_only_their_own_leases(pool: sqlx::PgPool) {
        setup(&pool).await;
        insert_lease_if_absent(&pool, &lease(1000, 100, 2)).await.unwrap();
        insert_lease_if_absent(&pool, &lease(1001, 101, 3)).await.unwrap();
        let leases = list_leases_of_tenant(&pool, Uuid::from_u128(2)).await.unwrap();
        assert_eq!(leases.len(), 1);
        assert_eq!(leases[0].unit_label, "1A");
        assert_eq!(leases[0].property_name, "Residence 10");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_lease_cannot_end_before_it_starts(pool: sqlx::PgPool) {
        setup(&pool).await;
        let mut bad = lease(1000, 100, 2);
        bad.ends_on = NaiveDate::from_ymd_opt(2025, 12, 31);
        assert!(insert_lease_if_absent(&pool, &bad).await.is_err());
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_unit_has_one_lease_at_a_time(pool: sqlx::PgPool) {
        setup(&pool).await;
        let mut first = lease(1000, 100, 2);
        first.ends_on = NaiveDate::from_ymd_opt(2026, 6, 30);
        insert_lease_if_absent(&pool, &first).await.unwrap();
        let mut overlapping = lease(1001, 100, 3);
        overlapping.starts_on = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
        let refused = insert_lease_if_absent(&pool, &overlapping).await.unwrap_err();
        assert_eq!(refused.as_database_error().and_then(|e| e.code()).as_deref(), Some("23P01"));
        overlapping.starts_on = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        assert!(insert_lease_if_absent(&pool, &overlapping).await.unwrap(), "the day after the move-out is free");
    }
}
