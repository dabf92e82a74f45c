//! Loads generated Cocorico data into the local MariaDB (`COCORICO_ADMIN_URL`,
//! default `mysql://root@127.0.0.1:3306`) and checks what the importer relies
//! on. Every test works in its own scratch database, dropped afterwards.

use std::collections::BTreeMap;

use sandbox::cocorico::{
    GenerateOptions, ListingStatus, MIN_LISTINGS, Scratch, Secret, TimeUnit, generate, with_options, with_scratch,
};
use sqlx::MySqlPool;
use sqlx::mysql::MySqlDatabaseError;

async fn count(pool: &MySqlPool, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.expect(sql)
}

/// Every table of `infra/cocorico/schema.sql`, sorted.
const TABLES: [&str; 25] = [
    "geo_area",
    "geo_area_translation",
    "geo_city",
    "geo_city_translation",
    "geo_coordinate",
    "geo_country",
    "geo_country_translation",
    "geo_department",
    "geo_department_translation",
    "listing",
    "listing_category",
    "listing_category_translation",
    "listing_characteristic",
    "listing_characteristic_group",
    "listing_characteristic_group_translation",
    "listing_characteristic_translation",
    "listing_characteristic_type",
    "listing_characteristic_value",
    "listing_characteristic_value_translation",
    "listing_image",
    "listing_listing_category",
    "listing_listing_characteristic",
    "listing_location",
    "listing_translation",
    "user",
];

/// Some columns the importer reads or must ignore: name, type, nullable.
const COLUMNS: [(&str, &str, &str); 6] = [
    ("geo_coordinate.lat", "decimal(11,7)", "NO"),
    ("listing.createdAt", "datetime", "YES"),
    ("listing.price", "decimal(8,0)", "NO"),
    ("listing.status", "smallint(6)", "NO"),
    ("listing_translation.title", "varchar(50)", "NO"),
    ("user.iban", "varchar(45)", "YES"),
];

#[tokio::test]
async fn the_schema_applies_with_every_table_the_import_reads() -> anyhow::Result<()> {
    with_scratch(MIN_LISTINGS, 1, |db| async move {
        let pool = db.admin_pool().await?;
        let tables: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT table_name, engine, table_collation FROM information_schema.tables \
             WHERE table_schema = DATABASE() ORDER BY table_name",
        )
        .fetch_all(&pool)
        .await?;
        let names: Vec<&str> = tables.iter().map(|(name, ..)| name.as_str()).collect();
        assert_eq!(names, TABLES);
        assert!(
            tables.iter().all(|(_, engine, collation)| { engine == "InnoDB" && collation == "utf8mb4_unicode_ci" })
        );
        let columns: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT CONCAT(table_name, '.', column_name) AS name, column_type, is_nullable \
             FROM information_schema.columns WHERE table_schema = DATABASE() \
             AND CONCAT(table_name, '.', column_name) IN ('listing.status', 'listing.price', \
             'listing.createdAt', 'listing_translation.title', 'geo_coordinate.lat', 'user.iban') \
             ORDER BY name",
        )
        .fetch_all(&pool)
        .await?;
        let columns: Vec<(&str, &str, &str)> =
            columns.iter().map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str())).collect();
        assert_eq!(columns, COLUMNS);
        let foreign_keys = "SELECT COUNT(*) FROM information_schema.referential_constraints \
                            WHERE constraint_schema = DATABASE()";
        assert_eq!(count(&pool, foreign_keys).await, 33);
        Ok(())
    })
    .await
}

#[tokio::test]
async fn counts_per_status_match_the_generator_report() -> anyhow::Result<()> {
    with_scratch(120, 42, |db| async move {
        let pool = db.admin_pool().await?;
        let rows: Vec<(i16, i64)> =
            sqlx::query_as("SELECT status, COUNT(*) FROM listing GROUP BY status").fetch_all(&pool).await?;
        let by_status: BTreeMap<i16, usize> = rows.into_iter().map(|(status, n)| (status, n as usize)).collect();
        assert_eq!(by_status, db.report.summary.by_status);
        assert_eq!(by_status.keys().copied().collect::<Vec<_>>(), [1, 2, 3, 4, 5, 6]);
        assert_eq!(by_status.values().sum::<usize>(), 120);
        assert!(db.report.summary.count(ListingStatus::Published) > 60, "most listings are published");
        Ok(())
    })
    .await
}

/// Listings per set of locales, e.g. `("en,fr", 96)`.
const LOCALE_SETS: &str = "SELECT locales, COUNT(*) FROM \
    (SELECT GROUP_CONCAT(locale ORDER BY locale) AS locales FROM listing_translation \
     GROUP BY translatable_id) AS per_listing GROUP BY locales ORDER BY locales";

