//! `listing` rows imported from a partner platform (`source <> 'local'`):
//! what is stored per external id, and batched inserts, updates and
//! unpublishing keyed by `(source, external_id)`. Imported listings are never
//! deleted here, only unpublished.

use serde::Serialize;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use super::StoredPhoto;

/// An imported listing as the import writes it. `content_hash` is the hash of
/// every other field but `id`, so an unchanged listing is never rewritten.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportedListing {
    pub id: Uuid,
    pub external_id: String,
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
    pub photos: Vec<StoredPhoto>,
    pub categories: Vec<String>,
    pub content_hash: String,
}

/// What is stored of one imported listing, for the diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedState {
    pub external_id: String,
    pub content_hash: Option<String>,
    pub published: bool,
}

/// A slug already in use, and by whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlugOwner {
    pub slug: String,
    pub source: String,
    pub external_id: Option<String>,
}

/// Every listing imported from `source`, published or not.
pub async fn list_imported_states(db: impl PgExecutor<'_>, source: &str) -> Result<Vec<ImportedState>, sqlx::Error> {
    sqlx::query_as!(
        ImportedState,
        r#"SELECT external_id AS "external_id!", content_hash, published
           FROM listing WHERE source = $1 AND external_id IS NOT NULL"#,
        source
    )
    .fetch_all(db)
    .await
}

/// The listings (of any source) that hold one of `slugs`.
pub async fn find_slug_owners(db: impl PgExecutor<'_>, slugs: &[String]) -> Result<Vec<SlugOwner>, sqlx::Error> {
    sqlx::query_as!(SlugOwner, "SELECT slug, source, external_id FROM listing WHERE slug = ANY($1)", slugs)
        .fetch_all(db)
        .await
}

/// Takes the import lock of `source` for the caller's transaction; `false`
/// when another import of the same source holds it.
pub async fn try_lock_import(conn: &mut PgConnection, source: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT pg_try_advisory_xact_lock(hashtextextended('listing_import:' || $1, 0)) AS "locked!""#,
        source
    )
    .fetch_one(conn)
    .await
}

/// Inserts new imported listings, published, in one statement. A listing of
/// the same `(source, external_id)` that already exists is left alone.
/// Returns the number of rows inserted.
pub async fn insert_imported(
    conn: &mut PgConnection,
    source: &str,
    rows: &[ImportedListing],
) -> Result<u64, sqlx::Error> {
    if rows.is_empty() {
        return Ok(0);
    }
    let result = sqlx::query!(
        r#"INSERT INTO listing (id, source, external_id, slug, title, description, property_type, bedrooms,
               bathrooms, area_m2, capacity, source_url, address_line, city, postal_code, country, latitude,
               longitude, price_minor, currency, price_unit, photos, categories, published, published_at,
               content_hash)
           SELECT r.id, $2, r.external_id, r.slug, r.title, r.description, r.property_type, r.bedrooms,
                  r.bathrooms, r.area_m2, r.capacity, r.source_url, r.address_line, r.city, r.postal_code,
                  r.country, r.latitude, r.longitude, r.price_minor, r.currency, r.price_unit, r.photos,
                  ARRAY(SELECT jsonb_array_elements_text(r.categories)), true, now(), r.content_hash
           FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, external_id text, slug text, title text,
                description text, property_type text, bedrooms int, bathrooms int, area_m2 int, capacity int,
                source_url text, address_line text, city text,
                postal_code text, country text, latitude float8, longitude float8, price_minor int8,
                currency text, price_unit text, photos jsonb, categories jsonb, content_hash text)
           ON CONFLICT (source, external_id) DO NOTHING"#,
        sqlx::types::Json(rows) as _,
        source
    )
    .execute(conn)
    .await?;
    Ok(result.rows_affected())
}

/// Rewrites imported listings whose content changed or that are approved
/// again, and publishes them (`published_at` moves only when they were
/// unpublished). Returns the number of rows updated.
pub async fn update_imported(
    conn: &mut PgConnection,
    source: &str,
    rows: &[ImportedListing],
) -> Result<u64, sqlx::Error> {
    if rows.is_empty() {
        return Ok(0);
    }
    let result = sqlx::query!(
        r#"UPDATE listing AS l SET slug = r.slug, title = r.title, description = r.description,
               property_type = r.property_type, bedrooms = r.bedrooms, bathrooms = r.bathrooms,
               area_m2 = r.area_m2, capacity = r.capacity, source_url = r.source_url, address_line = r.address_line, city = r.city, postal_code = r.postal_code, country = r.country,
               latitude = r.latitude, longitude = r.longitude, price_minor = r.price_minor,
               currency = r.currency, price_unit = r.price_unit, photos = r.photos,
               categories = ARRAY(SELECT jsonb_array_elements_text(r.categories)),
               published = true, published_at = CASE WHEN l.published THEN l.published_at ELSE now() END,
               content_hash = r.content_hash
           FROM jsonb_to_recordset($1::jsonb) AS r(external_id text, slug text, title text,
                description text, property_type text, bedrooms int, bathrooms int, area_m2 int, capacity int,
                source_url text, address_line text, city text,
                postal_code text, country text, latitude float8, longitude float8, price_minor int8,
                currency text, price_unit text, photos jsonb, categories jsonb, content_hash text)
           WHERE l.source = $2 AND l.external_id = r.external_id"#,
        sqlx::types::Json(rows) as _,
        source
    )
    .execute(conn)
    .await?;
    Ok(result.rows_affected())
}

