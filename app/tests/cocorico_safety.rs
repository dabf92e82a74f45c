//! What the Cocorico import must never let through, and how it fails: markup
//! stays text, owners' personal data stays in Cocorico, the importer reads
//! through the read-only account, and an unreachable Cocorico changes nothing here.

#![cfg(feature = "ssr")]

mod cocorico_support;

use app::server::adapters::cocorico::MySqlCocoricoSource;
use app::server::jobs::cocorico::{self, HIDDEN};
use app::server::store::listing::find_published_by_slug;
use cocorico_support::{context, last_run, settings_for, settings_with_url, stored};
use sandbox::cocorico::with_scratch;
use sqlx::PgPool;

const LISTINGS: usize = 60;

#[sqlx::test(migrations = "../migrations")]
async fn markup_stays_text_and_contacts_in_descriptions_are_hidden(pool: PgPool) {
    with_scratch(LISTINGS, 21, move |scratch| async move {
        let tricky = scratch.report.summary.tricky.clone();
        cocorico::run(&context(&pool, settings_for(&scratch)), "cli").await?;
        let rows = stored(&pool).await?;
        let row = |id: i64| rows[&id.to_string()].clone();

        let script = row(tricky.script_title);
        assert_eq!(script.title, "Studio <script>alert(1)</script>", "stored as the text it is; pages escape it");
        let shown = find_published_by_slug(&pool, &script.slug).await?.expect("served by the portal");
        assert_eq!(shown.title, script.title);

        let html = row(tricky.html_description).description;
        assert!(html.starts_with("Bright two-room flat."), "{html}");
        for raw in ["<", "onerror", "javascript:", "<iframe", "&nbsp;"] {
            assert!(!html.contains(raw), "{raw} in {html}");
        }
        assert!(rows.values().all(|r| !r.description.contains("<script")));

        let contact = row(tricky.contact_in_description).description;
        assert!(
            contact.contains(HIDDEN)
                && !contact.contains("host.contact@example.com")
                && !contact.contains("12 34 56 78"),
            "{contact}"
        );

        assert_eq!(row(tricky.placeholder_images).photos, serde_json::json!([]), "placeholders are not photos");
        assert_eq!(row(tricky.no_images).photos, serde_json::json!([]));
        let photo_url = rows.values().find_map(|r| r.photos.get(0).map(|p| p["url"].as_str().unwrap_or("").to_owned()));
        assert!(photo_url.unwrap().starts_with("https://cocorico.example/uploads/listings/images/"));
        assert!(!row(tricky.missing_en).title.is_empty(), "falls back to French");
        assert!(row(tricky.unicode).title.contains("☀️"));
        assert_eq!(row(tricky.longest_title).title.chars().count(), 50);
        Ok(())
    })
    .await
    .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn no_personal_data_of_the_owners_reaches_our_database(pool: PgPool) {
    with_scratch(LISTINGS, 22, move |scratch| async move {
        cocorico::run(&context(&pool, settings_for(&scratch)), "cli").await?;
        let admin = scratch.admin_pool().await?;
        let private: Vec<(String, String, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT u.email, u.email_canonical, u.phone, u.iban FROM `user` u
             WHERE u.id IN (SELECT user_id FROM listing WHERE status = 2)",
        )
        .fetch_all(&admin)
        .await?;
        assert!(!private.is_empty());
        let ours: Vec<String> = sqlx::query_scalar("SELECT l::text FROM listing l").fetch_all(&pool).await?;
        assert!(!ours.is_empty());
        let ours = ours.join("\n").to_lowercase();
        for (email, canonical, phone, iban) in private {
            let values = [Some(email), Some(canonical), phone, iban.clone(), iban.map(|i| i.replace(' ', ""))];
            for value in values.into_iter().flatten().filter(|v| v.len() >= 6) {
                assert!(!ours.contains(&value.to_lowercase()), "an owner's {value:?} reached the listing table");
            }
        }
        Ok(())
    })
    .await
    .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn the_importer_reads_through_the_read_only_account(pool: PgPool) {
    with_scratch(LISTINGS, 23, move |scratch| async move {
        let settings = settings_for(&scratch);
        let mut source = MySqlCocoricoSource::connect(&settings.database_url, settings.statement_timeout).await?;
        let user = source.current_user().await?;
        assert_eq!(user, format!("{}@%", scratch.options.ro_user));
        source.close().await?;
        let read_only = scratch.read_only_pool().await?;
        let grants: Vec<String> = sqlx::query_scalar("SHOW GRANTS FOR CURRENT_USER()").fetch_all(&read_only).await?;
        assert!(
            grants.iter().all(|g| !g.contains("INSERT") && !g.contains("UPDATE") && !g.contains("ALL PRIVILEGES")),
            "{grants:?}"
        );
        assert!(sqlx::query("UPDATE listing SET status = 2").execute(&read_only).await.is_err());
        cocorico::run(&context(&pool, settings), "cli").await?;
        assert!(!stored(&pool).await?.is_empty());
        Ok(())
    })
    .await
    .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn an_unreachable_cocorico_fails_the_run_cleanly_and_keeps_our_listings(pool: PgPool) {
    with_scratch(LISTINGS, 24, move |scratch| async move {
        cocorico::run(&context(&pool, settings_for(&scratch)), "cli").await?;
        let before = stored(&pool).await?;

        let down = context(&pool, settings_with_url("mysql://ro:secret-pw@127.0.0.1:1/cocorico"));
        let err = cocorico::run(&down, "schedule").await.expect_err("no database on port 1");
        assert!(format!("{err:#}").contains("Cocorico's database is unreachable"), "{err:#}");
        assert!(!format!("{err:#}").contains("secret-pw"));
        let (status, error, counts) = last_run(&pool).await?;
        assert_eq!(
            (status.as_str(), error.as_deref(), counts),
            ("failed", Some("Cocorico's database is unreachable"), [0; 4])
        );

        let mut wrong = scratch.report.access.clone();
        wrong.password = sandbox::cocorico::Secret::new("not-the-password");
        let refused = cocorico::run(&context(&pool, settings_with_url(wrong.url().expose())), "cli").await;
        assert!(format!("{:#}", refused.expect_err("wrong password")).contains("refused the read-only account"));

        assert_eq!(stored(&pool).await?, before, "nothing local was lost or touched");
        Ok(())
    })
    .await
    .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn a_second_import_at_the_same_time_stops_without_touching_anything(pool: PgPool) {
    with_scratch(LISTINGS, 25, move |scratch| async move {
        let mut holder = pool.begin().await?;
        assert!(app::server::store::listing::import::try_lock_import(&mut holder, cocorico::SOURCE).await?);
        let err = cocorico::run(&context(&pool, settings_for(&scratch)), "schedule").await.expect_err("locked");
        assert!(format!("{err:#}").contains("Another Cocorico import is already running"), "{err:#}");
        assert!(stored(&pool).await?.is_empty());
        holder.rollback().await?;
        assert!(cocorico::run(&context(&pool, settings_for(&scratch)), "schedule").await.is_ok());
        Ok(())
    })
    .await
    .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn a_query_that_hangs_is_stopped_by_the_statement_limit_and_the_next_run_works(pool: PgPool) {
    with_scratch(LISTINGS, 29, move |scratch| async move {
        let admin = scratch.admin_pool().await?;
        // Every listing row now takes a second to read: the import's first page hangs.
        sqlx::raw_sql("RENAME TABLE listing TO listing_real").execute(&admin).await?;
        sqlx::raw_sql("CREATE VIEW listing AS SELECT * FROM listing_real WHERE SLEEP(1) = 0").execute(&admin).await?;
        let mut hurried = settings_for(&scratch);
        hurried.statement_timeout = std::time::Duration::from_millis(300);
        let started = std::time::Instant::now();
        let failed = cocorico::run(&context(&pool, hurried), "cli").await;
        assert!(failed.is_err(), "the run fails instead of waiting");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "stopped at the limit: {:?}",
            started.elapsed()
        );
        let (status, error, _) = last_run(&pool).await?;
        assert_eq!(status, "failed");
        assert!(error.as_deref().unwrap_or("").contains("COCORICO_STATEMENT_TIMEOUT"), "{error:?}");
        assert!(stored(&pool).await?.is_empty(), "nothing half-imported");

        sqlx::raw_sql("DROP VIEW listing").execute(&admin).await?;
        sqlx::raw_sql("RENAME TABLE listing_real TO listing").execute(&admin).await?;
        cocorico::run(&context(&pool, settings_for(&scratch)), "cli").await?;
        assert_eq!(last_run(&pool).await?.0, "succeeded");
        assert!(!stored(&pool).await?.is_empty(), "the next run imports");
        Ok(())
    })
    .await
    .unwrap();
}
