//! Condo property links as the admin panel manages them: listing the links
//! with our property's name, and removing one. Creating a link is
//! [`super::condo_import::link_condo_property`], which also re-reads the tickets.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

use super::condo_import::PROPERTY_ENTITY;

/// One link: our property and the Condo property it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyLinkRow {
    pub property_id: Uuid,
    pub property_name: String,
    pub city: String,
    pub condo_property_id: String,
    pub linked_at: DateTime<Utc>,
    /// Live Condo tickets imported for this property.
    pub tickets: i64,
}

/// Every Condo property link, by our property's name.
pub async fn list_property_links(db: impl PgExecutor<'_>) -> Result<Vec<PropertyLinkRow>, sqlx::Error> {
    sqlx::query_as!(
        PropertyLinkRow,
        r#"SELECT p.id AS property_id, p.name AS property_name, p.city, r.external_id AS condo_property_id,
                  r.created_at AS linked_at,
                  (SELECT count(*) FROM maintenance_ticket t
                   WHERE t.source = 'condo' AND t.property_id = p.id AND t.deleted_at IS NULL) AS "tickets!"
           FROM external_ref r JOIN property p ON p.id = r.local_id
           WHERE r.platform = 'condo' AND r.entity = $1
           ORDER BY p.name, p.id"#,
        PROPERTY_ENTITY
    )
    .fetch_all(db)
    .await
}

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

/// Removes the link of one of our properties. Tickets already imported stay;
/// later changes to them in Condo are no longer imported. Returns whether a link was removed.
pub async fn unlink_property(db: impl PgExecutor<'_>, property_id: Uuid) -> Result<bool, sqlx::Error> {
    let removed = sqlx::query!(
        "DELETE FROM external_ref WHERE platform = 'condo' AND entity = $1 AND local_id = $2",
        PROPERTY_ENTITY,
        property_id
    )
    .execute(db)
    .await?
    .rows_affected();
    Ok(removed == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::store::condo_import::link_condo_property;
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
    async fn links_are_listed_by_name_and_removed_one_by_one(pool: sqlx::PgPool) {
        let (a, b) = (property(&pool, 10, "Bellevue").await, property(&pool, 11, "Alder Court").await);
        assert_eq!(list_unlinked_properties(&pool).await.unwrap().len(), 2);
        assert_eq!(link_condo_property(&pool, a, "condo-a").await.unwrap(), LinkOutcome::Created);
        assert_eq!(link_condo_property(&pool, b, "condo-b").await.unwrap(), LinkOutcome::Created);
        let links = list_property_links(&pool).await.unwrap();
        assert_eq!(links.iter().map(|l| l.property_name.as_str()).collect::<Vec<_>>(), ["Alder Court", "Bellevue"]);
        assert_eq!(links[0].condo_property_id, "condo-b");
        assert!(list_unlinked_properties(&pool).await.unwrap().is_empty());

        assert!(unlink_property(&pool, b).await.unwrap());
        assert!(!unlink_property(&pool, b).await.unwrap(), "already gone");
        assert_eq!(list_property_links(&pool).await.unwrap().len(), 1);
        assert_eq!(list_unlinked_properties(&pool).await.unwrap(), vec![(b, "Alder Court (Lyon)".to_owned())]);
        assert!(property_exists(&pool, a).await.unwrap());
        assert!(!property_exists(&pool, Uuid::from_u128(99)).await.unwrap());
    }
}