#[tokio::test]
async fn both_locales_exist_and_some_listings_have_only_one() -> anyhow::Result<()> {
    with_scratch(120, 42, |db| async move {
        let pool = db.admin_pool().await?;
        let rows: Vec<(String, i64)> = sqlx::query_as(LOCALE_SETS).fetch_all(&pool).await?;
        let summary = &db.report.summary;
        let expected = [
            ("en".to_owned(), summary.en_only as i64),
            ("en,fr".to_owned(), summary.both_locales as i64),
            ("fr".to_owned(), summary.fr_only as i64),
        ];
        assert_eq!(rows, expected);
        assert!(summary.en_only > 0 && summary.fr_only > 0);
        assert!(summary.both_locales > summary.en_only + summary.fr_only);
        Ok(())
    })
    .await
}

fn denied(error: &sqlx::Error) -> bool {
    let number = error.as_database_error().and_then(|e| e.try_downcast_ref::<MySqlDatabaseError>()).map(|e| e.number());
    matches!(number, Some(1142 | 1044))
}

/// Statements the read-only account must be refused.
const FORBIDDEN: [&str; 6] = [
    "INSERT INTO listing_image (listing_id, name, position) SELECT id, 'x.jpg', 9 FROM listing",
    "UPDATE listing SET status = 2",
    "DELETE FROM listing_translation",
    "CREATE TABLE intruder (id INT)",
    "DROP TABLE listing_image",
    "SELECT COUNT(*) FROM mysql.user",
];

#[tokio::test]
async fn the_read_only_user_can_select_but_not_write() -> anyhow::Result<()> {
    let mut options = Scratch::load_options(MIN_LISTINGS, 3);
    options.ro_password = Secret::new("r0 p@ss:w/rd'\"%é");
    with_options(options, |db| async move {
        let pool = db.read_only_pool().await?;
        let listings = count(&pool, "SELECT COUNT(*) FROM listing").await;
        assert_eq!(listings, MIN_LISTINGS as i64);
        let emails = count(&pool, "SELECT COUNT(email) FROM `user`").await;
        assert!(emails > 0, "the account reads every column");
        for sql in FORBIDDEN {
            let error = sqlx::raw_sql(sql).execute(&pool).await.expect_err(sql);
            assert!(denied(&error), "{sql}: {error}");
        }
        let published = count(&pool, "SELECT COUNT(*) FROM listing WHERE status = 2").await;
        assert_eq!(published as usize, db.report.summary.count(ListingStatus::Published));
        Ok(())
    })
    .await
}

#[tokio::test]
async fn generation_is_deterministic_for_a_seed() -> anyhow::Result<()> {
    let options = GenerateOptions { listings: 300, seed: 9, time_unit: TimeUnit::Day };
    assert_eq!(generate(&options)?, generate(&options)?);
    let other = generate(&GenerateOptions { seed: 10, ..options })?;
    assert_ne!(other.table("listing"), generate(&options)?.table("listing"));
    let too_few = GenerateOptions { listings: MIN_LISTINGS - 1, ..options };
    assert!(generate(&too_few).is_err());
    Ok(())
}

/// Queries counting rows that break a reference or a Cocorico rule.
const BROKEN: [&str; 7] = [
    "SELECT COUNT(*) FROM listing l LEFT JOIN listing_location ll ON ll.id = l.location_id \
     WHERE ll.id IS NULL OR ll.listing_id <> l.id",
    "SELECT COUNT(*) FROM listing_location ll \
     LEFT JOIN geo_coordinate c ON c.id = ll.coordinate_id WHERE c.id IS NULL",
    "SELECT COUNT(*) FROM listing l WHERE NOT EXISTS \
     (SELECT 1 FROM listing_translation t WHERE t.translatable_id = l.id)",
    "SELECT COUNT(*) FROM listing l WHERE NOT EXISTS \
     (SELECT 1 FROM listing_listing_category c WHERE c.listing_id = l.id)",
    "SELECT COUNT(*) FROM (SELECT MIN(position) AS low, MAX(position) AS high, COUNT(*) AS n \
     FROM listing_image GROUP BY listing_id) AS per_listing WHERE low <> 1 OR high <> n",
    "SELECT COUNT(*) FROM listing WHERE price < 100 OR price > 100000 OR price <> ROUND(price)",
    "SELECT COUNT(*) FROM listing_translation WHERE CHAR_LENGTH(title) NOT BETWEEN 3 AND 50",
];

#[tokio::test]
async fn ten_thousand_listings_load_with_intact_references() -> anyhow::Result<()> {
    with_scratch(10_000, 7, |db| async move {
        let pool = db.admin_pool().await?;
        let summary = &db.report.summary;
        let published = summary.count(ListingStatus::Published) as i64;
        assert_eq!(count(&pool, "SELECT COUNT(*) FROM listing").await, 10_000);
        assert_eq!(count(&pool, "SELECT COUNT(*) FROM listing WHERE status = 2").await, published);
        let images = count(&pool, "SELECT COUNT(*) FROM listing_image").await;
        assert_eq!(images as usize, summary.images);
        assert_eq!(count(&pool, "SELECT COUNT(*) FROM `user`").await as usize, summary.users);
        for sql in BROKEN {
            assert_eq!(count(&pool, sql).await, 0, "{sql}");
        }
        Ok(())
    })
    .await
}
