//! The background jobs: one per purpose, each with its own lease, schedule,
//! `sync_state` row, `sync_run` history and line on the admin panel.

use serde::{Deserialize, Serialize};
use std::fmt;

use super::Platform;

/// One background job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Job {
    /// Mirrors our invoices and payments into Kill Bill.
    KillbillMirror,
    /// Compares our books with Kill Bill's and stores the report (read only).
    KillbillReconciliation,
    /// Processes the Kill Bill push notifications left pending.
    KillbillWebhooks,
    /// Imports units and maintenance tickets from Condo.
    CondoImport,
    /// Processes the Condo ticket webhooks left pending.
    CondoWebhooks,
    /// Sends Condo the requests, photos and comments written here.
    CondoOutbox,
    /// Imports approved listings from Cocorico.
    CocoricoImport,
    /// The rent run: one invoice per active lease for the month.
    Billing,
    /// Deletes old finished runs and processed webhook events.
    Retention,
}

impl Job {
    /// Every job, in display order (each platform's main job first, the
    /// Marketplace's own jobs last).
    pub const ALL: [Job; 9] = [
        Job::KillbillMirror,
        Job::KillbillReconciliation,
        Job::KillbillWebhooks,
        Job::CondoImport,
        Job::CondoWebhooks,
        Job::CondoOutbox,
        Job::CocoricoImport,
        Job::Billing,
        Job::Retention,
    ];

    /// The identifier used in the database, URLs, logs and the CLI. A
    /// platform's main job carries the platform's name (`marketplace sync
    /// killbill` mirrors).
    pub fn as_str(&self) -> &'static str {
        match self {
            Job::KillbillMirror => "killbill",
            Job::KillbillReconciliation => "killbill_reconciliation",
            Job::KillbillWebhooks => "killbill_webhooks",
            Job::CondoImport => "condo",
            Job::CondoWebhooks => "condo_webhooks",
            Job::CondoOutbox => "condo_outbox",
            Job::CocoricoImport => "cocorico",
            Job::Billing => "billing",
            Job::Retention => "retention",
        }
    }

    /// Parses the identifier (a `-` may stand for a `_`, as typed on a command line).
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.replace('-', "_");
        Self::ALL.into_iter().find(|job| job.as_str() == raw)
    }

    /// The platform the job talks to (`None`: a job of the Marketplace itself).
    pub fn platform(&self) -> Option<Platform> {
        match self {
            Job::KillbillMirror | Job::KillbillReconciliation | Job::KillbillWebhooks => Some(Platform::KillBill),
            Job::CondoImport | Job::CondoWebhooks | Job::CondoOutbox => Some(Platform::Condo),
            Job::CocoricoImport => Some(Platform::Cocorico),
            Job::Billing | Job::Retention => None,
        }
    }

    /// A platform's main job: the one "sync now" on its card and `marketplace sync <platform>` run.
    pub fn main_of(platform: Platform) -> Self {
        match platform {
            Platform::KillBill => Job::KillbillMirror,
            Platform::Condo => Job::CondoImport,
            Platform::Cocorico => Job::CocoricoImport,
        }
    }

    /// Whether this is its platform's main job.
    pub fn is_main(&self) -> bool {
        self.platform().is_some_and(|platform| Self::main_of(platform) == *self)
    }

    /// The jobs of one platform, main job first.
    pub fn of(platform: Platform) -> impl Iterator<Item = Job> {
        Self::ALL.into_iter().filter(move |job| job.platform() == Some(platform))
    }

    /// The Marketplace's own jobs (no outside platform).
    pub fn own() -> impl Iterator<Item = Job> {
        Self::ALL.into_iter().filter(|job| job.platform().is_none())
    }

    /// The job's name on the panel.
    pub fn display_name(&self) -> &'static str {
        match self {
            Job::KillbillMirror => "Kill Bill mirror",
            Job::KillbillReconciliation => "Kill Bill reconciliation",
            Job::KillbillWebhooks => "Kill Bill notifications",
            Job::CondoImport => "Condo import",
            Job::CondoWebhooks => "Condo webhooks",
            Job::CondoOutbox => "Condo requests",
            Job::CocoricoImport => "Cocorico import",
            Job::Billing => "Rent run",
            Job::Retention => "History pruning",
        }
    }

    /// What the job does, in one line.
    pub fn purpose(&self) -> &'static str {
        match self {
            Job::KillbillMirror => "Sends new invoices and payments to Kill Bill",
            Job::KillbillReconciliation => "Compares our totals with Kill Bill's, account by account",
            Job::KillbillWebhooks => "Acts on Kill Bill's push notifications left pending",
            Job::CondoImport => "Imports units and tickets changed since the last run",
            Job::CondoWebhooks => "Applies Condo's ticket webhooks left pending",
            Job::CondoOutbox => "Sends Condo the requests, photos and comments written here",
            Job::CocoricoImport => "Imports approved listings and their photos",
            Job::Billing => "Issues the month's invoice of every active lease",
            Job::Retention => "Deletes finished runs and processed webhook events past the retention period",
        }
    }
}

impl fmt::Display for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_round_trip_and_main_jobs_carry_the_platform_name() {
        for job in Job::ALL {
            assert_eq!(Job::parse(job.as_str()), Some(job));
        }
        assert_eq!(Job::parse("killbill-reconciliation"), Some(Job::KillbillReconciliation));
        assert_eq!(Job::parse("stripe"), None);
        for platform in Platform::ALL {
            let main = Job::main_of(platform);
            assert_eq!(main.as_str(), platform.as_str());
            assert!(main.is_main());
            assert_eq!(Job::of(platform).next(), Some(main));
        }
        assert!(!Job::KillbillWebhooks.is_main());
        assert!(!Job::Billing.is_main());
        assert_eq!(Job::own().collect::<Vec<_>>(), [Job::Billing, Job::Retention]);
    }
}
