//! The comparison of one account: our invoices and payments against what
//! Kill Bill holds, item by item, and the figures of both sides.

use std::collections::{HashMap, HashSet};
use uuid::Uuid;

use super::KillBillAccount;
use crate::domain::{Currency, Money};
use crate::server::adapters::killbill::wire::{Invoice, InvoicePayment, minor_units};
use crate::server::adapters::killbill::wire::{find_by_item_marker, payment_external_key};
use crate::server::store::killbill_reconciliation::{
    AccountReport, DriftAmounts, DriftItem, DriftKind, Figures, LocalAccount,
};

/// Compares one account: every invoice and payment by its mapping (or, for an
/// unmapped one, by its marker or payment external key), then the balance.
pub fn compare(local: &LocalAccount, remote: Option<&KillBillAccount>) -> AccountReport {
    let exponent = Currency::parse(&local.currency).map(|c| c.exponent()).unwrap_or(2);
    let show =
        |minor: i64| Money::from_parts(minor, &local.currency).map_or_else(|_| minor.to_string(), |m| m.decimal());
    let invoiced: i64 = local.invoices.iter().filter(|i| !i.voided).map(|i| i.total_minor).sum();
    let paid: i64 = local.payments.iter().filter(|p| !p.invoice_voided).map(|p| p.amount_minor).sum();
    let mut report = AccountReport {
        tenant_id: local.tenant_id,
        killbill_account_id: remote.map(|r| r.account_id.to_string()).or_else(|| local.account_ref.clone()),
        currency: local.currency.clone(),
        local: Figures { invoiced, paid, balance: invoiced - paid },
        killbill: Figures::default(),
        drift: Vec::new(),
    };
    let Some(remote) = remote else {
        if invoiced > 0 || local.invoices.iter().any(|i| !i.voided) {
            report.drift.push(item(
                DriftKind::Missing,
                "account",
                Some(local.tenant_id),
                None,
                "the tenant has no Kill Bill account",
            ));
        }
        return report;
    };
    let amount = |v: &Option<serde_json::Value>| v.as_ref().and_then(|v| minor_units(v, exponent)).unwrap_or(0);
    let committed = |i: &&Invoice| i.status.as_deref() == Some("COMMITTED");
    report.killbill.invoiced = remote.invoices.iter().filter(committed).map(|i| amount(&i.amount)).sum();
    report.killbill.paid = remote
        .payments
        .iter()
        .filter(|p| p.succeeded())
        .map(|p| amount(&p.purchased_amount) - amount(&p.refunded_amount))
        .sum();
    report.killbill.balance = match &remote.balance {
        Some(v) => minor_units(v, exponent).unwrap_or(0),
        None => remote.invoices.iter().filter(committed).map(|i| amount(&i.balance)).sum(),
    };
    compare_invoices(local, remote, &amount, &show, &mut report.drift);
    compare_payments(local, remote, &amount, &show, &mut report.drift);
    if report.drift.is_empty() && report.local.balance != report.killbill.balance {
        let mut d = item(DriftKind::AmountMismatch, "balance", Some(local.tenant_id), None, "the balances differ");
        d.killbill_id = Some(remote.account_id.to_string());
        d.local = Some(show(report.local.balance));
        d.killbill = Some(show(report.killbill.balance));
        d.amounts = Some(DriftAmounts::of(report.local.balance, report.killbill.balance));
        report.drift.push(d);
    }
    report
}

