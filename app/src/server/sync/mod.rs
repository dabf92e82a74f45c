//! Sync jobs: one module per platform, each idempotent and recorded as a
//! `sync_run`. The CLI, the scheduler and "sync now" all call [`run_platform`].

pub mod cocorico;
pub mod condo;
pub mod journal;
pub mod killbill;
pub mod progress;

use sqlx::PgPool;
use std::path::PathBuf;

use super::adapters::condo::CondoWebhookSettings;
use super::adapters::{cocorico::CocoricoSettings, condo::CondoSettings, killbill::KillBillSettings};
use crate::domain::Platform;

/// Every platform's settings (`None` when not configured) and where run logs go.
#[derive(Debug, Clone, Default)]
pub struct SyncSettings {
    pub killbill: Option<KillBillSettings>,
    pub condo: Option<CondoSettings>,
    pub cocorico: Option<CocoricoSettings>,
    /// Condo's ticket webhooks (`None`: deliveries are refused).
    pub condo_webhook: Option<CondoWebhookSettings>,
    /// Folder of the `<platform>.log` JSON-lines files.
    pub log_dir: PathBuf,
}

impl SyncSettings {
    /// Whether a platform has settings.
    pub fn is_configured(&self, platform: Platform) -> bool {
        match platform {
            Platform::KillBill => self.killbill.is_some(),
            Platform::Condo => self.condo.is_some(),
            Platform::Cocorico => self.cocorico.is_some(),
        }
    }
}

/// What a sync needs: the database, the settings and whether to draw a progress bar.
#[derive(Debug, Clone)]
pub struct SyncContext {
    pub pool: PgPool,
    pub settings: SyncSettings,
    /// Draw a progress bar on stderr (a CLI run on a terminal).
    pub progress: bool,
}

/// The outcome of one run, as the CLI prints it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncSummary {
    /// The `sync_run` row.
    pub run_id: i64,
    pub records_in: i32,
    pub records_out: i32,
    pub records_failed: i32,
    pub records_skipped: i32,
}

/// Runs one platform's sync with the given trigger (`cli`, `schedule`, `manual`, `webhook`).
pub async fn run_platform(ctx: &SyncContext, platform: Platform, trigger: &str) -> anyhow::Result<SyncSummary> {
    if !ctx.settings.is_configured(platform) {
        anyhow::bail!("{} is not configured (see .env.example)", platform.display_name());
    }
    match platform {
        Platform::KillBill => killbill::run(ctx, trigger).await,
        Platform::Condo => condo::run(ctx, trigger).await,
        Platform::Cocorico => cocorico::run(ctx, trigger).await,
    }
}
