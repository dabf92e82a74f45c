//! Syncing with Cocorico.

use super::{SyncContext, SyncSummary};

/// Runs one Cocorico sync.
pub async fn run(_ctx: &SyncContext, _trigger: &str) -> anyhow::Result<SyncSummary> {
    anyhow::bail!("the Cocorico sync is not built yet")
}
