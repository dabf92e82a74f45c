//! A tenant's own lease, invoices and payments.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::AppError;
use crate::domain::{InvoiceStatus, Money};

/// A lease as its tenant sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeaseView {
    pub property_name: String,
    pub unit_label: String,
    pub city: String,
    pub starts_on: chrono::NaiveDate,
    pub ends_on: Option<chrono::NaiveDate>,
    pub rent: Money,
}

/// An invoice line in the tenant's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvoiceView {
    pub id: uuid::Uuid,
    pub number: String,
    pub period_start: chrono::NaiveDate,
    pub due_on: chrono::NaiveDate,
    pub total: Money,
    pub paid: Money,
    pub status: InvoiceStatus,
    /// Past due with something left to pay.
    pub past_due: bool,
}

/// A payment in the tenant's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentView {
    pub received_at: chrono::DateTime<chrono::Utc>,
    pub amount: Money,
    pub method: String,
    pub reference: String,
}

/// Everything `/account` shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountView {
    pub display_name: String,
    pub leases: Vec<LeaseView>,
    pub invoices: Vec<InvoiceView>,
    pub payments: Vec<PaymentView>,
    /// Left to pay over all invoices.
    pub balance: Option<Money>,
}

/// The signed-in tenant's account. Other roles are sent to their own page.
#[server(endpoint = "account/mine")]
pub async fn my_account() -> Result<AccountView, AppError> {
    let user = crate::server::auth::require_user()?;
    let Some(tenant_id) = user.tenant_id.filter(|_| user.role == crate::domain::Role::Tenant) else {
        return Err(AppError::Forbidden);
    };
    let pool = crate::server::state::pool()?;
    crate::server::account::load_account(&pool, tenant_id).await
}
