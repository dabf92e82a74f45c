//! The portal's JSON API: `/api/properties` (search over local and imported
//! listings) and `/api/listings` (the imported Cocorico listings).

use app::domain::SearchParams;
use app::model::AppError;
use app::model::listing::ListingResults;
use app::server::listing;
use app::server::state::AppState;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use std::collections::HashMap;

/// The portal routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/properties", get(properties)).route("/api/listings", get(listings))
}

/// The raw parameters as the search form names them (a repeated one: the last).
fn params(Query(raw): Query<HashMap<String, String>>) -> SearchParams {
    SearchParams::from_lookup(|k| raw.get(k).cloned())
}

async fn properties(
    State(state): State<AppState>,
    raw: Query<HashMap<String, String>>,
) -> Result<Json<ListingResults>, AppError> {
    let query = listing::parse_search(&params(raw))?;
    Ok(Json(listing::search(&state.pool, &query).await?.into()))
}

async fn listings(
    State(state): State<AppState>,
    raw: Query<HashMap<String, String>>,
) -> Result<Json<ListingResults>, AppError> {
    let query = listing::parse_imported_search(&params(raw))?;
    Ok(Json(listing::search(&state.pool, &query).await?.into()))
}
