//! The Condo import against the in-process emulator and a real PostgreSQL: a first import
//! matches Condo exactly, later runs import only changes, tokens are renewed once, and
//! unlinked properties are reported, never imported.

mod condo_common;

use app::server::jobs::condo::run;
use app::server::store::condo_import::{count_condo_tickets, read_condo_watermark};
use app::server::store::unit::list_units_of_property;
use condo_common::*;
use sandbox::condo::{Faults, NewTickets, TicketEdit};
use std::collections::HashMap;

#[sqlx::test(migrations = "../migrations")]
async fn a_first_import_matches_condo_exactly(pool: sqlx::PgPool) {
    let condo = start_condo().await;
    let links = create_and_link(&pool, &condo, |_| true).await;
    let ctx = context(&pool, settings(&condo));
    let summary = run(&ctx, "cli").await.unwrap();

    let expected = condo.handle().summary();
    let totals = count_condo_tickets(&pool).await.unwrap();
    let by_status: HashMap<String, i64> =
        expected.tickets.by_status_type.iter().map(|(k, v)| (k.clone(), *v as i64)).collect();
    assert_eq!(totals.by_status, by_status);
    assert_eq!((totals.total, totals.deleted), (expected.tickets.total as i64, expected.tickets.deleted as i64));
    let with_unit = condo.handle().tickets().iter().filter(|t| t.unit_name.is_some()).count();
    assert_eq!(totals.with_unit, with_unit as i64, "every ticket with a unitName is linked to its unit");
    for property in &expected.properties {
        let units = list_units_of_property(&pool, links[&property.id]).await.unwrap();
        assert_eq!(units.len(), property.units, "units of {}", property.name);
    }
    let units: usize = expected.properties.iter().map(|p| p.units).sum();
    assert_eq!(summary.records_out as usize, units + expected.tickets.total);
    assert_eq!((summary.records_failed, summary.records_skipped), (0, 0));
    assert_eq!(ticket_pages(&condo), (expected.tickets.total / 50 + 1) as u64);
    let last = tickets_in_import_order(&condo).pop().unwrap();
    let watermark = read_condo_watermark(&pool).await.unwrap();
    assert_eq!(watermark, Some(format!("{}|{}", last.updated_at, last.number)));
}

