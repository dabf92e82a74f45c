//! The snapshot diff: reads every approved listing page by page, maps it,
//! and compares its content hash with ours. New listings are inserted,
//! changed or re-approved ones updated, ours whose Cocorico listing is no
//! longer approved (or gone) unpublished, and unchanged ones left untouched,
//! so a second run writes nothing.

use std::collections::{HashMap, HashSet};

use anyhow::Context;
use serde_json::json;
use sqlx::PgConnection;

use super::mapping::map_listing;
use crate::domain::ListingSlug;
use crate::server::adapters::cocorico::{CocoricoListing, CocoricoSettings, CocoricoSource, PageCursor};
use crate::server::jobs::journal::Journal;
use crate::server::jobs::progress::Progress;
use crate::server::store::listing::import::{self as store, ImportedListing, ImportedState};

/// `listing.source` of imported Cocorico listings.
pub const SOURCE: &str = "cocorico";

/// What one import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    /// Approved listings in the snapshot.
    pub read: usize,
    /// Listings new to us, inserted.
    pub inserted: u64,
    /// Listings changed (or approved again) at Cocorico, rewritten.
    pub updated: u64,
    /// Our imported listings no longer approved (or gone) at Cocorico, unpublished.
    pub unpublished: u64,
    /// Approved listings whose content had not changed.
    pub unchanged: usize,
    /// Approved listings that could not be mapped (reported, left as they were).
    pub failed: usize,
}

/// The writes one page calls for.
#[derive(Debug, Default)]
struct PagePlan {
    inserts: Vec<ImportedListing>,
    updates: Vec<ImportedListing>,
}

/// Imports a full snapshot of `source` through `conn` (the caller's transaction).
pub async fn import_snapshot<S: CocoricoSource>(
    source: &mut S,
    conn: &mut PgConnection,
    settings: &CocoricoSettings,
    journal: &Journal,
    page_size: u32,
) -> anyhow::Result<ImportCounts> {
    let hidden = Progress::new("Cocorico", "listings", 0, false);
    import_snapshot_with_progress(source, conn, settings, journal, page_size, &hidden).await
}

/// [`import_snapshot`] drawing the listings read on a progress bar.
pub async fn import_snapshot_with_progress<S: CocoricoSource>(
    source: &mut S,
    conn: &mut PgConnection,
    settings: &CocoricoSettings,
    journal: &Journal,
    page_size: u32,
    progress: &Progress,
) -> anyhow::Result<ImportCounts> {
    let stored: HashMap<String, ImportedState> = store::list_imported_states(&mut *conn, SOURCE)
        .await
        .context("could not read the imported listings")?
        .into_iter()
        .map(|state| (state.external_id.clone(), state))
        .collect();
    let mut counts = ImportCounts::default();
    let mut seen: HashSet<String> = HashSet::with_capacity(stored.len());
    let mut cursor: Option<PageCursor> = None;
    loop {
        let page = source.approved_page(cursor.as_ref(), page_size).await?;
        let Some(last) = page.last() else { break };
        cursor = Some(last.cursor());
        let mut plan = plan_page(&page, &stored, settings, journal, &mut seen, &mut counts);
        claim_slugs(conn, plan.inserts.iter_mut().chain(plan.updates.iter_mut())).await?;
        counts.inserted +=
            store::insert_imported(conn, SOURCE, &plan.inserts).await.context("could not insert listings")?;
        counts.updated +=
            store::update_imported(conn, SOURCE, &plan.updates).await.context("could not update listings")?;
        journal.record(
            "page",
            json!({ "listings": page.len(), "inserted": plan.inserts.len(), "updated": plan.updates.len(), "read": counts.read }),
        );
        progress.set_done(counts.read as u64);
        if page.len() < page_size as usize {
            break;
        }
    }
    progress.finish();
    let gone: Vec<String> = stored
        .values()
        .filter(|s| s.published && !seen.contains(&s.external_id))
        .map(|s| s.external_id.clone())
        .collect();
    counts.unpublished =
        store::unpublish_imported(conn, SOURCE, &gone).await.context("could not unpublish listings")?;
    Ok(counts)
}

/// Maps a page and sorts it into inserts, updates and unchanged listings.
fn plan_page(
    page: &[CocoricoListing],
    stored: &HashMap<String, ImportedState>,
    settings: &CocoricoSettings,
    journal: &Journal,
    seen: &mut HashSet<String>,
    counts: &mut ImportCounts,
) -> PagePlan {
    let mut plan = PagePlan::default();
    for listing in page {
        counts.read += 1;
        let external_id = listing.listing.id.to_string();
        seen.insert(external_id.clone());
        let row = match map_listing(listing, settings) {
            Ok(row) => row,
            Err(reason) => {
                counts.failed += 1;
                journal.record("listing_skipped", json!({ "external_id": external_id, "reason": reason.to_string() }));
                continue;
            }
        };
        match stored.get(&external_id) {
            None => plan.inserts.push(row),
            Some(state) if !state.published || state.content_hash.as_deref() != Some(row.content_hash.as_str()) => {
                plan.updates.push(row)
            }
            Some(_) => counts.unchanged += 1,
        }
    }
    plan
}

/// Gives each row a slug no other listing holds: a slug taken by a local
/// listing, or repeated in the batch, gets a `-cocorico-{id}` suffix.
async fn claim_slugs<'a>(
    conn: &mut PgConnection,
    rows: impl Iterator<Item = &'a mut ImportedListing>,
) -> anyhow::Result<()> {
    let mut rows: Vec<&mut ImportedListing> = rows.collect();
    if rows.is_empty() {
        return Ok(());
    }
    let slugs: Vec<String> = rows.iter().map(|r| r.slug.clone()).collect();
    let owners = store::find_slug_owners(&mut *conn, &slugs).await.context("could not check slugs")?;
    let taken: HashMap<String, Option<String>> =
        owners.into_iter().map(|o| (o.slug, if o.source == SOURCE { o.external_id } else { None })).collect();
    let mut used: HashSet<String> = HashSet::new();
    for row in rows.iter_mut() {
        let foreign = taken.get(&row.slug).is_some_and(|owner| owner.as_deref() != Some(row.external_id.as_str()));
        if foreign || used.contains(&row.slug) {
            row.slug = ListingSlug::from_title(&row.slug, &format!("cocorico-{}", row.external_id)).to_string();
        }
        used.insert(row.slug.clone());
    }
    Ok(())
}
