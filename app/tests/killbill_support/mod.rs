//! What the Kill Bill mirror tests share: the emulator in process (port 0)
//! beside a real PostgreSQL with the demo data, the mirror's options, and the
//! check that Kill Bill holds exactly our books.
#![allow(dead_code, unreachable_pub)]

use std::time::Duration;

use app::domain::Job;
use app::server::adapters::killbill::{HttpKillBillClient, KillBillSettings};
use app::server::jobs::killbill::{MirrorOptions, RetryPolicy, run_with};
use app::server::jobs::{SyncContext, SyncSettings, SyncSummary};
use app::server::secret::Secret;
use app::server::store::{invoice, payment, sync_run};
use chrono::{NaiveDate, Utc};
use sandbox::killbill::{self, Faults, KillBillConfig, RunningKillBill};
use sqlx::PgPool;
use uuid::Uuid;

pub mod drift;

/// Our invoiced (net of credit notes) and paid totals of one tenant, in minor
/// units (voided invoices excluded).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TenantTotals {
    pub tenant_id: Uuid,
    pub invoiced_minor: i64,
    pub paid_minor: i64,
}

/// Every invoiced tenant's totals, as the books say.
pub async fn tenant_totals(pool: &PgPool) -> Result<Vec<TenantTotals>, sqlx::Error> {
    sqlx::query_as(
        "SELECT i.tenant_id,
                COALESCE(sum(i.total_minor - i.credited_minor) FILTER (WHERE i.voided_at IS NULL), 0)::bigint
                    AS invoiced_minor,
                COALESCE((SELECT sum(p.amount_minor - p.refunded_minor) FROM payment p
                          WHERE p.tenant_id = i.tenant_id), 0)::bigint AS paid_minor
         FROM invoice i GROUP BY i.tenant_id ORDER BY i.tenant_id",
    )
    .fetch_all(pool)
    .await
}

pub const API_KEY: &str = "marketplace";
pub const API_SECRET: &str = "s3cr3t";

pub struct Harness {
    pub kb: RunningKillBill,
    pub ctx: SyncContext,
    pub client: HttpKillBillClient,
}

pub async fn harness(pool: PgPool) -> Harness {
    app::server::seed::seed_demo(&pool, NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(), None).await.unwrap();
    let kb = killbill::spawn(KillBillConfig::ephemeral().with_tenant(API_KEY, API_SECRET)).await.unwrap();
    let settings = KillBillSettings {
        base_url: kb.base_url(),
        username: "admin".into(),
        password: Secret::new("password"),
        api_key: API_KEY.into(),
        api_secret: Secret::new(API_SECRET),
        timeout: Duration::from_millis(400),
        concurrency: 8,
    };
    let client = HttpKillBillClient::new(&settings).unwrap();
    let log_dir = std::env::temp_dir().join(format!("kb-sync-{}", Uuid::new_v4()));
    let sync = SyncSettings { killbill: Some(settings), log_dir, ..SyncSettings::default() };
    Harness { kb, ctx: SyncContext::new(pool, sync).unwrap(), client }
}

pub fn options(attempts: u32) -> MirrorOptions {
    let retry =
        RetryPolicy { attempts, first_backoff: Duration::from_millis(5), max_backoff: Duration::from_millis(40) };
    MirrorOptions { concurrency: 8, retry }
}

impl Harness {
    pub async fn sync(&self) -> anyhow::Result<SyncSummary> {
        run_with(&self.ctx, &self.client, "cli", options(10)).await
    }

    pub fn faults(&self, faults: Faults) {
        self.kb.set_faults(faults).unwrap();
    }

    /// Kill Bill holds exactly our invoices and payments, with our totals.
    pub async fn assert_mirrored(&self) {
        let summary = self.kb.summary();
        let accounts = &summary.tenants[API_KEY].accounts;
        let totals = tenant_totals(&self.ctx.pool).await.unwrap();
        assert_eq!(accounts.len(), totals.len(), "one account per tenant, never two");
        let (mut ours, mut theirs) = ((0, 0), (0, 0));
        for t in &totals {
            let acct = accounts.get(&t.tenant_id.to_string()).expect("the tenant has an account");
            let invoices = invoice::list_invoices_of_tenant(&self.ctx.pool, t.tenant_id).await.unwrap();
            // A payment whose invoice was voided before the payment was
            // mirrored never goes to Kill Bill (it was refunded in full first).
            let payments: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM payment p JOIN invoice i ON i.id = p.invoice_id
                 WHERE p.tenant_id = $1 AND (i.voided_at IS NULL OR p.id IN (
                     SELECT r.local_id FROM external_ref r WHERE r.platform = 'killbill' AND r.entity = 'payment'))",
            )
            .bind(t.tenant_id)
            .fetch_one(&self.ctx.pool)
            .await
            .unwrap();
            let standing = invoices.iter().filter(|i| !i.voided).count() as u64;
            assert_eq!(acct.committed_invoices, standing, "tenant {}", t.tenant_id);
            assert!(acct.void_invoices <= (invoices.len() as u64 - standing), "only our voids are VOID");
            assert_eq!(
                acct.invoices,
                acct.committed_invoices + acct.void_invoices,
                "no stray drafts for {}",
                t.tenant_id
            );
            assert_eq!(acct.payments, payments as u64, "tenant {}", t.tenant_id);
            assert_eq!(acct.invoiced_minor, t.invoiced_minor);
            assert_eq!(acct.paid_minor, t.paid_minor);
            assert_eq!(acct.balance_minor, t.invoiced_minor - t.paid_minor);
            ours = (ours.0 + t.invoiced_minor, ours.1 + t.paid_minor);
            theirs = (theirs.0 + acct.invoiced_minor, theirs.1 + acct.paid_minor);
        }
        assert_eq!(ours, theirs);
    }

    pub async fn last_run(&self) -> sync_run::SyncRunRow {
        sync_run::list_recent_runs(&self.ctx.pool, Job::KillbillMirror, 1).await.unwrap().remove(0)
    }
}

/// A payment of `amount_minor` recorded straight in the books (no checks).
pub async fn book_payment(pool: &PgPool, invoice_id: Uuid, tenant_id: Uuid, amount_minor: i64) -> Uuid {
    let new = payment::NewPayment {
        id: Uuid::new_v4(),
        invoice_id,
        tenant_id,
        amount_minor,
        currency: "EUR".into(),
        received_at: Utc::now(),
        method: "bank_transfer".into(),
        reference: format!("TEST-{}", Uuid::new_v4()),
    };
    assert!(payment::insert_payment_if_absent(pool, &new).await.unwrap());
    new.id
}
