//! Kill Bill's own changes, against the emulator and a real PostgreSQL with
//! the demo data: an invoice adjusted in Kill Bill itself (as in Kaui) is
//! recorded as drift with both figures and the exact difference, by the push
//! notification and by the reconciliation; accepting Kill Bill's figure
//! records a credit note the mirror knows is already there, once, audited;
//! an action on figures that changed since is refused.

mod killbill_support;

use app::model::AppError;
use app::model::killbill_drift::DriftSeen;
use app::server::killbill_drift::{accept, list};
use app::server::store::killbill_reconciliation::{DriftAmounts, DriftKind};
use killbill_support::drift::*;
use killbill_support::*;
use sqlx::PgPool;
use uuid::Uuid;

#[sqlx::test(migrations = "../migrations")]
async fn an_invoice_adjusted_in_kill_bill_is_recorded_with_both_figures_and_the_exact_difference(pool: PgPool) {
    let h = harness(pool).await;
    h.sync().await.unwrap();
    let pool = &h.ctx.pool;
    let invoice = unpaid_invoice(pool, 0).await;
    let before = ours(pool, invoice).await;
    h.kaui_adjust(invoice, 1, 2_537).await;

    // The push comes first (no reconciliation has run yet): the invoice's drift is recorded.
    let outcome = h.pushed_about(invoice).await;
    assert!(outcome.contains("1 amount mismatch"), "{outcome}");
    let row = drift_of(pool, invoice).await.expect("the drift is recorded per invoice");
    assert_eq!(row.kind, "amount_mismatch");
    assert_eq!((row.local_minor, row.killbill_minor), (Some(before), Some(before - 2_537)));
    assert_eq!(row.difference_minor, Some(-2_537), "the exact difference");
    assert_eq!(row.found_by, "notification");
    let (_, kb_invoice) = kb_ids(pool, invoice).await;
    assert_eq!(row.killbill_invoice_id, Some(kb_invoice.to_string()));

    // The reconciliation reports the same, to the cent, and keeps when it was first found.
    let report = h.reconciled().await;
    let item = report
        .drifting
        .iter()
        .flat_map(|a| &a.drift)
        .find(|d| d.local_id == Some(invoice))
        .expect("the reconciliation reports the invoice");
    assert_eq!(item.kind, DriftKind::AmountMismatch);
    assert_eq!(item.amounts, Some(DriftAmounts::of(before, before - 2_537)));
    assert!(item.detail.contains("25.37 lower there"), "{}", item.detail);
    let again = drift_of(pool, invoice).await.unwrap();
    assert_eq!((again.first_seen_at, again.found_by.as_str()), (row.first_seen_at, "notification"));
    assert_eq!(report.counts.amount_mismatch, 1, "nothing else drifts: {:?}", report.drifting);

    // The panel's list offers both ways out, saying what each does.
    let listed = list(pool, &admin(pool).await).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].accept.offered && listed[0].accept.says.contains("credit note of €25.37"), "{listed:?}");
    assert!(listed[0].reassert.offered && listed[0].reassert.says.contains("Void Kill Bill's copy"), "{listed:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn accepting_kill_bills_figure_records_a_credit_note_the_mirror_never_sends(pool: PgPool) {
    let h = harness(pool).await;
    h.sync().await.unwrap();
    let pool = &h.ctx.pool;
    let invoice = unpaid_invoice(pool, 1).await;
    let before = ours(pool, invoice).await;
    h.kaui_adjust(invoice, 1, 4_000).await;
    h.kaui_adjust(invoice, 2, 1_250).await;
    h.reconciled().await;
    let seen = DriftSeen { local_minor: before, killbill_minor: before - 5_250 };
    let admin = admin(pool).await;

    h.kb.reset_stats();
    let done = accept(pool, &h.client, &admin, invoice, Some(seen)).await.unwrap();
    assert!(!done.repeated);
    assert_eq!(
        (done.before, done.after),
        (seen, DriftSeen { local_minor: before - 5_250, killbill_minor: before - 5_250 })
    );
    assert_eq!(h.kb.stats().writes, 0, "accepting writes nothing to Kill Bill");
    let note = done.credit_note.clone().expect("a credit note");
    assert_eq!(note.amount_minor, 5_250, "the exact difference");
    assert_eq!(ours(pool, invoice).await, h.kb_figures(invoice).await.0, "our figure is Kill Bill's");
    let (reason, parts): (String, Vec<i64>) = sqlx::query_as(
        "SELECT c.reason, ARRAY(SELECT p.amount_minor FROM credit_note_part p WHERE p.credit_note_id = c.id
                                ORDER BY p.line_position)
         FROM credit_note c WHERE c.id = $1",
    )
    .bind(note.id)
    .fetch_one(pool)
    .await
    .unwrap();
    assert!(reason.starts_with("Accepted from Kill Bill: "), "{reason}");
    assert_eq!(parts, vec![4_000, 1_250], "each line by what Kill Bill took off it");
    let mapped: String = sqlx::query_scalar(
        "SELECT external_id FROM external_ref WHERE platform = 'killbill' AND entity = 'credit_note' AND local_id = $1",
    )
    .bind(note.id)
    .fetch_one(pool)
    .await
    .unwrap();
    let (_, kb_invoice) = kb_ids(pool, invoice).await;
    let copy = app::server::adapters::killbill::KillBillClient::invoice(&h.client, kb_invoice).await.unwrap().unwrap();
    let kaui = copy.items.iter().find(|i| i.item_type.as_deref() == Some("ITEM_ADJ")).unwrap();
    assert_eq!(Some(mapped), kaui.invoice_item_id.map(|id| id.to_string()), "mapped to Kill Bill's own adjustment");

    // The mirror sends nothing for it, and the books agree again.
    h.kb.reset_stats();
    let summary = h.sync().await.unwrap();
    assert_eq!((h.kb.stats().writes, summary.records_failed), (0, 0), "never sent again: {summary:?}");
    let report = h.reconciled().await;
    assert!(report.drifting.is_empty(), "no drift: {:?}", report.drifting);
    assert!(drift_of(pool, invoice).await.is_none());

    // A double click (or a resend without figures) answers with what was done, once.
    let twice = accept(pool, &h.client, &admin, invoice, Some(seen)).await.unwrap();
    assert!(twice.repeated && twice.credit_note == Some(note.clone()) && twice.id == done.id, "{twice:?}");
    assert!(accept(pool, &h.client, &admin, invoice, None).await.unwrap().repeated);
    let notes: i64 = sqlx::query_scalar("SELECT count(*) FROM credit_note WHERE invoice_id = $1")
        .bind(invoice)
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(notes, 1, "one note, whatever the clicks");

    // Audited: who, when, the figures before and after.
    let (actor, before_json, after_json): (Option<Uuid>, serde_json::Value, serde_json::Value) = sqlx::query_as(
        "SELECT actor_id, before, after FROM audit_log WHERE action = 'killbill.drift.accept' AND entity_id = $1",
    )
    .bind(invoice.to_string())
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(actor, Some(admin.user_id));
    assert_eq!(
        (before_json["ours_minor"].as_i64(), before_json["killbill_minor"].as_i64()),
        (Some(before), Some(before - 5_250))
    );
    assert_eq!(after_json["ours_minor"].as_i64(), Some(before - 5_250));
    assert_eq!(after_json["credit_note"]["number"].as_str(), Some(note.number.as_str()));
}

