//! Public listings: what the portal pages show.

use leptos::prelude::*;

use crate::domain::SearchParams;
use crate::model::AppError;
use crate::model::listing::{ListingPage, ListingPageData};

/// A page of search results for the portal's filter form. `params` are the
/// raw URL values, validated by the service so a bad URL gets a clear message.
/// JSON input: an empty filter set must still carry `params` (a URL-encoded body would be empty).
#[server(endpoint = "listings/search", input = leptos::server_fn::codec::Json)]
pub async fn search_properties(params: SearchParams) -> Result<ListingPage, AppError> {
    let pool = crate::server::state::pool()?;
    crate::server::listing::search_page(&pool, &params).await
}

/// The listing behind a slug, if it is published.
#[server(endpoint = "listings/get")]
pub async fn get_listing(slug: String) -> Result<ListingPageData, AppError> {
    let state = crate::server::state::app_state()?;
    let detail = crate::server::listing::find_published(&state.pool, &slug).await?;
    Ok(ListingPageData { detail, site_url: state.public_url.clone() })
}
