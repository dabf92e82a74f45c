//! The portal pages, rendered by the real server from the demo data.

use crate::helpers::spawn_app;

#[tokio::test]
async fn properties_lists_the_demo_listings_with_counts() {
    let app = spawn_app(true).await;
    let response = app.get("/properties").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("Showing 1–12 of 40"), "count shown");
    assert_eq!(html.matches("href=\"/properties/").count(), 12, "twelve cards");
    let last = app.get("/properties?page=4").await.text().await.unwrap();
    assert!(last.contains("Showing 37–40 of 40"));
}

#[tokio::test]
async fn a_listing_page_shows_its_details_and_an_unknown_slug_is_a_404() {
    let app = spawn_app(true).await;
    let (slug, title): (String, String) =
        sqlx::query_as("SELECT slug, title FROM listing ORDER BY slug LIMIT 1").fetch_one(&app.pool).await.unwrap();
    let response = app.get(&format!("/properties/{slug}")).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains(&title));
    assert!(html.contains("/ month"));

    let missing = app.get("/properties/no-such-home").await;
    assert_eq!(missing.status(), 404);
    assert!(missing.text().await.unwrap().contains("This listing does not exist"));
    let malformed = app.get("/properties/..%2Fetc").await;
    assert_eq!(malformed.status(), 404);
    assert_eq!(app.get("/no/such/page").await.status(), 404);
}

#[tokio::test]
async fn malformed_page_numbers_get_a_clear_400_never_a_500() {
    let app = spawn_app(true).await;
    for query in ["page=-1", "page=abc", "page=0", "per_page=1000", "page=1.5"] {
        let response = app.get(&format!("/properties?{query}")).await;
        assert_eq!(response.status(), 400, "{query}");
        let html = response.text().await.unwrap();
        assert!(html.contains("That page address is not valid"), "{query}");
    }
    let past_the_end = app.get("/properties?page=99").await;
    assert_eq!(past_the_end.status(), 200);
    assert!(past_the_end.text().await.unwrap().contains("past the last page"));
}

#[tokio::test]
async fn a_listing_title_with_markup_is_shown_as_text_everywhere() {
    let app = spawn_app(true).await;
    let slug: String = sqlx::query_scalar(
        "UPDATE listing SET title = 'Studio </title><script>alert(1)</script>'
         WHERE slug = (SELECT slug FROM listing ORDER BY slug LIMIT 1) RETURNING slug",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let html = app.get(&format!("/properties/{slug}")).await.text().await.unwrap();
    assert!(!html.contains("<script>alert(1)"), "no live script anywhere on the page");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the heading shows the text escaped");
}
