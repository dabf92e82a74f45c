//! `listing` search for the portal: every filter is an optional parameter of
//! one compile-checked query, served by the indexes of the search migration.

use sqlx::PgPool;

use super::listing::{ListingRow, StoredPhoto};
use crate::domain::SearchQuery;

/// One page of published listings matching `query`, and the total count.
pub async fn search_listings(pool: &PgPool, query: &SearchQuery) -> Result<(Vec<ListingRow>, i64), sqlx::Error> {
    let (rows, total) = search_page(pool, query, query.page.offset(), query.page.limit()).await?;
    if rows.is_empty() && query.page.offset() > 0 {
        // Past the last page: the window count is gone, so count on the first.
        let (_, total) = search_page(pool, query, 0, 1).await?;
        return Ok((rows, total));
    }
    Ok((rows, total))
}

async fn search_page(
    pool: &PgPool,
    query: &SearchQuery,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ListingRow>, i64), sqlx::Error> {
    let records = sqlx::query!(
        r#"SELECT id, source, slug, title, description, property_type, bedrooms, bathrooms, area_m2,
                  address_line, city, postal_code, country, latitude, longitude, price_minor,
                  currency AS "currency!", price_unit, available_from,
                  photos AS "photos!: sqlx::types::Json<Vec<StoredPhoto>>", categories,
                  count(*) OVER () AS "total!"
           FROM listing
           WHERE published
             AND ($1::text IS NULL OR search @@ websearch_to_tsquery('simple', $1))
             AND ($2::text IS NULL OR lower(city) = lower($2))
             AND ($3::bigint IS NULL OR price_minor >= $3)
             AND ($4::bigint IS NULL OR price_minor <= $4)
             AND ($5::int IS NULL OR bedrooms >= $5)
             AND ($6::text IS NULL OR property_type = $6)
             AND ($7::date IS NULL OR available_from IS NULL OR available_from <= $7)
             AND ($8::text IS NULL OR source = $8)
           ORDER BY CASE WHEN $9 = 'price' THEN price_minor END ASC,
                    CASE WHEN $9 = 'price_desc' THEN price_minor END DESC,
                    published_at DESC NULLS LAST, id
           OFFSET $10 LIMIT $11"#,
        query.q,
        query.city,
        query.min_price_minor,
        query.max_price_minor,
        query.bedrooms,
        query.property_type,
        query.available_from,
        query.source,
        query.sort_key(),
        offset,
        limit
    )
    .fetch_all(pool)
    .await?;
    let total = records.first().map_or(0, |r| r.total);
    let rows = records
        .into_iter()
        .map(|r| ListingRow {
            id: r.id,
            source: r.source,
            slug: r.slug,
            title: r.title,
            description: r.description,
            property_type: r.property_type,
            bedrooms: r.bedrooms,
            bathrooms: r.bathrooms,
            area_m2: r.area_m2,
            address_line: r.address_line,
            city: r.city,
            postal_code: r.postal_code,
            country: r.country,
            latitude: r.latitude,
            longitude: r.longitude,
            price_minor: r.price_minor,
            currency: r.currency,
            price_unit: r.price_unit,
            available_from: r.available_from,
            photos: r.photos,
            categories: r.categories,
        })
        .collect();
    Ok((rows, total))
}
