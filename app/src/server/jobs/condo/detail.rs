//! What surrounds a ticket, from Condo's wire types to our rows: comments (with their type:
//! `resident` ones the tenant sees), status changes (status ids read as types through Condo's
//! statuses), and files (bytes read one at a time, up to a size limit). Records carrying our
//! marker are mapped back to our rows and never inserted a second time.
//!
//! Comments and changes are written in the caller's transaction, with the tickets they belong
//! to; files afterwards, one statement each, so that no more than one file's bytes is held at
//! once. Both run before the caller moves its watermark, so a run killed in between reads the
//! same tickets again and finishes the job.

use anyhow::Context as _;
use sqlx::{PgConnection, PgPool};
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

use super::mapping::{name_of, non_empty, parse_time};
use crate::domain::{TicketStatus, attachment, condo_marker};
use crate::server::adapters::condo::wire::{TicketDetailData, WireChange, WireComment, WireFile};
use crate::server::adapters::condo::{CondoClient, CondoError};
use crate::server::store::condo_detail::{self as store, CondoComment, CondoFile, CondoStatusChange, MarkedClaim};

/// The longest comment kept (`maintenance_comment.content` allows 10,000 characters).
const MAX_COMMENT: usize = 10_000;

/// Our id of a Condo record of `kind` (`comment`, `change`, `file`): stable across runs.
fn record_id(kind: &str, condo_id: &str) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_URL, format!("condo:{kind}:{condo_id}").as_bytes())
}

/// What one batch of detail did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DetailTally {
    /// Comments inserted or changed.
    pub comments: u64,
    /// Status changes inserted or corrected.
    pub changes: u64,
    /// Files stored (bytes kept, or too large and listed only).
    pub files: u64,
    /// Of those, files too large to keep their bytes.
    pub files_too_large: u64,
    /// Our comments and files that Condo's copies were mapped back to.
    pub claimed: u64,
    /// Imported comments and files deleted in Condo, removed here.
    pub removed: u64,
    /// Records left out: of a ticket we do not have, empty, or naming a row of ours already
    /// mapped to another Condo record.
    pub skipped: u64,
    /// Files that could not be read (`<Condo file id>: <error>`); they are tried again the
    /// next time their ticket is read.
    pub failed: Vec<String>,
}

impl DetailTally {
    /// Whether anything was written.
    pub fn wrote(&self) -> bool {
        self.comments + self.changes + self.files + self.claimed + self.removed > 0
    }

    /// Adds `other` to this tally.
    pub fn add(&mut self, other: DetailTally) {
        self.comments += other.comments;
        self.changes += other.changes;
        self.files += other.files;
        self.files_too_large += other.files_too_large;
        self.claimed += other.claimed;
        self.removed += other.removed;
        self.skipped += other.skipped;
        self.failed.extend(other.failed);
    }
}

/// The Condo id of the ticket a record belongs to.
fn ticket_of(ticket: Option<&crate::server::adapters::condo::wire::IdOnly>) -> Option<&str> {
    ticket.map(|t| t.id.as_str())
}

/// Writes the comments and status changes of `detail` (in the caller's transaction), and
/// removes imported comments that Condo no longer has on the tickets of `complete` (Condo ids
/// of tickets whose lists were read whole). Records of tickets we do not have are skipped.
pub async fn apply_records(
    conn: &mut PgConnection,
    detail: &TicketDetailData,
    complete: &[String],
) -> Result<DetailTally, sqlx::Error> {
    let mut wanted: Vec<String> = complete.to_vec();
    wanted.extend(detail.comments.iter().filter_map(|c| ticket_of(c.ticket.as_ref())).map(str::to_owned));
    wanted.extend(detail.changes.iter().filter_map(|c| ticket_of(c.ticket.as_ref())).map(str::to_owned));
    wanted.sort();
    wanted.dedup();
    let tickets = store::ticket_ids_of(&mut *conn, &wanted).await?;
    let mut tally = DetailTally::default();
    apply_comments(conn, &detail.comments, &tickets, complete, &mut tally).await?;
    let statuses: HashMap<&str, TicketStatus> = detail
        .statuses
        .iter()
        .filter_map(|s| Some((s.id.as_str(), TicketStatus::parse(s.kind.as_deref()?)?)))
        .collect();
    let mut changes = BTreeMap::new();
    for wire in &detail.changes {
        match ticket_of(wire.ticket.as_ref()).and_then(|t| tickets.get(t)).and_then(|&t| map_change(wire, t, &statuses))
        {
            Some(change) => {
                changes.insert(change.external_id.clone(), change);
            }
            None => tally.skipped += 1,
        }
    }
    let changes: Vec<CondoStatusChange> = changes.into_values().collect();
    tally.changes = store::upsert_status_changes(&mut *conn, &changes).await?;
    Ok(tally)
}

