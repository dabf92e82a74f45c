//! Like with like: over a mixed data set (monthly, nightly and hourly offers
//! priced in EUR, JPY and KWD), every price sort is monotonic within one term
//! and currency, every price filter returns exactly what SQL with the right
//! units returns, and the page says which term it shows.

use serde_json::Value;

use crate::helpers::{TestApp, spawn_app};

/// (stored unit, URL term, lowest price and step in minor units) per currency.
const UNITS: [(&str, &str); 3] = [("month", "month"), ("day", "night"), ("hour", "hour")];
const CURRENCIES: [&str; 3] = ["EUR", "JPY", "KWD"];

/// A price ladder per unit and currency, overlapping on purpose: a night in
/// KWD is a bigger number than a month in EUR, an hour in JPY bigger than a
/// night in EUR.
fn prices(unit: &str, currency: &str) -> Vec<i64> {
    let (low, step) = match (unit, currency) {
        ("month", "EUR") => (45_000, 31_000),
        ("month", "JPY") => (80_000, 23_000),
        ("month", "KWD") => (200_000, 97_000),
        ("day", "EUR") => (2_600, 1_900),
        ("day", "JPY") => (5_000, 3_100),
        ("day", "KWD") => (15_000, 6_500),
        ("hour", "EUR") => (500, 410),
        ("hour", "JPY") => (800, 530),
        _ => (2_000, 1_150),
    };
    // Eight offers, two of them at the same price.
    (0..8).map(|i| low + step * [0, 3, 1, 5, 2, 2, 7, 4][i]).collect()
}

async fn mixed_data_set(app: &TestApp) {
    for (unit, _) in UNITS {
        for currency in CURRENCIES {
            for (i, price) in prices(unit, currency).into_iter().enumerate() {
                let slug = format!("{unit}-{}-{i}", currency.to_lowercase());
                sqlx::query(
                    "INSERT INTO listing (id, source, slug, title, property_type, city, country, price_minor,
                         currency, price_unit, published, published_at)
                     VALUES (gen_random_uuid(), 'local', $1, $1, 'apartment', $2, 'FR', $3, $4, $5, true,
                             now() - make_interval(mins => $6))",
                )
                .bind(&slug)
                .bind(if i % 2 == 0 { "Lyon" } else { "Osaka" })
                .bind(price)
                .bind(currency)
                .bind(unit)
                .bind(i as i32)
                .execute(&app.pool)
                .await
                .unwrap();
            }
        }
    }
}

async fn search(app: &TestApp, query: &str) -> Value {
    let response = app.get(&format!("/api/properties?{query}&per_page=100")).await;
    assert_eq!(response.status(), 200, "{query}");
    response.json().await.unwrap()
}

fn items(body: &Value) -> &Vec<Value> {
    body["items"].as_array().unwrap()
}

/// The slugs SQL finds for a unit and currency between two amounts in major
/// units, converting them with the currency's ISO 4217 exponent.
async fn sql_slugs(app: &TestApp, unit: &str, currency: &str, min: Option<&str>, max: Option<&str>) -> Vec<String> {
    let mut slugs: Vec<String> = sqlx::query_scalar(
        "SELECT slug FROM listing,
                LATERAL (SELECT power(10::numeric, CASE currency WHEN 'JPY' THEN 0 WHEN 'KWD' THEN 3 ELSE 2 END)) AS s(scale)
         WHERE published AND price_unit = $1 AND currency = $2
           AND ($3::numeric IS NULL OR price_minor >= $3::numeric * scale)
           AND ($4::numeric IS NULL OR price_minor <= $4::numeric * scale)",
    )
    .bind(unit)
    .bind(currency)
    .bind(min)
    .bind(max)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    slugs.sort();
    slugs
}

fn slugs_of(body: &Value) -> Vec<String> {
    let mut slugs: Vec<String> = items(body).iter().map(|l| l["slug"].as_str().unwrap().to_owned()).collect();
    slugs.sort();
    slugs
}

