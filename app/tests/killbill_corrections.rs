//! Corrections mirrored to Kill Bill, against the emulator and a real
//! PostgreSQL with the demo data: refunds (in part and in full), the void of
//! a fully refunded invoice, credit notes (item adjustments), a tenant's
//! corrected e-mail and name. Each is
//! sent once, a lost answer is settled by reading Kill Bill rather than
//! sending again, and runs cut at fifty points among corrections leave
//! exactly one of each document and books that match ours to the cent.

mod killbill_support;

use std::collections::HashMap;

use app::domain::Role;
use app::model::payment::{CreditNoteRequest, RefundRequest, VoidRequest};
use app::model::people::ProfileRequest;
use app::server::adapters::killbill::KillBillClient;
use app::server::adapters::killbill::wire::{Invoice, minor_units, refund_transaction_key};
use app::server::audit::Actor;
use app::server::auth::AuthUser;
use app::server::jobs::killbill::{RetryPolicy, reconcile, run_with};
use app::server::webhooks::killbill::process_event;
use chrono::Utc;
use killbill_support::*;
use sandbox::killbill::{FaultKind, Faults};
use sqlx::PgPool;
use uuid::Uuid;

async fn admin(pool: &PgPool) -> AuthUser {
    let id: Uuid =
        sqlx::query_scalar("SELECT id FROM app_user WHERE role = 'admin' LIMIT 1").fetch_one(pool).await.unwrap();
    AuthUser { user_id: id, role: Role::Admin, tenant_id: None }
}

