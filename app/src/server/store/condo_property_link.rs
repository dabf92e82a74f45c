//! What the admin panel needs besides [`super::condo_import`]'s links to
//! manage Condo property links: the properties still to link, and whether a
//! property exists.

use sqlx::PgExecutor;
use uuid::Uuid;

use super::condo_import::PROPERTY_ENTITY;

/// Our properties that are not linked to Condo yet (the choices for a new link), by name.
pub async fn list_unlinked_properties(db: impl PgExecutor<'_>) -> Result<Vec<(Uuid, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT p.id, p.name, p.city FROM property p
         WHERE NOT EXISTS (SELECT 1 FROM external_ref r
                           WHERE r.platform = 'condo' AND r.entity = $1 AND r.local_id = p.id)
         ORDER BY p.name, p.id",
        PROPERTY_ENTITY
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, format!("{} ({})", r.name, r.city))).collect())
}

/// Whether one of our properties has this id.
pub async fn property_exists(db: impl PgExecutor<'_>, property_id: Uuid) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT EXISTS (SELECT 1 FROM property WHERE id = $1) AS "exists!""#, property_id)
        .fetch_one(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::store::condo_import::{link_condo_property, unlink_condo_property};
    use crate::server::store::external_ref::LinkOutcome;

    async fn property(pool: &sqlx::PgPool, n: u128, name: &str) -> Uuid {
        let landlord = Uuid::from_u128(1);
        sqlx::query!(
            "INSERT INTO app_user (id, email, display_name, role) VALUES ($1, 'l@x.test', 'L', 'landlord')
             ON CONFLICT DO NOTHING",
            landlord
        )
        .execute(pool)
        .await
        .unwrap();
        let id = Uuid::from_u128(n);
        sqlx::query!(
            "INSERT INTO property (id, landlord_id, name, address_line, city, postal_code, country)
             VALUES ($1, $2, $3, '1 Main St', 'Lyon', '69001', 'FR')",
            id,
            landlord,
            name
        )
        .execute(pool)
        .await
        .unwrap();
        id
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn only_properties_without_a_link_can_be_chosen(pool: sqlx::PgPool) {
        let (a, b) = (property(&pool, 10, "Bellevue").await, property(&pool, 11, "Alder Court").await);
        let names = |v: Vec<(Uuid, String)>| v.into_iter().map(|(_, n)| n).collect::<Vec<_>>();
        assert_eq!(names(list_unlinked_properties(&pool).await.unwrap()), ["Alder Court (Lyon)", "Bellevue (Lyon)"]);
        assert_eq!(link_condo_property(&pool, a, "condo-a").await.unwrap(), LinkOutcome::Created);
        assert_eq!(link_condo_property(&pool, b, "condo-b").await.unwrap(), LinkOutcome::Created);
        assert!(list_unlinked_properties(&pool).await.unwrap().is_empty());
        assert!(unlink_condo_property(&pool, "condo-b").await.unwrap());
        assert_eq!(list_unlinked_properties(&pool).await.unwrap(), vec![(b, "Alder Court (Lyon)".to_owned())]);
        assert!(property_exists(&pool, a).await.unwrap());
        assert!(!property_exists(&pool, Uuid::from_u128(99)).await.unwrap());
    }
}
