//! Mapping one Cocorico listing to our `listing` row, and its content hash.
//!
//! Text comes from the first translation in the preferred locales, else any;
//! descriptions become plain text; prices are whole cents of the install's
//! currency per its time unit; photos are absolute URLs without Cocorico's
//! placeholder; bedrooms, bathrooms, surface and capacity come from the
//! characteristics the settings name (unknown when absent or malformed); the
//! listing's page on Cocorico is linked. Nothing of the owner is kept.

use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::characteristics;
use super::text::{description_text, title_text};
use crate::domain::{Currency, ListingSlug};
use crate::server::adapters::cocorico::{
    CategoryRecord, CocoricoListing, CocoricoSettings, PLACEHOLDER_IMAGE, image_url, listing_url,
};
use crate::server::store::listing::StoredPhoto;
use crate::server::store::listing::import::ImportedListing;

/// Bumped whenever the mapping changes, so every listing is rewritten once.
const MAPPING_VERSION: &str = "cocorico-listing-v2";

/// Why a listing cannot be imported; it is reported and skipped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MapError {
    /// Cocorico has no translation (title, description) for it at all.
    #[error("it has no translation")]
    NoTranslation,
    /// Its country, as Cocorico has it, is not a two-letter code.
    #[error("its country `{0}` is not an ISO 3166 alpha-2 code")]
    Country(String),
    /// Cocorico has no country or no city for it.
    #[error("it has no location")]
    NoLocation,
    /// Its city is blank.
    #[error("it has no city")]
    NoCity,
    /// Its price is below zero.
    #[error("its price is negative")]
    NegativePrice,
}

/// The id our `listing` row gets for Cocorico listing `external_id`: stable
/// across runs and databases.
pub fn local_id(external_id: i32) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_URL, format!("cocorico:listing:{external_id}").as_bytes())
}

/// Maps a listing; `content_hash` is filled in.
pub fn map_listing(source: &CocoricoListing, settings: &CocoricoSettings) -> Result<ImportedListing, MapError> {
    let l = &source.listing;
    let translation =
        preferred(&source.translations, &settings.locales, |t| t.locale.as_str()).ok_or(MapError::NoTranslation)?;
    let title =
        Some(title_text(&translation.title)).filter(|t| !t.is_empty()).unwrap_or_else(|| format!("Listing {}", l.id));
    let (Some(raw_country), Some(city)) = (l.country.as_deref(), l.city.as_deref()) else {
        return Err(MapError::NoLocation);
    };
    let country = raw_country.trim().to_ascii_uppercase();
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(MapError::Country(raw_country.to_owned()));
    }
    let city = city.trim();
    if city.is_empty() {
        return Err(MapError::NoCity);
    }
    let price_minor = cents_to_minor(l.price_cents, settings.currency).ok_or(MapError::NegativePrice)?;
    let categories = category_names(&source.categories, &settings.locales);
    let address = [l.street_number.as_deref(), l.route.as_deref()].into_iter().flatten().map(str::trim);
    let facts = characteristics::facts(&source.characteristics, &settings.characteristics, &settings.locales);
    let cocorico_slug = translation.slug.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let page_slug = cocorico_slug.map_or_else(|| format!("listing-{}", l.id), str::to_owned);
    let mut row = ImportedListing {
        id: local_id(l.id),
        external_id: l.id.to_string(),
        slug: slug_for(translation.slug.as_deref(), &title, l.id),
        description: description_text(&translation.description),
        property_type: property_type(&source.categories).to_owned(),
        bedrooms: facts.bedrooms,
        bathrooms: facts.bathrooms,
        area_m2: facts.area_m2,
        capacity: facts.capacity,
        source_url: Some(listing_url(&settings.site_url, &translation.locale, &page_slug)),
        address_line: address.filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" "),
        city: city.to_owned(),
        postal_code: l.zip.as_deref().unwrap_or("").trim().to_owned(),
        country,
        latitude: l.lat.and_then(|lat| valid_degrees(lat, 90.0)),
        longitude: l.lng.and_then(|lng| valid_degrees(lng, 180.0)),
        price_minor,
        currency: settings.currency.as_str().to_owned(),
        price_unit: settings.price_unit.as_str().to_owned(),
        photos: photos(source, &settings.base_url, &title),
        categories,
        title,
        content_hash: String::new(),
    };
    row.content_hash = content_hash(&row);
    Ok(row)
}

