//! The invoices of the caller's properties (admins: every one), with what is
//! paid and left to pay, for the back office.

use sqlx::PgPool;
use std::collections::HashMap;
use uuid::Uuid;

use crate::domain::BillingPeriod;
use crate::model::AppError;
use crate::model::manage::{InvoiceCreditLine, InvoiceItem, InvoicePaymentLine, InvoiceQuery};
use crate::server::auth::AuthUser;
use crate::server::list_params::list_params;
use crate::server::store::{invoice, refund};

/// Invoices newest first, 50 a page, optionally of one tenant, one month,
/// and matching words (number, tenant name or e-mail).
pub async fn list(pool: &PgPool, user: &AuthUser, query: &InvoiceQuery) -> Result<Vec<InvoiceItem>, AppError> {
    let scope = user.landlord_scope()?;
    let period = query
        .period
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .map(|p| BillingPeriod::parse(p).map_err(|e| AppError::Validation(format!("period: {e}"))))
        .transpose()?;
    let list = list_params(query.page, query.q.as_deref())?;
    let rows = invoice::list_invoices_scoped(
        pool,
        scope,
        query.tenant_id,
        period.map(|p| p.start()),
        list.search,
        list.limit,
        list.offset,
    )
    .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut payments: HashMap<Uuid, Vec<InvoicePaymentLine>> = HashMap::new();
    for p in refund::list_payments_of_invoices(pool, &ids).await? {
        payments.entry(p.invoice_id).or_default().push(InvoicePaymentLine {
            id: p.id,
            amount_minor: p.amount_minor,
            refunded_minor: p.refunded_minor,
            received_on: p.received_on,
            method: p.method,
            reference: p.reference,
        });
    }
    let mut credits: HashMap<Uuid, Vec<InvoiceCreditLine>> = HashMap::new();
    for n in crate::server::store::credit_note::of_invoices(pool, &ids).await? {
        credits.entry(n.invoice_id).or_default().push(InvoiceCreditLine {
            id: n.id,
            number: n.number,
            amount_minor: n.amount_minor,
            issued_on: n.issued_on,
            reason: n.reason,
        });
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let outstanding = if r.voided { 0 } else { (r.total_minor - r.credited_minor - r.paid_minor).max(0) };
            let state = match (r.voided, r.paid_minor, outstanding) {
                (true, _, _) => "void",
                (false, 0, 0) if r.credited_minor > 0 => "credited",
                (false, _, 0) => "paid",
                (false, 0, _) => "open",
                _ => "partly_paid",
            };
            InvoiceItem {
                id: r.id,
                number: r.number,
                lease_id: r.lease_id,
                tenant_id: r.tenant_id,
                tenant_name: r.tenant_name,
                period: BillingPeriod::of(r.period_start).to_string(),
                issued_on: r.issued_on,
                due_on: r.due_on,
                currency: r.currency,
                total_minor: r.total_minor,
                credited_minor: r.credited_minor,
                paid_minor: r.paid_minor,
                outstanding_minor: outstanding,
                state: state.to_owned(),
                payments: payments.remove(&r.id).unwrap_or_default(),
                credit_notes: credits.remove(&r.id).unwrap_or_default(),
            }
        })
        .collect())
}
