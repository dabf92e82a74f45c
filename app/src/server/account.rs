//! Building a tenant's account view from the store (scoped to that tenant).

use sqlx::PgPool;
use uuid::Uuid;

use crate::domain::{InvoiceStatus, Money};
use crate::model::AppError;
use crate::model::account::{AccountView, InvoiceRecord, InvoiceView, LeaseView, PaymentView};
use crate::model::session::SessionUser;
use crate::server::auth::AuthUser;
use crate::server::error::internal;
use crate::server::store::{app_user, invoice, lease, payment};

fn money(minor: i64, currency: &str) -> Result<Money, AppError> {
    Money::from_parts(minor, currency).map_err(internal)
}

/// The account of tenant `tenant_id`: only their own rows.
pub async fn load_account(pool: &PgPool, tenant_id: Uuid) -> Result<AccountView, AppError> {
    let user = app_user::find_user(pool, tenant_id).await?.ok_or(AppError::NotFound)?;
    let today = chrono::Utc::now().date_naive();
    let leases = lease::list_leases_of_tenant(pool, tenant_id).await?;
    let invoices = invoice::list_invoices_of_tenant(pool, tenant_id).await?;
    let payments = payment::list_payments_of_tenant(pool, tenant_id).await?;
    let owed: i64 =
        invoices.iter().filter(|i| !i.voided).map(|i| (i.total_minor - i.credited_minor - i.paid_minor).max(0)).sum();
    let balance = invoices.first().map(|i| money(owed, &i.currency)).transpose()?;
    Ok(AccountView {
        display_name: user.display_name,
        leases: leases
            .into_iter()
            .map(|l| {
                Ok(LeaseView {
                    rent: money(l.rent_minor, &l.currency)?,
                    property_name: l.property_name,
                    unit_label: l.unit_label,
                    city: l.city,
                    starts_on: l.starts_on,
                    ends_on: l.ends_on,
                })
            })
            .collect::<Result<_, AppError>>()?,
        invoices: invoices
            .into_iter()
            .map(|i| {
                let due = i.total_minor - i.credited_minor;
                let status = InvoiceStatus::derive(due, i.paid_minor, i.due_on, today, i.voided);
                Ok(InvoiceView {
                    id: i.id,
                    total: money(i.total_minor, &i.currency)?,
                    paid: money(i.paid_minor, &i.currency)?,
                    credited: (i.credited_minor > 0).then(|| money(i.credited_minor, &i.currency)).transpose()?,
                    past_due: !i.voided && i.paid_minor < due && today > i.due_on,
                    status,
                    number: i.number,
                    period_start: i.period_start,
                    due_on: i.due_on,
                })
            })
            .collect::<Result<_, AppError>>()?,
        payments: payments
            .into_iter()
            .map(|p| {
                let refunded = (p.refunded_minor > 0).then(|| money(p.refunded_minor, &p.currency)).transpose()?;
                Ok(PaymentView {
                    refunded,
                    amount: money(p.amount_minor, &p.currency)?,
                    received_at: p.received_at,
                    method: p.method,
                    reference: p.reference,
                })
            })
            .collect::<Result<_, AppError>>()?,
        balance,
    })
}

/// One invoice the caller may read (tenants: their own; admins: any;
/// landlords: none); another tenant's answers "not found".
pub async fn find_invoice(pool: &PgPool, user: &AuthUser, id: Uuid) -> Result<InvoiceRecord, AppError> {
    let row = invoice::find_invoice_of_tenant(pool, user.tenant_scope()?, id).await?.ok_or(AppError::NotFound)?;
    Ok(InvoiceRecord {
        id: row.id,
        number: row.number,
        currency: row.currency,
        total_minor: row.total_minor,
        paid_minor: row.paid_minor,
        due_on: row.due_on,
    })
}

/// The signed-in user as the header shows them; `None` once their row is gone.
pub async fn session_user(pool: &PgPool, user: &AuthUser) -> Result<Option<SessionUser>, AppError> {
    let row = app_user::find_user(pool, user.user_id).await?;
    Ok(row.map(|r| SessionUser { display_name: r.display_name, email: r.email, role: user.role }))
}
