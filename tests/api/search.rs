//! `/api/properties` (search over local and imported listings) and
//! `/api/listings`: each filter, the sorts, paging, and bad parameters.

use serde_json::Value;

use crate::helpers::{TestApp, spawn_app};

async fn search(app: &TestApp, query: &str) -> Value {
    let response = app.get(&format!("/api/properties?{query}")).await;
    assert_eq!(response.status(), 200, "{query}");
    response.json().await.unwrap()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM listing WHERE published AND {sql}")))
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

fn items(body: &Value) -> &Vec<Value> {
    body["items"].as_array().unwrap()
}

#[tokio::test]
async fn each_filter_narrows_the_results_to_what_matches() {
    let app = spawn_app(true).await;
    let all = search(&app, "").await;
    assert_eq!(all["total"], 40);
    assert_eq!(items(&all).len(), 12);

    let lyon = search(&app, "city=lyon&per_page=100").await;
    assert_eq!(lyon["total"], count(&app, "city = 'Lyon'").await);
    assert!(items(&lyon).iter().all(|l| l["city"] == "Lyon"));

    let priced = search(&app, "min_price=700&max_price=1000&per_page=100").await;
    assert_eq!(priced["total"], count(&app, "price_minor BETWEEN 70000 AND 100000").await);
    assert!(items(&priced).iter().all(|l| (70_000..=100_000).contains(&l["price"]["minor"].as_i64().unwrap())));

    let big = search(&app, "bedrooms=2&per_page=100").await;
    assert_eq!(big["total"], count(&app, "bedrooms >= 2").await);
    let studios = search(&app, "type=studio&per_page=100").await;
    assert_eq!(studios["total"], count(&app, "property_type = 'studio'").await);
    assert!(items(&studios).iter().all(|l| l["property_type"] == "studio"));

    let soon = search(&app, "available_from=2026-11-30&per_page=100").await;
    assert_eq!(soon["total"], count(&app, "(available_from IS NULL OR available_from <= '2026-11-30')").await);
    assert_eq!(search(&app, "source=cocorico").await["total"], 0, "no imported listing yet");
    assert_eq!(search(&app, "source=local").await["total"], 40);
}

#[tokio::test]
async fn full_text_finds_words_in_titles_and_descriptions() {
    let app = spawn_app(true).await;
    let lofts = search(&app, "q=loft&per_page=100").await;
    let expected = count(&app, "(title ILIKE '%loft%' OR description ILIKE '%loft%')").await;
    assert!(expected > 0);
    assert_eq!(lofts["total"], expected);
    assert_eq!(search(&app, "q=zzzznotaword").await["total"], 0);
    let quoted = search(&app, "q=%22fibre+internet%22&per_page=100").await;
    assert_eq!(quoted["total"], count(&app, "description ILIKE '%fibre internet%'").await);
}

#[tokio::test]
async fn results_sort_by_price_or_newest_and_page_with_counts() {
    let app = spawn_app(true).await;
    let cheap = search(&app, "sort=price&per_page=100").await;
    let prices: Vec<i64> = items(&cheap).iter().map(|l| l["price"]["minor"].as_i64().unwrap()).collect();
    assert!(prices.windows(2).all(|w| w[0] <= w[1]), "ascending");
    let dear = search(&app, "sort=price_desc&per_page=100").await;
    let prices: Vec<i64> = items(&dear).iter().map(|l| l["price"]["minor"].as_i64().unwrap()).collect();
    assert!(prices.windows(2).all(|w| w[0] >= w[1]), "descending");

    let last = search(&app, "per_page=15&page=3").await;
    assert_eq!((last["total"].as_i64(), last["pages"].as_i64(), items(&last).len()), (Some(40), Some(3), 10));
    let past = search(&app, "per_page=15&page=9").await;
    assert_eq!((past["total"].as_i64(), items(&past).len()), (Some(40), 0), "the total survives an empty page");
}

#[tokio::test]
async fn bad_parameters_get_a_clear_400_naming_them() {
    let app = spawn_app(true).await;
    for (query, name) in [
        ("page=-1", "page"),
        ("per_page=101", "per_page"),
        ("min_price=abc", "min_price"),
        ("bedrooms=lots", "bedrooms"),
        ("type=castle", "type"),
        ("available_from=soon", "available_from"),
        ("source=ebay", "source"),
        ("sort=random", "sort"),
        ("min_price=900&max_price=100", "min_price"),
    ] {
        let response = app.get(&format!("/api/properties?{query}")).await;
        assert_eq!(response.status(), 400, "{query}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "validation");
        assert!(body["error"]["message"].as_str().unwrap().contains(&format!("`{name}`")), "{query}: {body}");
    }
}

#[tokio::test]
async fn api_listings_serves_only_imported_listings() {
    let app = spawn_app(true).await;
    let body: Value = app.get("/api/listings").await.json().await.unwrap();
    assert_eq!(body["total"], 0);
    sqlx::query(
        "UPDATE listing SET source = 'cocorico', external_id = '7' WHERE slug = (SELECT min(slug) FROM listing)",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let body: Value = app.get("/api/listings").await.json().await.unwrap();
    assert_eq!(body["total"], 1);
    assert_eq!(items(&body)[0]["source"], "cocorico");
    assert!(items(&body)[0]["url"].as_str().unwrap().starts_with("/properties/"));
}
