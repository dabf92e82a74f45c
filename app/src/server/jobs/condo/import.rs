//! One Condo import: property maps to units, then tickets page by page, each page and its
//! watermark committed in one transaction, so a run killed at any point resumes without a
//! gap or a duplicate.

use anyhow::Context as _;
use serde_json::json;
use sqlx::PgPool;
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;
use uuid::Uuid;

use super::mapping::{map_ticket, map_units};
use super::watermark::Watermark;
use crate::server::adapters::condo::wire::WireTicket;
use crate::server::adapters::condo::{CondoClient, TICKETS_PER_PAGE, TicketCursor};
use crate::server::jobs::journal::Journal;
use crate::server::jobs::progress::Progress;
use crate::server::store::condo_import as store;
use crate::server::store::sync_run::RunCounts;

/// The state of one run: counts so far and the last committed watermark.
pub struct Import<'a, C> {
    pub pool: &'a PgPool,
    pub client: &'a C,
    pub journal: &'a Journal,
    pub overlap: Duration,
    pub counts: RunCounts,
    pub watermark: Option<Watermark>,
    pub pages: u32,
    bar: Progress,
    links: HashMap<String, Uuid>,
    unmatched_tickets: BTreeMap<String, i32>,
}

impl<'a, C: CondoClient> Import<'a, C> {
    /// A run that has not started.
    pub fn new(pool: &'a PgPool, client: &'a C, journal: &'a Journal, overlap: Duration, progress: bool) -> Self {
        Self {
            pool,
            client,
            journal,
            overlap,
            counts: RunCounts::default(),
            watermark: None,
            pages: 0,
            bar: Progress::new("Condo", "tickets", 0, progress),
            links: HashMap::new(),
            unmatched_tickets: BTreeMap::new(),
        }
    }

    /// Units first (tickets link to them by label), then tickets.
    pub async fn run(&mut self) -> anyhow::Result<()> {
        self.links =
            store::list_condo_property_links(self.pool).await.context("cannot read the Condo property links")?;
        self.import_units().await?;
        let stored = store::read_condo_watermark(self.pool).await.context("cannot read the Condo watermark")?;
        self.watermark = stored.as_deref().and_then(Watermark::parse);
        self.import_tickets().await?;
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

    /// Pages through tickets from the watermark until a short page. The next page is fetched
    /// while the current one is committed, so database time hides behind network latency.
    async fn import_tickets(&mut self) -> anyhow::Result<()> {
        let cursor = match &self.watermark {
            Some(mark) => mark.resume_cursor(self.overlap),
            None => TicketCursor::Start,
        };
        self.journal.record("tickets_from", json!({ "cursor": format!("{cursor:?}") }));
        let client = self.client;
        let mut page =
            client.tickets_page(&cursor, TICKETS_PER_PAGE).await.context("cannot read tickets page 1 from Condo")?;
        self.pages += 1;
        while let Some(last) = page.last() {
            let last = Watermark::new(&last.updated_at, last.number)
                .with_context(|| format!("Condo sent an unreadable updatedAt {:?}", last.updated_at))?;
            let next = TicketCursor::After { updated_at: last.updated_at.clone(), number: last.number };
            let full = page.len() == TICKETS_PER_PAGE;
            let prefetch =
                async move { if full { Some(client.tickets_page(&next, TICKETS_PER_PAGE).await) } else { None } };
            let (committed, fetched) = tokio::join!(self.commit_page(&page, last), prefetch);
            committed?;
            let Some(fetched) = fetched else { break };
            self.pages += 1;
            page = fetched.with_context(|| format!("cannot read tickets page {} from Condo", self.pages))?;
        }
        self.bar.finish();
        Ok(())
    }

    /// Writes one page and the watermark after it in one transaction.
    async fn commit_page(&mut self, page: &[WireTicket], last: Watermark) -> anyhow::Result<()> {
        let rows = self.map_page(page);
        let mark = match self.watermark.take() {
            Some(previous) => previous.max(last),
            None => last,
        };
        let started = std::time::Instant::now();
        let mut tx = self.pool.begin().await.context("cannot open a transaction")?;
        let written = store::upsert_condo_tickets(&mut tx, &rows).await.context("cannot write tickets")?;
        store::save_condo_watermark(&mut tx, &mark.format()).await.context("cannot save the watermark")?;
        tx.commit().await.context("cannot commit a page of tickets")?;
        self.counts.records_in += page.len() as i32;
        self.counts.records_out += written as i32;
        self.counts.records_skipped += rows.len() as i32 - written as i32;
        let db_ms = started.elapsed().as_secs_f64() * 1000.0;
        let fields = json!({ "page": self.pages, "tickets": page.len(), "written": written, "db_ms": db_ms, "watermark": mark.format() });
        self.journal.record("page_committed", fields);
        self.watermark = Some(mark);
        self.draw_progress();
        Ok(())
    }

    /// Maps a page; tickets of unlinked properties are skipped, unmappable ones failed.
    fn map_page(&mut self, page: &[WireTicket]) -> Vec<store::CondoTicket> {
        let mut rows = Vec::with_capacity(page.len());
        for ticket in page {
            let condo_property = ticket.property.as_ref().map(|p| p.id.clone()).unwrap_or_default();
            let Some(&local) = self.links.get(&condo_property) else {
                *self.unmatched_tickets.entry(condo_property).or_default() += 1;
                self.counts.records_skipped += 1;
                continue;
            };
            match map_ticket(ticket, local) {
                Ok(row) => rows.push(row),
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
