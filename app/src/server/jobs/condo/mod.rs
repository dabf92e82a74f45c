//! The Condo import (`marketplace sync condo`): units from the building maps of linked
//! properties, classifiers, then maintenance tickets changed since the watermark (soft
//! deletions included) with their comments, status changes and files, and the files added
//! to unchanged tickets since the files watermark.
//!
//! Properties are matched only through admin-made links (see `store::condo_import`);
//! Condo properties without a link are reported in the journal and counted as skipped.

pub mod detail;
mod import;
pub mod mapping;
pub mod outbox;
pub mod tickets;
pub mod watermark;

use anyhow::Context as _;
use serde_json::json;

use super::journal::Journal;
use super::{SyncContext, SyncSummary};
use crate::domain::{Job, Platform};
use crate::server::adapters::condo::{CondoClient, CondoError, CondoSettings};
use crate::server::store::sync_run::{RunOutcome, finish_run, start_run};
use import::Import;

/// Runs one Condo import with the configured client (webhook events left
/// pending are the `condo_webhooks` job's, not this one's).
pub async fn run(ctx: &SyncContext, trigger: &str) -> anyhow::Result<SyncSummary> {
    let (client, settings) = ctx.condo()?;
    run_with_client(ctx, client, settings, trigger).await
}

/// Runs one Condo import with `client` (and the cursor overlap and file size limit of
/// `settings`); the run is recorded whatever happens.
pub async fn run_with_client<C: CondoClient>(
    ctx: &SyncContext,
    client: &C,
    settings: &CondoSettings,
    trigger: &str,
) -> anyhow::Result<SyncSummary> {
    let run_id = start_run(&ctx.pool, Job::CondoImport, trigger).await.context("cannot record the start of the run")?;
    let journal = Journal::new(&ctx.settings.log_dir, ctx.settings.log_rotation, Platform::Condo, run_id);
    journal.record("started", json!({ "trigger": trigger }));
    let limits = (settings.cursor_overlap, settings.max_file_bytes);
    let mut import = Import::new(&ctx.pool, client, &journal, limits, ctx.progress);
    let result = import.run().await;
    let outcome = match &result {
        Ok(()) => RunOutcome::Succeeded,
        Err(err) => RunOutcome::Failed { error: plain_words(err).to_owned(), detail: format!("{err:#}") },
    };
    let cursor = import.watermark.as_ref().map(|w| w.format());
    let counts = import.counts;
    let mut conn = ctx.pool.acquire().await.context("cannot record the end of the run")?;
    finish_run(&mut conn, run_id, counts, cursor.as_deref(), &outcome, ctx.tick)
        .await
        .context("cannot record the end of the run")?;
    let d = &import.detail;
    let fields = json!({ "pages": import.pages, "in": counts.records_in, "out": counts.records_out,
        "failed": counts.records_failed, "skipped": counts.records_skipped, "watermark": cursor,
        "comments": d.comments, "changes": d.changes, "files": d.files, "files_too_large": d.files_too_large,
        "claimed": d.claimed, "removed": d.removed });
    match (&result, &outcome) {
        (Ok(()), _) => journal.record("finished", fields),
        (Err(_), RunOutcome::Failed { error, detail }) => {
            journal.record("failed", json!({ "error": error, "detail": detail, "progress": fields }));
        }
        (Err(_), RunOutcome::Succeeded | RunOutcome::Warned { .. }) => {}
    }
    result.map_err(|err| err.context(plain_words_of(&outcome)))?;
    Ok(SyncSummary {
        run_id,
        records_in: counts.records_in,
        records_out: counts.records_out,
        records_failed: counts.records_failed,
        records_skipped: counts.records_skipped,
    })
}

fn plain_words_of(outcome: &RunOutcome) -> String {
    match outcome {
        RunOutcome::Failed { error, .. } | RunOutcome::Warned { error, .. } => error.clone(),
        RunOutcome::Succeeded => String::new(),
    }
}

/// The failure in plain words for the admin panel.
pub fn plain_words(err: &anyhow::Error) -> &'static str {
    if let Some(condo) = err.chain().find_map(|e| e.downcast_ref::<CondoError>()) {
        return condo.plain_words();
    }
    if err.chain().any(|e| e.downcast_ref::<sqlx::Error>().is_some()) {
        return "Our database did not accept the import";
    }
    "The Condo import failed"
}
