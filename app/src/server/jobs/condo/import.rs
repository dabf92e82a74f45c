//! One Condo import: property maps to units; classifiers and the files added since the last
//! run; then tickets page by page, each page with its comments, status changes and files;
//! then the comments of unchanged tickets edited or deleted since the last run.
//! A page's tickets, comments and changes are committed in one transaction, its files one by
//! one after, and only then its watermark, so a run killed at any point reads the page again
//! and finishes it without a gap or a duplicate.

use anyhow::Context as _;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::json;
use sqlx::PgPool;
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;
use uuid::Uuid;

use super::detail::{DetailTally, apply_records, store_files};
use super::mapping::{categories_of, map_ticket, map_units, parse_time};
use super::tickets::{ReadTicket, write_tickets};
use super::watermark::Watermark;
use crate::server::adapters::condo::wire::{TicketDetailData, WireCommentChange, WireTicket};
use crate::server::adapters::condo::{CondoClient, TICKETS_PER_PAGE, TicketCursor};
use crate::server::jobs::journal::Journal;
use crate::server::jobs::progress::Progress;
use crate::server::store::condo_detail::{
    read_condo_comment_watermark, read_condo_file_watermark, save_condo_comment_watermark, save_condo_file_watermark,
    ticket_ids_of, upsert_categories,
};
use crate::server::store::condo_import as store;
use crate::server::store::sync_run::RunCounts;

/// Where the first files and comments watermarks start, before now on our clock: files and
/// changed comments are read from there on every run, so one added or changed while the first
/// run read its ticket is not missed even when Condo's clock is this much behind ours.
const FIRST_MARGIN: chrono::Duration = chrono::Duration::hours(1);

/// The state of one run: counts so far and the last committed watermark.
pub struct Import<'a, C> {
    pub pool: &'a PgPool,
    pub client: &'a C,
    pub journal: &'a Journal,
    pub overlap: Duration,
    /// The largest file whose bytes are kept.
    pub max_file_bytes: u64,
    pub counts: RunCounts,
    /// Comments, changes and files written so far.
    pub detail: DetailTally,
    pub watermark: Option<Watermark>,
    pub pages: u32,
    bar: Progress,
    links: HashMap<String, Uuid>,
    unmatched_tickets: BTreeMap<String, i32>,
}

impl<'a, C: CondoClient> Import<'a, C> {
    /// A run that has not started.
    pub fn new(
        pool: &'a PgPool,
        client: &'a C,
        journal: &'a Journal,
        (overlap, max_file_bytes): (Duration, u64),
        progress: bool,
    ) -> Self {
        Self {
            pool,
            client,
            journal,
            overlap,
            max_file_bytes,
            counts: RunCounts::default(),
            detail: DetailTally::default(),
            watermark: None,
            pages: 0,
            bar: Progress::new("Condo", "tickets", 0, progress),
            links: HashMap::new(),
            unmatched_tickets: BTreeMap::new(),
        }
    }

    /// Units first (tickets link to them by label), classifiers and new files, then tickets.
    pub async fn run(&mut self) -> anyhow::Result<()> {
        self.links =
            store::list_condo_property_links(self.pool).await.context("cannot read the Condo property links")?;
        self.import_units().await?;
        self.import_reference().await?;
        let stored = store::read_condo_watermark(self.pool).await.context("cannot read the Condo watermark")?;
        self.watermark = stored.as_deref().and_then(Watermark::parse);
        self.import_tickets().await?;
        self.import_comment_changes().await?;
        if !self.unmatched_tickets.is_empty() {
            self.journal
                .record("tickets_of_unlinked_properties", json!({ "by_condo_property": self.unmatched_tickets }));
        }
        Ok(())
    }