fn compare_invoices(
    local: &LocalAccount,
    remote: &KillBillAccount,
    amount: &dyn Fn(&Option<serde_json::Value>) -> i64,
    show: &dyn Fn(i64) -> String,
    drift: &mut Vec<DriftItem>,
) {
    let by_id: HashMap<Uuid, &Invoice> = remote.invoices.iter().map(|i| (i.invoice_id, i)).collect();
    let mut seen: HashSet<Uuid> = HashSet::new();
    for inv in &local.invoices {
        let mapped = inv.killbill_ref.as_deref().and_then(|r| Uuid::parse_str(r).ok());
        let found = mapped.or_else(|| find_by_item_marker(&remote.invoices, inv.id)).and_then(|id| by_id.get(&id));
        let Some(kb) = found else {
            if !inv.voided {
                let what = format!("invoice {} is not in Kill Bill", inv.number);
                drift.push(DriftItem {
                    local: Some(show(inv.total_minor)),
                    ..item(DriftKind::Missing, "invoice", Some(inv.id), None, &what)
                });
            }
            continue;
        };
        seen.insert(kb.invoice_id);
        let status = kb.status.clone().unwrap_or_default();
        let kb_id = Some(kb.invoice_id.to_string());
        if inv.voided && status == "COMMITTED" {
            let what = format!("invoice {} is voided here but committed in Kill Bill", inv.number);
            drift.push(DriftItem {
                local: Some("VOID".into()),
                killbill: Some(status),
                ..item(DriftKind::StatusMismatch, "invoice", Some(inv.id), kb_id, &what)
            });
        } else if !inv.voided && status != "COMMITTED" {
            let what = format!("invoice {} is {status} in Kill Bill", inv.number);
            drift.push(DriftItem {
                local: Some("COMMITTED".into()),
                killbill: Some(status),
                ..item(DriftKind::StatusMismatch, "invoice", Some(inv.id), kb_id, &what)
            });
        } else if !inv.voided && amount(&kb.amount) != inv.total_minor {
            let amounts = DriftAmounts::of(inv.total_minor, amount(&kb.amount));
            let (way, by) = (if amounts.difference_minor < 0 { "lower" } else { "higher" }, amounts.difference_minor);
            let what = format!(
                "invoice {} is {} here and {} in Kill Bill ({} {way} there)",
                inv.number,
                show(inv.total_minor),
                show(amounts.killbill_minor),
                show(by.abs())
            );
            drift.push(DriftItem {
                local: Some(show(inv.total_minor)),
                killbill: Some(show(amounts.killbill_minor)),
                amounts: Some(amounts),
                ..item(DriftKind::AmountMismatch, "invoice", Some(inv.id), kb_id, &what)
            });
        }
    }
    for kb in remote.invoices.iter().filter(|i| !seen.contains(&i.invoice_id)) {
        if kb.status.as_deref() == Some("COMMITTED") {
            drift.push(DriftItem {
                killbill: Some(show(amount(&kb.amount))),
                ..item(
                    DriftKind::Missing,
                    "invoice",
                    None,
                    Some(kb.invoice_id.to_string()),
                    "a committed Kill Bill invoice matches none of ours",
                )
            });
        }
    }
}

fn compare_payments(
    local: &LocalAccount,
    remote: &KillBillAccount,
    amount: &dyn Fn(&Option<serde_json::Value>) -> i64,
    show: &dyn Fn(i64) -> String,
    drift: &mut Vec<DriftItem>,
) {
    let by_id: HashMap<Uuid, &InvoicePayment> = remote.payments.iter().map(|p| (p.payment_id, p)).collect();
    let by_key: HashMap<&str, &InvoicePayment> =
        remote.payments.iter().filter_map(|p| p.payment_external_key.as_deref().map(|k| (k, p))).collect();
    let mut seen: HashSet<Uuid> = HashSet::new();
    for p in &local.payments {
        let mapped = p.killbill_ref.as_deref().and_then(|r| Uuid::parse_str(r).ok()).and_then(|id| by_id.get(&id));
        let found = mapped.or_else(|| by_key.get(payment_external_key(p.id).as_str())).copied();
        let Some(kb) = found else {
            if !p.invoice_voided {
                drift.push(DriftItem {
                    local: Some(show(p.amount_minor)),
                    ..item(DriftKind::Missing, "payment", Some(p.id), None, "the payment is not in Kill Bill")
                });
            }
            continue;
        };
        seen.insert(kb.payment_id);
        let kb_id = Some(kb.payment_id.to_string());
        let kb_amount = amount(&kb.purchased_amount) - amount(&kb.refunded_amount);
        // A payment refunded in full before its invoice was voided stands in
        // Kill Bill with nothing left of it: that is the same books.
        if p.invoice_voided && kb.succeeded() && (kb_amount != 0 || p.amount_minor != 0) {
            let what = "the payment's invoice is voided here but the payment stands in Kill Bill";
            drift.push(DriftItem {
                local: Some("VOID".into()),
                killbill: Some("SUCCESS".into()),
                ..item(DriftKind::StatusMismatch, "payment", Some(p.id), kb_id, what)
            });
        } else if !p.invoice_voided && !kb.succeeded() {
            drift.push(DriftItem {
                local: Some("SUCCESS".into()),
                killbill: Some("not successful".into()),
                ..item(DriftKind::StatusMismatch, "payment", Some(p.id), kb_id, "the payment failed in Kill Bill")
            });
        } else if !p.invoice_voided && kb_amount != p.amount_minor {
            drift.push(DriftItem {
                local: Some(show(p.amount_minor)),
                killbill: Some(show(kb_amount)),
                amounts: Some(DriftAmounts::of(p.amount_minor, kb_amount)),
                ..item(DriftKind::AmountMismatch, "payment", Some(p.id), kb_id, "the payment amounts differ")
            });
        }
    }
    for kb in remote.payments.iter().filter(|p| !seen.contains(&p.payment_id) && p.succeeded()) {
        drift.push(DriftItem {
            killbill: Some(show(amount(&kb.purchased_amount) - amount(&kb.refunded_amount))),
            ..item(
                DriftKind::Missing,
                "payment",
                None,
                Some(kb.payment_id.to_string()),
                "a Kill Bill payment matches none of ours",
            )
        });
    }
}

