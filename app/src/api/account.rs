//! A tenant's own lease, invoices and payments.

use leptos::prelude::*;

use crate::model::AppError;
use crate::model::account::AccountView;

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
