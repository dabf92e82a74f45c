//! The helpers that change a loaded Cocorico source the way its admin or an
//! owner would: approve, retitle, add and delete listings.

use sandbox::cocorico::{
    ListingStatus, MIN_LISTINGS, NewListing, delete_listing, insert_listing, set_listing_status, update_listing_title,
    with_scratch,
};
use sqlx::MySqlPool;

async fn scalar(pool: &MySqlPool, sql: &'static str, id: i64) -> i64 {
    sqlx::query_scalar(sql).bind(id).fetch_one(pool).await.expect(sql)
}

async fn text(pool: &MySqlPool, sql: &'static str, id: i64) -> String {
    sqlx::query_scalar(sql).bind(id).fetch_one(pool).await.expect(sql)
}

const UPDATED_AT: &str = "SELECT CAST(updatedAt AS CHAR) FROM listing WHERE id = ?";

#[tokio::test]
async fn approving_a_listing_publishes_it_and_bumps_updated_at() -> anyhow::Result<()> {
    with_scratch(MIN_LISTINGS, 5, |db| async move {
        let pool = db.admin_pool().await?;
        let waiting: i32 =
            sqlx::query_scalar("SELECT id FROM listing WHERE status = 6 LIMIT 1").fetch_one(&pool).await?;
        let id = i64::from(waiting);
        let before = text(&pool, UPDATED_AT, id).await;
        set_listing_status(&pool, id, ListingStatus::Published).await?;
        assert_eq!(scalar(&pool, "SELECT status FROM listing WHERE id = ?", id).await, 2);
        assert!(text(&pool, UPDATED_AT, id).await > before, "generated dates end in 2021");
        assert!(set_listing_status(&pool, 1, ListingStatus::Suspended).await.is_err(), "no listing has id 1");
        Ok(())
    })
    .await
}

const EN_TITLE_AND_SLUG: &str =
    "SELECT title, slug FROM listing_translation WHERE translatable_id = ? AND locale = 'en'";

#[tokio::test]
async fn retitling_changes_the_translation_and_slug_but_not_updated_at() -> anyhow::Result<()> {
    with_scratch(MIN_LISTINGS, 5, |db| async move {
        let pool = db.admin_pool().await?;
        let id = db.report.summary.tricky.script_title;
        let before = text(&pool, UPDATED_AT, id).await;
        update_listing_title(&pool, id, "en", "Quiet studio near the canal").await?;
        let row: (String, String) = sqlx::query_as(EN_TITLE_AND_SLUG).bind(id).fetch_one(&pool).await?;
        let slug = format!("quiet-studio-near-the-canal-{id}");
        assert_eq!(row, ("Quiet studio near the canal".to_owned(), slug));
        assert_eq!(text(&pool, UPDATED_AT, id).await, before);
        let missing = db.report.summary.tricky.missing_en;
        assert!(update_listing_title(&pool, missing, "en", "Nope").await.is_err());
        Ok(())
    })
    .await
}

/// What the importer's main query reads of one listing, in `en`.
const IMPORT_VIEW: &str = "SELECT l.status, CAST(l.price AS CHAR), ln.city, \
    CAST(co.lat AS CHAR), t.slug FROM listing l \
    JOIN listing_location ln ON ln.id = l.location_id AND ln.listing_id = l.id \
    JOIN geo_coordinate co ON co.id = ln.coordinate_id \
    JOIN listing_translation t ON t.translatable_id = l.id AND t.locale = 'en' WHERE l.id = ?";

#[tokio::test]
async fn an_inserted_listing_is_complete_and_readable_by_the_read_only_user() -> anyhow::Result<()> {
    with_scratch(MIN_LISTINGS, 5, |db| async move {
        let id = insert_listing(&db.admin_pool().await?, &NewListing::default()).await?;
        let pool = db.read_only_pool().await?;
        let row: (i16, String, String, String, String) = sqlx::query_as(IMPORT_VIEW).bind(id).fetch_one(&pool).await?;
        let slug = format!("listing-one-{id}");
        let expected = (2, "10000".into(), "Paris".into(), "48.8697174".into(), slug);
        assert_eq!(row, expected);
        let children = [
            ("SELECT COUNT(*) FROM listing_translation WHERE translatable_id = ?", 2),
            ("SELECT COUNT(*) FROM listing_image WHERE listing_id = ?", 1),
            ("SELECT COUNT(*) FROM listing_listing_category WHERE listing_id = ?", 1),
        ];
        for (sql, expected) in children {
            assert_eq!(scalar(&pool, sql, id).await, expected, "{sql}");
        }
        Ok(())
    })
    .await
}

#[tokio::test]
async fn deleting_a_listing_removes_it_and_its_dependent_rows() -> anyhow::Result<()> {
    with_scratch(MIN_LISTINGS, 5, |db| async move {
        let pool = db.admin_pool().await?;
        let id = db.report.summary.tricky.placeholder_images;
        delete_listing(&pool, id).await?;
        let leftovers = [
            "SELECT COUNT(*) FROM listing WHERE id = ?",
            "SELECT COUNT(*) FROM listing_translation WHERE translatable_id = ?",
            "SELECT COUNT(*) FROM listing_image WHERE listing_id = ?",
            "SELECT COUNT(*) FROM listing_location WHERE listing_id = ?",
            "SELECT COUNT(*) FROM listing_listing_category WHERE listing_id = ?",
        ];
        for sql in leftovers {
            assert_eq!(scalar(&pool, sql, id).await, 0, "{sql}");
        }
        assert!(delete_listing(&pool, id).await.is_err());
        Ok(())
    })
    .await
}
