//! Writing tickets read from Condo, with the ones filed here mapped back to our rows: a
//! ticket whose details end with our marker (`[mp:<uuid>]`) is the request of ours with that
//! id, which has no Condo id until the outbox records one. Claiming gives our row the Condo
//! id in the same transaction, just before the upsert keyed on it, so the request is updated
//! and never imported a second time.

use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::condo_marker;
use crate::server::adapters::condo::wire::WireTicket;
use crate::server::store::condo_detail::{MarkedClaim, claim_marked_tickets};
use crate::server::store::condo_import::{CondoTicket, upsert_condo_tickets};

/// A mapped ticket and the id of ours its details name, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadTicket {
    /// The ticket as our columns have it.
    pub row: CondoTicket,
    /// Our request's id, from the marker at the end of Condo's details.
    pub marker: Option<Uuid>,
}

impl ReadTicket {
    /// `row`, mapped from `wire`, with the marker of `wire`'s details.
    pub fn new(wire: &WireTicket, row: CondoTicket) -> Self {
        Self { row, marker: wire.details.as_deref().and_then(condo_marker::find) }
    }
}

/// What [`write_tickets`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketsWritten {
    /// Rows inserted or updated.
    pub written: u64,
    /// Requests of ours that took their Condo id now.
    pub claimed: u64,
    /// Condo tickets left out because their marker names a request of ours that is already
    /// another Condo ticket's (a copy made in Condo; ours stays single).
    pub duplicates: Vec<String>,
}

/// Claims the requests the marked tickets name, then upserts every ticket but the
/// duplicates, in the caller's transaction. Condo ids must be unique within `tickets`.
pub async fn write_tickets(conn: &mut PgConnection, tickets: &[ReadTicket]) -> Result<TicketsWritten, sqlx::Error> {
    let claims: Vec<MarkedClaim> = tickets
        .iter()
        .filter_map(|t| {
            let marker = t.marker?;
            Some(MarkedClaim { marker, external_id: t.row.external_id.clone(), parent: t.row.property_id })
        })
        .collect();
    let claimed = claim_marked_tickets(&mut *conn, &claims).await?;
    let mut duplicates = Vec::new();
    let rows: Vec<CondoTicket> = tickets
        .iter()
        .filter(|t| {
            let ours = t.marker.and_then(|m| claimed.ours.get(&m));
            let duplicate = ours.is_some_and(|external| external.as_deref() != Some(t.row.external_id.as_str()));
            if duplicate {
                duplicates.push(t.row.external_id.clone());
            }
            !duplicate
        })
        .map(|t| t.row.clone())
        .collect();
    let written = upsert_condo_tickets(conn, &rows).await?;
    Ok(TicketsWritten { written, claimed: claimed.claimed, duplicates })
}
