//! `killbill_reconciliation` and its `_total` and `_account` rows: our
//! invoiced / paid / balance against Kill Bill's, per currency and for every
//! drifting account. [`latest_report`] is what the admin panel and
//! `/api/health` read; [`local`] reads our side of the comparison.

pub mod drift;
pub mod invoice_drift;
pub mod local;

pub use drift::{DriftAmounts, DriftCounts, DriftItem, DriftKind};
pub use invoice_drift::FoundBy;
pub use local::{LocalAccount, LocalInvoice, LocalPayment, list_local_accounts, tenant_of_account};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

/// Invoiced, paid and balance, in minor units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub invoiced: i64,
    pub paid: i64,
    pub balance: i64,
}

impl Figures {
    fn add(&mut self, other: Figures) {
        self.invoiced += other.invoiced;
        self.paid += other.paid;
        self.balance += other.balance;
    }
}

/// One account compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountReport {
    pub tenant_id: Uuid,
    pub killbill_account_id: Option<String>,
    pub currency: String,
    pub local: Figures,
    pub killbill: Figures,
    pub drift: Vec<DriftItem>,
}

/// Totals of one currency, side by side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrencyTotals {
    pub currency: String,
    pub accounts: i32,
    pub local: Figures,
    pub killbill: Figures,
}

/// A whole reconciliation: totals per currency and the drifting accounts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub accounts: i32,
    pub totals: Vec<CurrencyTotals>,
    pub drifting: Vec<AccountReport>,
    pub counts: DriftCounts,
}

impl Report {
    /// Builds the report from every compared account.
    pub fn from_accounts(accounts: Vec<AccountReport>) -> Self {
        let mut report = Report { accounts: i32::try_from(accounts.len()).unwrap_or(i32::MAX), ..Report::default() };
        for account in accounts {
            let totals = match report.totals.iter_mut().position(|t| t.currency == account.currency) {
                Some(i) => &mut report.totals[i],
                None => {
                    report.totals.push(CurrencyTotals {
                        currency: account.currency.clone(),
                        accounts: 0,
                        local: Figures::default(),
                        killbill: Figures::default(),
                    });
                    report.totals.last_mut().expect("just pushed")
                }
            };
            totals.accounts += 1;
            totals.local.add(account.local);
            totals.killbill.add(account.killbill);
            report.counts.add(DriftCounts::of(&account.drift));
            if !account.drift.is_empty() {
                report.drifting.push(account);
            }
        }
        report.totals.sort_by(|a, b| a.currency.cmp(&b.currency));
        report
    }
}

/// The latest stored reconciliation, as the admin panel shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredReport {
    pub id: i64,
    pub trigger: String,
    /// `succeeded` or `failed`.
    pub status: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    /// Why it failed, when it did.
    pub error: Option<String>,
    pub report: Report,
}

/// Stores a finished reconciliation with its totals and drifting accounts.
pub async fn save_report(
    pool: &PgPool,
    trigger: &str,
    started_at: DateTime<Utc>,
    report: &Report,
) -> Result<i64, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let id = sqlx::query_scalar!(
        "INSERT INTO killbill_reconciliation (trigger, status, started_at, accounts, missing, amount_mismatch,
                                              status_mismatch)
         VALUES ($1, 'succeeded', $2, $3, $4, $5, $6) RETURNING id",
        trigger,
        started_at,
        report.accounts,
        report.counts.missing,
        report.counts.amount_mismatch,
        report.counts.status_mismatch
    )
    .fetch_one(&mut *tx)
    .await?;
    for t in &report.totals {
        sqlx::query!(
            "INSERT INTO killbill_reconciliation_total (reconciliation_id, currency, accounts, local_invoiced,
                 killbill_invoiced, local_paid, killbill_paid, local_balance, killbill_balance)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            id,
            t.currency,
            t.accounts,
            t.local.invoiced,
            t.killbill.invoiced,
            t.local.paid,
            t.killbill.paid,
            t.local.balance,
            t.killbill.balance
        )
        .execute(&mut *tx)
        .await?;
    }
    for account in &report.drifting {
        save_account(&mut *tx, id, account).await?;
    }
    invoice_drift::replace_all(&mut tx, &report.drifting, FoundBy::Reconciliation).await?;
    tx.commit().await?;
    Ok(id)
}

/// Stores a reconciliation that could not finish (Kill Bill down, …).
pub async fn save_failure(
    db: impl PgExecutor<'_>,
    trigger: &str,
    started_at: DateTime<Utc>,
    error: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO killbill_reconciliation (trigger, status, started_at, error) VALUES ($1, 'failed', $2, $3)
         RETURNING id",
        trigger,
        started_at,
        error
    )
    .fetch_one(db)
    .await
}

