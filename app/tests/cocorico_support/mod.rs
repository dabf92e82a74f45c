//! Shared pieces of the Cocorico import tests: settings pointing at a scratch
//! MariaDB loaded by the sandbox, a sync context on the test's PostgreSQL,
//! and readers of both sides.

#![allow(dead_code)]

use std::collections::BTreeMap;

use app::domain::Currency;
use app::server::adapters::cocorico::{CharacteristicRefs, CocoricoSettings, PriceUnit};
use app::server::jobs::{SyncContext, SyncSettings};
use app::server::secret::Secret;
use chrono::{DateTime, Utc};
use sandbox::cocorico::Scratch;
use sqlx::PgPool;

/// Cocorico settings for a scratch database, through its read-only account.
pub fn settings_for(scratch: &Scratch) -> CocoricoSettings {
    settings_with_url(scratch.report.access.url().expose())
}

/// Cocorico settings with any database URL.
pub fn settings_with_url(url: &str) -> CocoricoSettings {
    CocoricoSettings {
        database_url: Secret::new(url),
        base_url: "https://cocorico.example".into(),
        site_url: "https://cocorico.example".into(),
        characteristics: CharacteristicRefs::default(),
        locales: vec!["en".into(), "fr".into()],
        price_unit: PriceUnit::Day,
        currency: Currency::parse("EUR").expect("EUR"),
        statement_timeout: std::time::Duration::from_secs(60),
    }
}

/// A sync context on `pool` with only Cocorico configured; the journal goes to a temporary folder.
pub fn context(pool: &PgPool, settings: CocoricoSettings) -> SyncContext {
    let log_dir = std::env::temp_dir().join(format!("cocorico-it-{}", uuid::Uuid::new_v4().simple()));
    let settings = SyncSettings { cocorico: Some(settings), log_dir, ..SyncSettings::default() };
    SyncContext::new(pool.clone(), settings).expect("the clients build")
}

/// Ids of Cocorico's listings with `status`, as our external ids, sorted.
pub async fn cocorico_ids(scratch: &Scratch, status: i16) -> anyhow::Result<Vec<String>> {
    let admin = scratch.admin_pool().await?;
    let ids: Vec<i32> = sqlx::query_scalar("SELECT id FROM listing WHERE status = ? ORDER BY id")
        .bind(status)
        .fetch_all(&admin)
        .await?;
    let mut ids: Vec<String> = ids.into_iter().map(|id| id.to_string()).collect();
    ids.sort();
    Ok(ids)
}

/// One imported row as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Stored {
    pub external_id: String,
    pub slug: String,
    pub title: String,
    pub description: String,
    pub published: bool,
    pub price_unit: String,
    pub property_type: String,
    pub photos: serde_json::Value,
    pub updated_at: DateTime<Utc>,
}

/// Every imported Cocorico row, by external id.
pub async fn stored(pool: &PgPool) -> anyhow::Result<BTreeMap<String, Stored>> {
    let rows: Vec<Stored> = sqlx::query_as(
        "SELECT external_id, slug, title, description, published, price_unit, property_type, photos, updated_at
         FROM listing WHERE source = 'cocorico'",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.external_id.clone(), r)).collect())
}

/// External ids of the published imported listings, sorted.
pub fn published_ids(rows: &BTreeMap<String, Stored>) -> Vec<String> {
    rows.values().filter(|r| r.published).map(|r| r.external_id.clone()).collect()
}

/// The latest Cocorico `sync_run`: status, error, records in/out/skipped/failed.
pub async fn last_run(pool: &PgPool) -> anyhow::Result<(String, Option<String>, [i32; 4])> {
    let (status, error, a, b, c, d): (String, Option<String>, i32, i32, i32, i32) = sqlx::query_as(
        "SELECT status, error, records_in, records_out, records_skipped, records_failed FROM sync_run
         WHERE platform = 'cocorico' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(pool)
    .await?;
    Ok((status, error, [a, b, c, d]))
}
