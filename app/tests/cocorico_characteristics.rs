//! Bedrooms, bathrooms, surface and capacity come from Cocorico's listing
//! characteristics, read from a real MariaDB loaded by the sandbox: known
//! where a characteristic has a whole-number value, NULL (never 0) where it
//! is absent or malformed, and each listing links back to its Cocorico page.

#![cfg(feature = "ssr")]

mod cocorico_support;

use std::collections::BTreeMap;

use app::server::jobs::cocorico;
use cocorico_support::{context, settings_for};
use sandbox::cocorico::{NewListing, insert_listing, with_scratch};
use sqlx::PgPool;

type Facts = (Option<i64>, Option<i64>, Option<i64>, Option<i64>);
/// An external id and its four facts, as a query returns them.
type Row<T> = (String, Option<T>, Option<T>, Option<T>, Option<T>);

/// What we stored per external id: bedrooms, bathrooms, surface, capacity.
async fn stored_facts(pool: &PgPool) -> anyhow::Result<BTreeMap<String, Facts>> {
    let rows: Vec<Row<i32>> = sqlx::query_as(
        "SELECT external_id, bedrooms, bathrooms, area_m2, capacity FROM listing WHERE source = 'cocorico'",
    )
    .fetch_all(pool)
    .await?;
    let wide = |n: Option<i32>| n.map(i64::from);
    Ok(rows.into_iter().map(|(id, a, b, c, d)| (id, (wide(a), wide(b), wide(c), wide(d)))).collect())
}

/// The same, worked out independently in Cocorico's database: a number only
/// where the English value's name is one ("45 m²" for a surface).
const EXPECTED: &str = "SELECT CAST(l.id AS CHAR),
        MAX(CASE WHEN c.name = 'Bedrooms' AND v.name REGEXP '^[0-9]+$' THEN CAST(v.name AS SIGNED) END),
        MAX(CASE WHEN c.name = 'Bathrooms' AND v.name REGEXP '^[0-9]+$' THEN CAST(v.name AS SIGNED) END),
        MAX(CASE WHEN c.name = 'Surface' AND v.name REGEXP '^[0-9]+ m²$'
                 THEN CAST(SUBSTRING_INDEX(v.name, ' ', 1) AS SIGNED) END),
        MAX(CASE WHEN c.name = 'Capacity' AND v.name REGEXP '^[0-9]+$' AND v.name > 0 THEN CAST(v.name AS SIGNED) END)
    FROM listing l
    LEFT JOIN listing_listing_characteristic llc ON llc.listing_id = l.id
    LEFT JOIN listing_characteristic_translation c
        ON c.translatable_id = llc.listing_characteristic_id AND c.locale = 'en'
    LEFT JOIN listing_characteristic_value_translation v
        ON v.translatable_id = llc.listing_characteristic_value_id AND v.locale = 'en'
    WHERE l.status = 2
    GROUP BY l.id";

fn with(characteristics: &[(&str, Option<&str>)]) -> NewListing {
    NewListing {
        characteristics: characteristics.iter().map(|(c, v)| ((*c).to_owned(), v.map(str::to_owned))).collect(),
        ..NewListing::default()
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn characteristics_present_absent_and_malformed_are_imported_as_known_or_unknown(pool: PgPool) {
    with_scratch(120, 31, move |scratch| async move {
        let admin = scratch.admin_pool().await?;
        let present = insert_listing(
            &admin,
            &with(&[
                ("Bedrooms", Some("3")),
                ("Bathrooms", Some("2")),
                ("Surface", Some("70 m²")),
                ("Capacity", Some("6")),
            ]),
        )
        .await?;
        let absent = insert_listing(&admin, &with(&[])).await?;
        let malformed = insert_listing(
            &admin,
            &with(&[
                ("Bedrooms", Some("Studio")),
                ("Bathrooms", None),
                ("Surface", Some("NC")),
                ("Capacity", Some("2-3")),
            ]),
        )
        .await?;
        let studio = insert_listing(&admin, &with(&[("Bedrooms", Some("0")), ("Capacity", Some("0"))])).await?;

        cocorico::run(&context(&pool, settings_for(&scratch)), "cli").await?;
        let ours = stored_facts(&pool).await?;
        assert_eq!(ours[&present.to_string()], (Some(3), Some(2), Some(70), Some(6)));
        assert_eq!(ours[&absent.to_string()], (None, None, None, None), "absent is unknown, not 0");
        assert_eq!(ours[&malformed.to_string()], (None, None, None, None), "malformed is unknown, not 0");
        assert_eq!(ours[&studio.to_string()], (Some(0), None, None, None), "0 bedrooms is known; 0 guests is not");

        // Every published listing of the generated database, checked against SQL on Cocorico's side.
        let rows: Vec<Row<i64>> = sqlx::query_as(EXPECTED).fetch_all(&admin).await?;
        let expected: BTreeMap<String, Facts> = rows.into_iter().map(|(id, a, b, c, d)| (id, (a, b, c, d))).collect();
        assert_eq!(ours, expected);
        let known = ours.values().filter(|f| f.0.is_some() && f.1.is_some() && f.2.is_some() && f.3.is_some());
        assert!(known.count() > ours.len() / 2, "most generated listings say all four");
        assert!(ours.values().filter(|f| f.0.is_none()).count() > 1, "and some do not say how many bedrooms");

        let link: Option<String> = sqlx::query_scalar("SELECT source_url FROM listing WHERE external_id = $1")
            .bind(present.to_string())
            .fetch_one(&pool)
            .await?;
        assert_eq!(link, Some(format!("https://cocorico.example/en/listing/listing-one-{present}/show")));
        Ok(())
    })
    .await
    .unwrap();
}
