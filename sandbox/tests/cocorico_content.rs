//! What the generated Cocorico rows contain: the tricky listings an importer
//! must survive, and the owners' personal data it must never copy. Each test
//! works in its own scratch database on the local MariaDB.

use sandbox::cocorico::with_scratch;
use sqlx::MySqlPool;

async fn scalar(pool: &MySqlPool, sql: &'static str, id: i64) -> i64 {
    sqlx::query_scalar(sql).bind(id).fetch_one(pool).await.expect(sql)
}

async fn text(pool: &MySqlPool, sql: &'static str, id: i64) -> String {
    sqlx::query_scalar(sql).bind(id).fetch_one(pool).await.expect(sql)
}

const EN_TITLE: &str = "SELECT title FROM listing_translation WHERE translatable_id = ? AND locale = 'en'";
const EN_DESCRIPTION: &str = "SELECT description FROM listing_translation WHERE translatable_id = ? AND locale = 'en'";
const LOCALES: &str = "SELECT GROUP_CONCAT(locale) FROM listing_translation WHERE translatable_id = ?";
const IMAGE_COUNT: &str = "SELECT COUNT(*) FROM listing_image WHERE listing_id = ?";
const IMAGE_NAMES: &str = "SELECT GROUP_CONCAT(name ORDER BY position) FROM listing_image WHERE listing_id = ?";
const OWNER_ENABLED: &str = "SELECT u.enabled + 0 FROM listing l JOIN `user` u ON u.id = l.user_id WHERE l.id = ?";
const TITLE_LENGTHS: &str = "SELECT MIN(CHAR_LENGTH(title)) + MAX(CHAR_LENGTH(title)) \
    FROM listing_translation WHERE translatable_id = ?";
const CREATED_AT: &str = "SELECT CAST(createdAt AS CHAR) FROM listing WHERE id = ?";
const STATUS: &str = "SELECT status FROM listing WHERE id = ?";

#[tokio::test]
async fn markup_unicode_and_contact_details_are_stored_verbatim() -> anyhow::Result<()> {
    with_scratch(120, 42, |db| async move {
        let pool = db.admin_pool().await?;
        let tricky = db.report.summary.tricky.clone();
        let script = text(&pool, EN_TITLE, tricky.script_title).await;
        assert_eq!(script, "Studio <script>alert(1)</script>");
        let html = text(&pool, EN_DESCRIPTION, tricky.html_description).await;
        assert!(html.contains("<img src=\"x\" onerror=\"alert(1)\">"), "{html}");
        let unicode = text(&pool, EN_TITLE, tricky.unicode).await;
        assert!(unicode.contains("☀️") && unicode.contains('🏠'), "{unicode}");
        let unicode = text(&pool, EN_DESCRIPTION, tricky.unicode).await;
        assert!(unicode.contains("日本語"), "{unicode}");
        let contact = text(&pool, EN_DESCRIPTION, tricky.contact_in_description).await;
        assert!(contact.contains("host.contact@example.com"), "{contact}");
        assert!(contact.contains("+33 6 12 34 56 78"), "{contact}");
        let lengths = scalar(&pool, TITLE_LENGTHS, tricky.longest_title).await;
        assert_eq!(lengths, 100, "both titles are 50 characters");
        Ok(())
    })
    .await
}

#[tokio::test]
async fn published_listings_with_missing_parts_placeholders_and_ties_exist() -> anyhow::Result<()> {
    with_scratch(120, 42, |db| async move {
        let pool = db.admin_pool().await?;
        let tricky = db.report.summary.tricky.clone();
        assert_eq!(scalar(&pool, IMAGE_COUNT, tricky.no_images).await, 0);
        assert_eq!(text(&pool, LOCALES, tricky.missing_en).await, "fr");
        let placeholders = text(&pool, IMAGE_NAMES, tricky.placeholder_images).await;
        assert_eq!(placeholders, "default-listing.png,default-listing.png");
        assert_eq!(scalar(&pool, OWNER_ENABLED, tricky.disabled_owner).await, 0);
        let tie = text(&pool, CREATED_AT, tricky.same_created_at).await;
        assert_eq!(tie, text(&pool, CREATED_AT, tricky.script_title).await);
        let ids = [tricky.no_images, tricky.missing_en, tricky.placeholder_images, tricky.disabled_owner];
        for id in ids {
            assert_eq!(scalar(&pool, STATUS, id).await, 2, "listing {id} is published");
        }
        Ok(())
    })
    .await
}

/// ISO 13616 check: the IBAN, rearranged and read as a number, is 1 mod 97.
fn iban_is_valid(iban: &str) -> bool {
    let rearranged = format!("{}{}", &iban[4..], &iban[..4]);
    let remainder = rearranged.chars().try_fold(0u32, |acc, c| {
        let value = c.to_digit(36)?;
        Some(if value < 10 { (acc * 10 + value) % 97 } else { (acc * 100 + value) % 97 })
    });
    remainder == Some(1)
}

/// `email`, `last_name`, `phone`, `iban` of an owner.
type OwnerPii = (String, String, Option<String>, Option<String>);

#[tokio::test]
async fn owners_carry_personal_data_the_importer_must_never_copy() -> anyhow::Result<()> {
    with_scratch(120, 42, |db| async move {
        let pool = db.admin_pool().await?;
        let owners: Vec<OwnerPii> = sqlx::query_as(
            "SELECT DISTINCT u.email, u.last_name, u.phone, u.iban FROM `user` u \
             JOIN listing l ON l.user_id = u.id WHERE l.status = 2",
        )
        .fetch_all(&pool)
        .await?;
        assert!(owners.len() > 10);
        assert!(owners.iter().all(|(email, ..)| email.contains("@example.")));
        assert!(owners.iter().all(|(_, _, phone, _)| phone.is_some()));
        let ibans: Vec<&String> = owners.iter().filter_map(|(_, _, _, iban)| iban.as_ref()).collect();
        assert!(ibans.len() > owners.len() / 2, "most owners have bank details");
        assert!(ibans.iter().all(|iban| iban_is_valid(iban)), "{ibans:?}");
        Ok(())
    })
    .await
}
