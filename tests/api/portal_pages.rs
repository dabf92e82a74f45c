//! The portal pages as a browser without JavaScript and a crawler see them:
//! the filter form's GET path, sharing tags and JSON-LD under a hostile
//! title, the sitemap and robots.txt.

use std::collections::BTreeSet;

use crate::helpers::{TestApp, spawn_app};

/// The server's public URL in these tests (the default of `MARKETPLACE_PUBLIC_URL`).
const SITE: &str = "http://127.0.0.1:3101";

/// HTML attribute and text unescaping for the entities the renderer writes.
fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// The text of the one pagination link marked `aria-current`, failing when
/// none or several are.
fn current_page_link(html: &str) -> String {
    let nav = &html[html.find("aria-label=\"Pagination\"").expect("pagination")..];
    let nav = &nav[..nav.find("</nav>").expect("end of pagination")];
    assert_eq!(nav.matches("aria-current").count(), 1, "exactly one page link is current: {nav}");
    let at = &nav[nav.find("aria-current=\"page\"").expect("aria-current=page")..];
    let text = &at[at.find('>').unwrap() + 1..];
    text[..text.find("</a>").unwrap()].to_owned()
}

/// The first tag (`<name …>`) that contains `needle`.
fn tag_with<'a>(html: &'a str, name: &str, needle: &str) -> &'a str {
    let at = html.find(needle).unwrap_or_else(|| panic!("no {needle} in the page"));
    let start = html[..at].rfind(&format!("<{name}")).expect("tag start");
    let end = at + html[at..].find('>').expect("tag end");
    &html[start..=end]
}

/// The unescaped value of attribute `attr` in `tag`.
fn attr(tag: &str, attr: &str) -> Option<String> {
    let key = format!(" {attr}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(unescape(&tag[start..start + len]))
}

/// The slugs of the result cards, in page order.
fn card_slugs(html: &str) -> Vec<String> {
    let grid = &html[html.find("data-testid=\"listing-grid\"").expect("a result grid")..];
    let grid = &grid[..grid.find("</ul>").expect("end of grid")];
    grid.split("href=\"/properties/").skip(1).map(|rest| rest[..rest.find('"').unwrap()].to_owned()).collect()
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned())).fetch_one(&app.pool).await.unwrap()
}

#[tokio::test]
async fn the_filter_form_works_without_javascript_and_pagination_keeps_the_filters() {
    let app = spawn_app(true).await;
    let filter = "city = 'Lyon' AND price_minor BETWEEN 50000 AND 200000";
    let expected = scalar(&app, &format!("SELECT count(*) FROM listing WHERE published AND {filter}")).await;
    assert!(expected > 2, "the demo data has several matching homes ({expected})");

    // What a GET form submission of the city and price fields sends.
    let response = app.get("/properties?q=&city=Lyon&min_price=500&max_price=2000&bedrooms=&type=&per_page=2").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    let slugs = card_slugs(&html);
    assert_eq!(slugs.len(), 2, "one page of two cards");
    for slug in &slugs {
        let matches =
            scalar(&app, &format!("SELECT count(*) FROM listing WHERE slug = '{slug}' AND published AND {filter}"))
                .await;
        assert_eq!(matches, 1, "{slug} matches the filters");
    }
    for slug in &slugs {
        // Hydration receives the counts, not the cards: the markup has them.
        assert_eq!(html.matches(slug.as_str()).count(), 1, "{slug} is written once, in its card");
    }
    assert!(html.contains(&format!("{expected} properties found")), "the count is announced");
    assert!(html.contains(&format!("Showing 1–2 of {expected}")));

    // The form shows the filters it was sent, and the pages keep them.
    assert_eq!(attr(tag_with(&html, "input", "id=\"filter-city\""), "value").as_deref(), Some("Lyon"));
    assert_eq!(attr(tag_with(&html, "input", "id=\"filter-min_price\""), "value").as_deref(), Some("500"));
    assert_eq!(attr(tag_with(&html, "input", "name=\"per_page\""), "value").as_deref(), Some("2"));
    let page_two = "/properties?city=Lyon&min_price=500&max_price=2000&page=2&per_page=2";
    assert!(unescape(&html).contains(&format!("href=\"{page_two}\"")), "the next page keeps the filters");
    assert_eq!(current_page_link(&html), "1");
    let next = app.get(page_two).await.text().await.unwrap();
    assert_eq!(current_page_link(&next), "2", "only the page shown is marked current");
    assert!(!html.contains("aria-current=\"page\" aria-current"), "no attribute is written twice");
    assert!(next.contains(&format!("Showing 3–{} of {expected}", expected.min(4))));
    assert!(card_slugs(&next).iter().all(|s| !slugs.contains(s)), "page two shows other homes");

    // Selects keep their choice; a search without results says so.
    let studios = app.get("/properties?type=studio&sort=price").await.text().await.unwrap();
    assert!(studios.contains("<option value=\"studio\" selected"), "the chosen type stays selected");
    assert!(studios.contains("<option value=\"price\" selected"));
    let none = app.get("/properties?city=Nowhere").await.text().await.unwrap();
    assert!(none.contains("No properties match these filters"));
    assert!(none.contains("0 properties found"));

    // A malformed filter is a 400 that names it, with the form still there.
    let bad = app.get("/properties?min_price=cheap").await;
    assert_eq!(bad.status(), 400);
    let bad = bad.text().await.unwrap();
    assert!(bad.contains("`min_price` must be an amount in EUR"));
    let field = tag_with(&bad, "input", "id=\"filter-min_price\"");
    assert_eq!(attr(field, "value").as_deref(), Some("cheap"), "the field shows what the message names");
    assert_eq!(attr(field, "type").as_deref(), Some("text"), "a number field would show it empty");
}

