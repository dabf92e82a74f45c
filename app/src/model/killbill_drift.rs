//! Invoices whose Kill Bill copy drifted from ours (changed in Kill Bill
//! itself, say adjusted in Kaui), and the admin's two ways out: accept Kill
//! Bill's figure into our ledger, or re-assert ours in Kill Bill.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One drifting invoice (`GET /api/manage/killbill/drift`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceDrift {
    /// Our invoice.
    pub invoice_id: Uuid,
    /// Its number.
    pub invoice_number: String,
    /// The tenant it is billed to.
    pub tenant_id: Uuid,
    /// The tenant's name.
    pub tenant_name: String,
    /// Kill Bill's id of its copy, when there is one.
    pub killbill_invoice_id: Option<String>,
    /// `amount_mismatch`, `status_mismatch` or `missing`.
    pub kind: String,
    /// The invoice's currency.
    pub currency: String,
    /// Our figure: the total net of credit notes, in minor units.
    pub local_minor: Option<i64>,
    /// Kill Bill's figure: its invoice's amount, in minor units.
    pub killbill_minor: Option<i64>,
    /// Kill Bill's less ours (negative: Kill Bill's is lower).
    pub difference_minor: Option<i64>,
    /// For a state difference: ours and Kill Bill's.
    pub local_status: Option<String>,
    /// Kill Bill's state, for a state difference.
    pub killbill_status: Option<String>,
    /// In plain words.
    pub detail: String,
    /// `reconciliation` or `notification`: who found it with these figures first.
    pub found_by: String,
    /// When it was first found with these figures.
    pub first_seen_at: DateTime<Utc>,
    /// When it was last confirmed.
    pub checked_at: DateTime<Utc>,
    /// What accepting Kill Bill's figure would do, or why it cannot be done.
    pub accept: Way,
    /// What re-asserting ours would do, or why it cannot be done.
    pub reassert: Way,
}

/// One way out of a drift, as offered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Way {
    /// Whether it is offered now.
    pub offered: bool,
    /// What it does, or why it is not offered, in plain words.
    pub says: String,
}

/// The figures the caller saw (the report's), so an action on figures that
/// changed since is refused rather than applied to something else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftSeen {
    /// Our figure, in minor units.
    pub local_minor: i64,
    /// Kill Bill's figure, in minor units.
    pub killbill_minor: i64,
}

/// What an action did (`POST /api/manage/killbill/drift/{invoice_id}/accept` or `…/reassert`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftResolved {
    /// The resolution's id (in the audit log too).
    pub id: Uuid,
    /// `accept` or `reassert`.
    pub action: String,
    /// Our invoice.
    pub invoice_id: Uuid,
    /// Its number.
    pub invoice_number: String,
    /// The invoice's currency.
    pub currency: String,
    /// The figures before: ours and Kill Bill's.
    pub before: DriftSeen,
    /// The figures after: equal.
    pub after: DriftSeen,
    /// The credit note that records Kill Bill's figure (accept).
    pub credit_note: Option<CreditNoteRef>,
    /// Kill Bill's invoice that holds ours afterwards.
    pub killbill_invoice_id: Option<String>,
    /// What was done, in plain words.
    pub done: String,
    /// Who did it (role and id).
    pub by: String,
    /// When it was finished.
    pub at: DateTime<Utc>,
    /// `true` when this answers a repeat of a request already carried out
    /// (a double click): nothing was done again.
    pub repeated: bool,
}

/// A credit note, as named in an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditNoteRef {
    /// Our id of the note.
    pub id: Uuid,
    /// Its number (`CN-2026-000001`).
    pub number: String,
    /// What it takes back, in minor units.
    pub amount_minor: i64,
}