/// Unpublishes the published listings of `source` with these external ids;
/// the rows stay. Returns the number of rows unpublished.
pub async fn unpublish_imported(
    conn: &mut PgConnection,
    source: &str,
    external_ids: &[String],
) -> Result<u64, sqlx::Error> {
    if external_ids.is_empty() {
        return Ok(0);
    }
    let result = sqlx::query!(
        "UPDATE listing SET published = false WHERE source = $1 AND external_id = ANY($2) AND published",
        source,
        external_ids
    )
    .execute(conn)
    .await?;
    Ok(result.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn imported(external_id: &str, title: &str) -> ImportedListing {
        ImportedListing {
            id: Uuid::new_v5(&Uuid::NAMESPACE_URL, external_id.as_bytes()),
            external_id: external_id.into(),
            slug: format!("flat-{external_id}"),
            title: title.into(),
            description: "Quiet.".into(),
            property_type: "apartment".into(),
            bedrooms: None,
            bathrooms: None,
            area_m2: None,
            capacity: None,
            source_url: None,
            address_line: "9 rue de la Lune".into(),
            city: "Paris".into(),
            postal_code: "75002".into(),
            country: "FR".into(),
            latitude: Some(48.8697174),
            longitude: Some(2.3509855),
            price_minor: 10_000,
            currency: "EUR".into(),
            price_unit: "day".into(),
            photos: vec![StoredPhoto {
                url: "https://c.example/uploads/listings/images/a.jpg".into(),
                alt: title.into(),
            }],
            categories: vec!["Apartment".into(), "Long stay".into()],
            content_hash: format!("hash-{title}"),
        }
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn inserted_listings_are_published_with_their_photos_and_categories(pool: sqlx::PgPool) {
        let mut conn = pool.acquire().await.unwrap();
        let rows = [imported("11", "One"), imported("12", "Two")];
        assert_eq!(insert_imported(&mut conn, "cocorico", &rows).await.unwrap(), 2);
        assert_eq!(insert_imported(&mut conn, "cocorico", &rows).await.unwrap(), 0, "inserting twice writes once");
        let found = crate::server::store::listing::find_published_by_slug(&pool, "flat-11").await.unwrap().unwrap();
        assert_eq!(found.title, "One");
        assert_eq!(found.categories, ["Apartment", "Long stay"]);
        assert_eq!(found.photos.0, rows[0].photos);
        assert_eq!(found.price_unit, "day");
        let states = list_imported_states(&pool, "cocorico").await.unwrap();
        assert_eq!(states.len(), 2);
        assert!(
            states.iter().all(|s| s.published && s.content_hash.as_deref().is_some_and(|h| h.starts_with("hash-")))
        );
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn unpublished_listings_stay_and_come_back_on_update(pool: sqlx::PgPool) {
        let mut conn = pool.acquire().await.unwrap();
        insert_imported(&mut conn, "cocorico", &[imported("11", "One")]).await.unwrap();
        assert_eq!(unpublish_imported(&mut conn, "cocorico", &["11".into()]).await.unwrap(), 1);
        assert_eq!(unpublish_imported(&mut conn, "cocorico", &["11".into()]).await.unwrap(), 0);
        assert!(!list_imported_states(&pool, "cocorico").await.unwrap()[0].published);
        assert_eq!(update_imported(&mut conn, "cocorico", &[imported("11", "Uno")]).await.unwrap(), 1);
        let found = crate::server::store::listing::find_published_by_slug(&pool, "flat-11").await.unwrap().unwrap();
        assert_eq!(found.title, "Uno");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn slug_owners_and_the_import_lock_are_reported(pool: sqlx::PgPool) {
        let mut conn = pool.acquire().await.unwrap();
        insert_imported(&mut conn, "cocorico", &[imported("11", "One")]).await.unwrap();
        let owners = find_slug_owners(&pool, &["flat-11".into(), "free".into()]).await.unwrap();
        assert_eq!(
            owners,
            [SlugOwner { slug: "flat-11".into(), source: "cocorico".into(), external_id: Some("11".into()) }]
        );
        let mut first = pool.begin().await.unwrap();
        assert!(try_lock_import(&mut first, "cocorico").await.unwrap());
        let mut second = pool.begin().await.unwrap();
        assert!(!try_lock_import(&mut second, "cocorico").await.unwrap(), "a second import waits its turn");
        first.rollback().await.unwrap();
        assert!(try_lock_import(&mut second, "cocorico").await.unwrap());
    }
}
