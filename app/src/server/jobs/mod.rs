//! The background jobs, one per purpose (see [`Job`]): each idempotent, run
//! under its `job_lease` and recorded as a `sync_run`. The CLI, the scheduler,
//! "sync now", webhook deliveries and follow-ups all call [`run_job`].

pub mod billing;
pub mod cocorico;
pub mod condo;
pub mod journal;
pub mod killbill;
pub mod progress;
pub mod retention;
pub mod webhooks;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use std::path::PathBuf;

use super::adapters::condo::{CondoWebhookSettings, HttpCondoClient};
use super::adapters::killbill::HttpKillBillClient;
use super::adapters::{cocorico::CocoricoSettings, condo::CondoSettings, killbill::KillBillSettings};
use crate::domain::{Job, Platform};

/// Every platform's settings (`None` when not configured) and where run logs go.
#[derive(Debug, Clone, Default)]
pub struct SyncSettings {
    /// Kill Bill's API settings (`None`: not configured).
    pub killbill: Option<KillBillSettings>,
    /// Condo's API settings (`None`: not configured).
    pub condo: Option<CondoSettings>,
    /// Cocorico's database settings (`None`: not configured).
    pub cocorico: Option<CocoricoSettings>,
    /// Condo's ticket webhooks (`None`: deliveries are refused).
    pub condo_webhook: Option<CondoWebhookSettings>,
    /// Folder of the `<platform>.log` JSON-lines files.
    pub log_dir: PathBuf,
    /// When those files rotate.
    pub log_rotation: journal::Rotation,
    /// How long finished runs and processed webhook events are kept.
    pub retention: retention::Retention,
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

    /// Whether a job has what it needs: its platform's settings, except for
    /// Condo's webhooks, which carry the tickets themselves and only need
    /// the webhook settings.
    pub fn is_job_configured(&self, job: Job) -> bool {
        match (job, job.platform()) {
            (Job::CondoWebhooks, _) => self.condo_webhook.is_some(),
            (_, Some(platform)) => self.is_configured(platform),
            (_, None) => true,
        }
    }
}

/// The platforms' HTTP clients, built once from their settings and shared by
/// every job, webhook and check of the process (clones share connections and
/// Condo's session). Cocorico has no client: each run opens its own
/// connection to Cocorico's database.
#[derive(Debug, Clone, Default)]
pub struct Integrations {
    killbill: Option<HttpKillBillClient>,
    condo: Option<HttpCondoClient>,
}

impl Integrations {
    /// The clients of every configured platform.
    pub fn build(settings: &SyncSettings) -> anyhow::Result<Self> {
        let killbill = settings.killbill.as_ref().map(HttpKillBillClient::new).transpose();
        let condo = settings.condo.clone().map(HttpCondoClient::new).transpose();
        Ok(Self {
            killbill: killbill.context("building the Kill Bill client")?,
            condo: condo.context("building the Condo client")?,
        })
    }

    /// The Kill Bill client, if Kill Bill is configured.
    pub fn killbill(&self) -> Option<&HttpKillBillClient> {
        self.killbill.as_ref()
    }

    /// The Condo client, if Condo is configured.
    pub fn condo(&self) -> Option<&HttpCondoClient> {
        self.condo.as_ref()
    }
}

/// What a job needs: the database, the settings, the platforms' clients and
/// whether to draw a progress bar.
#[derive(Debug, Clone)]
pub struct SyncContext {
    /// Our database.
    pub pool: PgPool,
    /// Every platform's settings.
    pub settings: SyncSettings,
    /// The clients built from them.
    pub integrations: Integrations,
    /// Draw a progress bar on stderr (a CLI run on a terminal).
    pub progress: bool,
    /// The scheduled tick this run serves (`None` for "sync now", the CLI and webhooks).
    pub tick: Option<DateTime<Utc>>,
}

impl SyncContext {
    /// A context whose clients are built from `settings` (for the CLI and
    /// tests; a server takes its context from its state, whose clients were
    /// built once at start).
    pub fn new(pool: PgPool, settings: SyncSettings) -> anyhow::Result<Self> {
        let integrations = Integrations::build(&settings)?;
        Ok(Self { pool, settings, integrations, progress: false, tick: None })
    }

    /// The same context, drawing a progress bar when `progress` is set.
    pub fn with_progress(self, progress: bool) -> Self {
        Self { progress, ..self }
    }

    /// The same context for a run serving the scheduled tick `tick`.
    pub fn with_tick(self, tick: DateTime<Utc>) -> Self {
        Self { tick: Some(tick), ..self }
    }

    /// The Kill Bill client and settings, or why not.
    pub fn killbill(&self) -> anyhow::Result<(&HttpKillBillClient, &KillBillSettings)> {
        self.integrations.killbill().zip(self.settings.killbill.as_ref()).context(NOT_CONFIGURED_KILLBILL)
    }

    /// The Condo client and settings, or why not.
    pub fn condo(&self) -> anyhow::Result<(&HttpCondoClient, &CondoSettings)> {
        self.integrations.condo().zip(self.settings.condo.as_ref()).context(NOT_CONFIGURED_CONDO)
    }
}

const NOT_CONFIGURED_KILLBILL: &str = "Kill Bill is not configured (see .env.example)";
const NOT_CONFIGURED_CONDO: &str = "Condo is not configured (see .env.example)";

/// The outcome of one run, as the CLI prints it (all zero when a job found
/// nothing to do and recorded no run).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncSummary {
    /// The `sync_run` row.
    pub run_id: i64,
    /// Records read from the source.
    pub records_in: i32,
    /// Records written to the destination.
    pub records_out: i32,
    /// Records that failed and were reported.
    pub records_failed: i32,
    /// Records that needed no change.
    pub records_skipped: i32,
}

/// Runs one job with the given trigger (`cli`, `schedule`, `manual`,
/// `webhook`, `follow_up`). Call it under the job's lease (see
/// `scheduler::job_lease`).
pub async fn run_job(ctx: &SyncContext, job: Job, trigger: &str) -> anyhow::Result<SyncSummary> {
    if !ctx.settings.is_job_configured(job) {
        anyhow::bail!("the {} is not configured (see .env.example)", job.display_name());
    }
    match job {
        Job::KillbillMirror => killbill::run(ctx, trigger).await,
        Job::KillbillReconciliation => killbill::reconcile::run(ctx, trigger).await.map(|(summary, _)| summary),
        Job::KillbillWebhooks | Job::CondoWebhooks => webhooks::run(ctx, job, trigger).await,
        Job::CondoImport => condo::run(ctx, trigger).await,
        Job::CondoOutbox => condo::outbox::run(ctx, trigger).await,
        Job::CocoricoImport => cocorico::run(ctx, trigger).await,
        Job::Billing => billing::run(ctx, trigger).await,
        Job::Retention => retention::run(ctx, trigger).await,
    }
}