    /// Reads every property; units of linked ones are upserted, unlinked ones reported.
    async fn import_units(&mut self) -> anyhow::Result<()> {
        let properties = self.client.properties().await.context("cannot read Condo's properties")?;
        self.counts.records_in += properties.len() as i32;
        let (mut units, mut unmatched, mut repeated) = (Vec::new(), 0, 0);
        for property in &properties {
            let Some(&local) = self.links.get(&property.id) else {
                unmatched += 1;
                self.journal.record(
                    "property_unmatched",
                    json!({ "condo_property_id": property.id, "name": property.name, "address": property.address }),
                );
                continue;
            };
            let (mapped, skipped) = map_units(property, local);
            units.extend(mapped);
            repeated += skipped;
        }
        let written = store::upsert_condo_units(self.pool, &units).await.context("cannot write units")?;
        self.counts.records_out += written as i32;
        self.counts.records_skipped += unmatched;
        let fields = json!({ "read": properties.len(), "unmatched": unmatched, "units": units.len(), "units_written": written, "repeated_labels": repeated });
        self.journal.record("properties", fields);
        Ok(())
    }

    /// Classifiers (every run: one request holds them all), and the files created since the
    /// files watermark, which reach us no other way when their ticket did not change. Files of
    /// tickets we do not have yet come with those tickets' detail when they are read.
    async fn import_reference(&mut self) -> anyhow::Result<()> {
        let stored = read_condo_file_watermark(self.pool).await.context("cannot read the files watermark")?;
        let (mark, start) = self.window(stored.as_deref());
        let since = start.to_rfc3339_opts(SecondsFormat::Millis, true);
        if mark.is_none() {
            save_condo_file_watermark(self.pool, &since).await.context("cannot save the files watermark")?;
        }
        let data = self.client.reference_data(&since).await.context("cannot read Condo's classifiers and new files")?;
        let categories = categories_of(&data.classifiers);
        let written = upsert_categories(self.pool, &categories).await.context("cannot write the categories")?;
        let files = store_files(self.pool, self.client, &data.files, &[], self.max_file_bytes)
            .await
            .context("cannot store Condo's new files")?;
        let newest = data.files.iter().filter_map(|f| parse_time(f.created_at.as_deref()?).ok()).max();
        if let Some(newest) = newest.filter(|n| mark.is_none_or(|m| *n > m)) {
            let newest = newest.to_rfc3339_opts(SecondsFormat::Millis, true);
            save_condo_file_watermark(self.pool, &newest).await.context("cannot save the files watermark")?;
        }
        let fields = json!({ "classifiers": categories.len(), "categories_written": written, "files_since": since,
            "files_read": data.files.len(), "files_stored": files.files, "files_failed": files.failed });
        self.journal.record("reference", fields);
        self.tally_detail(files);
        Ok(())
    }

    /// A stored watermark (`None` when unreadable or not stored yet) and where the records
    /// changed since it are read from: the mark less the overlap, or [`FIRST_MARGIN`] before now.
    fn window(&self, stored: Option<&str>) -> (Option<DateTime<Utc>>, DateTime<Utc>) {
        let mark = stored.and_then(|m| parse_time(m).ok());
        let start = match mark {
            Some(at) => at - chrono::Duration::from_std(self.overlap).unwrap_or_default(),
            None => Utc::now() - FIRST_MARGIN,
        };
        (mark, start)
    }

    fn tally_detail(&mut self, tally: DetailTally) {
        self.counts.records_failed += tally.failed.len() as i32;
        self.detail.add(tally);
    }

    /// Pages through tickets from the watermark until a short page. The next page (and its
    /// detail) is fetched while the current one is committed, so database time hides behind
    /// network latency; requests to Condo still go one at a time, in a fixed order.
    async fn import_tickets(&mut self) -> anyhow::Result<()> {
        let cursor = match &self.watermark {
            Some(mark) => mark.resume_cursor(self.overlap),
            None => TicketCursor::Start,
        };
        self.journal.record("tickets_from", json!({ "cursor": format!("{cursor:?}") }));
        let (client, links) = (self.client, self.links.clone());
        let links = &links;
        let mut page = fetch_page(client, links, &cursor).await.context("cannot read tickets page 1 from Condo")?;
        self.pages += 1;
        while let Some(last) = page.tickets.last() {
            let last = Watermark::new(&last.updated_at, last.number)
                .with_context(|| format!("Condo sent an unreadable updatedAt {:?}", last.updated_at))?;
            let next = TicketCursor::After { updated_at: last.updated_at.clone(), number: last.number };
            let full = page.tickets.len() == TICKETS_PER_PAGE;
            let prefetch = async move { if full { Some(fetch_page(client, links, &next).await) } else { None } };
            let (committed, fetched) = tokio::join!(self.commit_page(&page, last), prefetch);
            committed?;
            let Some(fetched) = fetched else { break };
            self.pages += 1;
            page = fetched.with_context(|| format!("cannot read tickets page {} from Condo", self.pages))?;
        }
        self.bar.finish();
        Ok(())
    }