async fn apply_comments(
    conn: &mut PgConnection,
    wire: &[WireComment],
    tickets: &HashMap<String, Uuid>,
    complete: &[String],
    tally: &mut DetailTally,
) -> Result<(), sqlx::Error> {
    let mut mapped = Vec::new();
    for comment in wire {
        match ticket_of(comment.ticket.as_ref()).and_then(|t| tickets.get(t)).and_then(|&t| map_comment(comment, t)) {
            Some(pair) => mapped.push(pair),
            None => tally.skipped += 1,
        }
    }
    let claims: Vec<MarkedClaim> = mapped
        .iter()
        .filter_map(|(c, marker)| {
            marker.map(|m| MarkedClaim { marker: m, external_id: c.external_id.clone(), parent: c.ticket_id })
        })
        .collect();
    let claimed = store::claim_marked_comments(conn, &claims).await?;
    tally.claimed += claimed.claimed;
    let mut rows = BTreeMap::new();
    for (comment, marker) in mapped {
        let ours = marker.and_then(|m| claimed.ours.get(&m));
        if ours.is_some_and(|external| external.as_deref() != Some(comment.external_id.as_str())) {
            tally.skipped += 1;
            continue;
        }
        rows.insert(comment.external_id.clone(), comment);
    }
    let rows: Vec<CondoComment> = rows.into_values().collect();
    tally.comments = store::upsert_condo_comments(&mut *conn, &rows).await?;
    let complete_ours: Vec<Uuid> = complete.iter().filter_map(|t| tickets.get(t)).copied().collect();
    let kept: Vec<String> = wire.iter().map(|c| c.id.clone()).collect();
    tally.removed += store::delete_vanished_comments(&mut *conn, &complete_ours, &kept).await?;
    Ok(())
}

/// A comment of our ticket `ticket_id`, with the id of ours its marker names; `None` when it
/// has no readable time or no text besides a marker.
pub fn map_comment(wire: &WireComment, ticket_id: Uuid) -> Option<(CondoComment, Option<Uuid>)> {
    let raw = wire.content.as_deref().unwrap_or_default();
    let marker = condo_marker::find(raw);
    let content: String = condo_marker::strip(raw).trim().chars().take(MAX_COMMENT).collect();
    if content.is_empty() {
        return None;
    }
    let created_at = parse_time(wire.created_at.as_deref()?).ok()?;
    let updated_at = wire.updated_at.as_deref().and_then(|t| parse_time(t).ok()).unwrap_or(created_at);
    let comment = CondoComment {
        id: record_id("comment", &wire.id),
        ticket_id,
        external_id: wire.id.clone(),
        for_residents: wire.kind.as_deref() == Some("resident"),
        content,
        author_name: name_of(wire.user.as_ref()),
        created_at,
        updated_at,
    };
    Some((comment, marker))
}

/// A status change of our ticket `ticket_id`, its status ids read through `statuses`.
pub fn map_change(
    wire: &WireChange,
    ticket_id: Uuid,
    statuses: &HashMap<&str, TicketStatus>,
) -> Option<CondoStatusChange> {
    let status = |id: Option<&String>| id.and_then(|id| statuses.get(id.as_str()).copied());
    Some(CondoStatusChange {
        id: record_id("change", &wire.id),
        ticket_id,
        external_id: wire.id.clone(),
        status_from: status(wire.status_id_from.as_ref()),
        status_to: status(wire.status_id_to.as_ref()),
        status_name_from: non_empty(wire.status_display_name_from.as_deref()),
        status_name_to: non_empty(wire.status_display_name_to.as_deref()),
        reason: non_empty(wire.status_reason_to.as_deref()),
        changed_by_name: name_of(wire.created_by.as_ref()),
        changed_at: parse_time(wire.created_at.as_deref()?).ok()?,
    })
}

