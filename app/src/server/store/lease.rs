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
}

/// Creates the lease unless its id exists. Returns whether a row was written.
pub async fn insert_lease_if_absent(db: impl PgExecutor<'_>, l: &NewLease) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        "INSERT INTO lease (id, unit_id, tenant_id, starts_on, ends_on, rent_minor, deposit_minor, currency)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING",
        l.id,
        l.unit_id,
        l.tenant_id,
        l.starts_on,
        l.ends_on,
        l.rent_minor,
        l.deposit_minor,
        l.currency
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
