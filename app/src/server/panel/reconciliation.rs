//! The Kill Bill reconciliation section of the panel: the latest stored
//! report ([`killbill_reconciliation::latest_report`]) in the panel's terms —
//! totals per currency side by side, drift counts, and the drifting accounts
//! with their tenants' names.

use sqlx::PgPool;
use std::collections::HashMap;

use crate::api::reconciliation::{DriftCount, DriftingAccount, Reconciliation, ReconciliationState, TotalPair};
use crate::domain::{Money, Platform};
use crate::server::store::integration_panel;
use crate::server::store::killbill_reconciliation::{self, AccountReport, DriftKind, Figures, StoredReport};

/// Drifting accounts listed in the drill-down (the counts cover them all).
const DRILL_DOWN_ACCOUNTS: usize = 50;

/// The reconciliation as the panel shows it.
pub async fn load(pool: &PgPool) -> Result<ReconciliationState, sqlx::Error> {
    if !integration_panel::is_configured(pool, Platform::KillBill).await? {
        return Ok(ReconciliationState::NotConfigured);
    }
    let Some(stored) = killbill_reconciliation::latest_report(pool).await? else {
        let reason = "No reconciliation has run yet; one runs after each Kill Bill sync.".to_owned();
        return Ok(ReconciliationState::Unavailable { reason });
    };
    if stored.status != "succeeded" {
        let error = stored.error.unwrap_or_else(|| "no reason recorded".to_owned());
        let reason = format!("The last reconciliation ({}) could not read Kill Bill: {error}", stored.finished_at);
        return Ok(ReconciliationState::Unavailable { reason });
    }
    let ids: Vec<uuid::Uuid> = stored.report.drifting.iter().take(DRILL_DOWN_ACCOUNTS).map(|a| a.tenant_id).collect();
    let names = integration_panel::display_names(pool, &ids).await?;
    Ok(ReconciliationState::Ready { report: view(stored, &names) })
}

/// The stored report in the panel's terms.
fn view(stored: StoredReport, names: &HashMap<uuid::Uuid, String>) -> Reconciliation {
    let report = stored.report;
    let mut totals = Vec::new();
    for t in &report.totals {
        totals.extend(pairs(&t.currency, t.local, t.killbill).into_iter().map(|(label, ours, killbill)| TotalPair {
            label: format!("{label} ({})", t.currency),
            ours,
            killbill: killbill.unwrap_or_else(|| money(0, &t.currency)),
        }));
    }
    let count = |label: &str, n: i32| DriftCount { label: label.to_owned(), accounts: i64::from(n) };
    let drift = vec![
        count("Accounts with drift", i32::try_from(report.drifting.len()).unwrap_or(i32::MAX)),
        count("Missing on one side", report.counts.missing),
        count("Amounts that differ", report.counts.amount_mismatch),
        count("States that differ", report.counts.status_mismatch),
    ];
    let drifting = report.drifting.iter().take(DRILL_DOWN_ACCOUNTS).map(|a| drifting_account(a, names)).collect();
    Reconciliation {
        checked_at: stored.finished_at,
        accounts_checked: i64::from(report.accounts),
        totals,
        drift,
        drifting,
    }
}

fn money(minor: i64, currency: &str) -> Money {
    Money::from_parts(minor, currency).unwrap_or_else(|_| Money::from_parts(minor, "XXX").expect("XXX is a currency"))
}

/// Invoiced, paid and balance, ours and Kill Bill's.
fn pairs(currency: &str, ours: Figures, theirs: Figures) -> Vec<(&'static str, Money, Option<Money>)> {
    vec![
        ("Invoiced", money(ours.invoiced, currency), Some(money(theirs.invoiced, currency))),
        ("Paid", money(ours.paid, currency), Some(money(theirs.paid, currency))),
        ("Balance", money(ours.balance, currency), Some(money(theirs.balance, currency))),
    ]
}

fn drifting_account(a: &AccountReport, names: &HashMap<uuid::Uuid, String>) -> DriftingAccount {
    let missing_account = a.killbill_account_id.is_none();
    let amounts = pairs(&a.currency, a.local, a.killbill)
        .into_iter()
        .map(|(label, ours, theirs)| (label.to_owned(), ours, theirs.filter(|_| !missing_account)))
        .collect();
    let issue = if missing_account {
        "The account is missing in Kill Bill".to_owned()
    } else {
        let mut kinds: Vec<&str> = a
            .drift
            .iter()
            .map(|d| match d.kind {
                DriftKind::Missing => "missing objects",
                DriftKind::AmountMismatch => "amounts differ",
                DriftKind::StatusMismatch => "states differ",
            })
            .collect();
        kinds.dedup();
        let details: Vec<&str> = a.drift.iter().take(3).map(|d| d.detail.as_str()).collect();
        format!("{}: {}", kinds.join(", "), details.join("; "))
    };
    DriftingAccount {
        name: names.get(&a.tenant_id).cloned().unwrap_or_else(|| "Unknown tenant".to_owned()),
        external_key: a.tenant_id.to_string(),
        issue,
        amounts,
    }
}
