//! Wire types: Cocorico's rows as its MySQL schema holds them
//! (`shared/contracts/cocorico/listing-doctrine-mapping.yaml`), typed, with
//! no interpretation beyond column types. Only public columns are read: of
//! the owner's `user` row, the first name and nothing else.

use sqlx::types::chrono::NaiveDateTime;

/// Cocorico's `ListingImage::IMAGE_DEFAULT`: a placeholder, not a photo.
pub const PLACEHOLDER_IMAGE: &str = "default-listing.png";

/// Where Cocorico's web server serves uploaded listing images (`IMAGE_FOLDER`).
pub const IMAGE_FOLDER: &str = "/uploads/listings/images/";

/// The full-size URL of image `name` on the site at `base_url` (no trailing `/`).
pub fn image_url(base_url: &str, name: &str) -> String {
    format!("{base_url}{IMAGE_FOLDER}{}", encode_path_segment(name))
}

/// The page of the listing on Cocorico's site at `site_url` (no trailing
/// `/`): `/{locale}/listing/{slug}/show`, translated in French as
/// `/fr/annonce/{slug}/voir` (Cocorico's `cocorico_listing_show` route).
pub fn listing_url(site_url: &str, locale: &str, slug: &str) -> String {
    let (listing, show) = if locale == "fr" { ("annonce", "voir") } else { ("listing", "show") };
    format!("{site_url}/{}/{listing}/{}/{show}", encode_path_segment(locale), encode_path_segment(slug))
}

/// The LiipImagine thumbnail URL of image `name` for `filter` (e.g. `listing_large`, 384×288).
pub fn thumbnail_url(base_url: &str, filter: &str, name: &str) -> String {
    format!("{base_url}/media/cache/{}{IMAGE_FOLDER}{}", encode_path_segment(filter), encode_path_segment(name))
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn encode_path_segment(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `listing.status` of an approved, publicly visible listing (`STATUS_PUBLISHED`).
pub const STATUS_PUBLISHED: i16 = 2;

/// One `listing` row joined with its `listing_location`, `geo_coordinate`
/// and its owner's public first name. The joins are outer ones, so a listing
/// with a broken location is still seen (and reported) rather than missed.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ListingRecord {
    /// `listing.id`: random, unique, not sequential.
    pub id: i32,
    /// `listing.status`; always [`STATUS_PUBLISHED`] in a snapshot.
    pub status: i16,
    /// `listing.price`: whole cents of the platform currency per time unit.
    pub price_cents: i64,
    /// `listing.createdAt` (UTC, no zone); part of the paging key.
    pub created_at: Option<NaiveDateTime>,
    /// `listing.updatedAt`; unreliable: translation edits do not bump it.
    pub updated_at: Option<NaiveDateTime>,
    /// `listing_location.country`: ISO 3166-1 alpha-2 (`None`: no location row).
    pub country: Option<String>,
    /// `listing_location.city`.
    pub city: Option<String>,
    /// `listing_location.zip`.
    pub zip: Option<String>,
    /// `listing_location.route` (street).
    pub route: Option<String>,
    /// `listing_location.street_number`.
    pub street_number: Option<String>,
    /// `geo_coordinate.lat`, degrees.
    pub lat: Option<f64>,
    /// `geo_coordinate.lng`, degrees.
    pub lng: Option<f64>,
    /// `geo_coordinate.address`: Google's formatted address.
    pub formatted_address: Option<String>,
    /// The owner's public first name (`user.first_name`).
    pub owner_first_name: Option<String>,
}

/// One `listing_translation` row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TranslationRecord {
    /// `translatable_id`: the listing.
    pub listing_id: i32,
    /// `en`, `fr`, …
    pub locale: String,
    /// Title, 3 to 50 characters, raw (may hold markup).
    pub title: String,
    /// Description, raw (may hold markup, e-mail addresses, phone numbers).
    pub description: String,
    /// Knp slug `{slugified-title}-{id}`.
    pub slug: Option<String>,
}

/// One `listing_image` row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ImageRecord {
    /// The listing.
    pub listing_id: i32,
    /// File name under `/uploads/listings/images/`.
    pub name: String,
    /// Display order, from 1.
    pub position: i16,
}

/// One category of a listing in one locale (`listing_listing_category` joined
/// with `listing_category` and `listing_category_translation`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CategoryRecord {
    /// The listing.
    pub listing_id: i32,
    /// `listing_category.id`.
    pub category_id: i32,
    /// `listing_category.parent_id`.
    pub parent_id: Option<i32>,
    /// Locale of `name`.
    pub locale: String,
    /// Translated name.
    pub name: String,
}

/// One characteristic of a listing in one locale (`listing_listing_characteristic`
/// joined with `listing_characteristic_translation` and the value's translation
/// in the same locale). Cocorico stores the value as a translated name ("2",
/// "45 m²", "Yes"), not a number; a link may have no value at all.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CharacteristicRecord {
    /// The listing.
    pub listing_id: i32,
    /// `listing_characteristic.id`.
    pub characteristic_id: i32,
    /// Locale of `name` and `value`.
    pub locale: String,
    /// The characteristic's name, e.g. "Bedrooms".
    pub name: String,
    /// The value's name in this locale, if the link has a value.
    pub value: Option<String>,
}

/// One approved listing with everything the import needs.
#[derive(Debug, Clone, PartialEq)]
pub struct CocoricoListing {
    /// The listing, location and owner's first name.
    pub listing: ListingRecord,
    /// One per locale it is translated into.
    pub translations: Vec<TranslationRecord>,
    /// Ordered by position (placeholders included, as stored).
    pub images: Vec<ImageRecord>,
    /// Category names, per category and locale, in link order.
    pub categories: Vec<CategoryRecord>,
    /// Characteristics, per link and locale, in link order.
    pub characteristics: Vec<CharacteristicRecord>,
}

/// The paging key: listings come ordered by (`createdAt`, `id`); a missing
/// `createdAt` sorts first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageCursor {
    /// `createdAt` of the last listing read (`None` when it had none).
    pub created_at: Option<NaiveDateTime>,
    /// `id` of the last listing read.
    pub id: i32,
}

impl CocoricoListing {
    /// The cursor that resumes after this listing.
    pub fn cursor(&self) -> PageCursor {
        PageCursor { created_at: self.listing.created_at, id: self.listing.id }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_urls_follow_cocorico_s_upload_and_cache_paths() {
        let base = "https://cocorico.example";
        assert_eq!(image_url(base, "4f9b.jpg"), "https://cocorico.example/uploads/listings/images/4f9b.jpg");
        assert_eq!(
            thumbnail_url(base, "listing_large", "4f9b.jpg"),
            "https://cocorico.example/media/cache/listing_large/uploads/listings/images/4f9b.jpg"
        );
        assert_eq!(
            listing_url(base, "en", "listing-one-1565694498"),
            "https://cocorico.example/en/listing/listing-one-1565694498/show"
        );
        assert_eq!(listing_url(base, "fr", "annonce-une-1"), "https://cocorico.example/fr/annonce/annonce-une-1/voir");
        assert_eq!(
            image_url(base, "a b/../c.jpg"),
            "https://cocorico.example/uploads/listings/images/a%20b%2F..%2Fc.jpg"
        );
    }
}
