//! The portal's JSON API: `/api/properties` (search over local and imported
//! listings) and `/api/listings` (the imported Cocorico listings).

use app::api::AppError;
use app::api::listing::{DEFAULT_PER_PAGE, ListingDetail};
use app::domain::SearchQuery;
use app::server::state::AppState;
use app::server::store::listing_search::search_listings;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use std::collections::HashMap;

/// The portal routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/properties", get(properties)).route("/api/listings", get(listings))
}

/// Validates the query; the error names the parameter to fix.
fn parse(Query(raw): Query<HashMap<String, String>>) -> Result<SearchQuery, AppError> {
    SearchQuery::parse(&raw, DEFAULT_PER_PAGE).map_err(AppError::Validation)
}

async fn properties(
    State(state): State<AppState>,
    raw: Query<HashMap<String, String>>,
) -> Result<Json<Value>, AppError> {
    let query = parse(raw)?;
    page_body(&state, &query).await
}

async fn listings(State(state): State<AppState>, raw: Query<HashMap<String, String>>) -> Result<Json<Value>, AppError> {
    let mut query = parse(raw)?;
    query.source = Some("cocorico".into());
    page_body(&state, &query).await
}

async fn page_body(state: &AppState, query: &SearchQuery) -> Result<Json<Value>, AppError> {
    let (rows, total) = search_listings(&state.pool, query).await?;
    let items: Vec<Value> = rows.into_iter().map(|row| listing_json(row.into())).collect();
    Ok(Json(json!({
        "items": items,
        "total": total,
        "page": query.page.page,
        "per_page": query.page.per_page,
        "pages": query.page.page_count(total),
    })))
}

fn listing_json(d: ListingDetail) -> Value {
    let s = &d.summary;
    json!({
        "slug": s.slug, "title": s.title, "source": s.source, "property_type": s.property_type,
        "city": s.city, "postal_code": d.postal_code, "country": d.country, "address_line": d.address_line,
        "latitude": d.latitude, "longitude": d.longitude,
        "price": { "minor": s.price.minor, "currency": s.price.currency.as_str(), "per": s.price_unit },
        "bedrooms": s.bedrooms, "bathrooms": d.bathrooms, "area_m2": d.area_m2,
        "available_from": d.available_from, "photos": d.photos.iter().map(|p| json!({ "url": p.url, "alt": p.alt })).collect::<Vec<_>>(),
        "categories": d.categories, "url": format!("/properties/{}", s.slug),
    })
}