#[sqlx::test(migrations = "../migrations")]
async fn an_action_on_figures_that_changed_or_a_drift_that_is_gone_is_refused(pool: PgPool) {
    let h = harness(pool).await;
    h.sync().await.unwrap();
    let pool = &h.ctx.pool;
    let admin = admin(pool).await;
    let invoice = unpaid_invoice(pool, 2).await;
    let before = ours(pool, invoice).await;
    let conflict = |r: Result<_, AppError>| match r {
        Err(AppError::Conflict(message)) => message,
        other => panic!("409 expected, got {other:?}"),
    };

    // No drift recorded: nothing to accept.
    let gone = conflict(accept(pool, &h.client, &admin, invoice, None).await);
    assert!(gone.contains("no drift from Kill Bill is recorded"), "{gone}");

    h.kaui_adjust(invoice, 1, 1_000).await;
    h.pushed_about(invoice).await;
    let seen = DriftSeen { local_minor: before, killbill_minor: before - 1_000 };
    // Adjusted again in Kill Bill before anyone looked: the recorded figure is stale.
    h.kaui_adjust(invoice, 1, 500).await;
    let moved = conflict(accept(pool, &h.client, &admin, invoice, Some(seen)).await);
    assert!(moved.contains("figures changed since the drift was recorded"), "{moved}");
    let refreshed = drift_of(pool, invoice).await.unwrap();
    assert_eq!(refreshed.killbill_minor, Some(before - 1_500), "the record follows Kill Bill");
    // The figures the admin saw are not the recorded ones any more.
    let stale = conflict(accept(pool, &h.client, &admin, invoice, Some(seen)).await);
    assert!(stale.contains("changed since you saw it"), "{stale}");
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM credit_note WHERE invoice_id = $1")
            .bind(invoice)
            .fetch_one(pool)
            .await
            .unwrap()
    };
    assert_eq!(count().await, 0, "nothing was recorded");
    let seen = DriftSeen { local_minor: before, killbill_minor: before - 1_500 };
    let done = accept(pool, &h.client, &admin, invoice, Some(seen)).await.unwrap();
    assert_eq!(done.credit_note.map(|n| n.amount_minor), Some(1_500), "both adjustments, once");
    assert_eq!(count().await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_higher_kill_bill_figure_is_never_accepted_into_our_books(pool: PgPool) {
    let h = harness(pool).await;
    h.sync().await.unwrap();
    let pool = &h.ctx.pool;
    let invoice = unpaid_invoice(pool, 3).await;
    let note = skipped_credit_note(pool, invoice, 3_000).await;
    h.reconciled().await;
    let row = drift_of(pool, invoice).await.expect("Kill Bill holds more than we do");
    assert_eq!(row.difference_minor, Some(3_000));
    let seen = DriftSeen { local_minor: row.local_minor.unwrap(), killbill_minor: row.killbill_minor.unwrap() };
    match accept(pool, &h.client, &admin(pool).await, invoice, Some(seen)).await {
        Err(AppError::Unprocessable(why)) => assert!(why.contains("would raise an issued invoice"), "{why}"),
        other => panic!("422 expected, got {other:?}"),
    }
    let listed = list(pool, &admin(pool).await).await.unwrap();
    assert!(!listed[0].accept.offered && listed[0].reassert.offered, "{listed:?}");
    assert!(drift_of(pool, invoice).await.is_some(), "still reported");
    let _ = note;
}
