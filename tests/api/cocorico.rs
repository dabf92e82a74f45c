//! An imported Cocorico listing on the real portal page: markup in its title
//! is shown as text, its description is sanitized, and its price shows per night.

use app::domain::Currency;
use app::server::adapters::cocorico::{
    CocoricoListing, CocoricoSettings, ImageRecord, ListingRecord, PriceUnit, TranslationRecord,
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
    }
}

#[tokio::test]
async fn markup_in_an_imported_listing_never_reaches_its_page_as_markup() {
    let app = spawn_app(false).await;
    let settings = CocoricoSettings {
        database_url: Secret::new("mysql://unused"),
        base_url: "https://cocorico.example".into(),
        locales: vec!["en".into()],
        price_unit: PriceUnit::Day,
        currency: Currency::parse("EUR").unwrap(),
        statement_timeout: std::time::Duration::from_secs(60),
    };
    let row = map_listing(&listing_with_markup(), &settings).unwrap();
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
