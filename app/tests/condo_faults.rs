//! The Condo import under faults: a run killed at any request resumes without a gap or a
//! duplicate, the watermark stays at the last committed page, transient errors are retried
//! and timeouts fail the run in plain words.

mod condo_common;

use app::domain::Job;
use app::server::jobs::condo::run;
use app::server::store::condo_import::{count_condo_tickets, read_condo_watermark};
use app::server::store::sync_run::list_recent_runs;
use condo_common::*;
use sandbox::condo::{Faults, NewTickets, RunningCondo, TicketEdit, TicketInfo};
use std::time::Duration;

/// Fails the `k`-th request from now with a 503.
fn fail_request_in(condo: &RunningCondo, k: u64) {
    let n = condo.handle().stats().requests + k;
    condo.handle().set_faults(Faults { fail_nth: vec![n], ..Faults::default() });
}

fn key(ticket: &TicketInfo) -> String {
    format!("{}|{}", ticket.updated_at, ticket.number)
}

async fn assert_matches_condo(pool: &sqlx::PgPool, condo: &RunningCondo) {
    let expected = condo.handle().summary().tickets;
    let totals = count_condo_tickets(pool).await.unwrap();
    assert_eq!(
        (totals.total, totals.deleted),
        (expected.total as i64, expected.deleted as i64),
        "no gap, no duplicate"
    );
    for (status, count) in &expected.by_status_type {
        assert_eq!(totals.by_status.get(status).copied().unwrap_or(0), *count as i64, "{status}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn runs_killed_at_several_requests_resume_without_gap_or_duplicate(pool: sqlx::PgPool) {
    let condo = start_condo().await;
    create_and_link(&pool, &condo, |_| true).await;
    let ctx = context(&pool, settings(&condo));
    let order = tickets_in_import_order(&condo);

    // Requests: 1 sign-in, 2 properties, 3 classifiers and new files, then each ticket page
    // followed by the detail of its tickets (4 page, 5 detail, 6 page, 7 detail, …); the 3rd
    // page fails.
    fail_request_in(&condo, 8);
    let err = run(&ctx, "cli").await.unwrap_err();
    assert!(format!("{err:#}").starts_with("Condo did not answer"), "{err:#}");
    assert_eq!(read_condo_watermark(&pool).await.unwrap(), Some(key(&order[99])), "two pages committed");
    assert_eq!(count_condo_tickets(&pool).await.unwrap().total, 100);
    let failed = &list_recent_runs(&pool, Job::CondoImport, 1).await.unwrap()[0];
    assert_eq!((failed.status.as_str(), failed.cursor.clone()), ("failed", Some(key(&order[99]))));

    // Changes behind and ahead of the cursor, then a crash after one more page.
    let handle = condo.handle();
    handle.edit_ticket(order[10].id, &TicketEdit { status: Some("canceled".into()), ..TicketEdit::default() }).ok();
    handle.delete_ticket(order[20].id).ok();
    handle.edit_ticket(order[300].id, &TicketEdit { details: Some("Moved".into()), ..TicketEdit::default() }).ok();
    // 1 properties, 2 classifiers and files, 3 page, 4 its detail, 5 the next page fails.
    fail_request_in(&condo, 5);
    run(&ctx, "cli").await.unwrap_err();
    assert_eq!(read_condo_watermark(&pool).await.unwrap(), Some(key(&order[149])));

    // A crash before any page (the property read fails), then tickets are added.
    fail_request_in(&condo, 1);
    run(&ctx, "cli").await.unwrap_err();
    assert_eq!(read_condo_watermark(&pool).await.unwrap(), Some(key(&order[149])));
    handle.add_tickets(&NewTickets { count: 60, ..NewTickets::default() }).unwrap();

    // A crash on the last page, then a clean run finishes the job.
    let remaining_pages = (order.len() + 60 - 150) / 50 + 1;
    fail_request_in(&condo, 1 + 2 * remaining_pages as u64);
    run(&ctx, "cli").await.unwrap_err();
    condo.handle().set_faults(Faults::default());
    run(&ctx, "cli").await.unwrap();
    assert_matches_condo(&pool, &condo).await;
    let last = tickets_in_import_order(&condo).pop().unwrap();
    assert_eq!(read_condo_watermark(&pool).await.unwrap(), Some(key(&last)));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_single_server_error_is_retried_and_the_run_succeeds(pool: sqlx::PgPool) {
    let condo = start_condo().await;
    create_and_link(&pool, &condo, |_| true).await;
    let mut retrying = settings(&condo);
    retrying.retries = 2;
    let ctx = context(&pool, retrying);
    fail_request_in(&condo, 4);
    run(&ctx, "cli").await.unwrap();
    assert_eq!(condo.handle().stats().faults.errors, 1);
    assert_matches_condo(&pool, &condo).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn timeouts_fail_the_run_cleanly_and_keep_the_watermark(pool: sqlx::PgPool) {
    let condo = start_condo().await;
    create_and_link(&pool, &condo, |_| true).await;
    let mut impatient = settings(&condo);
    impatient.timeout = Duration::from_millis(300);
    impatient.retries = 1;
    let ctx = context(&pool, impatient);
    run(&ctx, "cli").await.unwrap();
    let before = read_condo_watermark(&pool).await.unwrap();
    condo.handle().add_tickets(&NewTickets { count: 5, ..NewTickets::default() }).unwrap();
    condo.handle().set_faults(Faults { timeout_rate: 1.0, hang_ms: 3_000, ..Faults::default() });

    let err = run(&ctx, "schedule").await.unwrap_err();

    assert!(format!("{err:#}").starts_with("Condo did not answer"), "{err:#}");
    assert!(format!("{err:#}").contains("300 ms"), "the detail says why: {err:#}");
    assert_eq!(read_condo_watermark(&pool).await.unwrap(), before);
    let runs = list_recent_runs(&pool, Job::CondoImport, 2).await.unwrap();
    assert_eq!((runs[0].status.as_str(), runs[0].error.as_deref()), ("failed", Some("Condo did not answer")));
    assert_eq!(runs[1].status, "succeeded");
    let journal = journal(&ctx);
    assert_eq!(journal.last().unwrap()["event"], "failed");
}