/// The details element of the "More filters" fold.
fn more_filters(html: &str) -> &str {
    let start = html.find("<details").expect("a More filters fold");
    &html[start..start + html[start..].find("</summary>").expect("its summary")]
}

#[tokio::test]
async fn the_less_used_filters_fold_away_unless_one_is_set() {
    let app = spawn_app(true).await;
    let plain = app.get("/properties?city=Lyon&min_price=500").await.text().await.unwrap();
    let fold = more_filters(&plain);
    assert!(!fold.contains(" open"), "folded when none of its filters is set: {fold}");
    assert!(fold.contains("More filters") && !fold.contains(" set)"), "counts nothing: {fold}");
    assert!(plain.contains("id=\"filter-bedrooms\""), "its fields are in the form, folded or not");

    let set = app.get("/properties?bedrooms=2&source=local&city=Lyon").await.text().await.unwrap();
    let fold = more_filters(&set);
    assert!(fold.contains(" open"), "unfolded when the page arrives with its filters set: {fold}");
    assert!(fold.contains("(2 set)"), "says how many of its filters are set: {fold}");
    assert!(set.contains("<option value=\"2\" selected>2 or more"), "and shows them");
}

#[tokio::test]
async fn sharing_tags_and_json_ld_survive_a_hostile_title() {
    let app = spawn_app(true).await;
    let hostile = r#"</script><script>alert(1)</script> "Nid" & <!-- 'co' -->"#;
    let slug: String = sqlx::query_scalar(
        "UPDATE listing SET title = $1, latitude = 45.764043, longitude = 4.835659
         WHERE slug = (SELECT slug FROM listing WHERE published ORDER BY slug LIMIT 1) RETURNING slug",
    )
    .bind(hostile)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let html = app.get(&format!("/properties/{slug}")).await.text().await.unwrap();
    assert!(!html.contains("<script>alert(1)"), "no live script anywhere on the page");
    assert!(!html.contains("<!-- 'co'"), "no comment opened by the title");

    let canonical = format!("{SITE}/properties/{slug}");
    assert_eq!(attr(tag_with(&html, "link", "rel=\"canonical\""), "href"), Some(canonical.clone()));
    for property in ["og:title", "twitter:title"] {
        let tag = tag_with(&html, "meta", &format!("=\"{property}\""));
        assert!(!tag[1..].contains('<'), "{property}: {tag}");
        assert_eq!(attr(tag, "content").as_deref(), Some(hostile), "{property} carries the title as text");
    }
    assert_eq!(attr(tag_with(&html, "meta", "property=\"og:url\""), "content"), Some(canonical.clone()));
    let image = attr(tag_with(&html, "meta", "property=\"og:image\""), "content").unwrap();
    assert!(image.starts_with(&format!("{SITE}/")), "absolute image URL: {image}");

    let open = "<script type=\"application/ld+json\">";
    let start = html.find(open).expect("a JSON-LD script") + open.len();
    let body = &html[start..start + html[start..].find("</script>").unwrap()];
    assert!(!body.contains('<'), "nothing in the JSON can end the script");
    let ld: serde_json::Value = serde_json::from_str(body).expect("JSON-LD parses");
    assert_eq!(ld["@type"], "Offer");
    assert_eq!(ld["name"], hostile);
    assert_eq!(ld["url"], canonical);
    assert_eq!(ld["priceSpecification"]["unitCode"], "MON");
    assert_eq!(ld["itemOffered"]["geo"]["latitude"], 45.764043);
    assert!(ld["priceCurrency"].as_str().unwrap().len() == 3);

    let map = attr(tag_with(&html, "a", "data-testid=\"map-link\""), "href").unwrap();
    assert_eq!(map, "https://www.openstreetmap.org/?mlat=45.764043&mlon=4.835659#map=16/45.764043/4.835659");
}

