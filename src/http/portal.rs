//! The portal's JSON API: `/api/properties` (search over local and imported
//! listings) and `/api/listings` (the imported Cocorico listings).

use app::domain::SearchParams;
use app::model::AppError;
use app::model::listing::ListingResults;
use app::server::listing;
use app::server::state::AppState;
use axum::extract::{Query, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
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

/// Runs the search of the page `/properties` before Leptos renders it, and
/// hands it to the page with the request (`listing::prefetched_search`): the
/// page then renders its results in one pass, with no resource to wait for.
pub async fn prefetch_search(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD) && request.uri().path() == "/properties" {
        let target = request.uri().path_and_query().map_or("/properties", |p| p.as_str());
        let found = listing::prefetch_search(&state.pool, target).await;
        request.extensions_mut().insert(found);
    }
    next.run(request).await
}
