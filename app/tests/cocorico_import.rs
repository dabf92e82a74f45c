//! The Cocorico import against a real MariaDB loaded by the sandbox and a
//! real PostgreSQL: what the first run brings in, that a second run changes
//! nothing, and that edits, suspensions, deletions and approvals are picked up.

#![cfg(feature = "ssr")]

mod cocorico_support;

use app::server::jobs::cocorico;
use cocorico_support::{cocorico_ids, context, last_run, published_ids, settings_for, stored};
use sandbox::cocorico::{ListingStatus, delete_listing, set_listing_status, update_listing_title, with_scratch};
use sqlx::PgPool;

const LISTINGS: usize = 80;

#[sqlx::test(migrations = "../migrations")]
async fn the_first_import_brings_in_exactly_the_approved_listings_and_a_second_changes_nothing(pool: PgPool) {
    with_scratch(LISTINGS, 11, move |scratch| async move {
        let approved = cocorico_ids(&scratch, 2).await?;
        assert!(approved.len() > 10, "the data set has approved listings");
        let ctx = context(&pool, settings_for(&scratch));

        let first = cocorico::run(&ctx, "cli").await?;
        let after_first = stored(&pool).await?;
        assert_eq!(published_ids(&after_first), approved, "exactly the approved listings");
        assert_eq!(after_first.len(), approved.len(), "nothing else is stored");
        let n = approved.len() as i32;
        assert_eq!((first.records_in, first.records_out, first.records_skipped, first.records_failed), (n, n, 0, 0));
        assert_eq!(last_run(&pool).await?, ("succeeded".into(), None, [n, n, 0, 0]));
        assert!(after_first.values().all(|r| r.price_unit == "day"));

        let second = cocorico::run(&ctx, "schedule").await?;
        assert_eq!((second.records_in, second.records_out, second.records_skipped), (n, 0, n));
        assert_eq!(stored(&pool).await?, after_first, "no row, and no updated_at, moved");
        Ok(())
    })
    .await
    .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn edits_suspensions_deletions_and_new_approvals_are_picked_up(pool: PgPool) {
    with_scratch(LISTINGS, 12, move |scratch| async move {
        let ctx = context(&pool, settings_for(&scratch));
        cocorico::run(&ctx, "cli").await?;
        let before = stored(&pool).await?;
        let admin = scratch.admin_pool().await?;
        let approved_en: Vec<i32> = sqlx::query_scalar(
            "SELECT l.id FROM listing l JOIN listing_translation t ON t.translatable_id = l.id
             WHERE l.status = 2 AND t.locale = 'en' ORDER BY l.id LIMIT 3",
        )
        .fetch_all(&admin)
        .await?;
        let (edited, suspended, deleted) = (approved_en[0], approved_en[1], approved_en[2]);
        let waiting: i32 =
            sqlx::query_scalar("SELECT id FROM listing WHERE status = 6 ORDER BY id LIMIT 1").fetch_one(&admin).await?;
        update_listing_title(&admin, i64::from(edited), "en", "Freshly renamed loft").await?;
        set_listing_status(&admin, i64::from(suspended), ListingStatus::Suspended).await?;
        delete_listing(&admin, i64::from(deleted)).await?;
        set_listing_status(&admin, i64::from(waiting), ListingStatus::Published).await?;

        let summary = cocorico::run(&ctx, "cli").await?;
        assert_eq!(summary.records_out, 4, "one edit, two unpublished, one new");
        let after = stored(&pool).await?;
        let row = |id: i32| after.get(&id.to_string()).cloned().expect("stored");
        assert_eq!(row(edited).title, "Freshly renamed loft");
        assert!(row(edited).slug.starts_with("freshly-renamed-loft-"), "{}", row(edited).slug);
        assert!(!row(suspended).published && !row(deleted).published, "unpublished, never deleted");
        assert!(row(waiting).published);
        let moved: Vec<&String> =
            after.keys().filter(|id| before.get(*id).is_some_and(|b| b.updated_at != after[*id].updated_at)).collect();
        assert_eq!(moved.len(), 3, "only the edited and unpublished rows were written: {moved:?}");
        assert_eq!(published_ids(&after), cocorico_ids(&scratch, 2).await?);

        set_listing_status(&admin, i64::from(suspended), ListingStatus::Published).await?;
        let again = cocorico::run(&ctx, "cli").await?;
        assert_eq!(again.records_out, 1, "the suspended listing is back");
        assert!(stored(&pool).await?[&suspended.to_string()].published);
        Ok(())
    })
    .await
    .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn a_cocorico_slug_taken_by_one_of_our_listings_gets_a_suffix(pool: PgPool) {
    with_scratch(LISTINGS, 13, move |scratch| async move {
        let unicode = scratch.report.summary.tricky.unicode;
        let admin = scratch.admin_pool().await?;
        let slug: String = sqlx::query_scalar("SELECT slug FROM listing_translation WHERE translatable_id = ? AND locale = 'en'")
            .bind(unicode)
            .fetch_one(&admin)
            .await?;
        sqlx::query(
            "INSERT INTO listing (id, source, slug, title, property_type, city, country, price_minor, currency, price_unit)
             VALUES (gen_random_uuid(), 'local', $1, 'Ours', 'apartment', 'Berlin', 'DE', 100000, 'EUR', 'month')",
        )
        .bind(&slug)
        .execute(&pool)
        .await?;
        let ctx = context(&pool, settings_for(&scratch));
        cocorico::run(&ctx, "cli").await?;
        let imported = &stored(&pool).await?[&unicode.to_string()];
        assert_eq!(imported.slug, format!("{slug}-cocorico-{unicode}"));
        assert_eq!(cocorico::run(&ctx, "cli").await?.records_out, 0, "the suffix is stable");
        Ok(())
    })
    .await
    .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn a_listing_that_cannot_be_mapped_is_reported_and_left_as_it_was(pool: PgPool) {
    with_scratch(LISTINGS, 14, move |scratch| async move {
        let ctx = context(&pool, settings_for(&scratch));
        cocorico::run(&ctx, "cli").await?;
        let before = stored(&pool).await?;
        let broken: i32 = cocorico_ids(&scratch, 2).await?[0].parse()?;
        let admin = scratch.admin_pool().await?;
        sqlx::query("UPDATE listing SET location_id = NULL WHERE id = ?").bind(broken).execute(&admin).await?;

        let summary = cocorico::run(&ctx, "cli").await?;
        assert_eq!((summary.records_failed, summary.records_out), (1, 0));
        assert_eq!(stored(&pool).await?, before, "the last good version stays published");
        let journal = std::fs::read_to_string(ctx.settings.log_dir.join("cocorico.log"))?;
        let skipped = journal.lines().find(|l| l.contains("listing_skipped")).expect("reported in the journal");
        assert!(skipped.contains(&broken.to_string()) && skipped.contains("no location"), "{skipped}");
        Ok(())
    })
    .await
    .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn small_pages_read_every_approved_listing_exactly_once(pool: PgPool) {
    use app::server::adapters::cocorico::{CocoricoSource, MySqlCocoricoSource};
    with_scratch(LISTINGS, 15, move |scratch| async move {
        let admin = scratch.admin_pool().await?;
        let tricky = &scratch.report.summary.tricky;
        let no_date = cocorico_ids(&scratch, 2).await?[1].clone();
        sqlx::query("UPDATE listing SET createdAt = NULL WHERE id = ?").bind(&no_date).execute(&admin).await?;

        let settings = settings_for(&scratch);
        let mut source = MySqlCocoricoSource::connect(&settings.database_url, settings.statement_timeout).await?;
        let (mut read, mut cursor) = (Vec::new(), None);
        loop {
            let page = source.approved_page(cursor.as_ref(), 7).await?;
            let Some(last) = page.last() else { break };
            cursor = Some(last.cursor());
            assert!(page.iter().all(|l| l.listing.status == 2 && !l.translations.is_empty()));
            read.extend(page.iter().map(|l| l.listing.id.to_string()));
        }
        source.close().await?;
        assert_eq!(read[0], no_date, "a listing without createdAt comes first");
        assert!(read.contains(&tricky.same_created_at.to_string()) && read.contains(&tricky.script_title.to_string()));
        let mut sorted = read.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), read.len(), "no listing is read twice");
        assert_eq!(sorted, cocorico_ids(&scratch, 2).await?, "none is missed");

        let mut source = MySqlCocoricoSource::connect(&settings.database_url, settings.statement_timeout).await?;
        let rotation = app::server::jobs::journal::Rotation::default();
        let journal = app::server::jobs::journal::Journal::new(
            &std::env::temp_dir(),
            rotation,
            app::domain::Platform::Cocorico,
            0,
        );
        let mut tx = pool.begin().await?;
        let counts = cocorico::import_snapshot(&mut source, &mut tx, &settings, &journal, 7).await?;
        tx.commit().await?;
        assert_eq!((counts.read, counts.inserted as usize), (read.len(), read.len()));
        assert_eq!(published_ids(&stored(&pool).await?), sorted);
        Ok(())
    })
    .await
    .unwrap();
}