#[tokio::test]
async fn every_price_sort_is_monotonic_within_one_term_and_currency() {
    let app = spawn_app(false).await;
    mixed_data_set(&app).await;
    for (unit, term) in UNITS {
        for currency in CURRENCIES {
            for (sort, ascending) in [("price", true), ("price_desc", false)] {
                let query = format!("term={term}&currency={currency}&sort={sort}");
                let body = search(&app, &query).await;
                assert_eq!((body["term"].as_str(), body["currency"].as_str()), (Some(term), Some(currency)));
                assert!(items(&body).iter().all(|l| l["price"]["per"] == unit && l["price"]["currency"] == currency));
                let prices: Vec<i64> = items(&body).iter().map(|l| l["price"]["minor"].as_i64().unwrap()).collect();
                assert_eq!(prices.len(), 8, "{query}");
                let ordered = prices.windows(2).all(|w| if ascending { w[0] <= w[1] } else { w[0] >= w[1] });
                assert!(ordered, "{query}: {prices:?}");
            }
        }
    }
    // Without a term or a currency: monthly offers in EUR, and it says so.
    let body = search(&app, "sort=price").await;
    assert_eq!(slugs_of(&body), sql_slugs(&app, "month", "EUR", None, None).await);
    assert_eq!((body["term"].as_str(), body["currency"].as_str()), (Some("month"), Some("EUR")));
    // Every term at once is listed newest first, never by price.
    let every = search(&app, "term=any").await;
    assert_eq!(every["total"], 72);
    for query in ["term=any&sort=price", "term=any&sort=price_desc", "term=any&min_price=10"] {
        let response = app.get(&format!("/api/properties?{query}")).await;
        assert_eq!(response.status(), 400, "{query}");
        let body: Value = response.json().await.unwrap();
        assert!(body["error"]["message"].as_str().unwrap().contains("`term`"), "{query}: {body}");
    }
}

#[tokio::test]
async fn every_price_filter_returns_what_sql_with_the_currency_s_units_returns() {
    let app = spawn_app(false).await;
    mixed_data_set(&app).await;
    let bands: [(&str, Option<&str>, Option<&str>); 12] = [
        ("EUR", Some("700"), Some("1500")),
        ("EUR", None, Some("30.25")),
        ("EUR", Some("19.5"), None),
        ("JPY", Some("10000"), Some("200000")),
        ("JPY", None, Some("1500")),
        ("JPY", Some("90000"), None),
        ("KWD", Some("45.5"), Some("600")),
        ("KWD", None, Some("4.3")),
        ("KWD", Some("0.125"), Some("28")),
        ("KWD", Some("900"), None),
        ("EUR", Some("0"), Some("100000000")),
        ("JPY", Some("3"), Some("3")),
    ];
    for (unit, term) in UNITS {
        for (currency, min, max) in bands {
            let mut query = format!("term={term}&currency={currency}");
            for (name, value) in [("min_price", min), ("max_price", max)] {
                if let Some(value) = value {
                    query.push_str(&format!("&{name}={value}"));
                }
            }
            let body = search(&app, &query).await;
            let expected = sql_slugs(&app, unit, currency, min, max).await;
            assert_eq!(slugs_of(&body), expected, "{query}");
            assert_eq!(body["total"], expected.len(), "{query}");
        }
    }
    // A price filter without a term or a currency: per month, in EUR.
    let body = search(&app, "min_price=700&max_price=1500").await;
    assert_eq!(slugs_of(&body), sql_slugs(&app, "month", "EUR", Some("700"), Some("1500")).await);
    assert!(body["note"].as_str().unwrap().contains("per month"), "{}", body["note"]);
    // Amounts more precise than the currency are refused, naming the parameter.
    for query in ["currency=JPY&max_price=12.5", "currency=EUR&min_price=1.234", "currency=KWD&min_price=1.2345"] {
        let response = app.get(&format!("/api/properties?{query}")).await;
        assert_eq!(response.status(), 400, "{query}");
        let body: Value = response.json().await.unwrap();
        assert!(body["error"]["message"].as_str().unwrap().contains("_price`"), "{query}: {body}");
    }
}

#[tokio::test]
async fn the_page_says_which_term_it_shows_and_each_card_its_unit() {
    let app = spawn_app(false).await;
    mixed_data_set(&app).await;
    let page = |path: &'static str| {
        let app = &app;
        async move {
            let response = app.get(path).await;
            assert_eq!(response.status(), 200, "{path}");
            response.text().await.unwrap()
        }
    };
    let monthly = page("/properties?per_page=100").await;
    assert!(monthly.contains("Showing long-term homes, priced per month."));
    assert_eq!(monthly.matches("/ month</span>").count(), 24, "every monthly offer, and only those");
    assert!(!monthly.contains("/ night</span>") && !monthly.contains("/ hour</span>"));

    let nightly = page("/properties?term=night&per_page=100").await;
    assert!(nightly.contains("Showing short stays, priced per night."));
    assert_eq!(nightly.matches("/ night</span>").count(), 24);

    let priced = page("/properties?min_price=700").await;
    assert!(priced.contains("Prices are compared in EUR only"));
    assert!(priced.contains("The price range is per month: choose a term to search short stays."));

    let hourly_yen = page("/properties?term=hour&currency=JPY&sort=price").await;
    assert!(hourly_yen.contains("short stays, priced per hour") && hourly_yen.contains("compared in JPY only"));
    assert!(!hourly_yen.contains("choose a term"));
}
