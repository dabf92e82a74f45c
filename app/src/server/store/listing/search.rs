//! `listing` search for the portal: every filter is an optional parameter of
//! two compile-checked queries (the page and the count), served by the
//! indexes of the search migrations. A search shows one term (price unit)
//! unless it asks for every term, and prices are filtered and sorted only
//! within one term and one currency (`SearchQuery::parse` sees to it), so a
//! price per night is never ordered against a price per month.

use sqlx::{PgConnection, PgPool};

use super::{ListingRow, StoredPhoto};
use crate::domain::{Currency, SearchQuery};

/// One page of published listings matching `query`, and the total count.
///
/// The page and the count are two queries on one connection: the page stops
/// after `per_page` rows read in an index's order, and the count reads only
/// what the filters' indexes select (one query with `count(*) OVER ()` would
/// fetch and sort every matching row). The currency is compared as
/// `char(3)`, the column's type: the bound text compared as is made it
/// `currency::text = $n`, which no index answers, and the planner then
/// guessed a hundred rows for 20,000 and read them all to sort them.
pub async fn search_listings(pool: &PgPool, query: &SearchQuery) -> Result<(Vec<ListingRow>, i64), sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let rows = search_page(&mut conn, query).await?;
    let total = if query.page.offset() == 0 && rows.len() < query.page.per_page as usize {
        rows.len() as i64
    } else {
        count_matches(&mut conn, query).await?
    };
    Ok((rows, total))
}

/// How many published listings match the filters of `query`.
async fn count_matches(conn: &mut PgConnection, query: &SearchQuery) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!"
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
             AND ($9::text IS NULL OR price_unit = $9)
             AND ($10::char(3) IS NULL OR currency = $10::char(3))"#,
        query.q,
        query.city,
        query.min_price_minor,
        query.max_price_minor,
        query.bedrooms,
        query.property_type,
        query.available_from,
        query.source,
        query.term.price_unit(),
        query.currency.as_ref().map(Currency::as_str),
    )
    .fetch_one(conn)
    .await
}

async fn search_page(conn: &mut PgConnection, query: &SearchQuery) -> Result<Vec<ListingRow>, sqlx::Error> {
    sqlx::query_as!(
        ListingRow,
        r#"SELECT id, source, slug, title, description, property_type, bedrooms, bathrooms, area_m2,
                  capacity, source_url, address_line, city, postal_code, country, latitude, longitude, price_minor,
                  currency AS "currency!", price_unit, available_from,
                  photos AS "photos!: sqlx::types::Json<Vec<StoredPhoto>>", categories
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
             AND ($12::text IS NULL OR price_unit = $12)
             AND ($13::char(3) IS NULL OR currency = $13::char(3))
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
        query.page.offset(),
        query.page.limit(),
        query.term.price_unit(),
        query.currency.as_ref().map(Currency::as_str),
    )
    .fetch_all(conn)
    .await
}