#[sqlx::test(migrations = "../migrations")]
async fn an_incremental_run_imports_only_the_changes(pool: sqlx::PgPool) {
    let condo = start_condo().await;
    create_and_link(&pool, &condo, |_| true).await;
    let ctx = context(&pool, settings(&condo));
    run(&ctx, "cli").await.unwrap();
    let handle = condo.handle();
    let live: Vec<_> = handle.tickets().into_iter().filter(|t| t.deleted_at.is_none()).collect();
    handle.edit_ticket(live[0].id, &TicketEdit { status: Some("completed".into()), ..TicketEdit::default() }).unwrap();
    handle.delete_ticket(live[1].id).unwrap();
    handle.add_tickets(&NewTickets { count: 3, ..NewTickets::default() }).unwrap();
    let pages_before = ticket_pages(&condo);

    let summary = run(&ctx, "cli").await.unwrap();

    let properties = condo.handle().summary().properties.len() as i32;
    assert_eq!(summary.records_in - properties, 5, "only the five changed tickets are read");
    assert_eq!(summary.records_out, 5, "and written (no unit changed)");
    assert_eq!(ticket_pages(&condo) - pages_before, 1);
    let totals = count_condo_tickets(&pool).await.unwrap();
    let expected = condo.handle().summary().tickets;
    assert_eq!((totals.total, totals.deleted), (expected.total as i64, expected.deleted as i64));
    assert_eq!(totals.by_status["completed"], expected.by_status_type["completed"] as i64);
    assert_eq!(condo.handle().stats().sign_ins, 1, "the token is reused across runs");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_clock_skew_overlap_rereads_recent_tickets_but_never_moves_the_watermark_back(pool: sqlx::PgPool) {
    let condo = start_condo().await;
    create_and_link(&pool, &condo, |_| true).await;
    let mut overlapping = settings(&condo);
    overlapping.cursor_overlap = std::time::Duration::from_secs(48 * 3600);
    let ctx = context(&pool, overlapping);
    run(&ctx, "cli").await.unwrap();
    let first_mark = read_condo_watermark(&pool).await.unwrap();
    let live = condo.handle().tickets().into_iter().find(|t| t.deleted_at.is_none()).unwrap();
    condo.handle().edit_ticket(live.id, &TicketEdit { priority: Some(500), ..TicketEdit::default() }).unwrap();
    // Requests of the next run: 1 properties, 2 classifiers and new files, 3 first ticket page,
    // 4 its detail, 5 second ticket page.
    let second_page = condo.handle().stats().requests + 5;
    condo.handle().set_faults(Faults { fail_nth: vec![second_page], ..Faults::default() });
    run(&ctx, "schedule").await.unwrap_err();
    assert_eq!(read_condo_watermark(&pool).await.unwrap(), first_mark, "a re-read page never moves the mark back");
    condo.handle().set_faults(Faults::default());

    let summary = run(&ctx, "schedule").await.unwrap();

    assert!(summary.records_skipped > 50, "tickets inside the overlap are read again: {summary:?}");
    assert_eq!(summary.records_out, 1, "only the edited ticket is written");
}

#[sqlx::test(migrations = "../migrations")]
async fn an_expired_token_is_renewed_once_and_the_run_succeeds(pool: sqlx::PgPool) {
    let condo = start_condo().await;
    create_and_link(&pool, &condo, |_| true).await;
    let ctx = context(&pool, settings(&condo));
    run(&ctx, "cli").await.unwrap();
    assert_eq!(condo.handle().stats().sign_ins, 1);
    assert!(condo.handle().expire_tokens() >= 1);
    condo.handle().add_tickets(&NewTickets { count: 2, ..NewTickets::default() }).unwrap();

    let summary = run(&ctx, "cli").await.unwrap();

    let stats = condo.handle().stats();
    assert_eq!((stats.sign_ins, stats.unauthenticated), (2, 1), "{stats:?}");
    assert_eq!(summary.records_out, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn wrong_credentials_fail_the_run_in_plain_words(pool: sqlx::PgPool) {
    let condo = start_condo().await;
    create_and_link(&pool, &condo, |_| true).await;
    let mut wrong = settings(&condo);
    wrong.password = "not-the-password".into();
    let ctx = context(&pool, wrong);
    let err = run(&ctx, "cli").await.unwrap_err();
    assert!(format!("{err:#}").starts_with("Condo refused our credentials"), "{err:#}");
    let runs = app::server::store::sync_run::list_recent_runs(&pool, app::domain::Job::CondoImport, 1).await.unwrap();
    assert_eq!((runs[0].status.as_str(), runs[0].error.as_deref()), ("failed", Some("Condo refused our credentials")));
}

#[sqlx::test(migrations = "../migrations")]
async fn unlinked_properties_are_reported_and_their_tickets_not_imported(pool: sqlx::PgPool) {
    let condo = start_condo().await;
    let links = create_and_link(&pool, &condo, |i| i % 2 == 0).await;
    let ctx = context(&pool, settings(&condo));
    let summary = run(&ctx, "cli").await.unwrap();

    let expected = condo.handle().summary();
    let unlinked: Vec<_> = expected.properties.iter().filter(|p| !links.contains_key(&p.id)).collect();
    let reported: Vec<String> = journal(&ctx)
        .into_iter()
        .filter(|l| l["event"] == "property_unmatched")
        .map(|l| l["condo_property_id"].as_str().unwrap().to_owned())
        .collect();
    let mut wanted: Vec<String> = unlinked.iter().map(|p| p.id.to_string()).collect();
    wanted.sort();
    let mut reported_sorted = reported.clone();
    reported_sorted.sort();
    assert_eq!(reported_sorted, wanted);
    let tickets = condo.handle().tickets();
    let linked_tickets = tickets.iter().filter(|t| links.contains_key(&t.property_id)).count();
    let totals = count_condo_tickets(&pool).await.unwrap();
    assert_eq!(totals.total as usize, linked_tickets);
    let skipped = unlinked.len() + (tickets.len() - linked_tickets);
    assert_eq!(summary.records_skipped as usize, skipped);
    for p in &unlinked {
        let units = list_units_of_property(&pool, local_property_id(p.id)).await.unwrap();
        assert!(units.is_empty(), "no unit guessed for {}", p.name);
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn an_organization_filter_imports_only_that_organizations_properties_and_tickets(pool: sqlx::PgPool) {
    let condo = start_condo().await;
    create_and_link(&pool, &condo, |_| true).await;
    let expected = condo.handle().summary();
    let organization = &expected.organizations[1];
    let mut filtered = settings(&condo);
    filtered.organization_id = Some(organization.id.to_string());
    let ctx = context(&pool, filtered);

    let summary = run(&ctx, "cli").await.unwrap();

    let totals = count_condo_tickets(&pool).await.unwrap();
    assert_eq!(totals.total as usize, organization.tickets.total);
    assert!(totals.total > 0 && (totals.total as usize) < expected.tickets.total);
    let properties = expected.properties.iter().filter(|p| p.organization_id == organization.id).count();
    assert_eq!(summary.records_in as usize, properties + organization.tickets.total);
    assert_eq!(summary.records_skipped, 0);
}