    /// Writes one page: its tickets, comments and status changes in one transaction, then its
    /// files, then the watermark after it.
    async fn commit_page(&mut self, fetched: &Fetched, last: Watermark) -> anyhow::Result<()> {
        let (page, detail) = (&fetched.tickets, &fetched.detail);
        let rows = self.map_page(page);
        let mark = match self.watermark.take() {
            Some(previous) => previous.max(last),
            None => last,
        };
        let live = &fetched.live;
        let categories = categories_of(page.iter().filter_map(|t| t.classifier.as_ref()));
        let started = std::time::Instant::now();
        let mut tx = self.pool.begin().await.context("cannot open a transaction")?;
        let written = write_tickets(&mut tx, &rows).await.context("cannot write tickets")?;
        upsert_categories(&mut *tx, &categories).await.context("cannot write the categories")?;
        let records = apply_records(&mut tx, detail, live).await.context("cannot write comments")?;
        tx.commit().await.context("cannot commit a page of tickets")?;
        let files = store_files(self.pool, self.client, &detail.files, live, self.max_file_bytes)
            .await
            .context("cannot store the tickets' files")?;
        let mut conn = self.pool.acquire().await.context("cannot reach our database")?;
        store::save_condo_watermark(&mut conn, &mark.format()).await.context("cannot save the watermark")?;
        self.counts.records_in += page.len() as i32;
        self.counts.records_out += written.written as i32;
        self.counts.records_skipped += rows.len() as i32 - written.written as i32;
        if !written.duplicates.is_empty() {
            self.journal.record("duplicates_of_requests", json!({ "condo_ticket_ids": written.duplicates }));
        }
        let db_ms = started.elapsed().as_secs_f64() * 1000.0;
        let fields = json!({ "page": self.pages, "tickets": page.len(), "written": written.written,
            "claimed": written.claimed, "comments": records.comments, "changes": records.changes,
            "files": files.files, "files_failed": files.failed, "db_ms": db_ms, "watermark": mark.format() });
        self.journal.record("page_committed", fields);
        self.tally_detail(records);
        self.tally_detail(files);
        self.watermark = Some(mark);
        self.draw_progress();
        Ok(())
    }

    /// The comments edited or deleted since the comments watermark (less the overlap). Neither
    /// changes its ticket in Condo, so the ticket pages did not bring them: the comments of
    /// their tickets (those we have) are read again whole, which writes the edits and removes
    /// the deleted ones, and only then the watermark moves, so a run stopped on the way reads
    /// them again. Within the overlap, the newest changes are read again on the next run: a
    /// detail request for their tickets, which writes nothing new.
    async fn import_comment_changes(&mut self) -> anyhow::Result<()> {
        let stored = read_condo_comment_watermark(self.pool).await.context("cannot read the comments watermark")?;
        // On a first run, the tickets just read came with their comments whole.
        let (mark, start) = self.window(stored.as_deref());
        let since = start.to_rfc3339_opts(SecondsFormat::Millis, true);
        let mut changed =
            self.client.comments_changed_since(&since).await.context("cannot read Condo's changed comments")?;
        // Without an overlap, what the last run read (up to the mark) is not read again.
        if let Some(mark) = mark.filter(|_| self.overlap.is_zero()) {
            changed.retain(|c| parse_time(&c.updated_at).is_ok_and(|at| at > mark));
        }
        let mut condo_tickets: Vec<String> = changed.iter().filter_map(edited_alone).map(str::to_owned).collect();
        condo_tickets.sort();
        condo_tickets.dedup();
        let ours = ticket_ids_of(self.pool, &condo_tickets).await.context("cannot find the comments' tickets")?;
        let tickets: Vec<String> = condo_tickets.into_iter().filter(|id| ours.contains_key(id)).collect();
        let mut tally = DetailTally::default();
        for chunk in tickets.chunks(TICKETS_PER_PAGE) {
            let detail = self.client.ticket_detail(chunk).await.context("cannot read the tickets' comments again")?;
            let mut tx = self.pool.begin().await.context("cannot open a transaction")?;
            tally.add(apply_records(&mut tx, &detail, chunk).await.context("cannot write comments")?);
            tx.commit().await.context("cannot commit the changed comments")?;
        }
        let newest = changed.iter().filter_map(|c| parse_time(&c.updated_at).ok()).max();
        let newest = match mark {
            Some(mark) => newest.filter(|n| *n > mark),
            None => Some(newest.unwrap_or(start)),
        };
        if let Some(newest) = newest {
            let newest = newest.to_rfc3339_opts(SecondsFormat::Millis, true);
            save_condo_comment_watermark(self.pool, &newest).await.context("cannot save the comments watermark")?;
        }
        let fields = json!({ "since": since, "comments_read": changed.len(), "tickets_read_again": tickets.len(),
            "comments_written": tally.comments, "comments_removed": tally.removed });
        self.journal.record("comment_changes", fields);
        self.tally_detail(tally);
        Ok(())
    }

