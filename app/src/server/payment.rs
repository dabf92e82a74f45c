//! Recording a payment against an invoice (admins: any; landlords: their
//! properties' invoices; another landlord's invoice answers "not found").
//! Partial or in full, back-dated, in the invoice's currency; never more
//! than is left to pay. Voiding an unpaid invoice, with a reason. Each is
//! recorded in the audit log.

use chrono::{Datelike, NaiveDate, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::domain::Money;
use crate::model::AppError;
use crate::model::payment::{InvoiceVoided, PaymentRecorded, PaymentRequest, VoidRequest};
use crate::server::audit::Actor;
use crate::server::auth::AuthUser;
use crate::server::store::audit_log::{self, AuditEntry};
use crate::server::store::payment::{self, NewPayment};

/// The ways a payment arrives.
const METHODS: [&str; 4] = ["bank_transfer", "card", "direct_debit", "cash"];
/// The largest single payment accepted (in minor units).
const MAX_AMOUNT_MINOR: i64 = 1_000_000_000_000;

/// A payment's fields, checked.
struct Checked {
    amount_minor: i64,
    received_on: NaiveDate,
    method: String,
    reference: String,
}

fn check(request: &PaymentRequest, today: NaiveDate) -> Result<Checked, AppError> {
    let invalid = |message: &str| Err(AppError::Validation(message.to_owned()));
    if request.amount_minor <= 0 || request.amount_minor > MAX_AMOUNT_MINOR {
        return invalid("amount_minor: a whole number of minor units, more than 0");
    }
    let Ok(received_on) = NaiveDate::parse_from_str(request.received_on.trim(), "%Y-%m-%d") else {
        return invalid("received_on: a date, YYYY-MM-DD");
    };
    if received_on > today {
        return invalid("received_on: a payment cannot be received in the future");
    }
    if received_on.year() < 2000 {
        return invalid("received_on: too long ago");
    }
    let method = request.method.trim();
    if !METHODS.contains(&method) {
        return invalid("method: bank_transfer, card, direct_debit or cash");
    }
    let reference = request.reference.trim();
    if reference.is_empty() || reference.chars().count() > 100 {
        return invalid("reference: from 1 to 100 characters");
    }
    Ok(Checked {
        amount_minor: request.amount_minor,
        received_on,
        method: method.to_owned(),
        reference: reference.to_owned(),
    })
}

/// Records a payment received against invoice `invoice_id`.
pub async fn record(
    pool: &PgPool,
    user: &AuthUser,
    invoice_id: Uuid,
    request: &PaymentRequest,
) -> Result<PaymentRecorded, AppError> {
    let scope = user.landlord_scope()?;
    let checked = check(request, Utc::now().date_naive())?;
    let mut tx = pool.begin().await?;
    let invoice = payment::lock_payable_invoice(&mut tx, invoice_id, scope).await?.ok_or(AppError::NotFound)?;
    if invoice.voided {
        return Err(AppError::Conflict(format!("Invoice {} is void: it takes no payment.", invoice.number)));
    }
    let outstanding = invoice.total_minor - invoice.credited_minor - invoice.paid_minor;
    if checked.amount_minor > outstanding {
        let money = |minor| Money::from_parts(minor, &invoice.currency).map_or(minor.to_string(), |m| m.to_string());
        return Err(AppError::Conflict(format!(
            "amount_minor: {} is more than the {} left to pay on invoice {}.",
            money(checked.amount_minor),
            money(outstanding),
            invoice.number
        )));
    }
    let new = NewPayment {
        id: Uuid::new_v4(),
        invoice_id,
        tenant_id: invoice.tenant_id,
        amount_minor: checked.amount_minor,
        currency: invoice.currency.clone(),
        received_at: checked.received_on.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc(),
        method: checked.method,
        reference: checked.reference,
    };
    if !payment::insert_payment_if_absent(&mut *tx, &new).await? {
        return Err(AppError::Conflict(format!("reference: {} is already recorded", new.reference)));
    }
    let recorded = PaymentRecorded {
        id: new.id,
        invoice_id,
        amount_minor: new.amount_minor,
        currency: new.currency.clone(),
        outstanding_minor: outstanding - new.amount_minor,
    };
    let after = serde_json::json!({
        "invoice_id": invoice_id, "invoice": invoice.number, "amount_minor": new.amount_minor,
        "currency": new.currency, "received_on": checked.received_on, "method": new.method,
        "reference": new.reference,
    });
    let by = Actor::of(user);
    let entry = AuditEntry { after: Some(after), ..by.did("payment.record", "payment", new.id) };
    audit_log::record(&mut *tx, &entry).await?;
    tx.commit().await?;
    tracing::info!(payment = %new.id, invoice = %invoice_id, amount_minor = new.amount_minor, "payment recorded");
    Ok(recorded)
}

/// Voids invoice `invoice_id`: only while nothing is paid on it (a paid
/// invoice is corrected by refunding first), never twice. The invoice keeps
/// its number; the Kill Bill mirror voids its copy on the next run.
pub async fn void(
    pool: &PgPool,
    user: &AuthUser,
    invoice_id: Uuid,
    request: &VoidRequest,
) -> Result<InvoiceVoided, AppError> {
    void_by(pool, user.landlord_scope()?, &Actor::of(user), invoice_id, request).await
}

/// [`void`] by `by` (the command line, say) within `scope` (a landlord's
/// properties; every invoice with `None`).
pub async fn void_by(
    pool: &PgPool,
    scope: Option<Uuid>,
    by: &Actor,
    invoice_id: Uuid,
    request: &VoidRequest,
) -> Result<InvoiceVoided, AppError> {
    let reason = request.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(AppError::Validation("reason: from 1 to 500 characters".into()));
    }
    let mut tx = pool.begin().await?;
    let invoice = payment::lock_payable_invoice(&mut tx, invoice_id, scope).await?.ok_or(AppError::NotFound)?;
    if invoice.voided {
        return Err(AppError::Conflict(format!("Invoice {} is already void.", invoice.number)));
    }
    if invoice.paid_minor > 0 {
        let paid = Money::from_parts(invoice.paid_minor, &invoice.currency)
            .map_or(invoice.paid_minor.to_string(), |m| m.to_string());
        return Err(AppError::Conflict(format!(
            "Invoice {} has {paid} paid on it: refund the payments first, then void it.",
            invoice.number
        )));
    }
    let voided_at = payment::void_invoice(&mut tx, invoice_id, reason)
        .await?
        .ok_or_else(|| AppError::Conflict(format!("Invoice {} is already void.", invoice.number)))?;
    let before = serde_json::json!({ "number": invoice.number, "total_minor": invoice.total_minor,
                                     "currency": invoice.currency, "voided": false });
    let after = serde_json::json!({ "number": invoice.number, "voided": true, "reason": reason });
    let entry =
        AuditEntry { before: Some(before), after: Some(after), ..by.did("invoice.void", "invoice", invoice_id) };
    audit_log::record(&mut *tx, &entry).await?;
    tx.commit().await?;
    tracing::info!(invoice = %invoice_id, number = %invoice.number, "invoice voided");
    Ok(InvoiceVoided { id: invoice_id, number: invoice.number, voided_at, reason: reason.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(amount_minor: i64, received_on: &str, method: &str, reference: &str) -> PaymentRequest {
        PaymentRequest {
            amount_minor,
            received_on: received_on.into(),
            method: method.into(),
            reference: reference.into(),
        }
    }

    #[test]
    fn each_bad_field_is_named() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let field = |r: PaymentRequest| match check(&r, today) {
            Err(AppError::Validation(message)) => message.split(':').next().unwrap_or_default().to_owned(),
            other => panic!("refused expected, got {:?}", other.map(|c| c.amount_minor)),
        };
        assert_eq!(field(request(0, "2026-12-01", "cash", "R1")), "amount_minor");
        assert_eq!(field(request(-5, "2026-12-01", "cash", "R1")), "amount_minor");
        assert_eq!(field(request(100, "2026-12-04", "cash", "R1")), "received_on");
        assert_eq!(field(request(100, "03/12/2026", "cash", "R1")), "received_on");
        assert_eq!(field(request(100, "2026-12-01", "cheque", "R1")), "method");
        assert_eq!(field(request(100, "2026-12-01", "cash", "  ")), "reference");
        assert!(check(&request(100, "2025-01-31", "cash", " R1 "), today).is_ok_and(|c| c.reference == "R1"));
    }
}
