//! Corrections mirrored to Kill Bill, against the emulator and a real
//! PostgreSQL with the demo data: refunds (in part and in full), the void of
//! a fully refunded invoice, a tenant's corrected e-mail and name. Each is
//! sent once, a lost answer is settled by reading Kill Bill rather than
//! sending again, and runs cut at fifty points among corrections leave
//! exactly one of each document and books that match ours to the cent.

mod killbill_support;

use std::collections::HashMap;

use app::domain::Role;
use app::model::payment::{RefundRequest, VoidRequest};
use app::model::people::ProfileRequest;
use app::server::adapters::killbill::KillBillClient;
use app::server::adapters::killbill::wire::refund_transaction_key;
use app::server::auth::AuthUser;
use app::server::jobs::killbill::{RetryPolicy, reconcile, run_with};
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
                (i.total_minor - COALESCE((SELECT sum(p.amount_minor - p.refunded_minor) FROM payment p
                                           WHERE p.invoice_id = i.id), 0))::bigint
         FROM invoice i WHERE i.voided_at IS NULL
           AND i.total_minor > COALESCE((SELECT sum(p.amount_minor - p.refunded_minor) FROM payment p
                                         WHERE p.invoice_id = i.id), 0)
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
        match i % 4 {
            0 => pay_one(&pool, i).await,
            1 => {
                let (payment, _, _, left) = lone_payment(&pool, i).await;
                refund(&pool, payment, left / 3).await;
            }
            2 => {
                let (payment, invoice, _, left) = lone_payment(&pool, i).await;
                refund(&pool, payment, left).await;
                void(&pool, invoice).await;
            }
            _ => rename(&pool, tenants[n % tenants.len()], n).await,
        }
        // Cut the next run at one of its first requests: dropped after
        // processing, or timed out, so the following run must resume.
        let kind = if i % 3 == 2 { FaultKind::Timeout } else { FaultKind::DropAfterProcessing };
        let nth = u64::try_from(i % 5 + 1).unwrap();
        h.faults(Faults { fail_nth_request: Some(nth), fail_nth_kind: kind, hang_ms: 1_000, ..Faults::default() });
        let _ = run_with(&h.ctx, &h.client, "cli", options(1)).await;
    }
    assert!(h.kb.stats().faults.drops >= 20, "the faults cut the runs: {:?}", h.kb.stats().faults);
    h.faults(Faults::default());
    h.sync().await.unwrap();
    h.assert_mirrored().await;
    h.assert_refunds_once().await;
    h.assert_no_drift().await;
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
