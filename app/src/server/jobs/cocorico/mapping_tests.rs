//! Unit tests of the Cocorico listing mapping.

use super::*;
use crate::server::adapters::cocorico::{
    CharacteristicRecord, CharacteristicRefs, ImageRecord, ListingRecord, PriceUnit, TranslationRecord,
};
use crate::server::secret::Secret;

fn settings() -> CocoricoSettings {
    CocoricoSettings {
        database_url: Secret::new("mysql://ro:pw@127.0.0.1/cocorico"),
        base_url: "https://cocorico.example".into(),
        site_url: "https://cocorico.example".into(),
        characteristics: CharacteristicRefs::default(),
        locales: vec!["en".into(), "fr".into()],
        price_unit: PriceUnit::Day,
        currency: Currency::parse("EUR").unwrap(),
        statement_timeout: std::time::Duration::from_secs(60),
    }
}

fn translation(locale: &str, title: &str) -> TranslationRecord {
    TranslationRecord {
        listing_id: 1565694498,
        locale: locale.into(),
        title: title.into(),
        description: format!("<p>{title} description</p>"),
        slug: Some(format!("{}-1565694498", title.to_lowercase().replace(' ', "-"))),
    }
}

fn category(id: i32, locale: &str, name: &str) -> CategoryRecord {
    CategoryRecord {
        listing_id: 1565694498,
        category_id: id,
        parent_id: Some(1),
        locale: locale.into(),
        name: name.into(),
    }
}

fn image(name: &str, position: i16) -> ImageRecord {
    ImageRecord { listing_id: 1565694498, name: name.into(), position }
}

/// Cocorico's fixture listing ("Listing One", Paris, 100.00 EUR).
fn fixture() -> CocoricoListing {
    CocoricoListing {
        listing: ListingRecord {
            id: 1565694498,
            status: 2,
            price_cents: 10_000,
            created_at: None,
            updated_at: None,
            country: Some("fr".into()),
            city: Some("Paris".into()),
            zip: Some("75002".into()),
            route: Some("rue de la Lune".into()),
            street_number: Some("9".into()),
            lat: Some(48.8697174),
            lng: Some(2.3509855),
            formatted_address: Some("9 Rue de la Lune, 75002 Paris, France".into()),
            owner_first_name: Some("OffererFirstName".into()),
        },
        translations: vec![translation("en", "Listing One"), translation("fr", "Annonce une")],
        images: vec![image("a1.jpg", 1), image(PLACEHOLDER_IMAGE, 2), image("b 2.jpg", 3)],
        categories: vec![
            category(2, "en", "Apartment"),
            category(2, "fr", "Appartement"),
            category(8, "fr", "Long séjour"),
        ],
        characteristics: vec![
            characteristic(5, "Bedrooms", Some("2")),
            characteristic(7, "Surface", Some("45 m²")),
            characteristic(8, "Capacity", Some("NC")),
        ],
    }
}

fn characteristic(id: i32, name: &str, value: Option<&str>) -> CharacteristicRecord {
    CharacteristicRecord {
        listing_id: 1565694498,
        characteristic_id: id,
        locale: "en".into(),
        name: name.into(),
        value: value.map(str::to_owned),
    }
}

#[test]
fn the_fixture_listing_maps_to_a_published_portal_row() {
    let row = map_listing(&fixture(), &settings()).unwrap();
    assert_eq!(row.external_id, "1565694498");
    assert_eq!(row.id, local_id(1565694498));
    assert_eq!(row.slug, "listing-one-1565694498");
    assert_eq!(row.title, "Listing One");
    assert_eq!(row.description, "Listing One description");
    assert_eq!((row.city.as_str(), row.postal_code.as_str(), row.country.as_str()), ("Paris", "75002", "FR"));
    assert_eq!(row.address_line, "9 rue de la Lune");
    assert_eq!((row.price_minor, row.currency.as_str(), row.price_unit.as_str()), (10_000, "EUR", "day"));
    assert_eq!(row.property_type, "apartment");
    assert_eq!(row.categories, ["Apartment", "Long séjour"]);
    assert_eq!(row.latitude, Some(48.8697174));
    assert_eq!((row.bedrooms, row.bathrooms, row.area_m2, row.capacity), (Some(2), None, Some(45), None));
    assert_eq!(row.source_url.as_deref(), Some("https://cocorico.example/en/listing/listing-one-1565694498/show"));
}

