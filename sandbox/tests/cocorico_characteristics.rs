//! Listing characteristics in the generated Cocorico database: Cocorico's
//! demo characteristics plus a rental install's "Bedrooms", "Bathrooms",
//! "Surface" and "Capacity", present, absent and malformed as a real install
//! has them, and linked by `insert_listing` as an owner's form would.

use sandbox::cocorico::{MIN_LISTINGS, NewListing, PROPERTY_CHARACTERISTICS, insert_listing, with_scratch};

/// Per listing: the rental characteristics linked, and those of them without
/// a whole-number value (no value, or a name like "NC").
const PER_LISTING: &str = "SELECT l.id,
        CAST(COALESCE(SUM(c.name IN ('Bedrooms', 'Bathrooms', 'Surface', 'Capacity')), 0) AS SIGNED),
        CAST(COALESCE(SUM(c.name IN ('Bedrooms', 'Bathrooms', 'Surface', 'Capacity')
            AND (v.name IS NULL OR v.name NOT REGEXP '^[0-9]+( m²)?$')), 0) AS SIGNED)
    FROM listing l
    LEFT JOIN listing_listing_characteristic llc ON llc.listing_id = l.id
    LEFT JOIN listing_characteristic_translation c
        ON c.translatable_id = llc.listing_characteristic_id AND c.locale = 'en'
    LEFT JOIN listing_characteristic_value_translation v
        ON v.translatable_id = llc.listing_characteristic_value_id AND v.locale = 'en'
    GROUP BY l.id";

#[tokio::test]
async fn characteristics_are_present_absent_and_malformed_as_the_generator_reports() -> anyhow::Result<()> {
    with_scratch(300, 17, |db| async move {
        let pool = db.read_only_pool().await?;
        let rows: Vec<(i32, i64, i64)> = sqlx::query_as(PER_LISTING).fetch_all(&pool).await?;
        assert_eq!(rows.len(), 300);
        let mut counts = [0usize; 3];
        for (_, linked, broken) in rows {
            counts[if broken > 0 { 2 } else if linked == 4 { 0 } else { 1 }] += 1;
        }
        let expected = db.report.summary.characteristics;
        assert_eq!(counts, [expected.complete, expected.partial, expected.malformed]);
        assert!(counts.iter().all(|n| *n > 0), "every case is present: {counts:?}");
        assert!(expected.complete > expected.partial + expected.malformed, "most listings are complete");

        let none: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM listing_listing_characteristic WHERE listing_characteristic_value_id IS NULL",
        )
        .fetch_one(&pool)
        .await?;
        assert!(none > 0, "some links have no value at all");
        // Cocorico's demo characteristics and values are there too, in both locales.
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM listing_characteristic_translation WHERE locale = 'en' ORDER BY translatable_id",
        )
        .fetch_all(&pool)
        .await?;
        let demo = ["Characteristic_1", "Characteristic_2", "Characteristic_3", "Characteristic_4"];
        assert_eq!(names, demo.iter().chain(&PROPERTY_CHARACTERISTICS).copied().collect::<Vec<_>>());
        let fr: String =
            sqlx::query_scalar("SELECT name FROM listing_characteristic_translation WHERE locale = 'fr' AND name LIKE 'Cha%'")
                .fetch_one(&pool)
                .await?;
        assert_eq!(fr, "Chambres");
        let quantity: Vec<String> = sqlx::query_scalar(
            "SELECT t.name FROM listing_characteristic_value v JOIN listing_characteristic_value_translation t
             ON t.translatable_id = v.id AND t.locale = 'en' WHERE v.listing_characteristic_type_id = 2 ORDER BY v.position",
        )
        .fetch_all(&pool)
        .await?;
        assert_eq!(quantity, ["1", "2", "3"]);
        Ok(())
    })
    .await
}

#[tokio::test]
async fn an_inserted_listing_carries_the_characteristics_it_is_given() -> anyhow::Result<()> {
    with_scratch(MIN_LISTINGS, 8, |db| async move {
        let admin = db.admin_pool().await?;
        let listing = NewListing {
            characteristics: vec![
                ("Bedrooms".into(), Some("2".into())),
                ("Surface".into(), Some("45 m²".into())),
                ("Bathrooms".into(), Some("two".into())),
                ("Capacity".into(), None),
            ],
            ..NewListing::default()
        };
        let id = insert_listing(&admin, &listing).await?;
        let again = insert_listing(&admin, &listing).await?;
        let pool = db.read_only_pool().await?;
        let links: Vec<(String, Option<String>)> = sqlx::query_as(
            "SELECT c.name, v.name FROM listing_listing_characteristic llc
             JOIN listing_characteristic_translation c ON c.translatable_id = llc.listing_characteristic_id AND c.locale = 'en'
             LEFT JOIN listing_characteristic_value_translation v
                 ON v.translatable_id = llc.listing_characteristic_value_id AND v.locale = 'fr'
             WHERE llc.listing_id = ? ORDER BY llc.id",
        )
        .bind(id)
        .fetch_all(&pool)
        .await?;
        let expected = [("Bedrooms", Some("2")), ("Surface", Some("45 m²")), ("Bathrooms", Some("two")), ("Capacity", None)];
        let expected: Vec<(String, Option<String>)> =
            expected.iter().map(|(c, v)| ((*c).to_owned(), v.map(str::to_owned))).collect();
        assert_eq!(links, expected);
        let twos: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM listing_characteristic_value_translation WHERE locale = 'en' AND name = 'two'",
        )
        .fetch_one(&pool)
        .await?;
        assert_eq!(twos, 1, "a value is added to its type once (listing {again} reuses it)");
        let unknown = NewListing { characteristics: vec![("Garden".into(), Some("yes".into()))], ..NewListing::default() };
        assert!(insert_listing(&admin, &unknown).await.is_err(), "only characteristics the install defines");
        Ok(())
    })
    .await
}
