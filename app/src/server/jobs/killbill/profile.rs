//! Sends a tenant's corrected e-mail and name to their Kill Bill account
//! (`PUT …/accounts/{id}`). A PUT of the same values is harmless, so a run
//! cut after sending simply sends it again; the version sent is recorded
//! after Kill Bill's answer, so a no-change run sends nothing.

use uuid::Uuid;

use super::Env;
use super::account::new_account;
use super::retry::StepError;
use crate::server::adapters::killbill::KillBillClient;
use crate::server::store::killbill_mirror::{self as mirror, TenantToMirror};

/// Whether the account still lacks the tenant's latest e-mail and name.
pub fn is_behind(tenant: &TenantToMirror) -> bool {
    tenant.profile_version > tenant.profile_sent.unwrap_or(0)
}

/// Updates the account's name and e-mail, then records the version sent.
pub async fn mirror_profile<C: KillBillClient>(
    env: &Env<'_, C>,
    tenant: &TenantToMirror,
    account_id: Uuid,
) -> Result<(), StepError> {
    env.client.update_account(account_id, &new_account(tenant)).await?;
    mirror::record_profile_sent(env.pool, tenant.tenant_id, tenant.profile_version).await?;
    Ok(())
}
