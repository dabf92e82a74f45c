//! Syncing with Cocorico: imports its approved listings into our portal.
//!
//! Cocorico's `updatedAt` misses edits to translations, images and locations
//! (NOTES.md §5.6), so every run reads a full snapshot of the approved
//! listings and diffs it against our content hashes. All writes of a run
//! happen in one transaction with its `sync_run` row: a failed run changes
//! nothing, and a run over an unchanged source writes nothing.

mod characteristics;
mod import;
mod mapping;
mod text;

pub use import::{ImportCounts, SOURCE, import_snapshot, import_snapshot_with_progress};
pub use mapping::{MapError, local_id, map_listing};
pub use text::{HIDDEN, description_text, mask_contacts, title_text};

use anyhow::Context;
use serde_json::json;

use super::journal::Journal;
use super::{SyncContext, SyncSummary};
use crate::domain::{Job, Platform};
use crate::server::adapters::cocorico::{CocoricoError, CocoricoSettings, MySqlCocoricoSource};
use crate::server::store::listing::import::try_lock_import;
use crate::server::store::sync_run::{RunCounts, RunOutcome, finish_run, start_run};

/// Listings per page read from Cocorico.
pub const PAGE_SIZE: u32 = 1_000;

/// Another import holds the lock; this run did nothing.
#[derive(Debug, thiserror::Error)]
#[error("another Cocorico import is already running")]
pub struct AlreadyRunning;

/// Runs one Cocorico sync: a full snapshot of the approved listings, diffed
/// and applied in one transaction, recorded as a `sync_run`.
pub async fn run(ctx: &SyncContext, trigger: &str) -> anyhow::Result<SyncSummary> {
    let settings = ctx.settings.cocorico.as_ref().context("Cocorico is not configured (see .env.example)")?;
    let run_id = start_run(&ctx.pool, Job::CocoricoImport, trigger).await.context("could not record the run")?;
    let journal = Journal::new(&ctx.settings.log_dir, ctx.settings.log_rotation, Platform::Cocorico, run_id);
    journal.record("started", json!({ "trigger": trigger }));
    let counts = match import(ctx, settings, &journal).await {
        Ok(counts) => counts,
        Err(err) => return Err(record_failure(ctx, run_id, &journal, err).await),
    };
    let run_counts = RunCounts {
        records_in: to_i32(counts.read as u64),
        records_out: to_i32(counts.inserted + counts.updated + counts.unpublished),
        records_failed: to_i32(counts.failed as u64),
        records_skipped: to_i32(counts.unchanged as u64),
    };
    // Recorded after the commit, so `finished_at` is the real end of the run.
    let mut conn = ctx.pool.acquire().await.context("the import was saved but its run could not be recorded")?;
    finish_run(&mut conn, run_id, run_counts, None, &RunOutcome::Succeeded, ctx.tick)
        .await
        .context("the import was saved but its run could not be recorded")?;
    journal.record(
        "finished",
        json!({ "read": counts.read, "inserted": counts.inserted, "updated": counts.updated,
                "unpublished": counts.unpublished, "unchanged": counts.unchanged, "failed": counts.failed }),
    );
    if ctx.progress {
        eprintln!(
            "Cocorico: {} approved listings read, {} new, {} changed, {} unpublished, {} unchanged, {} skipped",
            counts.read, counts.inserted, counts.updated, counts.unpublished, counts.unchanged, counts.failed
        );
    }
    Ok(SyncSummary {
        run_id,
        records_in: run_counts.records_in,
        records_out: run_counts.records_out,
        records_failed: run_counts.records_failed,
        records_skipped: run_counts.records_skipped,
    })
}

/// Reads the snapshot and applies it in one transaction, committed at the end.
async fn import(ctx: &SyncContext, settings: &CocoricoSettings, journal: &Journal) -> anyhow::Result<ImportCounts> {
    let mut source = MySqlCocoricoSource::connect(&settings.database_url, settings.statement_timeout).await?;
    let mut tx = ctx.pool.begin().await.context("could not open a transaction")?;
    if !try_lock_import(&mut tx, SOURCE).await? {
        return Err(AlreadyRunning.into());
    }
    let bar = super::progress::Progress::new("Cocorico", "listings", 0, ctx.progress);
    let counts = import_snapshot_with_progress(&mut source, &mut tx, settings, journal, PAGE_SIZE, &bar).await?;
    if let Err(err) = source.close().await {
        tracing::warn!(error = %err, "could not close the Cocorico snapshot");
    }
    tx.commit().await.context("could not commit the import")?;
    Ok(counts)
}

/// Records a failed run in plain words and returns the error to report.
async fn record_failure(ctx: &SyncContext, run_id: i64, journal: &Journal, err: anyhow::Error) -> anyhow::Error {
    let (error, detail) = plain_words(&err);
    tracing::error!(run_id, error = %error, detail = %detail, "Cocorico sync failed");
    journal.record("failed", json!({ "error": error, "detail": detail }));
    let outcome = RunOutcome::Failed { error: error.clone(), detail };
    let recorded = match ctx.pool.acquire().await {
        Ok(mut conn) => finish_run(&mut conn, run_id, RunCounts::default(), None, &outcome, ctx.tick).await,
        Err(e) => Err(e),
    };
    if let Err(e) = recorded {
        tracing::error!(run_id, error = %e, "could not record the failed Cocorico run");
    }
    err.context(error)
}

fn to_i32(value: u64) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

/// The message an operator reads, and the technical detail.
fn plain_words(err: &anyhow::Error) -> (String, String) {
    let detail = format!("{err:#}");
    let cocorico = err.chain().find_map(|e| e.downcast_ref::<CocoricoError>());
    let message = match cocorico {
        Some(CocoricoError::Unreachable(_)) => "Cocorico's database is unreachable",
        Some(CocoricoError::Refused(_)) => "Cocorico's database refused the read-only account",
        Some(CocoricoError::InvalidUrl(_)) => "The Cocorico database address (COCORICO_DATABASE_URL) is invalid",
        Some(CocoricoError::TimedOut(_)) => "A query on Cocorico's database ran past COCORICO_STATEMENT_TIMEOUT",
        Some(CocoricoError::Query(_)) => "Cocorico's listings could not be read (unexpected database schema?)",
        None if err.chain().any(|e| e.is::<AlreadyRunning>()) => "Another Cocorico import is already running",
        None => "Saving the Cocorico listings failed; nothing was changed",
    };
    (message.to_owned(), detail)
}
