//! Property links for the Condo import: made by an admin, one each way, and a new link makes
//! the next run re-read every ticket.

mod condo_common;

use app::server::jobs::condo::run;
use app::server::store::condo_import::{link_condo_property, list_condo_property_links, read_condo_watermark};
use app::server::store::external_ref::LinkOutcome;
use condo_common::*;

#[sqlx::test(migrations = "../migrations")]
async fn a_property_links_once_each_way_and_a_new_link_clears_the_watermark(pool: sqlx::PgPool) {
    let condo = start_condo().await;
    let links = create_and_link(&pool, &condo, |i| i == 0).await;
    let ctx = context(&pool, settings(&condo));
    run(&ctx, "cli").await.unwrap();
    assert!(read_condo_watermark(&pool).await.unwrap().is_some());
    let summary = condo.handle().summary();
    let (first, second) = (&summary.properties[0], &summary.properties[1]);
    let (first_local, second_local) = (links[&first.id], local_property_id(second.id));

    assert_eq!(
        link_condo_property(&pool, first_local, &first.id.to_string()).await.unwrap(),
        LinkOutcome::AlreadyLinked
    );
    assert!(read_condo_watermark(&pool).await.unwrap().is_some(), "an existing link changes nothing");
    assert_eq!(link_condo_property(&pool, second_local, &first.id.to_string()).await.unwrap(), LinkOutcome::Conflict);
    assert_eq!(link_condo_property(&pool, first_local, &second.id.to_string()).await.unwrap(), LinkOutcome::Conflict);
    assert_eq!(list_condo_property_links(&pool).await.unwrap().len(), 1);

    assert_eq!(link_condo_property(&pool, second_local, &second.id.to_string()).await.unwrap(), LinkOutcome::Created);
    assert_eq!(read_condo_watermark(&pool).await.unwrap(), None, "the next run re-reads every ticket");
    let rerun = run(&ctx, "manual").await.unwrap();
    let second_tickets = condo.handle().tickets().iter().filter(|t| t.property_id == second.id).count();
    assert_eq!(
        rerun.records_out as usize,
        second.units + second_tickets,
        "the newly linked property's units and tickets"
    );
}