/// The `skip`-th payment that is the only one of its invoice, with more than
/// 10.00 left to refund: (payment, invoice, tenant, left).
async fn lone_payment(pool: &PgPool, skip: i64) -> (Uuid, Uuid, Uuid, i64) {
    sqlx::query_as(
        "SELECT p.id, p.invoice_id, p.tenant_id, p.amount_minor - p.refunded_minor FROM payment p
         JOIN invoice i ON i.id = p.invoice_id
         WHERE i.voided_at IS NULL AND p.amount_minor - p.refunded_minor > 1000
           AND (SELECT count(*) FROM payment o WHERE o.invoice_id = i.id) = 1
         ORDER BY p.id OFFSET $1 LIMIT 1",
    )
    .bind(skip)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn refund(pool: &PgPool, payment: Uuid, amount_minor: i64) {
    let request = RefundRequest { amount_minor, reason: "paid twice".into(), refunded_on: None };
    app::server::refund::refund(pool, &admin(pool).await, payment, &request).await.unwrap();
}

async fn void(pool: &PgPool, invoice: Uuid) {
    let request = VoidRequest { reason: "issued by mistake".into() };
    app::server::payment::void(pool, &admin(pool).await, invoice, &request).await.unwrap();
}

/// Pays what is left of the `skip`-th invoice with something left to pay.
async fn pay_one(pool: &PgPool, skip: i64) {
    let (invoice, tenant, currency, left): (Uuid, Uuid, String, i64) = sqlx::query_as(
        "SELECT i.id, i.tenant_id, i.currency,
                (i.total_minor - i.credited_minor
                 - COALESCE((SELECT sum(p.amount_minor - p.refunded_minor) FROM payment p
                             WHERE p.invoice_id = i.id), 0))::bigint
         FROM invoice i WHERE i.voided_at IS NULL
           AND i.total_minor - i.credited_minor > COALESCE((SELECT sum(p.amount_minor - p.refunded_minor)
                                                            FROM payment p WHERE p.invoice_id = i.id), 0)
         ORDER BY i.number OFFSET $1 LIMIT 1",
    )
    .bind(skip)
    .fetch_one(pool)
    .await
    .unwrap();
    let new = app::server::store::payment::NewPayment {
        id: Uuid::new_v4(),
        invoice_id: invoice,
        tenant_id: tenant,
        amount_minor: left,
        currency,
        received_at: Utc::now(),
        method: "card".into(),
        reference: format!("TEST-{}", Uuid::new_v4()),
    };
    assert!(app::server::store::payment::insert_payment_if_absent(pool, &new).await.unwrap());
}

/// The `skip`-th invoice with nothing paid or credited on it: (invoice, its
/// first line's amount). Every demo invoice has a second line of 40.00 or more.
async fn unpaid_invoice(pool: &PgPool, skip: i64) -> (Uuid, i64) {
    sqlx::query_as(
        "SELECT i.id, (SELECT l.amount_minor FROM invoice_line l WHERE l.invoice_id = i.id
                       ORDER BY l.position LIMIT 1)
         FROM invoice i WHERE i.voided_at IS NULL AND i.credited_minor = 0
           AND NOT EXISTS (SELECT 1 FROM payment p WHERE p.invoice_id = i.id)
         ORDER BY i.number OFFSET $1 LIMIT 1",
    )
    .bind(skip)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn credit(pool: &PgPool, invoice: Uuid, amount_minor: i64) {
    let request = CreditNoteRequest { amount_minor, reason: "overcharged for service charges".into() };
    app::server::credit_note::issue_by(pool, None, &Actor::cli(), invoice, &request).await.unwrap();
}

/// Kill Bill's ids of the account and the invoice mirroring our `invoice`.
async fn kb_ids(pool: &PgPool, invoice: Uuid) -> (Uuid, Uuid) {
    let (account, kb_invoice): (String, String) = sqlx::query_as(
        "SELECT a.external_id, r.external_id FROM invoice i
         JOIN external_ref a ON a.platform = 'killbill' AND a.entity = 'account' AND a.local_id = i.tenant_id
         JOIN external_ref r ON r.platform = 'killbill' AND r.entity = 'invoice' AND r.local_id = i.id
         WHERE i.id = $1",
    )
    .bind(invoice)
    .fetch_one(pool)
    .await
    .unwrap();
    (account.parse().unwrap(), kb_invoice.parse().unwrap())
}

/// The `ITEM_ADJ` items of a Kill Bill invoice marked with `note`'s `line`.
fn adjustments_of(kb: &Invoice, note: Uuid, line: i32) -> Vec<i64> {
    kb.items
        .iter()
        .filter(|i| i.item_type.as_deref() == Some("ITEM_ADJ"))
        .filter(|i| {
            let details: serde_json::Value =
                serde_json::from_str(i.item_details.as_deref().unwrap_or("null")).unwrap_or_default();
            details["mktCreditNoteId"] == serde_json::json!(note) && details["mktLineId"] == serde_json::json!(line)
        })
        .map(|i| minor_units(i.amount.as_ref().unwrap(), 2).unwrap())
        .collect()
}

async fn rename(pool: &PgPool, tenant: Uuid, n: usize) {
    let request = ProfileRequest { email: format!("renamed-{n}-{tenant}@example.com"), name: format!("Renamed {n}") };
    app::server::profile::edit(pool, &admin(pool).await, tenant, &request).await.unwrap();
}

impl Harness {
    /// Kill Bill's refunds of each payment we refunded: every local refund
    /// appears exactly once, keyed by its id, and nothing else is refunded.
    async fn assert_refunds_once(&self) {
        let rows: Vec<(Uuid, Uuid, String)> = sqlx::query_as(
            "SELECT f.id, f.payment_id, r.external_id FROM payment_refund f
             JOIN external_ref r ON r.platform = 'killbill' AND r.entity = 'payment' AND r.local_id = f.payment_id",
        )
        .fetch_all(&self.ctx.pool)
        .await
        .unwrap();
        let mut by_payment: HashMap<String, Vec<Uuid>> = HashMap::new();
        for (refund, _, kb_payment) in rows {
            by_payment.entry(kb_payment).or_default().push(refund);
        }
        for (kb_payment, refunds) in by_payment {
            let found = self.client.invoice_payment(kb_payment.parse().unwrap()).await.unwrap().unwrap();
            let kb_refunds: Vec<_> =
                found.transactions.iter().filter(|t| t.transaction_type.as_deref() == Some("REFUND")).collect();
            assert_eq!(kb_refunds.len(), refunds.len(), "payment {kb_payment}: one Kill Bill refund per refund");
            for id in refunds {
                assert!(found.refund_keyed(&refund_transaction_key(id)).is_some(), "refund {id} is in Kill Bill");
            }
        }
    }

    /// Every credit note on a standing invoice is in Kill Bill as exactly one
    /// `ITEM_ADJ` per part, of the part's amount, and mapped to its first
    /// part's; a void invoice holds at most one per part; and no invoice holds
    /// any other adjustment.
    async fn assert_credit_notes_once(&self) {
        let notes: Vec<(Uuid, bool, String, Option<String>)> = sqlx::query_as(
            "SELECT c.id, i.voided_at IS NOT NULL, r.external_id,
                    (SELECT m.external_id FROM external_ref m WHERE m.platform = 'killbill'
                     AND m.entity = 'credit_note' AND m.local_id = c.id)
             FROM credit_note c JOIN invoice i ON i.id = c.invoice_id
             JOIN external_ref r ON r.platform = 'killbill' AND r.entity = 'invoice' AND r.local_id = i.id",
        )
        .fetch_all(&self.ctx.pool)
        .await
        .unwrap();
        let parts: Vec<(Uuid, i32, i64)> = sqlx::query_as(
            "SELECT credit_note_id, line_position, amount_minor FROM credit_note_part
             ORDER BY credit_note_id, line_position",
        )
        .fetch_all(&self.ctx.pool)
        .await
        .unwrap();
        let mut by_invoice: HashMap<String, Vec<(Uuid, bool, Option<String>)>> = HashMap::new();
        for (note, voided, kb_invoice, mapped) in notes {
            by_invoice.entry(kb_invoice).or_default().push((note, voided, mapped));
        }
        for (kb_invoice, notes) in by_invoice {
            let kb = self.client.invoice(kb_invoice.parse().unwrap()).await.unwrap().unwrap();
            let mut expected = 0;
            for (note, voided, mapped) in notes {
                let own: Vec<_> = parts.iter().filter(|p| p.0 == note).collect();
                for (i, (_, line, amount)) in own.iter().enumerate() {
                    let found = adjustments_of(&kb, note, *line);
                    expected += found.len();
                    if voided {
                        assert!(found.len() <= 1, "note {note} line {line}: at most one adjustment");
                        continue;
                    }
                    assert_eq!(found, vec![-amount], "note {note} line {line}: exactly one adjustment of its part");
                    if i == 0 {
                        let first = kb.adjustment_of(note, *line).map(|id| id.to_string());
                        assert_eq!(mapped, first, "note {note} is mapped to its first part's adjustment");
                    }
                }
            }
            let all = kb.items.iter().filter(|i| i.item_type.as_deref() == Some("ITEM_ADJ")).count();
            assert_eq!(all, expected, "invoice {kb_invoice}: no stray adjustment");
        }
    }

    /// Processes an `INVOICE_ADJUSTMENT` push about `kb_invoice` as the
    /// webhook job does, and returns its outcome.
    async fn adjustment_pushed(&self, account: Uuid, kb_invoice: Uuid) -> String {
        let payload = serde_json::json!({
            "eventType": "INVOICE_ADJUSTMENT", "accountId": account, "objectType": "INVOICE",
            "objectId": kb_invoice, "metaData": null,
        });
        let retry = RetryPolicy { attempts: 3, ..RetryPolicy::default() };
        process_event(&self.ctx, &self.client, retry, &payload).await.unwrap()
    }

    async fn assert_no_drift(&self) {
        let retry = RetryPolicy { attempts: 3, ..RetryPolicy::default() };
        let (_, report) = reconcile::run_with(&self.ctx, &self.client, "cli", 4, retry).await.unwrap();
        assert!(report.drifting.is_empty(), "no drift: {:?}", report.drifting);
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn refunds_and_the_void_of_a_refunded_invoice_are_mirrored_once_and_leave_no_drift(pool: PgPool) {
    let h = harness(pool).await;
    h.sync().await.unwrap();
    let pool = &h.ctx.pool;
    let (full, full_invoice, _, amount) = lone_payment(pool, 0).await;
    refund(pool, full, 1000).await;
    refund(pool, full, amount - 1000).await;
    void(pool, full_invoice).await;
    let (part, _, _, _) = lone_payment(pool, 0).await;
    refund(pool, part, 500).await;

    h.kb.reset_stats();
    let summary = h.sync().await.unwrap();
    assert_eq!((summary.records_out, summary.records_failed), (4, 0), "three refunds and a void: {summary:?}");
    assert_eq!(h.kb.stats().writes, 4, "one request each");
    h.assert_mirrored().await;
    h.assert_refunds_once().await;
    h.assert_no_drift().await;

    h.kb.reset_stats();
    h.sync().await.unwrap();
    let stats = h.kb.stats();
    assert_eq!((stats.writes, stats.reads), (0, 0), "mirrored corrections cost nothing again: {stats:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_refund_whose_answer_was_lost_is_not_sent_again(pool: PgPool) {
    let h = harness(pool).await;
    h.sync().await.unwrap();
    let (payment, _, _, _) = lone_payment(&h.ctx.pool, 3).await;
    refund(&h.ctx.pool, payment, 700).await;
    // The refund is the run's first Kill Bill request: processed, its answer lost.
    h.faults(Faults { fail_nth_request: Some(1), fail_nth_kind: FaultKind::DropAfterProcessing, ..Faults::default() });
    h.kb.reset_stats();
    assert!(run_with(&h.ctx, &h.client, "cli", options(1)).await.is_err(), "the lost answer fails the run");
    assert_eq!(h.kb.stats().writes, 1);
    h.faults(Faults::default());
    h.kb.reset_stats();
    h.sync().await.unwrap();
    assert_eq!(h.kb.stats().writes, 0, "the next run finds the refund by its key and sends nothing");
    h.assert_mirrored().await;
    h.assert_refunds_once().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_credit_note_over_two_lines_is_mirrored_as_two_item_adjustments_and_leaves_no_drift(pool: PgPool) {
    let h = harness(pool).await;
    h.sync().await.unwrap();
    let pool = &h.ctx.pool;
    let (invoice, first_line) = unpaid_invoice(pool, 0).await;
    credit(pool, invoice, first_line + 1_250).await;
    let (account, kb_invoice) = kb_ids(pool, invoice).await;
    let before = h.adjustment_pushed(account, kb_invoice).await;
    assert!(before.contains("1 amount mismatch"), "not mirrored yet, the note shows: {before}");

    h.kb.reset_stats();
    let summary = h.sync().await.unwrap();
    assert_eq!((summary.records_out, summary.records_failed), (1, 0), "one credit note: {summary:?}");
    assert_eq!(h.kb.stats().writes, 2, "one adjustment per line");
    let kb = h.client.invoice(kb_invoice).await.unwrap().unwrap();
    let adjusted: Vec<i64> = kb
        .items
        .iter()
        .filter(|i| i.item_type.as_deref() == Some("ITEM_ADJ"))
        .map(|i| minor_units(i.amount.as_ref().unwrap(), 2).unwrap())
        .collect();
    assert_eq!(adjusted, vec![-first_line, -1_250], "the first line in full, 12.50 of the second");
    let (total, credited): (i64, i64) = sqlx::query_as("SELECT total_minor, credited_minor FROM invoice WHERE id = $1")
        .bind(invoice)
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(credited, first_line + 1_250);
    let kb_amount = minor_units(kb.amount.as_ref().unwrap(), 2).unwrap();
    let kb_balance = minor_units(kb.balance.as_ref().unwrap(), 2).unwrap();
    assert_eq!((kb_amount, kb_balance), (total - credited, total - credited), "to the cent, nothing paid");
    h.assert_mirrored().await;
    h.assert_credit_notes_once().await;
    h.assert_no_drift().await;
    let after = h.adjustment_pushed(account, kb_invoice).await;
    assert!(
        after.contains("drift: 0 missing, 0 amount mismatch, 0 status mismatch"),
        "our own adjustment is no drift: {after}"
    );

    h.kb.reset_stats();
    h.sync().await.unwrap();
    let stats = h.kb.stats();
    assert_eq!((stats.writes, stats.reads), (0, 0), "a mirrored note costs nothing again: {stats:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_credit_note_whose_answer_was_lost_is_not_sent_again(pool: PgPool) {
    let h = harness(pool).await;
    h.sync().await.unwrap();
    // The run reads the invoice (request 1), then adjusts the first line (2)
    // and the second (3); the answer of one of them is lost after Kill Bill
    // processed it, so the next run must send only what is not there.
    for (skip, cut, left_to_send) in [(0, 2, 1), (1, 3, 0)] {
        let (invoice, first_line) = unpaid_invoice(&h.ctx.pool, skip).await;
        credit(&h.ctx.pool, invoice, first_line + 700).await;
        h.faults(Faults {
            fail_nth_request: Some(cut),
            fail_nth_kind: FaultKind::DropAfterProcessing,
            ..Faults::default()
        });
        h.kb.reset_stats();
        assert!(run_with(&h.ctx, &h.client, "cli", options(1)).await.is_err(), "the lost answer fails the run");
        assert_eq!(h.kb.stats().writes, cut - 1);
        let pending: i64 = sqlx::query_scalar("SELECT count(*) FROM killbill_pending WHERE entity = 'credit_note'")
            .fetch_one(&h.ctx.pool)
            .await
            .unwrap();
        assert_eq!(pending, 1, "the note is pending");
        h.faults(Faults::default());
        h.kb.reset_stats();
        h.sync().await.unwrap();
        assert_eq!(h.kb.stats().writes, left_to_send, "cut at request {cut}: only what is missing is sent");
        h.assert_credit_notes_once().await;
    }
    h.assert_mirrored().await;
    h.assert_no_drift().await;
    let pending: i64 =
        sqlx::query_scalar("SELECT count(*) FROM killbill_pending").fetch_one(&h.ctx.pool).await.unwrap();
    assert_eq!(pending, 0, "nothing left pending");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_corrected_e_mail_and_name_reach_the_kill_bill_account_once(pool: PgPool) {
    let h = harness(pool).await;
    h.sync().await.unwrap();
    let tenant = tenant_totals(&h.ctx.pool).await.unwrap()[0].tenant_id;
    rename(&h.ctx.pool, tenant, 1).await;
    h.kb.reset_stats();
    let summary = h.sync().await.unwrap();
    assert_eq!((summary.records_out, h.kb.stats().writes), (1, 1), "one PUT of the account: {summary:?}");
    let account = h.client.account_by_external_key(&tenant.to_string()).await.unwrap().unwrap();
    assert_eq!(account.email.as_deref(), Some(format!("renamed-1-{tenant}@example.com").as_str()));
    assert_eq!(account.name.as_deref(), Some("Renamed 1"));
    h.kb.reset_stats();
    h.sync().await.unwrap();
    assert_eq!(h.kb.stats().writes, 0, "sent once");
}

#[sqlx::test(migrations = "../migrations")]
async fn runs_cut_at_fifty_points_among_corrections_leave_exactly_one_of_each(pool: PgPool) {
    let h = harness(pool).await;
    h.sync().await.unwrap();
    let pool = h.ctx.pool.clone();
    let tenants: Vec<Uuid> = tenant_totals(&pool).await.unwrap().into_iter().map(|t| t.tenant_id).collect();
    for i in 0..52_i64 {
        let n = usize::try_from(i).unwrap();
        match i % 5 {
            0 => pay_one(&pool, i).await,
            1 => {
                let (payment, _, _, left) = lone_payment(&pool, i).await;
                refund(&pool, payment, left / 3).await;
            }
            2 => {
                let (payment, invoice, _, left) = lone_payment(&pool, i).await;
                refund(&pool, payment, left).await;
                if i % 3 == 0 {
                    // A note on an invoice voided before it was mirrored: nothing to send.
                    credit(&pool, invoice, 100).await;
                }
                void(&pool, invoice).await;
            }
            3 => rename(&pool, tenants[n % tenants.len()], n).await,
            _ => {
                // Over two lines, or part of the first one only.
                let (invoice, first_line) = unpaid_invoice(&pool, 0).await;
                credit(&pool, invoice, if i % 2 == 0 { first_line + 900 } else { first_line / 2 }).await;
            }
        }
        // Cut the next run at one of its first requests: dropped after
        // processing, or timed out, so the following run must resume.
        let kind = if i % 3 == 2 { FaultKind::Timeout } else { FaultKind::DropAfterProcessing };
        // Each kind of correction meets every cut point in turn.
        let nth = u64::try_from((i / 5) % 5 + 1).unwrap();
        h.faults(Faults { fail_nth_request: Some(nth), fail_nth_kind: kind, hang_ms: 1_000, ..Faults::default() });
        let _ = run_with(&h.ctx, &h.client, "cli", options(1)).await;
    }
    assert!(h.kb.stats().faults.drops >= 20, "the faults cut the runs: {:?}", h.kb.stats().faults);
    h.faults(Faults::default());
    h.sync().await.unwrap();
    h.assert_mirrored().await;
    h.assert_refunds_once().await;
    h.assert_credit_notes_once().await;
    h.assert_no_drift().await;
    let (standing, unmapped_on_void): (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE i.voided_at IS NULL),
                count(*) FILTER (WHERE i.voided_at IS NOT NULL AND c.id NOT IN (
                    SELECT local_id FROM external_ref WHERE platform = 'killbill' AND entity = 'credit_note'))
         FROM credit_note c JOIN invoice i ON i.id = c.invoice_id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(standing >= 7, "the runs had notes to mirror: {standing}");
    assert!(unmapped_on_void >= 3, "a note on an invoice voided before it was mirrored is not sent");
    let behind: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM app_user u WHERE u.profile_version >
                COALESCE((SELECT k.version FROM killbill_account_profile k WHERE k.tenant_id = u.id), 0)
           AND u.id IN (SELECT local_id FROM external_ref WHERE platform = 'killbill' AND entity = 'account')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(behind, 0, "every corrected profile reached its account");
    for tenant in tenants.iter().take(13) {
        let ours: (String, String) = sqlx::query_as("SELECT email, display_name FROM app_user WHERE id = $1")
            .bind(tenant)
            .fetch_one(&pool)
            .await
            .unwrap();
        let theirs = h.client.account_by_external_key(&tenant.to_string()).await.unwrap().unwrap();
        assert_eq!((theirs.email, theirs.name), (Some(ours.0), Some(ours.1)), "tenant {tenant}");
    }
}
