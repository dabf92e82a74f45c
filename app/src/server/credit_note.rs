//! Credit notes (admins: any invoice; landlords: their properties'
//! invoices; another landlord's invoice answers "not found"): part of an
//! issued invoice taken back by a new, negative document with its own number
//! (`CN-<year>-<n>`, gapless per year), linked to the invoice and saying why.
//! The invoice is never edited; what is due on it drops by the note. A note
//! takes back at most what is still due (more would be money owed back: a
//! refund of a payment first), and never touches a void invoice. Each note
//! is spread over the invoice's lines in order, so the Kill Bill mirror can
//! adjust the item of each line by its share. Audited.

use chrono::{Datelike, NaiveDate, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::domain::Money;
use crate::model::AppError;
use crate::model::payment::{CreditNoteIssued, CreditNoteRequest};
use crate::server::audit::Actor;
use crate::server::auth::AuthUser;
use crate::server::store::audit_log::{self, AuditEntry};
use crate::server::store::credit_note::{self as store, LineLeft, NewCreditNote};

/// A note's fields, checked: (amount, reason).
fn check(request: &CreditNoteRequest) -> Result<(i64, String), AppError> {
    if request.amount_minor <= 0 {
        return Err(AppError::Validation("amount_minor: a whole number of minor units, more than 0".into()));
    }
    let reason = request.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(AppError::Validation("reason: from 1 to 500 characters".into()));
    }
    Ok((request.amount_minor, reason.to_owned()))
}

/// Spreads `amount` over the lines in order, each up to what is left of it
/// (lines of 0 or less take nothing): `(position, share)`, or `None` when
/// the lines cannot take it all.
pub fn spread(amount: i64, lines: &[LineLeft]) -> Option<Vec<(i32, i64)>> {
    let mut rest = amount;
    let mut parts = Vec::new();
    for line in lines {
        if rest == 0 {
            break;
        }
        let left = (line.amount_minor - line.credited_minor).max(0);
        let share = left.min(rest);
        if share > 0 {
            parts.push((line.position, share));
            rest -= share;
        }
    }
    (rest == 0).then_some(parts)
}

/// The number of the `n`th note of `year`.
pub fn number(year: i32, n: i32) -> String {
    format!("CN-{year}-{n:06}")
}

/// Takes `request.amount_minor` back on invoice `invoice_id`.
pub async fn issue(
    pool: &PgPool,
    user: &AuthUser,
    invoice_id: Uuid,
    request: &CreditNoteRequest,
) -> Result<CreditNoteIssued, AppError> {
    issue_by(pool, user.landlord_scope()?, &Actor::of(user), invoice_id, request).await
}

/// [`issue`] by `by` (the command line, say) within `scope` (a landlord's
/// properties; every invoice with `None`).
pub async fn issue_by(
    pool: &PgPool,
    scope: Option<Uuid>,
    by: &Actor,
    invoice_id: Uuid,
    request: &CreditNoteRequest,
) -> Result<CreditNoteIssued, AppError> {
    let (amount_minor, reason) = check(request)?;
    let issued_on = Utc::now().date_naive();
    let mut tx = pool.begin().await?;
    let invoice = store::lock_creditable_invoice(&mut tx, invoice_id, scope).await?.ok_or(AppError::NotFound)?;
    let money = |minor: i64| Money::from_parts(minor, &invoice.currency).map_or(minor.to_string(), |m| m.to_string());
    if invoice.voided {
        return Err(AppError::Conflict(format!(
            "invoice: {} is void, so nothing is due on it to credit",
            invoice.number
        )));
    }
    let paid = crate::server::store::payment::paid_on_invoice(&mut *tx, invoice_id).await?;
    let due = invoice.total_minor - invoice.credited_minor - paid;
    if amount_minor > due {
        return Err(AppError::Conflict(format!(
            "amount_minor: {} is more than the {} still due on invoice {} (total {}, credited {}, paid {}); \
             to give back money already paid, refund the payment",
            money(amount_minor),
            money(due.max(0)),
            invoice.number,
            money(invoice.total_minor),
            money(invoice.credited_minor),
            money(paid)
        )));
    }
    let lines = store::lines_left(&mut tx, invoice_id).await?;
    let parts = spread(amount_minor, &lines).ok_or_else(|| {
        AppError::Conflict(format!("amount_minor: the lines of invoice {} have less than that left", invoice.number))
    })?;
    let year = issued_on.year();
    let n = store::take_number(&mut tx, year).await?;
    let note = NewCreditNote {
        id: Uuid::new_v4(),
        number: number(year, n),
        invoice_id,
        tenant_id: invoice.tenant_id,
        amount_minor,
        currency: invoice.currency.clone(),
        issued_on: dated(issued_on, invoice.issued_on),
        reason,
        parts,
    };
    let credited_minor = store::insert(&mut tx, &note).await?;
    let after = serde_json::json!({
        "number": note.number, "invoice_id": invoice_id, "invoice": invoice.number, "amount_minor": amount_minor,
        "currency": note.currency, "reason": note.reason, "parts": note.parts,
        "invoice_credited_minor": credited_minor,
    });
    let entry = AuditEntry { after: Some(after), ..by.did("invoice.credit", "credit_note", note.id) };
    audit_log::record(&mut *tx, &entry).await?;
    tx.commit().await?;
    tracing::info!(credit_note = %note.id, invoice = %invoice_id, amount_minor, "credit note issued");
    Ok(CreditNoteIssued {
        id: note.id,
        number: note.number,
        invoice_id,
        invoice_number: invoice.number,
        amount_minor,
        currency: note.currency,
        issued_on: note.issued_on,
        credited_minor,
        outstanding_minor: invoice.total_minor - credited_minor - paid,
    })
}

/// The day a note is dated: today (never before its invoice).
pub fn dated(today: NaiveDate, invoice_issued_on: NaiveDate) -> NaiveDate {
    today.max(invoice_issued_on)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(position: i32, amount_minor: i64, credited_minor: i64) -> LineLeft {
        LineLeft { position, amount_minor, credited_minor }
    }

    #[test]
    fn a_note_is_spread_over_the_lines_in_order_up_to_what_is_left_of_each() {
        let lines = [line(1, 90_000, 20_000), line(2, 0, 0), line(3, -500, 0), line(4, 5_000, 0)];
        assert_eq!(spread(10_000, &lines), Some(vec![(1, 10_000)]));
        assert_eq!(spread(70_000, &lines), Some(vec![(1, 70_000)]));
        assert_eq!(spread(72_500, &lines), Some(vec![(1, 70_000), (4, 2_500)]));
        assert_eq!(spread(75_000, &lines), Some(vec![(1, 70_000), (4, 5_000)]));
        assert_eq!(spread(75_001, &lines), None, "more than the lines have left");
    }

    #[test]
    fn bad_fields_are_named_and_numbers_run_per_year() {
        let field =
            |amount_minor: i64, reason: &str| match check(&CreditNoteRequest { amount_minor, reason: reason.into() }) {
                Err(AppError::Validation(message)) => message.split(':').next().unwrap_or_default().to_owned(),
                other => panic!("refused expected, got {other:?}"),
            };
        assert_eq!(field(0, "overcharged"), "amount_minor");
        assert_eq!(field(-5, "overcharged"), "amount_minor");
        assert_eq!(field(100, " "), "reason");
        assert_eq!(field(100, &"x".repeat(501)), "reason");
        assert_eq!(number(2026, 7), "CN-2026-000007");
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        assert_eq!(dated(day(4), day(1)), day(4));
        assert_eq!(dated(day(1), day(4)), day(4), "never before its invoice");
    }
}
