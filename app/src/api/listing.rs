//! Public listings: what the portal pages show.

use crate::domain::{ListingSlug, Money, PageRequest, SearchParams};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::AppError;

/// Listings per page on `/properties` unless asked otherwise.
pub const DEFAULT_PER_PAGE: u32 = 12;

/// A photo with the text a screen reader says for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Photo {
    /// Absolute path or URL of the image.
    pub url: String,
    /// Alternative text.
    pub alt: String,
}

/// One search result card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListingSummary {
    /// URL part of the listing page.
    pub slug: ListingSlug,
    /// Headline.
    pub title: String,
    /// City shown on the card.
    pub city: String,
    /// Asking price.
    pub price: Money,
    /// What the price is for: `month`, `week`, `day` or `hour`.
    pub price_unit: String,
    /// Number of bedrooms.
    pub bedrooms: i32,
    /// `apartment`, `house`, `studio`, …
    pub property_type: String,
    /// `local` or `cocorico`.
    pub source: String,
    /// First photo, if any.
    pub photo: Option<Photo>,
}

/// A page of search results with the total count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListingPage {
    /// The cards on this page.
    pub items: Vec<ListingSummary>,
    /// Matching listings over all pages.
    pub total: i64,
    /// The page that was served.
    pub page: PageRequest,
}

/// Everything the listing page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListingDetail {
    /// The card fields.
    pub summary: ListingSummary,
    /// Plain-text description (never HTML).
    pub description: String,
    /// Street address.
    pub address_line: String,
    /// Postal code.
    pub postal_code: String,
    /// ISO country code.
    pub country: String,
    /// Latitude, if known.
    pub latitude: Option<f64>,
    /// Longitude, if known.
    pub longitude: Option<f64>,
    /// Bathrooms.
    pub bathrooms: i32,
    /// Surface in square metres.
    pub area_m2: Option<i32>,
    /// First day it can be rented.
    pub available_from: Option<chrono::NaiveDate>,
    /// Every photo, in order.
    pub photos: Vec<Photo>,
    /// Category names.
    pub categories: Vec<String>,
}

/// A page of search results for the portal's filter form. `params` are the
/// raw URL values, validated here so a bad URL gets a clear message.
/// JSON input: an empty filter set must still carry `params` (a URL-encoded body would be empty).
#[server(endpoint = "listings/search", input = leptos::server_fn::codec::Json)]
pub async fn search_properties(params: SearchParams) -> Result<ListingPage, AppError> {
    let query = crate::domain::SearchQuery::parse(&params.to_map(), DEFAULT_PER_PAGE).map_err(AppError::Validation)?;
    let pool = crate::server::state::pool()?;
    let (rows, total) = crate::server::store::listing_search::search_listings(&pool, &query).await?;
    Ok(ListingPage { items: rows.into_iter().map(Into::into).collect(), total, page: query.page })
}

/// A listing with the site's public address (for canonical and sharing links).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListingPageData {
    /// The listing.
    pub detail: ListingDetail,
    /// `MARKETPLACE_PUBLIC_URL`, without a trailing `/`.
    pub site_url: String,
}

/// The listing behind a slug, if it is published.
#[server(endpoint = "listings/get")]
pub async fn get_listing(slug: String) -> Result<ListingPageData, AppError> {
    let slug = ListingSlug::parse(&slug).map_err(|_| AppError::NotFound)?;
    let state = crate::server::state::app_state()?;
    let row = crate::server::store::listing::find_published_by_slug(&state.pool, slug.as_str()).await?;
    let detail = row.map(ListingDetail::from).ok_or(AppError::NotFound)?;
    Ok(ListingPageData { detail, site_url: state.public_url.clone() })
}