/// Stores the files we do not hold yet, reading each one's bytes (at most `max_bytes`) just
/// before storing it; maps files named with our marker back to our rows; and removes imported
/// files that Condo no longer has on the tickets of `complete`. A file that cannot be read for
/// good (a 4xx) is left out and reported; one that may be read later (Condo down, a 5xx)
/// fails the call, so the caller keeps its watermark and tries again.
pub async fn store_files<C: CondoClient>(
    pool: &PgPool,
    client: &C,
    files: &[WireFile],
    complete: &[String],
    max_bytes: u64,
) -> anyhow::Result<DetailTally> {
    let mut tally = DetailTally::default();
    let read: Vec<String> = files.iter().map(|f| f.id.clone()).collect();
    let mut wanted: Vec<String> = complete.to_vec();
    wanted.extend(files.iter().filter_map(|f| ticket_of(f.ticket.as_ref())).map(str::to_owned));
    wanted.sort();
    wanted.dedup();
    let tickets = store::ticket_ids_of(pool, &wanted).await?;
    let mut seen = HashSet::new();
    let files: Vec<(&WireFile, Uuid)> = files
        .iter()
        .filter(|f| seen.insert(f.id.as_str()))
        .filter_map(|f| Some((f, *tickets.get(ticket_of(f.ticket.as_ref())?)?)))
        .collect();
    tally.skipped += (seen.len() - files.len()) as u64;
    let external_ids: Vec<String> = files.iter().map(|(f, _)| f.id.clone()).collect();
    let markers: Vec<Uuid> = files.iter().filter_map(|(f, _)| marker_of(f)).collect();
    let claims: Vec<MarkedClaim> = files
        .iter()
        .filter_map(|(f, ticket)| {
            Some(MarkedClaim { marker: marker_of(f)?, external_id: f.id.clone(), parent: *ticket })
        })
        .collect();
    // No connection is held while files are read: only for these statements.
    let known = {
        let mut conn = pool.acquire().await.context("cannot reach our database")?;
        let known = store::known_files(&mut conn, &external_ids, &markers).await?;
        let unclaimed: Vec<MarkedClaim> =
            claims.iter().filter(|c| known.marked.get(&c.marker).is_some_and(Option::is_none)).cloned().collect();
        tally.claimed += store::claim_marked_files(&mut conn, &unclaimed).await?;
        known
    };
    for (file, ticket) in files {
        if known.external_ids.contains(&file.id) {
            continue;
        }
        if let Some(ours) = marker_of(file).and_then(|m| known.marked.get(&m)) {
            // Ours: claimed above when it had no Condo id yet; another record's copy otherwise.
            tally.skipped += u64::from(ours.as_ref().is_some_and(|external| external != &file.id));
            continue;
        }
        match read_file(client, file, ticket, max_bytes).await? {
            Ok(row) => {
                tally.files_too_large += u64::from(row.bytes.is_none());
                tally.files += u64::from(store::insert_condo_file(pool, &row).await?);
            }
            Err(reason) => tally.failed.push(format!("{}: {reason}", file.id)),
        }
    }
    let complete_ours: Vec<Uuid> = complete.iter().filter_map(|t| tickets.get(t)).copied().collect();
    if !complete_ours.is_empty() {
        tally.removed += store::delete_vanished_files(pool, &complete_ours, &read).await?;
    }
    Ok(tally)
}

/// Our id in a file's name (`mp-<uuid>.<ext>`), when it is one of ours.
fn marker_of(file: &WireFile) -> Option<Uuid> {
    condo_marker::find_in_file_name(file.file.as_ref()?.original_filename.as_deref()?)
}

/// Reads one file into a row. The outer error fails the caller (try again later); the inner
/// one is this file's alone (it is reported and left out).
async fn read_file<C: CondoClient>(
    client: &C,
    file: &WireFile,
    ticket_id: Uuid,
    max_bytes: u64,
) -> Result<Result<CondoFile, String>, CondoError> {
    let Some(object) = file.file.as_ref() else { return Ok(Err("the file has no content".to_owned())) };
    let Some(url) = object.public_url.as_deref().filter(|u| !u.is_empty()) else {
        return Ok(Err("the file has no publicUrl".to_owned()));
    };
    let Some(created_at) = file.created_at.as_deref().and_then(|t| parse_time(t).ok()) else {
        return Ok(Err(format!("unreadable createdAt {:?}", file.created_at)));
    };
    let download = match client.download(url, max_bytes).await {
        Ok(download) => download,
        Err(err) if err.is_retryable() || err.needs_sign_in() => return Err(err),
        Err(err) => return Ok(Err(err.to_string())),
    };
    let declared = object.mimetype.as_deref().or(download.content_type.as_deref());
    Ok(Ok(CondoFile {
        id: record_id("file", &file.id),
        ticket_id,
        external_id: file.id.clone(),
        filename: attachment::clean_file_name(object.original_filename.as_deref().unwrap_or_default()),
        content_type: attachment::clean_content_type(declared),
        size_bytes: i32::try_from(download.size).unwrap_or(i32::MAX),
        bytes: download.bytes,
        created_at,
    }))
}
