//! Refunding a payment (admins: any; landlords: their properties'
//! payments; another landlord's payment answers "not found"): in part or in
//! full, with a reason, never more than is left of the payment. A refund is
//! a new document; the payment itself is never edited. What is paid on the
//! invoice drops by the refund (its outstanding rises), and the Kill Bill
//! mirror refunds its copy of the payment on the next run. Audited.

use chrono::{Datelike, NaiveDate, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::domain::Money;
use crate::model::AppError;
use crate::model::payment::{PaymentRefunded, RefundRequest};
use crate::server::audit::Actor;
use crate::server::auth::AuthUser;
use crate::server::store::audit_log::{self, AuditEntry};
use crate::server::store::refund::{self, NewRefund};

/// A refund's fields, checked: (amount, day, reason).
fn check(request: &RefundRequest, today: NaiveDate) -> Result<(i64, NaiveDate, String), AppError> {
    let invalid = |message: &str| Err(AppError::Validation(message.to_owned()));
    if request.amount_minor <= 0 {
        return invalid("amount_minor: a whole number of minor units, more than 0");
    }
    let refunded_on = match request.refunded_on.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => today,
        Some(raw) => match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            Ok(day) if day > today => return invalid("refunded_on: a refund cannot be made in the future"),
            Ok(day) if day.year() < 2000 => return invalid("refunded_on: too long ago"),
            Ok(day) => day,
            Err(_) => return invalid("refunded_on: a date, YYYY-MM-DD"),
        },
    };
    let reason = request.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return invalid("reason: from 1 to 500 characters");
    }
    Ok((request.amount_minor, refunded_on, reason.to_owned()))
}

/// Gives back `request.amount_minor` of payment `payment_id`.
pub async fn refund(
    pool: &PgPool,
    user: &AuthUser,
    payment_id: Uuid,
    request: &RefundRequest,
) -> Result<PaymentRefunded, AppError> {
    refund_by(pool, user.landlord_scope()?, &Actor::of(user), payment_id, request).await
}

/// [`refund`] by `by` (the command line, say) within `scope` (a landlord's
/// properties; every payment with `None`).
pub async fn refund_by(
    pool: &PgPool,
    scope: Option<Uuid>,
    by: &Actor,
    payment_id: Uuid,
    request: &RefundRequest,
) -> Result<PaymentRefunded, AppError> {
    let (amount_minor, refunded_on, reason) = check(request, Utc::now().date_naive())?;
    let mut tx = pool.begin().await?;
    let paid = refund::lock_refundable_payment(&mut tx, payment_id, scope).await?.ok_or(AppError::NotFound)?;
    let money = |minor: i64| Money::from_parts(minor, &paid.currency).map_or(minor.to_string(), |m| m.to_string());
    let left = paid.amount_minor - paid.refunded_minor;
    if amount_minor > left {
        return Err(AppError::Conflict(format!(
            "amount_minor: {} is more than the {} left to refund of this payment of {}",
            money(amount_minor),
            money(left),
            money(paid.amount_minor)
        )));
    }
    if refunded_on < paid.received_on {
        return Err(AppError::Validation(format!(
            "refunded_on: on or after the day the payment was received, {}",
            paid.received_on
        )));
    }
    let new =
        NewRefund { id: Uuid::new_v4(), payment_id, tenant_id: paid.tenant_id, amount_minor, refunded_on, reason };
    let refunded_minor = refund::insert_refund(&mut tx, &new).await?;
    let outstanding_minor = paid.invoice_total_minor
        - paid.invoice_credited_minor
        - crate::server::store::payment::paid_on_invoice(&mut *tx, paid.invoice_id).await?;
    let after = serde_json::json!({
        "payment_id": payment_id, "invoice": paid.invoice_number, "amount_minor": amount_minor,
        "currency": paid.currency, "refunded_on": refunded_on, "reason": new.reason,
        "payment_refunded_minor": refunded_minor,
    });
    let entry = AuditEntry { after: Some(after), ..by.did("payment.refund", "payment_refund", new.id) };
    audit_log::record(&mut *tx, &entry).await?;
    tx.commit().await?;
    tracing::info!(refund = %new.id, payment = %payment_id, amount_minor, "payment refunded");
    Ok(PaymentRefunded {
        id: new.id,
        payment_id,
        invoice_id: paid.invoice_id,
        amount_minor,
        currency: paid.currency,
        refunded_minor,
        outstanding_minor,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_bad_field_is_named() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let request = |amount_minor: i64, reason: &str, day: Option<&str>| RefundRequest {
            amount_minor,
            reason: reason.into(),
            refunded_on: day.map(str::to_owned),
        };
        let field = |r: RefundRequest| match check(&r, today) {
            Err(AppError::Validation(message)) => message.split(':').next().unwrap_or_default().to_owned(),
            other => panic!("refused expected, got {other:?}"),
        };
        assert_eq!(field(request(0, "paid twice", None)), "amount_minor");
        assert_eq!(field(request(-1, "paid twice", None)), "amount_minor");
        assert_eq!(field(request(100, "  ", None)), "reason");
        assert_eq!(field(request(100, &"x".repeat(501), None)), "reason");
        assert_eq!(field(request(100, "paid twice", Some("2026-12-05"))), "refunded_on");
        assert_eq!(field(request(100, "paid twice", Some("04/12/2026"))), "refunded_on");
        assert_eq!(check(&request(100, " paid twice ", None), today).unwrap(), (100, today, "paid twice".to_owned()));
        let back_dated = check(&request(100, "paid twice", Some("2026-11-30")), today).unwrap();
        assert_eq!(back_dated.1, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
    }
}
