//! `listing`: local and imported listings shown on the public portal; the
//! search and the Cocorico import have their own modules.

pub mod import;
pub mod search;

use serde::{Deserialize, Serialize};
use sqlx::PgExecutor;
use uuid::Uuid;

/// A photo as stored in `listing.photos`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredPhoto {
    /// Path or URL of the image.
    pub url: String,
    /// Alternative text.
    pub alt: String,
}

/// A `listing` row as the portal reads it.
#[derive(Debug, Clone)]
pub struct ListingRow {
    pub id: Uuid,
    pub source: String,
    pub slug: String,
    pub title: String,
    pub description: String,
    pub property_type: String,
    pub bedrooms: Option<i32>,
    pub bathrooms: Option<i32>,
    pub area_m2: Option<i32>,
    pub capacity: Option<i32>,
    pub source_url: Option<String>,
    pub address_line: String,
    pub city: String,
    pub postal_code: String,
    pub country: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub price_minor: i64,
    pub currency: String,
    pub price_unit: String,
    pub available_from: Option<chrono::NaiveDate>,
    pub photos: sqlx::types::Json<Vec<StoredPhoto>>,
    pub categories: Vec<String>,
}

/// A listing to insert.
#[derive(Debug, Clone)]
pub struct NewListing {
    pub id: Uuid,
    pub source: String,
    pub external_id: Option<String>,
    pub slug: String,
    pub unit_id: Option<Uuid>,
    pub title: String,
    pub description: String,
    pub property_type: String,
    pub bedrooms: i32,
    pub bathrooms: i32,
    pub area_m2: Option<i32>,
    pub address_line: String,
    pub city: String,
    pub postal_code: String,
    pub country: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub price_minor: i64,
    pub currency: String,
    pub price_unit: String,
    pub available_from: Option<chrono::NaiveDate>,
    pub photos: Vec<StoredPhoto>,
    pub categories: Vec<String>,
    pub published: bool,
}