fn item(kind: DriftKind, object: &str, local_id: Option<Uuid>, killbill_id: Option<String>, detail: &str) -> DriftItem {
    let (local, killbill, amounts) = (None, None, None);
    DriftItem { kind, object: object.into(), local_id, killbill_id, local, killbill, detail: detail.into(), amounts }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::adapters::killbill::wire::{InvoiceItem, PaymentTransaction};
    use crate::server::store::killbill_reconciliation::{LocalInvoice, LocalPayment};
    use serde_json::json;

    fn local() -> LocalAccount {
        let tenant_id = Uuid::from_u128(1);
        let invoice = |n: u128, total: i64, voided: bool| LocalInvoice {
            tenant_id,
            id: Uuid::from_u128(n),
            number: format!("INV-{n}"),
            currency: "EUR".into(),
            total_minor: total,
            voided,
            killbill_ref: Some(Uuid::from_u128(100 + n).to_string()),
        };
        LocalAccount {
            tenant_id,
            account_ref: Some(Uuid::from_u128(99).to_string()),
            currency: "EUR".into(),
            invoices: vec![invoice(10, 120_000, false), invoice(11, 50_000, false)],
            payments: vec![LocalPayment {
                tenant_id,
                id: Uuid::from_u128(20),
                invoice_id: Uuid::from_u128(10),
                amount_minor: 120_000,
                invoice_voided: false,
                killbill_ref: Some(Uuid::from_u128(120).to_string()),
            }],
        }
    }

    fn kb_invoice(n: u128, amount: serde_json::Value, status: &str) -> Invoice {
        Invoice {
            invoice_id: Uuid::from_u128(100 + n),
            status: Some(status.into()),
            amount: Some(amount),
            balance: None,
            items: vec![InvoiceItem::default()],
        }
    }

    fn kb_payment(n: u128, amount: serde_json::Value, status: &str) -> InvoicePayment {
        InvoicePayment {
            payment_id: Uuid::from_u128(n),
            target_invoice_id: None,
            payment_external_key: None,
            purchased_amount: Some(amount),
            refunded_amount: Some(json!(0)),
            currency: Some("EUR".into()),
            transactions: vec![PaymentTransaction {
                transaction_id: None,
                transaction_type: Some("PURCHASE".into()),
                transaction_external_key: None,
                status: Some(status.into()),
                amount: None,
            }],
        }
    }

    fn remote() -> KillBillAccount {
        KillBillAccount {
            account_id: Uuid::from_u128(99),
            invoices: vec![kb_invoice(10, json!(1200.00), "COMMITTED"), kb_invoice(11, json!(500), "COMMITTED")],
            payments: vec![kb_payment(120, json!(1200), "SUCCESS")],
            balance: Some(json!(500.00)),
        }
    }

    fn kinds(report: &AccountReport) -> Vec<(DriftKind, &str)> {
        report.drift.iter().map(|d| (d.kind, d.object.as_str())).collect()
    }

    #[test]
    fn equal_books_have_no_drift_and_equal_figures() {
        let report = compare(&local(), Some(&remote()));
        assert!(report.drift.is_empty(), "{:?}", report.drift);
        assert_eq!(report.local, Figures { invoiced: 170_000, paid: 120_000, balance: 50_000 });
        assert_eq!(report.killbill, report.local);
    }

    #[test]
    fn each_kind_of_difference_is_named() {
        let mut kb = remote();
        kb.invoices[0].amount = Some(json!(1199.99));
        kb.invoices[1].status = Some("DRAFT".into());
        kb.payments.push(kb_payment(121, json!(10), "SUCCESS"));
        let report = compare(&local(), Some(&kb));
        assert_eq!(
            kinds(&report),
            vec![
                (DriftKind::AmountMismatch, "invoice"),
                (DriftKind::StatusMismatch, "invoice"),
                (DriftKind::Missing, "payment"),
            ]
        );
        assert_eq!(report.drift[0].local.as_deref(), Some("1200.00"));
        assert_eq!(report.drift[0].killbill.as_deref(), Some("1199.99"));
        let exact = DriftAmounts { local_minor: 120_000, killbill_minor: 119_999, difference_minor: -1 };
        assert_eq!(report.drift[0].amounts, Some(exact), "both figures and the exact difference");
        assert!(report.drift[0].detail.contains("0.01 lower there"), "{}", report.drift[0].detail);
    }

    #[test]
    fn what_kill_bill_lacks_is_missing_and_a_voided_invoice_must_not_stand_there() {
        let mut ours = local();
        ours.invoices[1].voided = true;
        let mut kb = remote();
        kb.payments.clear();
        let report = compare(&ours, Some(&kb));
        assert_eq!(kinds(&report), vec![(DriftKind::StatusMismatch, "invoice"), (DriftKind::Missing, "payment")]);
        let none = compare(&ours, None);
        assert_eq!(kinds(&none), vec![(DriftKind::Missing, "account")]);
    }

    #[test]
    fn an_unmapped_invoice_is_found_by_its_marker() {
        let mut ours = local();
        ours.invoices[1].killbill_ref = None;
        let mut kb = remote();
        kb.invoices[1].items[0].item_details = Some(json!({ "mktInvoiceId": Uuid::from_u128(11) }).to_string());
        assert!(compare(&ours, Some(&kb)).drift.is_empty());
        kb.invoices[1].items[0].item_details = None;
        let report = compare(&ours, Some(&kb));
        assert_eq!(kinds(&report), vec![(DriftKind::Missing, "invoice"), (DriftKind::Missing, "invoice")]);
    }

    #[test]
    fn a_payment_refunded_in_full_may_stand_under_a_voided_invoice_but_not_a_live_one() {
        // Paid, refunded in full, then voided: both sides hold nothing of the payment.
        let mut ours = local();
        ours.invoices[0].voided = true;
        ours.payments[0].amount_minor = 0;
        ours.payments[0].invoice_voided = true;
        let mut kb = remote();
        kb.invoices[0].status = Some("VOID".into());
        kb.payments[0].refunded_amount = Some(json!(1200));
        kb.balance = Some(json!(500));
        assert!(compare(&ours, Some(&kb)).drift.is_empty(), "{:?}", compare(&ours, Some(&kb)).drift);
        // Refunded here only: Kill Bill still holds the money.
        kb.payments[0].refunded_amount = Some(json!(0));
        assert_eq!(kinds(&compare(&ours, Some(&kb))), vec![(DriftKind::StatusMismatch, "payment")]);
    }

    #[test]
    fn a_balance_difference_alone_is_an_amount_mismatch() {
        let mut kb = remote();
        kb.balance = Some(json!(400));
        assert_eq!(kinds(&compare(&local(), Some(&kb))), vec![(DriftKind::AmountMismatch, "balance")]);
    }
}
