//! Re-asserting ours in Kill Bill, against the emulator and a real
//! PostgreSQL with the demo data: a copy lowered in Kill Bill is voided and
//! issued again with our lines, a copy higher there is adjusted down; each
//! once, even when a request's answer is lost and the admin presses again;
//! refused (nothing sent) when Kill Bill holds a payment on a lowered copy.

mod killbill_support;

use app::model::AppError;
use app::model::killbill_drift::DriftSeen;
use app::server::adapters::killbill::KillBillClient;
use app::server::killbill_drift::reassert;
use killbill_support::drift::*;
use killbill_support::*;
use sandbox::killbill::{FaultKind, Faults};
use sqlx::PgPool;
use uuid::Uuid;

async fn tenant_of(pool: &PgPool, invoice: Uuid) -> Uuid {
    sqlx::query_scalar("SELECT tenant_id FROM invoice WHERE id = $1").bind(invoice).fetch_one(pool).await.unwrap()
}

async fn open_resolutions(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM killbill_drift_resolution WHERE state = 'sending'")
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Kill Bill's invoices of the account that carry our invoice's marker and
/// are not void.
async fn standing_copies(h: &Harness, invoice: Uuid) -> Vec<Uuid> {
    let (account, _) = kb_ids(&h.ctx.pool, invoice).await;
    let all = h.client.account_invoices(account).await.unwrap();
    all.iter()
        .filter(|i| i.status.as_deref() != Some("VOID"))
        .filter(|i| {
            i.items.iter().any(|item| item.item_details.as_deref().unwrap_or("").contains(&invoice.to_string()))
        })
        .map(|i| i.invoice_id)
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_lowered_copy_is_voided_and_issued_again_once_even_when_an_answer_is_lost(pool: PgPool) {
    let h = harness(pool).await;
    h.sync().await.unwrap();
    let pool = h.ctx.pool.clone();
    let admin = admin(&pool).await;
    // The re-assert's requests: read the copy (1), read it again (2), void it
    // (3), list the account's invoices (4), create the new DRAFT (5), commit
    // it (6). Cut after Kill Bill processed the void, the create, the commit.
    for (skip, cut, left_to_send) in [(0, 3, 2), (1, 5, 1), (2, 6, 0)] {
        let invoice = unpaid_invoice(&pool, skip).await;
        let (_, old_copy) = kb_ids(&pool, invoice).await;
        let ours_before = ours(&pool, invoice).await;
        h.kaui_adjust(invoice, 1, 3_300).await;
        h.pushed_about(invoice).await;
        let seen = DriftSeen { local_minor: ours_before, killbill_minor: ours_before - 3_300 };

        h.faults(Faults {
            fail_nth_request: Some(cut),
            fail_nth_kind: FaultKind::DropAfterProcessing,
            ..Faults::default()
        });
        h.kb.reset_stats();
        match reassert(&pool, &h.client, &admin, invoice, Some(seen)).await {
            Err(AppError::Upstream(why)) => assert!(why.contains("press Re-assert again"), "{why}"),
            other => panic!("cut at request {cut}: the lost answer fails the call, got {other:?}"),
        }
        assert_eq!(open_resolutions(&pool).await, 1, "the re-assert stays open");
        h.faults(Faults::default());
        h.kb.reset_stats();
        let done = reassert(&pool, &h.client, &admin, invoice, Some(seen)).await.unwrap();
        assert_eq!(h.kb.stats().writes, left_to_send, "cut at request {cut}: only what is missing is sent");
        assert!(!done.repeated);
        assert_eq!(open_resolutions(&pool).await, 0);

        let copies = standing_copies(&h, invoice).await;
        assert_eq!(copies.len(), 1, "cut at request {cut}: exactly one copy stands, never two");
        let (_, new_copy) = kb_ids(&pool, invoice).await;
        assert_eq!((copies[0], done.killbill_invoice_id.clone()), (new_copy, Some(new_copy.to_string())));
        assert_ne!(new_copy, old_copy, "our mapping follows the new copy");
        let old = h.client.invoice(old_copy).await.unwrap().unwrap();
        assert_eq!(old.status.as_deref(), Some("VOID"));
        let (amount, balance, status) = h.kb_figures(invoice).await;
        assert_eq!((amount, balance, status.as_str()), (ours_before, ours_before, "COMMITTED"), "Kill Bill's is ours");
        assert_eq!(ours(&pool, invoice).await, ours_before, "our books are untouched");
        h.assert_account_agrees(tenant_of(&pool, invoice).await).await;
        assert!(drift_of(&pool, invoice).await.is_none());

        let again = reassert(&pool, &h.client, &admin, invoice, Some(seen)).await.unwrap();
        assert!(again.repeated && again.id == done.id, "a double click does nothing again: {again:?}");
    }
    h.kb.reset_stats();
    h.sync().await.unwrap();
    assert_eq!(h.kb.stats().writes, 0, "the mirror has nothing to send");
    let report = h.reconciled().await;
    assert!(report.drifting.is_empty(), "zero drift: {:?}", report.drifting);
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'killbill.drift.reassert' AND actor_id = $1
           AND (before ->> 'killbill_minor')::bigint + 3300 = (after ->> 'killbill_minor')::bigint",
    )
    .bind(admin.user_id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, 3, "each re-assert audited once, with the figures before and after");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_payment_in_kill_bill_on_a_lowered_copy_makes_a_re_assert_impossible_and_nothing_is_sent(pool: PgPool) {
    let h = harness(pool).await;
    h.sync().await.unwrap();
    let pool = h.ctx.pool.clone();
    let invoice = unpaid_invoice(&pool, 4).await;
    book_payment(&pool, invoice, tenant_of(&pool, invoice).await, 10_000).await;
    h.sync().await.unwrap();
    h.kaui_adjust(invoice, 1, 2_000).await;
    h.pushed_about(invoice).await;
    let row = drift_of(&pool, invoice).await.unwrap();
    let seen = DriftSeen { local_minor: row.local_minor.unwrap(), killbill_minor: row.killbill_minor.unwrap() };
    h.kb.reset_stats();
    match reassert(&pool, &h.client, &admin(&pool).await, invoice, Some(seen)).await {
        Err(AppError::Unprocessable(why)) => assert!(why.contains("Kill Bill holds €100.00 paid"), "{why}"),
        other => panic!("422 expected, got {other:?}"),
    }
    assert_eq!(h.kb.stats().writes, 0);
    let resolutions: i64 =
        sqlx::query_scalar("SELECT count(*) FROM killbill_drift_resolution").fetch_one(&pool).await.unwrap();
    assert_eq!(resolutions, 0, "nothing recorded");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_higher_copy_is_adjusted_down_once_even_when_the_answer_is_lost(pool: PgPool) {
    let h = harness(pool).await;
    h.sync().await.unwrap();
    let pool = h.ctx.pool.clone();
    let admin = admin(&pool).await;
    let invoice = unpaid_invoice(&pool, 5).await;
    skipped_credit_note(&pool, invoice, 4_500).await;
    let summary = h.sync().await.unwrap();
    assert_eq!(summary.records_out, 0, "the skipped note stays out of Kill Bill");
    h.reconciled().await;
    let row = drift_of(&pool, invoice).await.unwrap();
    assert_eq!(row.difference_minor, Some(4_500));
    let seen = DriftSeen { local_minor: row.local_minor.unwrap(), killbill_minor: row.killbill_minor.unwrap() };

    // Read the copy (1), read it again (2), adjust (3): processed, answer lost.
    h.faults(Faults { fail_nth_request: Some(3), fail_nth_kind: FaultKind::DropAfterProcessing, ..Faults::default() });
    assert!(matches!(reassert(&pool, &h.client, &admin, invoice, Some(seen)).await, Err(AppError::Upstream(_))));
    h.faults(Faults::default());
    h.kb.reset_stats();
    let done = reassert(&pool, &h.client, &admin, invoice, Some(seen)).await.unwrap();
    assert_eq!(h.kb.stats().writes, 0, "the adjustment is found by its marker, not sent again");
    assert!(done.done.contains("down by €45.00"), "{}", done.done);
    let (amount, balance, _) = h.kb_figures(invoice).await;
    assert_eq!((amount, balance), (seen.local_minor, seen.local_minor), "Kill Bill's figure is ours again");
    let (_, copy) = kb_ids(&pool, invoice).await;
    let adjusted = h.client.invoice(copy).await.unwrap().unwrap();
    assert_eq!(adjusted.items.iter().filter(|i| i.item_type.as_deref() == Some("ITEM_ADJ")).count(), 1, "once");
    let report = h.reconciled().await;
    assert!(report.drifting.is_empty(), "zero drift: {:?}", report.drifting);
}
