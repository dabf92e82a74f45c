//! An imported Cocorico listing on the real portal page: markup in its title
//! is shown as text, its description is sanitized, and its price shows per night.

use app::domain::Currency;
use app::server::adapters::cocorico::{
    CategoryRecord, CharacteristicRecord, CharacteristicRefs, CocoricoListing, CocoricoSettings, ImageRecord,
    ListingRecord, PriceUnit, TranslationRecord,
};
use app::server::jobs::cocorico::{SOURCE, map_listing};
use app::server::store::listing::import::insert_imported;

use crate::helpers::spawn_app;
use app::server::secret::Secret;

fn listing_with_markup() -> CocoricoListing {
    let id = 1_565_694_498;
    CocoricoListing {
        listing: ListingRecord {
            id,
            status: 2,
            price_cents: 9_500,
            created_at: None,
            updated_at: None,
            country: Some("FR".into()),
            city: Some("Paris".into()),
            zip: Some("75002".into()),
            route: Some("rue de la Lune".into()),
            street_number: Some("9".into()),
            lat: Some(48.8697174),
            lng: Some(2.3509855),
            formatted_address: None,
            owner_first_name: None,
        },
        translations: vec![TranslationRecord {
            listing_id: id,
            locale: "en".into(),
            title: "Studio </title><script>alert(1)</script>".into(),
            description: "<p>Quiet <b>studio</b>.</p><img src=x onerror=\"alert(2)\">Le \"Nid\" &amp; co".into(),
            slug: Some(format!("studio-script-alert-1-script-{id}")),
        }],
        images: vec![ImageRecord { listing_id: id, name: "a1b2.jpg".into(), position: 1 }],
        categories: Vec::new(),
        characteristics: Vec::new(),
    }
}

fn settings() -> CocoricoSettings {
    CocoricoSettings {
        database_url: Secret::new("mysql://unused"),
        base_url: "https://cocorico.example".into(),
        site_url: "https://cocorico.example".into(),
        characteristics: CharacteristicRefs::default(),
        locales: vec!["en".into()],
        price_unit: PriceUnit::Day,
        currency: Currency::parse("EUR").unwrap(),
        statement_timeout: std::time::Duration::from_secs(60),
    }
}

#[tokio::test]
async fn markup_in_an_imported_listing_never_reaches_its_page_as_markup() {
    let app = spawn_app(false).await;
    let row = map_listing(&listing_with_markup(), &settings()).unwrap();
    let mut conn = app.pool.acquire().await.unwrap();
    assert_eq!(insert_imported(&mut conn, SOURCE, std::slice::from_ref(&row)).await.unwrap(), 1);

    let response = app.get(&format!("/properties/{}", row.slug)).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(!html.contains("<script>alert(1)"), "the title's markup never reaches the page as markup");
    assert!(
        html.contains("Studio &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the heading shows it escaped"
    );
    assert!(html.contains("<title>Studio ‹/title›‹script›alert(1)‹/script› · Marketplace</title>"), "so does the tab");
    assert!(!html.contains("onerror"), "the description was stored as plain text");
    assert!(html.contains("Quiet studio."));
    assert!(html.contains("Le &quot;Nid&quot; &amp; co"), "quotes stay inside attributes");
    assert!(html.contains("/ night"));
}

/// A plain imported listing `id` in category `category`, with these characteristics.
fn plain(id: i32, category: &str, characteristics: &[(&str, &str)]) -> CocoricoListing {
    let mut listing = listing_with_markup();
    listing.listing.id = id;
    listing.translations[0] = TranslationRecord {
        listing_id: id,
        locale: "en".into(),
        title: format!("{category} {id}"),
        description: "Quiet.".into(),
        slug: Some(format!("{}-{id}", category.to_lowercase())),
    };
    listing.images.clear();
    listing.categories = vec![CategoryRecord {
        listing_id: id,
        category_id: 1,
        parent_id: None,
        locale: "en".into(),
        name: category.into(),
    }];
    listing.characteristics = characteristics
        .iter()
        .enumerate()
        .map(|(i, (name, value))| CharacteristicRecord {
            listing_id: id,
            characteristic_id: i as i32 + 5,
            locale: "en".into(),
            name: (*name).into(),
            value: Some((*value).into()),
        })
        .collect();
    listing
}

#[tokio::test]
async fn what_cocorico_does_not_say_is_absent_from_cards_pages_json_ld_and_the_api() {
    let app = spawn_app(false).await;
    let studio = map_listing(&plain(101, "Studio", &[("Bedrooms", "0"), ("Capacity", "2")]), &settings()).unwrap();
    let unknown = map_listing(&plain(102, "Loft", &[("Bedrooms", "NC")]), &settings()).unwrap();
    let mut conn = app.pool.acquire().await.unwrap();
    assert_eq!(insert_imported(&mut conn, SOURCE, &[studio.clone(), unknown.clone()]).await.unwrap(), 2);

    let api: serde_json::Value = app.get("/api/listings").await.json().await.unwrap();
    let item = |slug: &str| api["items"].as_array().unwrap().iter().find(|i| i["slug"] == slug).unwrap().clone();
    let loft = item(&unknown.slug);
    for field in ["bedrooms", "bathrooms", "area_m2", "capacity"] {
        assert!(loft[field].is_null(), "{field}: {loft}");
    }
    assert_eq!(loft["source_url"], "https://cocorico.example/en/listing/loft-102/show");
    assert_eq!((item(&studio.slug)["bedrooms"].as_i64(), item(&studio.slug)["capacity"].as_i64()), (Some(0), Some(2)));

    let cards = app.get("/properties?term=night").await.text().await.unwrap();
    assert!(cards.contains("Paris · Studio<") && !cards.contains("Studio · Studio"), "a studio is said once");
    assert!(cards.contains("Paris · Loft<") && !cards.contains("0 bedrooms"), "unknown bedrooms are left out");

    let page = app.get(&format!("/properties/{}", unknown.slug)).await.text().await.unwrap();
    assert!(!page.contains(">Bedrooms<") && !page.contains(">Bathrooms<") && !page.contains(">Sleeps<"));
    assert!(page.contains("href=\"https://cocorico.example/en/listing/loft-102/show\""), "links back to Cocorico");
    assert!(!page.contains("numberOfBedrooms") && !page.contains("numberOfBathroomsTotal"), "JSON-LD says nothing");
    assert!(page.contains("\"sameAs\":\"https://cocorico.example/en/listing/loft-102/show\""));

    let page = app.get(&format!("/properties/{}", studio.slug)).await.text().await.unwrap();
    assert!(page.contains(">Sleeps<") && page.contains("2 guests"));
    assert!(page.contains("\"numberOfBedrooms\":0"), "0 bedrooms is known for a studio");
}
