//! Public listings: what the portal pages show.

use crate::domain::{Currency, ListingSlug, Money, PageRequest, SearchTerm};
use serde::{Deserialize, Serialize};

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
    /// Number of bedrooms (0: a studio); `None` when the source does not say.
    pub bedrooms: Option<i32>,
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
    /// Bathrooms; `None` when the source does not say.
    pub bathrooms: Option<i32>,
    /// Surface in square metres.
    pub area_m2: Option<i32>,
    /// Guests it sleeps, when known.
    pub capacity: Option<i32>,
    /// The listing's page on the platform it is imported from (Cocorico).
    pub source_url: Option<String>,
    /// First day it can be rented.
    pub available_from: Option<chrono::NaiveDate>,
    /// Every photo, in order.
    pub photos: Vec<Photo>,
    /// Category names.
    pub categories: Vec<String>,
}

/// A listing with the site's public address (for canonical and sharing links).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListingPageData {
    /// The listing.
    pub detail: ListingDetail,
    /// `MARKETPLACE_PUBLIC_URL`, without a trailing `/`.
    pub site_url: String,
}

/// One page of a search with every field of each listing: what the listing
/// service answers, before a page keeps the cards and the JSON API its own shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListingSearch {
    /// The listings on this page, in the requested order.
    pub items: Vec<ListingDetail>,
    /// Matching listings over all pages.
    pub total: i64,
    /// The page that was served.
    pub page: PageRequest,
    /// The term shown (one price unit, or every term).
    pub term: SearchTerm,
    /// The one currency of the results, when prices are filtered or sorted (or one was asked for).
    pub currency: Option<Currency>,
    /// What the results are, in a sentence (the term and how prices are compared).
    pub note: String,
}

impl From<ListingSearch> for ListingPage {
    fn from(search: ListingSearch) -> Self {
        let items = search.items.into_iter().map(|d| d.summary).collect();
        // The page writes its own note from the URL's parameters.
        Self { items, total: search.total, page: search.page }
    }
}

/// A price as the JSON API writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceTag {
    /// The amount in the currency's minor unit.
    pub minor: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// What the price is for: `month`, `week`, `day` (a night) or `hour`.
    pub per: String,
}

/// One listing as `/api/properties` and `/api/listings` serve it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListingResult {
    /// URL part of the listing page.
    pub slug: String,
    /// Headline.
    pub title: String,
    /// `local` or `cocorico`.
    pub source: String,
    /// `apartment`, `house`, `studio`, …
    pub property_type: String,
    /// City.
    pub city: String,
    /// Postal code.
    pub postal_code: String,
    /// ISO country code.
    pub country: String,
    /// Street address.
    pub address_line: String,
    /// Latitude, if known.
    pub latitude: Option<f64>,
    /// Longitude, if known.
    pub longitude: Option<f64>,
    /// Asking price and what it is for.
    pub price: PriceTag,
    /// Bedrooms (0: a studio); `null` when the source does not say.
    pub bedrooms: Option<i32>,
    /// Bathrooms; `null` when the source does not say.
    pub bathrooms: Option<i32>,
    /// Surface in square metres; `null` when not known.
    pub area_m2: Option<i32>,
    /// Guests it sleeps; `null` when not known.
    pub capacity: Option<i32>,
    /// The listing's page on the platform it is imported from; `null` for ours.
    pub source_url: Option<String>,
    /// First day it can be rented.
    pub available_from: Option<chrono::NaiveDate>,
    /// Every photo, in order.
    pub photos: Vec<Photo>,
    /// Category names.
    pub categories: Vec<String>,
    /// The listing's page on this site.
    pub url: String,
}

impl From<ListingDetail> for ListingResult {
    fn from(d: ListingDetail) -> Self {
        let s = d.summary;
        Self {
            url: format!("/properties/{}", s.slug),
            slug: s.slug.as_str().to_owned(),
            title: s.title,
            source: s.source,
            property_type: s.property_type,
            city: s.city,
            postal_code: d.postal_code,
            country: d.country,
            address_line: d.address_line,
            latitude: d.latitude,
            longitude: d.longitude,
            price: PriceTag { minor: s.price.minor, currency: s.price.currency.as_str().to_owned(), per: s.price_unit },
            bedrooms: s.bedrooms,
            bathrooms: d.bathrooms,
            area_m2: d.area_m2,
            capacity: d.capacity,
            source_url: d.source_url,
            available_from: d.available_from,
            photos: d.photos,
            categories: d.categories,
        }
    }
}

/// A page of search results as the JSON API serves it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListingResults {
    /// The listings on this page.
    pub items: Vec<ListingResult>,
    /// Matching listings over all pages.
    pub total: i64,
    /// The page served (1-based).
    pub page: u32,
    /// Listings per page.
    pub per_page: u32,
    /// Pages in all (at least 1).
    pub pages: u32,
    /// The term shown: `month`, `week`, `night`, `hour`, or `any` (every
    /// term, newest first, never ordered or filtered by price).
    pub term: String,
    /// The one currency of the results, when prices are filtered or sorted
    /// (or one was asked for); `null` when results mix currencies.
    pub currency: Option<String>,
    /// What the results are, in a sentence (the term and how prices are compared).
    pub note: String,
}

impl From<ListingSearch> for ListingResults {
    fn from(search: ListingSearch) -> Self {
        Self {
            pages: search.page.page_count(search.total),
            page: search.page.page,
            per_page: search.page.per_page,
            total: search.total,
            term: search.term.as_str().to_owned(),
            currency: search.currency.map(|c| c.as_str().to_owned()),
            note: search.note,
            items: search.items.into_iter().map(ListingResult::from).collect(),
        }
    }
}

/// A published listing's address and last change, for the sitemap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SitemapEntry {
    /// URL part of the listing page.
    pub slug: String,
    /// When the listing last changed.
    pub updated_at: chrono::DateTime<chrono::Utc>,
}