#[test]
fn photos_are_absolute_ordered_and_skip_the_placeholder() {
    let row = map_listing(&fixture(), &settings()).unwrap();
    let urls: Vec<&str> = row.photos.iter().map(|p| p.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://cocorico.example/uploads/listings/images/a1.jpg",
            "https://cocorico.example/uploads/listings/images/b%202.jpg"
        ]
    );
    assert_eq!(row.photos[1].alt, "Listing One, photo 2 of 2");
}

#[test]
fn the_first_preferred_locale_wins_then_any_other() {
    let mut french_first = settings();
    french_first.locales = vec!["fr".into(), "en".into()];
    assert_eq!(map_listing(&fixture(), &french_first).unwrap().title, "Annonce une");
    let mut only_french = fixture();
    only_french.translations.remove(0);
    assert_eq!(map_listing(&only_french, &settings()).unwrap().title, "Annonce une");
    let mut german = settings();
    german.locales = vec!["de".into()];
    assert_eq!(map_listing(&fixture(), &german).unwrap().title, "Listing One");
    let mut none = fixture();
    none.translations.clear();
    assert_eq!(map_listing(&none, &settings()), Err(MapError::NoTranslation));
}

#[test]
fn any_change_of_content_changes_the_hash_and_nothing_else_does() {
    let first = map_listing(&fixture(), &settings()).unwrap();
    assert_eq!(first.content_hash, map_listing(&fixture(), &settings()).unwrap().content_hash);
    let mut stamped = fixture();
    stamped.listing.updated_at = Some(chrono::Utc::now().naive_utc());
    assert_eq!(
        first.content_hash,
        map_listing(&stamped, &settings()).unwrap().content_hash,
        "timestamps are not content"
    );
    let mut edited = fixture();
    edited.translations[0].title = "Listing Uno".into();
    assert_ne!(first.content_hash, map_listing(&edited, &settings()).unwrap().content_hash);
    let mut bigger = fixture();
    bigger.characteristics[0].value = Some("3".into());
    assert_ne!(first.content_hash, map_listing(&bigger, &settings()).unwrap().content_hash);
    let mut repriced = fixture();
    repriced.listing.price_cents += 100;
    assert_ne!(first.content_hash, map_listing(&repriced, &settings()).unwrap().content_hash);
}

#[test]
fn odd_slugs_countries_and_prices_are_handled() {
    let mut odd = fixture();
    odd.translations[0].slug = Some("Not A Slug".into());
    assert_eq!(map_listing(&odd, &settings()).unwrap().slug, "listing-one-1565694498");
    let mut bad_country = fixture();
    bad_country.listing.country = Some("FRA".into());
    assert_eq!(map_listing(&bad_country, &settings()), Err(MapError::Country("FRA".into())));
    let mut nowhere = fixture();
    nowhere.listing.city = None;
    assert_eq!(map_listing(&nowhere, &settings()), Err(MapError::NoLocation));
    let mut yen = settings();
    yen.currency = Currency::parse("JPY").unwrap();
    assert_eq!(map_listing(&fixture(), &yen).unwrap().price_minor, 100);
}

#[test]
fn categories_without_a_known_kind_give_other() {
    let mut listing = fixture();
    listing.categories = vec![category(7, "en", "Business travel")];
    assert_eq!(map_listing(&listing, &settings()).unwrap().property_type, "other");
}
