//! Syncing with KillBill.

use super::{SyncContext, SyncSummary};

/// Runs one KillBill sync.
pub async fn run(_ctx: &SyncContext, _trigger: &str) -> anyhow::Result<SyncSummary> {
    anyhow::bail!("the KillBill sync is not built yet")
}