/// A published listing's address and last change, for the sitemap.
#[derive(Debug, Clone)]
pub struct SitemapEntry {
    pub slug: String,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// How many listings are published.
pub async fn count_published(db: impl PgExecutor<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT count(*) AS "count!" FROM listing WHERE published"#).fetch_one(db).await
}

/// Published listings in slug order, `limit` from `offset`, for the sitemap.
pub async fn sitemap_entries(
    db: impl PgExecutor<'_>,
    offset: i64,
    limit: i64,
) -> Result<Vec<SitemapEntry>, sqlx::Error> {
    sqlx::query_as!(
        SitemapEntry,
        "SELECT slug, updated_at FROM listing WHERE published ORDER BY slug OFFSET $1 LIMIT $2",
        offset,
        limit
    )
    .fetch_all(db)
    .await
}

/// The published listing with this slug, if any.
pub async fn find_published_by_slug(db: impl PgExecutor<'_>, slug: &str) -> Result<Option<ListingRow>, sqlx::Error> {
    sqlx::query_as!(
        ListingRow,
        r#"SELECT id, source, slug, title, description, property_type, bedrooms, bathrooms, area_m2,
                  capacity, source_url, address_line, city, postal_code, country, latitude, longitude, price_minor,
                  currency AS "currency!", price_unit, available_from,
                  photos AS "photos!: sqlx::types::Json<Vec<StoredPhoto>>", categories
           FROM listing WHERE slug = $1 AND published"#,
        slug
    )
    .fetch_optional(db)
    .await
}

/// Inserts a listing unless one with the same id exists. Returns whether a row was written.
pub async fn insert_listing_if_absent(db: impl PgExecutor<'_>, l: &NewListing) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        r#"INSERT INTO listing (id, source, external_id, slug, unit_id, title, description, property_type,
               bedrooms, bathrooms, area_m2, address_line, city, postal_code, country, latitude, longitude,
               price_minor, currency, price_unit, available_from, photos, categories, published, published_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
                   $21, $22, $23, $24, CASE WHEN $24 THEN now() END)
           ON CONFLICT (id) DO NOTHING"#,
        l.id,
        l.source,
        l.external_id,
        l.slug,
        l.unit_id,
        l.title,
        l.description,
        l.property_type,
        l.bedrooms,
        l.bathrooms,
        l.area_m2,
        l.address_line,
        l.city,
        l.postal_code,
        l.country,
        l.latitude,
        l.longitude,
        l.price_minor,
        l.currency,
        l.price_unit,
        l.available_from,
        sqlx::types::Json(&l.photos) as _,
        &l.categories,
        l.published,
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Imported Cocorico listings by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportedListingCounts {
    pub published: i64,
    pub unpublished: i64,
}

/// Counts the imported Cocorico listings, published and unpublished.
pub async fn count_imported_listings(db: impl PgExecutor<'_>) -> Result<ImportedListingCounts, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT count(*) FILTER (WHERE published) AS "published!", count(*) FILTER (WHERE NOT published) AS "unpublished!"
           FROM listing WHERE source = 'cocorico'"#
    )
    .fetch_one(db)
    .await?;
    Ok(ImportedListingCounts { published: row.published, unpublished: row.unpublished })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A listing to insert in tests.
    pub(crate) fn sample(id: u128, slug: &str, published: bool) -> NewListing {
        NewListing {
            id: Uuid::from_u128(id),
            source: "local".into(),
            external_id: None,
            slug: slug.into(),
            unit_id: None,
            title: format!("Listing {slug}"),
            description: "Bright and quiet.".into(),
            property_type: "apartment".into(),
            bedrooms: 2,
            bathrooms: 1,
            area_m2: Some(54),
            address_line: "1 Rue de la Paix".into(),
            city: "Lyon".into(),
            postal_code: "69001".into(),
            country: "FR".into(),
            latitude: Some(45.76),
            longitude: Some(4.83),
            price_minor: 98_000,
            currency: "EUR".into(),
            price_unit: "month".into(),
            available_from: None,
            photos: vec![StoredPhoto { url: "/photos/a.svg".into(), alt: "Living room".into() }],
            categories: vec!["Flat".into()],
            published,
        }
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn only_published_listings_are_listed_and_counted(pool: sqlx::PgPool) {
        for i in 0..5u128 {
            insert_listing_if_absent(&pool, &sample(i + 1, &format!("flat-{i}"), i != 2)).await.unwrap();
        }
        assert_eq!(count_published(&pool).await.unwrap(), 4);
        let rows = sitemap_entries(&pool, 0, 3).await.unwrap();
        assert_eq!(rows.len(), 3);
        let rest = sitemap_entries(&pool, 3, 3).await.unwrap();
        assert_eq!(rest.len(), 1);
        assert!(rows.iter().chain(&rest).all(|r| r.slug != "flat-2"));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn inserting_the_same_listing_twice_writes_once(pool: sqlx::PgPool) {
        assert!(insert_listing_if_absent(&pool, &sample(1, "flat", true)).await.unwrap());
        assert!(!insert_listing_if_absent(&pool, &sample(1, "flat", true)).await.unwrap());
        let found = find_published_by_slug(&pool, "flat").await.unwrap().unwrap();
        assert_eq!(found.photos.0.len(), 1);
        assert_eq!((found.price_minor, found.currency.as_str()), (98_000, "EUR"));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn unpublished_and_unknown_slugs_are_not_found(pool: sqlx::PgPool) {
        insert_listing_if_absent(&pool, &sample(1, "hidden", false)).await.unwrap();
        assert!(find_published_by_slug(&pool, "hidden").await.unwrap().is_none());
        assert!(find_published_by_slug(&pool, "nowhere").await.unwrap().is_none());
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn an_imported_listing_needs_its_external_id(pool: sqlx::PgPool) {
        let mut listing = sample(1, "imported", true);
        listing.source = "cocorico".into();
        assert!(insert_listing_if_absent(&pool, &listing).await.is_err());
        listing.external_id = Some("42".into());
        assert!(insert_listing_if_absent(&pool, &listing).await.unwrap());
        let mut twin = sample(2, "imported-twin", true);
        twin.source = "cocorico".into();
        twin.external_id = Some("42".into());
        assert!(insert_listing_if_absent(&pool, &twin).await.is_err(), "one external listing maps once");
    }
}
