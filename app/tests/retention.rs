//! The retention job against a real PostgreSQL: old finished history goes,
//! what is still needed (pending events, runs in progress, each job's last
//! run) stays, and the job records its own run.

use app::domain::Job;
use app::server::jobs::{SyncContext, SyncSettings, run_job};
use app::server::store::sync_request::{self, Requester};
use app::server::store::sync_run::{RunCounts, RunOutcome, finish_run, start_run};
use app::server::store::webhook_event::{NewWebhookEvent, finish_event, insert_event_if_new};
use sqlx::PgPool;

async fn finished_run(pool: &PgPool, job: Job, days_ago: i32) -> i64 {
    let id = start_run(pool, job, "cli").await.unwrap();
    finish_run(&mut pool.acquire().await.unwrap(), id, RunCounts::default(), None, &RunOutcome::Succeeded, None)
        .await
        .unwrap();
    sqlx::query("UPDATE sync_run SET started_at = now() - make_interval(days => $2), finished_at = now() - make_interval(days => $2) WHERE id = $1")
        .bind(id)
        .bind(days_ago)
        .execute(pool)
        .await
        .unwrap();
    id
}

async fn exists(pool: &PgPool, table: &str, id: i64) -> bool {
    let sql = format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE id = $1)");
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(pool).await.unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn old_history_goes_and_what_is_still_needed_stays(pool: PgPool) {
    let old = finished_run(&pool, Job::CondoImport, 100).await;
    let recent = finished_run(&pool, Job::CondoImport, 10).await;
    // The last run of the Cocorico job is old, but it is the job's last run.
    let last_of_its_job = finished_run(&pool, Job::CocoricoImport, 120).await;
    let running = start_run(&pool, Job::KillbillMirror, "cli").await.unwrap();
    sqlx::query("UPDATE sync_run SET started_at = now() - interval '200 days' WHERE id = $1")
        .bind(running)
        .execute(&pool)
        .await
        .unwrap();
    // An old request that made an old run: both go, the request first.
    let requested = finished_run(&pool, Job::CondoImport, 95).await;
    let request = sync_request::enqueue(&pool, Job::CondoImport, Requester::FollowUp).await.unwrap();
    sync_request::finish(&pool, request, Some(requested), None).await.unwrap();
    sqlx::query("UPDATE sync_request SET requested_at = now() - interval '95 days' WHERE id = $1")
        .bind(request)
        .execute(&pool)
        .await
        .unwrap();
    // The newest Condo run must be a recent one, so the old ones are not "the last run".
    let newest = finished_run(&pool, Job::CondoImport, 1).await;

    let event = |key: &str| NewWebhookEvent {
        source: "condo".into(),
        dedupe_key: key.into(),
        verification: "token".into(),
        payload: serde_json::json!({}),
    };
    let processed_old = insert_event_if_new(&pool, &event("a")).await.unwrap().unwrap();
    finish_event(&pool, processed_old, None).await.unwrap();
    let pending_old = insert_event_if_new(&pool, &event("b")).await.unwrap().unwrap();
    let processed_recent = insert_event_if_new(&pool, &event("c")).await.unwrap().unwrap();
    finish_event(&pool, processed_recent, None).await.unwrap();
    sqlx::query("UPDATE webhook_event SET received_at = now() - interval '100 days', processed_at = CASE WHEN processed_at IS NULL THEN NULL ELSE now() - interval '100 days' END WHERE id = ANY($1)")
        .bind(vec![processed_old, pending_old])
        .execute(&pool)
        .await
        .unwrap();

    let condo_tally = async || {
        let tallies = app::server::store::sync_run::run_tallies(&pool).await.unwrap();
        let condo = tallies.into_iter().find(|t| t.job == "condo" && t.status == "succeeded").unwrap();
        (condo.runs, condo.duration_buckets.iter().sum::<i64>())
    };
    assert_eq!(condo_tally().await, (4, 4), "each ended run counted once, by its duration too");

    let ctx = SyncContext::new(pool.clone(), SyncSettings::default()).unwrap();
    let summary = run_job(&ctx, Job::Retention, "cli").await.unwrap();
    assert_eq!(condo_tally().await, (4, 4), "pruning runs never takes them back from the counters");
    assert_eq!(summary.records_out, 4, "the old run, the old request, its run and the old processed event");
    assert!(!exists(&pool, "sync_run", old).await);
    assert!(!exists(&pool, "sync_run", requested).await);
    assert!(!exists(&pool, "sync_request", request).await);
    assert!(!exists(&pool, "webhook_event", processed_old).await);
    for kept in [recent, last_of_its_job, running, newest] {
        assert!(exists(&pool, "sync_run", kept).await, "run {kept} stays");
    }
    assert!(exists(&pool, "webhook_event", pending_old).await, "a pending event stays, however old");
    assert!(exists(&pool, "webhook_event", processed_recent).await);
    let own: (String, i32) = sqlx::query_as("SELECT status, records_out FROM sync_run WHERE job = 'retention'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(own, ("succeeded".to_owned(), 4));
    let again = run_job(&ctx, Job::Retention, "cli").await.unwrap();
    assert_eq!(again.records_out, 0, "nothing left to prune");
}
