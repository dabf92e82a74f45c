//! The Kill Bill mirror against the emulator (in process, port 0) and a real
//! PostgreSQL with the demo data: totals equal, no-change reruns silent, new
//! payments mirrored, crash safety under faults, and a clean failure when
//! Kill Bill is down.

mod killbill_support;

use std::time::Duration;

use app::domain::Job;
use app::server::adapters::killbill::KillBillClient;
use app::server::adapters::killbill::wire::minor_units;
use app::server::jobs::killbill::{RetryPolicy, run_with};
use app::server::store::{invoice, payment, sync_run, sync_state};
use chrono::{NaiveDate, Utc};
use killbill_support::*;
use sandbox::killbill::{FaultKind, Faults};
use sqlx::PgPool;
use uuid::Uuid;

#[sqlx::test(migrations = "../migrations")]
async fn a_first_sync_leaves_kill_bill_totals_equal_to_ours(pool: PgPool) {
    let h = harness(pool).await;
    let summary = h.sync().await.unwrap();
    h.assert_mirrored().await;
    assert_eq!(summary.records_failed, 0);
    assert_eq!(summary.records_out, summary.records_in);
    let run = h.last_run().await;
    assert_eq!(run.status, "succeeded");
    assert_eq!(run.records_out, summary.records_out);
    let t = &tenant_totals(&h.ctx.pool).await.unwrap()[0];
    let account_id = h.kb.summary().tenants[API_KEY].accounts[&t.tenant_id.to_string()].account_id;
    let account = h.client.account_with_balance(account_id).await.unwrap();
    let balance = minor_units(account.account_balance.as_ref().unwrap(), 2);
    assert_eq!(balance, Some(t.invoiced_minor - t.paid_minor));
    let writes = h.kb.stats().writes;
    let records = u64::try_from(summary.records_out).unwrap();
    assert!(writes <= records * 3 + 100, "{writes} writes for {records} records");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_second_sync_sends_no_request_at_all(pool: PgPool) {
    let h = harness(pool).await;
    h.sync().await.unwrap();
    h.kb.reset_stats();
    let summary = h.sync().await.unwrap();
    let stats = h.kb.stats();
    assert_eq!((stats.writes, stats.reads), (0, 0), "{stats:?}");
    assert_eq!(summary.records_out, 0);
    assert!(summary.records_skipped > 0);
    h.assert_mirrored().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_new_local_payment_is_mirrored_by_the_next_sync(pool: PgPool) {
    let h = harness(pool).await;
    h.sync().await.unwrap();
    let tenant = tenant_totals(&h.ctx.pool).await.unwrap()[0].tenant_id;
    let invoices = invoice::list_invoices_of_tenant(&h.ctx.pool, tenant).await.unwrap();
    let unpaid = invoices.iter().find(|i| i.paid_minor < i.total_minor).expect("an invoice with something to pay");
    let new = payment::NewPayment {
        id: Uuid::new_v4(),
        invoice_id: unpaid.id,
        tenant_id: tenant,
        amount_minor: unpaid.total_minor - unpaid.paid_minor,
        currency: unpaid.currency.clone(),
        received_at: Utc::now(),
        method: "card".into(),
        reference: format!("TEST-{}", Uuid::new_v4()),
    };
    assert!(payment::insert_payment_if_absent(&h.ctx.pool, &new).await.unwrap());
    h.kb.reset_stats();
    let summary = h.sync().await.unwrap();
    assert_eq!(summary.records_out, 1);
    assert_eq!(h.kb.stats().writes, 1);
    h.assert_mirrored().await;
}

/// Voids (as the back office does) an unpaid invoice of a tenant that has
/// one, and returns the invoice's id and the tenant's.
async fn void_an_unpaid_invoice(pool: &PgPool) -> (Uuid, Uuid) {
    let (invoice_id, tenant_id): (Uuid, Uuid) = sqlx::query_as(
        "SELECT i.id, i.tenant_id FROM invoice i
         WHERE i.voided_at IS NULL AND NOT EXISTS (SELECT 1 FROM payment p WHERE p.invoice_id = i.id)
         ORDER BY i.number LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let admin: Uuid =
        sqlx::query_scalar("SELECT id FROM app_user WHERE role = 'admin' LIMIT 1").fetch_one(pool).await.unwrap();
    let user = app::server::auth::AuthUser { user_id: admin, role: app::domain::Role::Admin, tenant_id: None };
    let request = app::model::payment::VoidRequest { reason: "issued to the wrong tenant".into() };
    app::server::payment::void(pool, &user, invoice_id, &request).await.unwrap();
    (invoice_id, tenant_id)
}

#[sqlx::test(migrations = "../migrations")]
async fn a_void_made_here_voids_kill_bills_copy_once_and_leaves_no_drift(pool: PgPool) {
    let h = harness(pool).await;
    h.sync().await.unwrap();
    let (_, tenant) = void_an_unpaid_invoice(&h.ctx.pool).await;
    h.kb.reset_stats();
    let summary = h.sync().await.unwrap();
    assert_eq!((summary.records_out, summary.records_failed), (1, 0), "{summary:?}");
    assert_eq!(h.kb.stats().writes, 1, "one voidInvoice, nothing else");
    h.assert_mirrored().await;
    assert_eq!(h.kb.summary().tenants[API_KEY].accounts[&tenant.to_string()].void_invoices, 1);

    h.kb.reset_stats();
    h.sync().await.unwrap();
    let stats = h.kb.stats();
    assert_eq!((stats.writes, stats.reads), (0, 0), "a mirrored void costs nothing again: {stats:?}");
    let retry = RetryPolicy { attempts: 3, ..RetryPolicy::default() };
    let (_, report) =
        app::server::jobs::killbill::reconcile::run_with(&h.ctx, &h.client, "cli", 4, retry).await.unwrap();
    assert!(report.drifting.is_empty(), "no drift after the void: {:?}", report.drifting);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_void_whose_answer_was_lost_is_not_sent_again(pool: PgPool) {
    let h = harness(pool).await;
    h.sync().await.unwrap();
    let (_, tenant) = void_an_unpaid_invoice(&h.ctx.pool).await;
    // The void is the run's first Kill Bill request (the healthcheck is not
    // one): it is processed and its answer lost.
    h.faults(Faults { fail_nth_request: Some(1), fail_nth_kind: FaultKind::DropAfterProcessing, ..Faults::default() });
    h.kb.reset_stats();
    let cut = run_with(&h.ctx, &h.client, "cli", options(1)).await;
    assert!(cut.is_err(), "the lost answer fails the run");
    assert_eq!(h.kb.stats().writes, 1);
    assert_eq!(h.kb.summary().tenants[API_KEY].accounts[&tenant.to_string()].void_invoices, 1, "it went through");
    h.faults(Faults::default());
    h.kb.reset_stats();
    h.sync().await.unwrap();
    assert_eq!(h.kb.stats().writes, 0, "the next run reads the invoice, finds it VOID and sends nothing");
    h.assert_mirrored().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_record_kill_bill_refuses_is_quarantined_and_the_others_go_through(pool: PgPool) {
    use app::server::store::killbill_quarantine;
    let h = harness(pool).await;
    h.sync().await.unwrap();
    let pool = &h.ctx.pool;
    // One tenant's fully paid invoice gets one payment too many: Kill Bill
    // refuses it for good (the invoice has nothing left to pay: 204, nothing recorded).
    let (paid, tenant, open): (Uuid, Uuid, Uuid) = sqlx::query_as(
        "SELECT p.id, p.tenant_id, o.id FROM invoice p JOIN invoice o ON o.tenant_id = p.tenant_id
         WHERE p.total_minor <= (SELECT COALESCE(sum(amount_minor), 0) FROM payment WHERE invoice_id = p.id)
           AND o.total_minor - (SELECT COALESCE(sum(amount_minor), 0) FROM payment WHERE invoice_id = o.id) >= 100
         ORDER BY p.number LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .expect("a tenant with a paid and an open invoice");
    let bad = book_payment(pool, paid, tenant, 100).await;
    // Every other open invoice gets a good payment.
    let others: Vec<(Uuid, Uuid)> = sqlx::query_as(
        "SELECT i.id, i.tenant_id FROM invoice i
         WHERE i.tenant_id <> $1
           AND i.total_minor - (SELECT COALESCE(sum(amount_minor), 0) FROM payment WHERE invoice_id = i.id) >= 100",
    )
    .bind(tenant)
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(others.len() >= 5, "enough good records: {}", others.len());
    for (invoice_id, tenant_id) in &others {
        book_payment(pool, *invoice_id, *tenant_id, 100).await;
    }

    let summary = h.sync().await.expect("a refused record does not fail the run");
    assert_eq!((summary.records_out, summary.records_failed), (others.len() as i32, 1), "{summary:?}");
    let run = h.last_run().await;
    assert_eq!(run.status, "succeeded");
    assert!(run.error.as_deref().unwrap_or_default().contains("quarantine"), "{:?}", run.error);
    let held = killbill_quarantine::list(pool).await.unwrap();
    assert_eq!(held.len(), 1, "{held:?}");
    assert_eq!((held[0].local_id, held[0].state.as_str()), (bad, "held"));
    assert_eq!(held[0].http_status, Some(204), "Kill Bill's answer is kept");
    assert!(held[0].message.contains("nothing left to pay"), "{}", held[0].message);

    // Later runs leave it alone: nothing is sent, and the job never pauses.
    for _ in 0..3 {
        h.kb.reset_stats();
        h.sync().await.unwrap();
        assert_eq!(h.kb.stats().writes, 0, "the held payment is not sent again");
    }
    let states = sync_state::list_sync_states(pool).await.unwrap();
    let state = states.iter().find(|s| s.job == "killbill").unwrap();
    assert_eq!((state.consecutive_failures, state.paused), (0, false));

    // The operator books the payment against the open invoice and retries.
    sqlx::query("UPDATE payment SET invoice_id = $1 WHERE id = $2").bind(open).bind(bad).execute(pool).await.unwrap();
    let admin: Uuid =
        sqlx::query_scalar("SELECT id FROM app_user WHERE role = 'admin' LIMIT 1").fetch_one(pool).await.unwrap();
    let user = app::server::auth::AuthUser { user_id: admin, role: app::domain::Role::Admin, tenant_id: None };
    app::server::quarantine::decide(pool, &user, held[0].id, app::server::quarantine::Decision::Retry).await.unwrap();
    h.kb.reset_stats();
    let summary = h.sync().await.unwrap();
    assert_eq!((summary.records_out, summary.records_failed), (1, 0));
    assert!(killbill_quarantine::list(pool).await.unwrap().is_empty(), "released once mirrored");
    h.assert_mirrored().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn runs_cut_by_dropped_answers_and_timeouts_leave_no_duplicates(pool: PgPool) {
    let h = harness(pool).await;
    let cuts = [1u64, 2, 3, 4, 5, 6, 7, 9, 11, 13, 17, 23, 31, 45, 64, 97, 150];
    for (i, n) in cuts.into_iter().enumerate() {
        let kind = if i % 4 == 3 { FaultKind::Timeout } else { FaultKind::DropAfterProcessing };
        h.faults(Faults { fail_nth_request: Some(n), fail_nth_kind: kind, hang_ms: 1_000, ..Faults::default() });
        // One try per step: the fault aborts the run, and the next run has to resume.
        let _ = run_with(&h.ctx, &h.client, "cli", options(1)).await;
    }
    let runs = sync_run::list_recent_runs(&h.ctx.pool, Job::KillbillMirror, 50).await.unwrap();
    assert!(runs.iter().filter(|r| r.status == "failed").count() >= cuts.len() / 2, "the faults cut the runs");
    assert!(h.kb.stats().faults.drops >= 8, "{:?}", h.kb.stats().faults);
    h.faults(Faults::default());
    h.sync().await.unwrap();
    h.assert_mirrored().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn runs_killed_at_any_moment_leave_no_duplicates(pool: PgPool) {
    let h = harness(pool).await;
    h.faults(Faults { latency_ms: 2, ..Faults::default() });
    for ms in [5u64, 20, 35, 50, 80, 120, 160, 200] {
        let run = run_with(&h.ctx, &h.client, "cli", options(3));
        let _ = tokio::time::timeout(Duration::from_millis(ms), run).await;
    }
    h.faults(Faults::default());
    h.sync().await.unwrap();
    h.assert_mirrored().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn with_one_request_in_five_failing_the_sync_still_converges(pool: PgPool) {
    let h = harness(pool).await;
    h.faults(Faults { error_rate: 0.2, error_status: 503, ..Faults::default() });
    // A run fails as a whole when the healthcheck, or a step's last try,
    // draws a fault; each run resumes where the last stopped.
    let mut ok = false;
    for _ in 0..8 {
        if h.sync().await.is_ok() {
            ok = true;
            break;
        }
    }
    assert!(ok, "the sync did not converge");
    assert!(h.kb.stats().faults.errors > 0);
    h.faults(Faults::default());
    h.assert_mirrored().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn with_kill_bill_down_the_run_fails_cleanly_and_nothing_local_is_lost(pool: PgPool) {
    let h = harness(pool).await;
    let before = tenant_totals(&h.ctx.pool).await.unwrap();
    h.faults(Faults { down: true, ..Faults::default() });
    let err = h.sync().await.unwrap_err();
    assert!(err.to_string().contains("Kill Bill did not answer"), "{err:#}");
    let run = h.last_run().await;
    assert_eq!(run.status, "failed");
    assert_eq!(run.error.as_deref(), Some("Kill Bill did not answer"));
    let states = sync_state::list_sync_states(&h.ctx.pool).await.unwrap();
    let state = states.iter().find(|s| s.job == "killbill").unwrap();
    assert_eq!(state.consecutive_failures, 1);
    assert_eq!(state.last_run_status.as_deref(), Some("failed"));
    assert_eq!(tenant_totals(&h.ctx.pool).await.unwrap(), before);
    h.faults(Faults::default());
    h.sync().await.unwrap();
    h.assert_mirrored().await;
    h.faults(Faults { down: true, ..Faults::default() });
    assert!(h.sync().await.is_err(), "a Kill Bill that is down fails the run even with nothing to send");
}

#[test]
fn the_request_bodies_match_kill_bills_definitions() {
    use app::server::adapters::killbill::wire::{Amount, CustomField, NewInvoicePayment};
    use app::server::jobs::killbill::{account::new_account, credit_note::adjustment, invoice::items};
    use app::server::store::killbill_mirror::{
        CreditNotePartToMirror, CreditNoteToMirror, InvoiceToMirror, LineToMirror, TenantToMirror,
    };
    use sandbox::killbill::contract::validate_definition;

    let tenant = TenantToMirror {
        tenant_id: Uuid::from_u128(1),
        display_name: "Jane Doe".into(),
        email: "jane@example.test".into(),
        currency: "EUR".into(),
        account_ref: None,
        profile_version: 0,
        profile_sent: None,
    };
    let account = serde_json::to_value(new_account(&tenant)).unwrap();
    validate_definition("Account", &account).unwrap();
    let start = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let inv = InvoiceToMirror {
        id: Uuid::from_u128(2),
        number: "INV-1".into(),
        currency: "EUR".into(),
        period_start: start,
        period_end: start + chrono::Days::new(29),
        issued_on: start,
        voided: false,
    };
    let line = LineToMirror { invoice_id: inv.id, position: 1, description: "Rent".into(), amount_minor: 123_405 };
    let account_id = Uuid::from_u128(3);
    for item in items(account_id, &inv, &[line]).unwrap() {
        let text = serde_json::to_string(&item).unwrap();
        assert!(text.contains(r#""amount":1234.05"#), "{text}");
        validate_definition("InvoiceItem", &serde_json::to_value(&item).unwrap()).unwrap();
    }
    let field = CustomField { name: "mkt_invoice_id".into(), value: inv.id.to_string(), ..CustomField::default() };
    validate_definition("CustomField", &serde_json::to_value(&field).unwrap()).unwrap();
    let payment = NewInvoicePayment {
        account_id,
        purchased_amount: Amount::from_minor(50_000, 2),
        payment_external_key: "mkt-payment-x".into(),
    };
    validate_definition("InvoicePayment", &serde_json::to_value(&payment).unwrap()).unwrap();
    let note = CreditNoteToMirror {
        id: Uuid::from_u128(4),
        number: "CN-2026-000001".into(),
        invoice_id: inv.id,
        invoice_number: inv.number.clone(),
        amount_minor: 2_550,
        currency: "EUR".into(),
        invoice_ref: Uuid::from_u128(5).to_string(),
    };
    let part = CreditNotePartToMirror { credit_note_id: note.id, line_position: 2, amount_minor: 2_550 };
    let adjusted = adjustment(account_id, &note, &part, Uuid::from_u128(6)).unwrap();
    let text = serde_json::to_string(&adjusted).unwrap();
    assert!(text.contains(r#""amount":25.50"#), "{text}");
    validate_definition("InvoiceItem", &serde_json::to_value(&adjusted).unwrap()).unwrap();
}

/// Changes made by this connection, visible to the others' statistics now.
async fn flush_statistics(conn: &mut sqlx::PgConnection) {
    sqlx::query("SELECT pg_stat_force_next_flush()").execute(&mut *conn).await.unwrap();
    sqlx::query("SELECT 1").execute(&mut *conn).await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn the_mappings_statistics_are_refreshed_once_a_tenth_of_them_changed(pool: PgPool) {
    use app::server::store::external_ref::analyze_if_stale;
    let analyzed = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT analyze_count + autoanalyze_count FROM pg_stat_user_tables WHERE relname = 'external_ref'",
        )
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    // Only the function under test analyzes the table here.
    sqlx::query("ALTER TABLE external_ref SET (autovacuum_enabled = false)").execute(&pool).await.unwrap();
    let mut conn = pool.acquire().await.unwrap();
    let write = |n: i32, entity: &'static str| {
        sqlx::query(
            "INSERT INTO external_ref (platform, entity, local_id, external_id)
             SELECT 'killbill', $2, gen_random_uuid(), gen_random_uuid()::text FROM generate_series(1, $1)",
        )
        .bind(n)
        .bind(entity)
    };
    write(400, "invoice").execute(&mut *conn).await.unwrap();
    flush_statistics(&mut conn).await;
    assert!(!analyze_if_stale(&pool).await.unwrap(), "400 changed rows are fewer than 500");
    let before = analyzed().await;
    write(200, "payment").execute(&mut *conn).await.unwrap();
    flush_statistics(&mut conn).await;
    assert!(analyze_if_stale(&pool).await.unwrap(), "600 changed rows");
    assert_eq!(analyzed().await, before + 1);
    assert!(!analyze_if_stale(&pool).await.unwrap(), "nothing changed since");
    // A tenth of the table: 500 more rows on 600 analyzed make the floor, not the tenth, the bar.
    write(499, "refund").execute(&mut *conn).await.unwrap();
    flush_statistics(&mut conn).await;
    assert!(!analyze_if_stale(&pool).await.unwrap(), "499 changed rows");
    write(1, "refund").execute(&mut *conn).await.unwrap();
    flush_statistics(&mut conn).await;
    assert!(analyze_if_stale(&pool).await.unwrap(), "500 changed rows");
}