    /// Maps a page; tickets of unlinked properties are skipped, unmappable ones failed.
    fn map_page(&mut self, page: &[WireTicket]) -> Vec<ReadTicket> {
        let mut rows = Vec::with_capacity(page.len());
        for ticket in page {
            let condo_property = ticket.property.as_ref().map(|p| p.id.clone()).unwrap_or_default();
            let Some(&local) = self.links.get(&condo_property) else {
                *self.unmatched_tickets.entry(condo_property).or_default() += 1;
                self.counts.records_skipped += 1;
                continue;
            };
            match map_ticket(ticket, local) {
                Ok(row) => rows.push(ReadTicket::new(ticket, row)),
                Err(err) => {
                    self.counts.records_failed += 1;
                    self.journal
                        .record("ticket_failed", json!({ "condo_ticket_id": ticket.id, "error": err.to_string() }));
                }
            }
        }
        rows
    }

    fn draw_progress(&self) {
        self.bar.set_done(u64::try_from(self.counts.records_in).unwrap_or(0));
    }
}

/// The Condo id of the ticket of a comment changed after its ticket last did: an edit or a
/// deletion, which leaves the ticket as it was. A comment changed at or before its ticket's
/// last change (a new comment, which changes the ticket) was, or will be, read with the
/// ticket by the ticket pages.
fn edited_alone(comment: &WireCommentChange) -> Option<&str> {
    let ticket = comment.ticket.as_ref()?;
    let at = parse_time(&comment.updated_at).ok()?;
    match ticket.updated_at.as_deref().map(parse_time) {
        Some(Ok(ticket_at)) if ticket_at >= at => None,
        _ => Some(&ticket.id),
    }
}

/// A page of tickets, with the comments, status changes and files of its live tickets of
/// linked properties (`live`: their Condo ids).
struct Fetched {
    tickets: Vec<WireTicket>,
    live: Vec<String>,
    detail: TicketDetailData,
}

/// Reads the page of tickets after `cursor`, then its detail.
async fn fetch_page<C: CondoClient>(
    client: &C,
    links: &HashMap<String, Uuid>,
    cursor: &TicketCursor,
) -> anyhow::Result<Fetched> {
    let tickets = client.tickets_page(cursor, TICKETS_PER_PAGE).await?;
    let linked = |t: &&WireTicket| t.property.as_ref().is_some_and(|p| links.contains_key(&p.id));
    let live: Vec<String> =
        tickets.iter().filter(linked).filter(|t| t.deleted_at.is_none()).map(|t| t.id.clone()).collect();
    let detail = if live.is_empty() {
        TicketDetailData::default()
    } else {
        client.ticket_detail(&live).await.context("cannot read the tickets' comments, changes and files")?
    };
    Ok(Fetched { tickets, live, detail })
}