/// The first item whose locale comes first in `locales`, else the first item.
fn preferred<'a, T>(items: &'a [T], locales: &[String], locale: impl Fn(&T) -> &str) -> Option<&'a T> {
    locales
        .iter()
        .find_map(|wanted| items.iter().find(|item| locale(item) == wanted.as_str()))
        .or_else(|| items.first())
}

/// Cocorico's slug when it is a valid one for us, else one made from the title and id.
fn slug_for(cocorico_slug: Option<&str>, title: &str, id: i32) -> String {
    match cocorico_slug.map(ListingSlug::parse) {
        Some(Ok(slug)) => slug.to_string(),
        _ => ListingSlug::from_title(title, &id.to_string()).to_string(),
    }
}

/// Whole cents in the currency's minor units (cents are two decimals).
fn cents_to_minor(cents: i64, currency: Currency) -> Option<i64> {
    if cents < 0 {
        return None;
    }
    Some(match currency.exponent() {
        0 => cents / 100,
        3 => cents * 10,
        _ => cents,
    })
}

fn valid_degrees(value: f64, limit: f64) -> Option<f64> {
    (value.is_finite() && value.abs() <= limit).then_some(value)
}

/// One name per category, in the preferred locale, in link order, without repeats.
fn category_names(rows: &[CategoryRecord], locales: &[String]) -> Vec<String> {
    let mut ids: Vec<i32> = Vec::new();
    for row in rows {
        if !ids.contains(&row.category_id) {
            ids.push(row.category_id);
        }
    }
    let mut names: Vec<String> = Vec::new();
    for id in ids {
        let of_category: Vec<&CategoryRecord> = rows.iter().filter(|r| r.category_id == id).collect();
        if let Some(row) = preferred(&of_category, locales, |r| r.locale.as_str()) {
            let name = title_text(&row.name);
            if !name.is_empty() && !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// Our property type from the category names in any locale; `other` when none says.
fn property_type(rows: &[CategoryRecord]) -> &'static str {
    const KINDS: [(&str, &[&str]); 5] = [
        ("studio", &["studio"]),
        ("loft", &["loft"]),
        ("apartment", &["apartment", "appartement", "flat"]),
        ("house", &["house", "maison", "villa", "cottage"]),
        ("room", &["room", "chambre"]),
    ];
    rows.iter()
        .find_map(|row| {
            let name = row.name.to_lowercase();
            KINDS.iter().find(|(_, words)| words.iter().any(|w| name.contains(w))).map(|(kind, _)| *kind)
        })
        .unwrap_or("other")
}

/// Full-size image URLs in display order, placeholders and odd names left out.
fn photos(source: &CocoricoListing, base_url: &str, title: &str) -> Vec<StoredPhoto> {
    let names = source.images.iter().map(|i| i.name.trim()).filter(|name| {
        !name.is_empty() && *name != PLACEHOLDER_IMAGE && !name.contains(['/', '\\']) && !name.starts_with('.')
    });
    let names: Vec<&str> = names.collect();
    let count = names.len();
    names
        .into_iter()
        .enumerate()
        .map(|(i, name)| StoredPhoto {
            url: image_url(base_url, name),
            alt: if count == 1 { title.to_owned() } else { format!("{title}, photo {} of {count}", i + 1) },
        })
        .collect()
}

/// SHA-256 over the mapping version and every field but `id` and the hash itself.
fn content_hash(row: &ImportedListing) -> String {
    let mut unhashed = row.clone();
    unhashed.id = Uuid::nil();
    unhashed.content_hash = String::new();
    let json = serde_json::to_vec(&unhashed).expect("a listing always serializes");
    let digest = Sha256::new().chain_update(MAPPING_VERSION).chain_update(&json).finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
#[path = "mapping_tests.rs"]
mod tests;