async fn save_account(db: impl PgExecutor<'_>, report_id: i64, a: &AccountReport) -> Result<(), sqlx::Error> {
    let counts = DriftCounts::of(&a.drift);
    let drift = serde_json::to_value(&a.drift).unwrap_or_default();
    sqlx::query!(
        "INSERT INTO killbill_reconciliation_account (reconciliation_id, tenant_id, killbill_account_id, currency,
             local_invoiced, killbill_invoiced, local_paid, killbill_paid, local_balance, killbill_balance,
             missing, amount_mismatch, status_mismatch, drift)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (reconciliation_id, tenant_id) DO UPDATE SET
             killbill_account_id = EXCLUDED.killbill_account_id, currency = EXCLUDED.currency,
             local_invoiced = EXCLUDED.local_invoiced, killbill_invoiced = EXCLUDED.killbill_invoiced,
             local_paid = EXCLUDED.local_paid, killbill_paid = EXCLUDED.killbill_paid,
             local_balance = EXCLUDED.local_balance, killbill_balance = EXCLUDED.killbill_balance,
             missing = EXCLUDED.missing, amount_mismatch = EXCLUDED.amount_mismatch,
             status_mismatch = EXCLUDED.status_mismatch, drift = EXCLUDED.drift, checked_at = now()",
        report_id,
        a.tenant_id,
        a.killbill_account_id,
        a.currency,
        a.local.invoiced,
        a.killbill.invoiced,
        a.local.paid,
        a.killbill.paid,
        a.local.balance,
        a.killbill.balance,
        counts.missing,
        counts.amount_mismatch,
        counts.status_mismatch,
        drift
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Replaces one account's entry in the latest successful report with a fresh
/// comparison (after a webhook re-read it) and recounts the report, and the
/// drift of its invoices (even before any report). Returns whether there was
/// a report to update.
pub async fn refresh_account(pool: &PgPool, account: &AccountReport) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin().await?;
    invoice_drift::replace_of_tenant(&mut tx, account, FoundBy::Notification).await?;
    let Some(id) = sqlx::query_scalar!(
        "SELECT id FROM killbill_reconciliation WHERE status = 'succeeded'
         ORDER BY finished_at DESC, id DESC LIMIT 1 FOR UPDATE"
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        tx.commit().await?;
        return Ok(false);
    };
    if account.drift.is_empty() {
        sqlx::query!(
            "DELETE FROM killbill_reconciliation_account WHERE reconciliation_id = $1 AND tenant_id = $2",
            id,
            account.tenant_id
        )
        .execute(&mut *tx)
        .await?;
    } else {
        save_account(&mut *tx, id, account).await?;
    }
    sqlx::query!(
        "UPDATE killbill_reconciliation r SET
             missing = COALESCE((SELECT sum(a.missing) FROM killbill_reconciliation_account a
                                 WHERE a.reconciliation_id = r.id), 0),
             amount_mismatch = COALESCE((SELECT sum(a.amount_mismatch) FROM killbill_reconciliation_account a
                                         WHERE a.reconciliation_id = r.id), 0),
             status_mismatch = COALESCE((SELECT sum(a.status_mismatch) FROM killbill_reconciliation_account a
                                         WHERE a.reconciliation_id = r.id), 0)
         WHERE r.id = $1",
        id
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// The latest reconciliation (succeeded or failed) with its totals and
/// drifting accounts; `None` before the first one.
pub async fn latest_report(pool: &PgPool) -> Result<Option<StoredReport>, sqlx::Error> {
    let Some(head) = sqlx::query!(
        "SELECT id, trigger, status, started_at, finished_at, error, accounts, missing, amount_mismatch,
                status_mismatch
         FROM killbill_reconciliation ORDER BY finished_at DESC, id DESC LIMIT 1"
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let totals = sqlx::query!(
        r#"SELECT currency AS "currency!", accounts, local_invoiced, killbill_invoiced, local_paid, killbill_paid,
                  local_balance, killbill_balance
           FROM killbill_reconciliation_total WHERE reconciliation_id = $1 ORDER BY currency"#,
        head.id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|t| CurrencyTotals {
        currency: t.currency,
        accounts: t.accounts,
        local: Figures { invoiced: t.local_invoiced, paid: t.local_paid, balance: t.local_balance },
        killbill: Figures { invoiced: t.killbill_invoiced, paid: t.killbill_paid, balance: t.killbill_balance },
    })
    .collect();
    let drifting = sqlx::query!(
        r#"SELECT tenant_id, killbill_account_id, currency AS "currency!", local_invoiced, killbill_invoiced,
                  local_paid, killbill_paid, local_balance, killbill_balance, drift
           FROM killbill_reconciliation_account WHERE reconciliation_id = $1
           ORDER BY missing + amount_mismatch + status_mismatch DESC, tenant_id"#,
        head.id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|a| AccountReport {
        tenant_id: a.tenant_id,
        killbill_account_id: a.killbill_account_id,
        currency: a.currency,
        local: Figures { invoiced: a.local_invoiced, paid: a.local_paid, balance: a.local_balance },
        killbill: Figures { invoiced: a.killbill_invoiced, paid: a.killbill_paid, balance: a.killbill_balance },
        drift: serde_json::from_value(a.drift).unwrap_or_default(),
    })
    .collect();
    let counts = DriftCounts {
        missing: head.missing,
        amount_mismatch: head.amount_mismatch,
        status_mismatch: head.status_mismatch,
    };
    Ok(Some(StoredReport {
        id: head.id,
        trigger: head.trigger,
        status: head.status,
        started_at: head.started_at,
        finished_at: head.finished_at,
        error: head.error,
        report: Report { accounts: head.accounts, totals, drifting, counts },
    }))
}

/// Drift counts of the latest successful reconciliation and when it ran (for `/api/health`).
pub async fn latest_drift_counts(db: impl PgExecutor<'_>) -> Result<Option<(DriftCounts, DateTime<Utc>)>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT missing, amount_mismatch, status_mismatch, finished_at FROM killbill_reconciliation
         WHERE status = 'succeeded' ORDER BY finished_at DESC, id DESC LIMIT 1"
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| {
        let counts =
            DriftCounts { missing: r.missing, amount_mismatch: r.amount_mismatch, status_mismatch: r.status_mismatch };
        (counts, r.finished_at)
    }))
}
