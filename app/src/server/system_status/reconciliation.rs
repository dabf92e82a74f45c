//! The Kill Bill reconciliation section of the panel: the latest stored
//! report ([`killbill_reconciliation::latest_report`]) in the panel's terms —
//! totals per currency side by side, drift counts, and the drifting accounts
//! with their tenants' names.

use sqlx::PgPool;
use std::collections::HashMap;

use crate::domain::{Job, Money};
use crate::model::reconciliation::{DriftCount, DriftingAccount, Reconciliation, ReconciliationState, TotalPair};
use crate::server::store::killbill_reconciliation::{self, AccountReport, DriftKind, Figures, StoredReport};
use crate::server::store::{app_user, sync_state};

/// Drifting accounts listed in the drill-down (the counts cover them all).
const DRILL_DOWN_ACCOUNTS: usize = 50;

/// The reconciliation as the panel shows it.
pub async fn load(pool: &PgPool) -> Result<ReconciliationState, sqlx::Error> {
    if !sync_state::is_configured(pool, Job::KillbillReconciliation).await? {
        return Ok(ReconciliationState::NotConfigured);
    }
    let Some(stored) = killbill_reconciliation::latest_report(pool).await? else {
        let reason =
            "No reconciliation has run yet; one runs after each Kill Bill mirror run, and on its own schedule."
                .to_owned();
        return Ok(ReconciliationState::Unavailable { reason, detail: None });
    };
    if stored.status != "succeeded" {
        let at = stored.finished_at.format("%-d %b %H:%M UTC");
        let reason = format!("The last reconciliation ({at}) could not read Kill Bill.");
        return Ok(ReconciliationState::Unavailable { reason, detail: stored.error });
    }
    let ids: Vec<uuid::Uuid> = stored.report.drifting.iter().take(DRILL_DOWN_ACCOUNTS).map(|a| a.tenant_id).collect();
    let names = app_user::display_names(pool, &ids).await?;
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
    Money::from_parts(minor, currency).unwrap_or_else(|_| Money::unknown(minor))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::store::killbill_reconciliation::{CurrencyTotals, DriftCounts, DriftItem, Report};

    fn figures(invoiced: i64, paid: i64) -> Figures {
        Figures { invoiced, paid, balance: invoiced - paid }
    }

    #[test]
    fn totals_sit_side_by_side_and_drifting_accounts_say_what_differs() {
        let tenant = uuid::Uuid::from_u128(7);
        let drift = DriftItem {
            kind: DriftKind::AmountMismatch,
            object: "invoice".into(),
            local_id: None,
            killbill_id: Some("kb-inv".into()),
            local: Some("1200.00".into()),
            killbill: Some("1100.00".into()),
            detail: "invoice INV-7 is 1200.00 here and 1100.00 in Kill Bill".into(),
            amounts: None,
        };
        let report = Report {
            accounts: 2,
            totals: vec![CurrencyTotals {
                currency: "EUR".into(),
                accounts: 2,
                local: figures(240_000, 120_000),
                killbill: figures(230_000, 120_000),
            }],
            drifting: vec![AccountReport {
                tenant_id: tenant,
                killbill_account_id: Some("kb-acc".into()),
                currency: "EUR".into(),
                local: figures(120_000, 60_000),
                killbill: figures(110_000, 60_000),
                drift: vec![drift],
            }],
            counts: DriftCounts { missing: 0, amount_mismatch: 1, status_mismatch: 0 },
        };
        let stored = StoredReport {
            id: 1,
            trigger: "sync".into(),
            status: "succeeded".into(),
            started_at: chrono::Utc::now(),
            finished_at: chrono::Utc::now(),
            error: None,
            report,
        };
        let names = HashMap::from([(tenant, "Ada Tenant".to_owned())]);
        let view = view(stored, &names);
        assert_eq!(view.accounts_checked, 2);
        assert_eq!(view.totals.len(), 3);
        assert_eq!(view.totals[0].label, "Invoiced (EUR)");
        assert!(!view.totals[0].matches() && view.totals[1].matches());
        assert_eq!(view.drift[0].accounts, 1);
        assert_eq!(view.drift[2].label, "Amounts that differ");
        let account = &view.drifting[0];
        assert_eq!(account.name, "Ada Tenant");
        assert!(account.issue.starts_with("amounts differ: invoice INV-7"), "{}", account.issue);
        assert_eq!(account.amounts[0].2.as_ref().map(|m| m.minor), Some(110_000));
    }
}
