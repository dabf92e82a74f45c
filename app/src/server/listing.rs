//! The portal's listings: search, one listing and the sitemap's entries. The
//! one service behind the portal pages' server functions, `/api/properties`,
//! `/api/listings` and `/sitemap.xml`.

use sqlx::PgPool;

use crate::domain::{ListingSlug, Money, SearchParams, SearchQuery, SearchTerm};
use crate::model::AppError;
use crate::model::listing::{
    DEFAULT_PER_PAGE, ListingDetail, ListingPage, ListingSearch, ListingSummary, Photo, SitemapEntry,
};
use crate::server::store::listing::{self, ListingRow};

/// Validates a search's raw values; the error names the parameter to fix.
pub fn parse_search(params: &SearchParams) -> Result<SearchQuery, AppError> {
    SearchQuery::parse(params, DEFAULT_PER_PAGE).map_err(AppError::Validation)
}

/// One page of published listings (ours and imported) matching `query`.
pub async fn search(pool: &PgPool, query: &SearchQuery) -> Result<ListingSearch, AppError> {
    let (rows, total) = listing::search::search_listings(pool, query).await?;
    Ok(ListingSearch {
        items: rows.into_iter().map(detail).collect(),
        total,
        page: query.page,
        term: query.term,
        currency: query.currency,
        note: query.scope_note(),
    })
}

/// The portal search of one page request, run before the page is rendered
/// so that `/properties` needs no resource and no suspense boundary: the
/// page reads it from the request (`prefetched_search`), and only searches
/// after hydration go through the server function.
#[derive(Debug, Clone)]
pub struct PrefetchedSearch(pub std::sync::Arc<(SearchParams, Result<ListingPage, AppError>)>);

/// Runs the search that the page at `path_and_query` will show. The query
/// is read as the page reads it (the router's own URL parsing), so both see
/// the same parameters.
pub async fn prefetch_search(pool: &PgPool, path_and_query: &str) -> PrefetchedSearch {
    let params = leptos_router::location::RequestUrl::new(path_and_query)
        .parse()
        .map(|url| SearchParams::from_lookup(|k| url.search_params().get(k)))
        .unwrap_or_default();
    let result = search_page(pool, &params).await;
    PrefetchedSearch(std::sync::Arc::new((params, result)))
}

/// The page of cards the portal's search page shows for `params`, whether
/// the server renders it or the browser asks for it.
pub async fn search_page(pool: &PgPool, params: &SearchParams) -> Result<ListingPage, AppError> {
    let query = parse_search(params)?;
    Ok(search(pool, &query).await?.into())
}

/// The search run for this request before its page, if it was run for
/// `params` (inside a page's render).
pub fn prefetched_search(params: &SearchParams) -> Option<PrefetchedSearch> {
    let parts = leptos::prelude::use_context::<axum::http::request::Parts>()?;
    parts.extensions.get::<PrefetchedSearch>().filter(|found| found.0.0 == *params).cloned()
}

/// Validates a search of the imported listings (`/api/listings`): Cocorico's
/// offers are mostly short stays, so without a term or anything about prices
/// it shows every term; with a price filter or sort, the default term as
/// everywhere.
pub fn parse_imported_search(params: &SearchParams) -> Result<SearchQuery, AppError> {
    let mut params = params.clone();
    let priced = params.min_price.is_some()
        || params.max_price.is_some()
        || params.sort.as_deref().is_some_and(|sort| sort != "newest");
    if params.term.is_none() && !priced {
        params.term = Some(SearchTerm::Any.as_str().to_owned());
    }
    let mut query = parse_search(&params)?;
    query.source = Some("cocorico".into());
    Ok(query)
}

/// The published listing behind `slug`; anything else is "not found".
pub async fn find_published(pool: &PgPool, slug: &str) -> Result<ListingDetail, AppError> {
    let slug = ListingSlug::parse(slug).map_err(|_| AppError::NotFound)?;
    let row = listing::find_published_by_slug(pool, slug.as_str()).await?;
    row.map(detail).ok_or(AppError::NotFound)
}

/// How many listings are published (the sitemap's size).
pub async fn count_published(pool: &PgPool) -> Result<i64, AppError> {
    Ok(listing::count_published(pool).await?)
}

/// Published listings in slug order, `limit` from `offset`, for the sitemap.
pub async fn sitemap_entries(pool: &PgPool, offset: i64, limit: i64) -> Result<Vec<SitemapEntry>, AppError> {
    let rows = listing::sitemap_entries(pool, offset, limit).await?;
    Ok(rows.into_iter().map(|r| SitemapEntry { slug: r.slug, updated_at: r.updated_at }).collect())
}

/// The card of a listing row, with its first photo.
fn summary(row: ListingRow, photo: Option<Photo>) -> ListingSummary {
    ListingSummary {
        // Slugs are checked by a constraint; an odd legacy one still renders.
        slug: ListingSlug::parse(&row.slug).unwrap_or_else(|_| ListingSlug::from_title(&row.slug, "")),
        price: Money::from_parts(row.price_minor, &row.currency).unwrap_or_else(|_| Money::unknown(row.price_minor)),
        title: row.title,
        city: row.city,
        price_unit: row.price_unit,
        bedrooms: row.bedrooms,
        property_type: row.property_type,
        source: row.source,
        photo,
    }
}

/// Everything the listing page shows of a row.
fn detail(mut row: ListingRow) -> ListingDetail {
    let photos: Vec<Photo> =
        std::mem::take(&mut row.photos.0).into_iter().map(|p| Photo { url: p.url, alt: p.alt }).collect();
    ListingDetail {
        description: std::mem::take(&mut row.description),
        address_line: std::mem::take(&mut row.address_line),
        postal_code: std::mem::take(&mut row.postal_code),
        country: std::mem::take(&mut row.country),
        latitude: row.latitude,
        longitude: row.longitude,
        bathrooms: row.bathrooms,
        area_m2: row.area_m2,
        capacity: row.capacity,
        source_url: row.source_url.take(),
        available_from: row.available_from,
        categories: std::mem::take(&mut row.categories),
        summary: summary(row, photos.first().cloned()),
        photos,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::store::listing::insert_listing_if_absent;
    use crate::server::store::listing::tests::sample;

    #[sqlx::test(migrations = "../migrations")]
    async fn a_published_listing_is_found_with_its_price_and_photos(pool: PgPool) {
        insert_listing_if_absent(&pool, &sample(1, "flat", true)).await.unwrap();
        let detail = find_published(&pool, "flat").await.unwrap();
        assert_eq!(detail.summary.price.to_string(), "€980.00");
        assert_eq!(detail.photos.len(), 1);
        assert_eq!(detail.summary.photo.as_ref().map(|p| p.alt.as_str()), Some("Living room"));
        assert_eq!(detail.description, "Bright and quiet.");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn hidden_unknown_and_malformed_slugs_are_not_found(pool: PgPool) {
        insert_listing_if_absent(&pool, &sample(1, "hidden", false)).await.unwrap();
        for slug in ["hidden", "nowhere", "Not A Slug!"] {
            assert_eq!(find_published(&pool, slug).await.unwrap_err(), AppError::NotFound, "{slug}");
        }
    }

    #[test]
    fn a_bad_search_parameter_is_a_validation_error_naming_it() {
        let params = SearchParams { bedrooms: Some("many".into()), ..SearchParams::default() };
        let AppError::Validation(message) = parse_search(&params).unwrap_err() else {
            panic!("not a validation error")
        };
        assert!(message.contains("`bedrooms`"), "{message}");
    }
}