#[tokio::test]
async fn the_sitemap_lists_every_published_listing_and_nothing_else() {
    let app = spawn_app(true).await;
    let hidden: String = sqlx::query_scalar(
        "UPDATE listing SET published = false WHERE slug = (SELECT min(slug) FROM listing) RETURNING slug",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let imported: String = sqlx::query_scalar(
        "UPDATE listing SET source = 'cocorico', external_id = '1565694498'
         WHERE slug = (SELECT max(slug) FROM listing) RETURNING slug",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();

    let response = app.get("/sitemap.xml").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/xml"));
    let xml = response.text().await.unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("the sitemap is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "urlset");
    assert_eq!(root.tag_name().namespace(), Some("http://www.sitemaps.org/schemas/sitemap/0.9"));
    let locs: BTreeSet<String> =
        root.descendants().filter(|n| n.has_tag_name("loc")).map(|n| n.text().unwrap_or_default().to_owned()).collect();
    let slugs: Vec<String> =
        sqlx::query_scalar("SELECT slug FROM listing WHERE published").fetch_all(&app.pool).await.unwrap();
    let mut expected: BTreeSet<String> = slugs.iter().map(|s| format!("{SITE}/properties/{s}")).collect();
    expected.insert(format!("{SITE}/"));
    expected.insert(format!("{SITE}/properties"));
    assert_eq!(locs, expected, "every published listing, the home page and the search");
    assert!(locs.contains(&format!("{SITE}/properties/{imported}")), "imported listings are in it");
    assert!(!locs.contains(&format!("{SITE}/properties/{hidden}")), "unpublished ones are not");
    let lastmods = root.descendants().filter(|n| n.has_tag_name("lastmod")).count();
    assert_eq!(lastmods, slugs.len(), "each listing says when it changed");

    let part = app.get("/sitemaps/listings-1.xml").await;
    assert_eq!(part.status(), 200);
    roxmltree::Document::parse(&part.text().await.unwrap()).expect("a part is well-formed too");
    assert_eq!(app.get("/sitemaps/listings-2.xml").await.status(), 404);
    assert_eq!(app.get("/sitemaps/secrets.xml").await.status(), 404);
}

#[tokio::test]
async fn robots_txt_points_crawlers_at_the_sitemap() {
    let app = spawn_app(false).await;
    let response = app.get("/robots.txt").await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(text.contains("Disallow: /admin/"));
    assert!(text.lines().any(|l| l == format!("Sitemap: {SITE}/sitemap.xml")), "{text}");
}

#[tokio::test]
async fn the_search_server_function_answers_an_empty_filter_set() {
    // What the hydrated page sends when it navigates to /properties with no filter.
    let app = spawn_app(true).await;
    let published = scalar(&app, "SELECT count(*) FROM listing WHERE published").await;
    let response = app
        .client
        .post(format!("{}/api/listings/search", app.address))
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .body(r#"{"params":{}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let page: serde_json::Value = response.json().await.unwrap();
    assert_eq!(page["total"].as_i64(), Some(published), "every published listing: {page}");
}
