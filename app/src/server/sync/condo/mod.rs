//! Syncing with Condo.

use super::{SyncContext, SyncSummary};

/// Runs one Condo sync.
pub async fn run(_ctx: &SyncContext, _trigger: &str) -> anyhow::Result<SyncSummary> {
    anyhow::bail!("the Condo sync is not built yet")
}
