//! What the Condo import brings around each ticket, against the in-process emulator over real
//! HTTP and a real PostgreSQL: people, classifier, status reason and deadline; comments,
//! files (bytes downloaded with our session, a large one listed only) and status changes,
//! each imported once; requests, comments and files written here mapped back to our rows by
//! their markers; a new comment on the next run and on a webhook hint; a file added to an
//! unchanged ticket; and how many requests a run costs.

mod condo_common;

use app::domain::condo_marker;
use app::server::jobs::condo::mapping::ticket_id;
use app::server::jobs::condo::run;
use app::server::webhooks::condo::{parse_delivery, process_pending, store_delivery};
use condo_common::*;
use sandbox::condo::{
    ApiClient, CommentEdit, Credentials, EXAMPLE_ORGANIZATION_ID, EXAMPLE_PROPERTY_ID, Faults, RunningCondo, TicketEdit,
};
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

/// A `createTicket` input on the example property, as a dispatcher files it.
fn ticket_input(details: &str) -> Value {
    json!({
        "organization": { "connect": { "id": EXAMPLE_ORGANIZATION_ID } },
        "property": { "connect": { "id": EXAMPLE_PROPERTY_ID } },
        "source": { "connect": { "id": "779d7bb6-b194-4d2c-a967-1f7321b2787f" } },
        "details": details, "isResidentTicket": false, "canReadByResident": true,
    })
}

async fn staff(condo: &RunningCondo) -> ApiClient {
    ApiClient::staff(&condo.base_url(), &Credentials::default()).await.expect("the staff account signs in")
}

/// The (id, name) of two of Condo's employees, and a classifier with a problem and its label.
async fn people_and_classifier(client: &ApiClient) -> ((String, String), (String, String), String, String) {
    let query = "query Refs { classifiers: allTicketClassifiers(sortBy: [id_ASC], first: 50) { id place { name } category { name } problem { name } }
      tickets: allTickets(where: { assignee_is_null: false, executor_is_null: false }, first: 1) { assignee { id name } executor { id name } } }";
    let data = client.data(query, json!({})).await.unwrap();
    let person = |p: &Value| (p["id"].as_str().unwrap().to_owned(), p["name"].as_str().unwrap().to_owned());
    let ticket = &data["tickets"][0];
    let rule = data["classifiers"].as_array().unwrap().iter().find(|c| !c["problem"].is_null()).unwrap();
    let label = format!("{} · {} · {}", rule["place"]["name"], rule["category"]["name"], rule["problem"]["name"]);
    (
        person(&ticket["assignee"]),
        person(&ticket["executor"]),
        rule["id"].as_str().unwrap().to_owned(),
        label.replace('"', ""),
    )
}

/// A status change as stored: from, to, reason, by whom.
type ChangeRow = (Option<String>, Option<String>, Option<String>, Option<String>);

/// Rows of `table` on ticket `id`.
async fn count(pool: &PgPool, table: &str, id: Uuid) -> i64 {
    // The table name is one of this file's constants.
    let sql = sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table} WHERE ticket_id = $1"));
    sqlx::query_scalar(sql).bind(id).fetch_one(pool).await.unwrap()
}

/// Requests to Condo's API and file downloads since the counters were last reset.
fn requests(condo: &RunningCondo) -> (u64, u64) {
    let stats = condo.handle().stats();
    (stats.requests, stats.file_downloads)
}

/// Live tickets of the emulator (every property is linked in these tests).
fn live_tickets(condo: &RunningCondo) -> Vec<Uuid> {
    condo.handle().tickets().into_iter().filter(|t| t.deleted_at.is_none()).map(|t| t.id).collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_ticket_comes_with_its_people_classifier_comments_files_and_history_once(pool: PgPool) {
    let condo = start_condo().await;
    create_and_link(&pool, &condo, |_| true).await;
    let mut limited = settings(&condo);
    limited.max_file_bytes = 64 * 1024;
    let ctx = context(&pool, limited);
    run(&ctx, "cli").await.unwrap();
    let client = staff(&condo).await;
    let ((assignee_id, assignee), (executor_id, executor), classifier, label) = people_and_classifier(&client).await;
    let mut input = ticket_input("Water under the sink");
    input["classifier"] = json!({ "connect": { "id": classifier } });
    input["assignee"] = json!({ "connect": { "id": assignee_id } });
    input["executor"] = json!({ "connect": { "id": executor_id } });
    input["deadline"] = json!("2026-12-24T09:00:00.000Z");
    let condo_id = client.create_ticket(input).await.unwrap()["id"].as_str().unwrap().to_owned();
    client.comment(&condo_id, "organization", "Order the valve").await.unwrap();
    client.comment(&condo_id, "resident", "We come on Monday").await.unwrap();
    let photo: Vec<u8> = (0..3000u32).map(|i| (i * 7 % 256) as u8).collect();
    client.upload(&condo_id, "sink.png", "image/png", &photo).await.unwrap();
    client.upload(&condo_id, "manual.pdf", "application/pdf", &[1u8; 100 * 1024]).await.unwrap();
    let deferred = TicketEdit { status: Some("deferred".into()), ..TicketEdit::default() };
    condo.handle().edit_ticket(condo_id.parse().unwrap(), &deferred).unwrap();

    run(&ctx, "cli").await.unwrap();

    let ours = ticket_id(&condo_id);
    let row: (Option<String>, Option<String>, Option<String>, Option<String>, String) = sqlx::query_as(
        "SELECT assignee_name, executor_name, status_reason, category_id, to_char(deadline_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')
         FROM maintenance_ticket WHERE id = $1",
    )
    .bind(ours)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        row,
        (
            Some(assignee.clone()),
            Some(executor),
            Some("Waiting for spare parts".into()),
            Some(classifier.clone()),
            "2026-12-24 09:00".into()
        )
    );
    let category: (String, String, String) =
        sqlx::query_as("SELECT place, category, problem FROM maintenance_category WHERE id = $1")
            .bind(&classifier)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(format!("{} · {} · {}", category.0, category.1, category.2), label);
    let comments: Vec<(bool, String, Option<String>)> = sqlx::query_as(
        "SELECT for_residents, content, author_name FROM maintenance_comment WHERE ticket_id = $1 ORDER BY created_at",
    )
    .bind(ours)
    .fetch_all(&pool)
    .await
    .unwrap();
    let author = Some("Marketplace sync".to_owned());
    assert_eq!(
        comments,
        [(false, "Order the valve".into(), author.clone()), (true, "We come on Monday".into(), author)]
    );
    let files: Vec<(String, String, i32, Option<Vec<u8>>)> = sqlx::query_as(
        "SELECT filename, content_type, size_bytes, bytes FROM maintenance_file WHERE ticket_id = $1 ORDER BY created_at",
    )
    .bind(ours)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(files[0], ("sink.png".into(), "image/png".into(), 3000, Some(photo)), "downloaded with our session");
    assert_eq!(
        files[1],
        ("manual.pdf".into(), "application/pdf".into(), 100 * 1024, None),
        "over the limit: listed only"
    );
    let history: Vec<ChangeRow> = sqlx::query_as(
        "SELECT status_from, status_to, reason, changed_by_name FROM maintenance_status_change WHERE ticket_id = $1",
    )
    .bind(ours)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        history,
        [(
            Some("new_or_reopened".into()),
            Some("deferred".into()),
            Some("Waiting for spare parts".into()),
            Some(assignee)
        )]
    );

    condo.handle().reset_stats();
    run(&ctx, "cli").await.unwrap();

    assert_eq!(
        requests(&condo),
        (4, 0),
        "nothing changed: properties, classifiers and files, one empty page, comments"
    );
    assert_eq!(count(&pool, "maintenance_comment", ours).await, 2, "no duplicate");
    assert_eq!(count(&pool, "maintenance_file", ours).await, 2);
    assert_eq!(count(&pool, "maintenance_status_change", ours).await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_request_comment_and_file_written_here_map_back_to_our_rows(pool: PgPool) {
    let condo = start_condo().await;
    let links = create_and_link(&pool, &condo, |_| true).await;
    let ctx = context(&pool, settings(&condo));
    run(&ctx, "cli").await.unwrap();
    let (ours, our_comment, our_file) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    let property = links[&EXAMPLE_PROPERTY_ID];
    sqlx::query(
        "INSERT INTO maintenance_ticket (id, source, property_id, title, details, status, opened_at, source_updated_at)
         VALUES ($1, 'condo', $2, 'Kitchen tap', 'The kitchen tap leaks.', 'new_or_reopened', now(), now())",
    )
    .bind(ours)
    .bind(property)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO maintenance_comment (id, ticket_id, for_residents, content, author_id, author_name)
         VALUES ($1, $2, true, 'Please come after 5 pm', $3, 'Tina Tenant')",
    )
    .bind(our_comment)
    .bind(ours)
    .bind(Uuid::from_u128(1))
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO maintenance_file (id, ticket_id, filename, content_type, size_bytes, bytes, uploaded_by)
         VALUES ($1, $2, 'tap.jpg', 'image/jpeg', 4, '\\x01020304', $3)",
    )
    .bind(our_file)
    .bind(ours)
    .bind(Uuid::from_u128(1))
    .execute(&pool)
    .await
    .unwrap();
    // What the outbox sends: each record carries its marker.
    let client = staff(&condo).await;
    let details = condo_marker::marked("The kitchen tap leaks.", ours);
    let condo_id = client.create_ticket(ticket_input(&details)).await.unwrap()["id"].as_str().unwrap().to_owned();
    let content = condo_marker::marked("Please come after 5 pm", our_comment);
    client.comment(&condo_id, "resident", &content).await.unwrap();
    let name = condo_marker::file_name(our_file, "jpg");
    client.upload(&condo_id, &name, "image/jpeg", &[1, 2, 3, 4]).await.unwrap();
    // A copy of the request made in Condo (a resend nobody caught) must not become a second one.
    let copy = client.create_ticket(ticket_input(&details)).await.unwrap()["id"].as_str().unwrap().to_owned();
    condo.handle().reset_stats();

    for _ in 0..2 {
        run(&ctx, "cli").await.unwrap();
        let (id, number, stored): (Uuid, Option<i32>, String) =
            sqlx::query_as("SELECT id, number, details FROM maintenance_ticket WHERE external_id = $1")
                .bind(&condo_id)
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!((id, stored.as_str()), (ours, "The kitchen tap leaks."), "our row, without the marker");
        assert!(number.is_some(), "with Condo's number");
        let copies = "SELECT count(*) FROM maintenance_ticket WHERE external_id = $1 OR id = $2";
        let copies: i64 = sqlx::query_scalar(copies).bind(&copy).bind(ticket_id(&copy)).fetch_one(&pool).await.unwrap();
        assert_eq!(copies, 0, "the copy is not imported");
        let comments: Vec<(Uuid, Option<String>, String, String)> = sqlx::query_as(
            "SELECT id, external_id, content, author_name FROM maintenance_comment WHERE ticket_id = $1",
        )
        .bind(ours)
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(comments.len(), 1, "{comments:?}");
        assert_eq!(
            (comments[0].0, comments[0].2.as_str(), comments[0].3.as_str()),
            (our_comment, "Please come after 5 pm", "Tina Tenant")
        );
        assert!(comments[0].1.is_some(), "with Condo's id");
        let files: Vec<(Uuid, Option<String>)> =
            sqlx::query_as("SELECT id, external_id FROM maintenance_file WHERE ticket_id = $1")
                .bind(ours)
                .fetch_all(&pool)
                .await
                .unwrap();
        assert_eq!(files.len(), 1, "{files:?}");
        assert!(files[0].0 == our_file && files[0].1.is_some());
    }
    assert_eq!(requests(&condo).1, 0, "our own file is not downloaded back");
    let journal = journal(&ctx);
    assert!(
        journal.iter().any(|l| l["event"] == "duplicates_of_requests" && l["condo_ticket_ids"][0] == copy.as_str())
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn new_comments_and_files_reach_us_on_the_next_runs_at_a_few_requests_each(pool: PgPool) {
    let condo = start_condo().await;
    create_and_link(&pool, &condo, |_| true).await;
    let ctx = context(&pool, settings(&condo));
    run(&ctx, "cli").await.unwrap();
    let client = staff(&condo).await;
    let live = live_tickets(&condo);
    client.comment(&live[0].to_string(), "resident", "On our way").await.unwrap();
    client.upload(&live[1].to_string(), "crack.jpg", "image/jpeg", b"a crack").await.unwrap();
    condo.handle().reset_stats();

    run(&ctx, "cli").await.unwrap();

    let content: String = sqlx::query_scalar("SELECT content FROM maintenance_comment WHERE ticket_id = $1")
        .bind(ticket_id(&live[0].to_string()))
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(content, "On our way");
    let bytes: Vec<u8> = sqlx::query_scalar("SELECT bytes FROM maintenance_file WHERE ticket_id = $1")
        .bind(ticket_id(&live[1].to_string()))
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(bytes, b"a crack", "a file on a ticket that did not change");
    assert_eq!(
        requests(&condo),
        (5, 1),
        "properties, classifiers and files, one page, its detail, comments; one download"
    );

    for ticket in &live[2..122] {
        client.comment(&ticket.to_string(), "organization", "Checked").await.unwrap();
    }
    condo.handle().reset_stats();
    let summary = run(&ctx, "cli").await.unwrap();
    let properties = condo.handle().summary().properties.len() as i32;
    assert_eq!(summary.records_in - properties, 120);
    assert_eq!(requests(&condo), (9, 0), "120 changed tickets: 2 + 3 pages + 3 detail requests + comments");
    let checked: i64 = sqlx::query_scalar("SELECT count(*) FROM maintenance_comment WHERE content = 'Checked'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(checked, 120);

    condo.handle().reset_stats();
    run(&ctx, "cli").await.unwrap();
    assert_eq!(requests(&condo), (4, 0), "nothing changed");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_comment_edited_or_deleted_on_an_unchanged_ticket_follows_on_the_next_run(pool: PgPool) {
    let condo = start_condo().await;
    create_and_link(&pool, &condo, |_| true).await;
    let ctx = context(&pool, settings(&condo));
    let condo_ticket = live_tickets(&condo)[0].to_string();
    let client = staff(&condo).await;
    client.comment(&condo_ticket, "resident", "We come on Monday").await.unwrap();
    client.comment(&condo_ticket, "organization", "Ask the owner about the boiler").await.unwrap();
    run(&ctx, "cli").await.unwrap();
    let ticket = ticket_id(&condo_ticket);
    let version: i32 = sqlx::query_scalar("SELECT source_version FROM maintenance_ticket WHERE id = $1")
        .bind(ticket)
        .fetch_one(&pool)
        .await
        .unwrap();
    let comments_of = || {
        sqlx::query_as::<_, (String, String)>(
            "SELECT external_id, content FROM maintenance_comment WHERE ticket_id = $1 ORDER BY created_at, id",
        )
        .bind(ticket)
        .fetch_all(&pool)
    };
    let before = comments_of().await.unwrap();
    let (edited, deleted) = (before[0].0.clone(), before[1].0.clone());
    let tickets = condo.handle().tickets();
    let new_text = "The plumber comes on Tuesday instead";
    condo.handle().edit_comment(edited.parse().unwrap(), &CommentEdit { content: new_text.into() }).unwrap();
    condo.handle().delete_comment(deleted.parse().unwrap()).unwrap();
    assert_eq!(condo.handle().tickets(), tickets, "no ticket changed in Condo");

    // A run that dies reading their ticket again writes nothing and keeps its mark.
    let detail_request = condo.handle().stats().requests + 5;
    condo.handle().set_faults(Faults { fail_nth: vec![detail_request], ..Faults::default() });
    run(&ctx, "cli").await.unwrap_err();
    assert_eq!(comments_of().await.unwrap(), before, "nothing written");
    condo.handle().set_faults(Faults::default());
    condo.handle().reset_stats();

    run(&ctx, "cli").await.unwrap();

    let after = comments_of().await.unwrap();
    assert!(after.contains(&(edited.clone(), new_text.to_owned())), "the edit is here: {after:?}");
    assert!(after.iter().all(|(id, _)| *id != deleted), "the deleted comment is gone: {after:?}");
    assert_eq!(after.len(), before.len() - 1, "nothing else changed");
    let now: i32 = sqlx::query_scalar("SELECT source_version FROM maintenance_ticket WHERE id = $1")
        .bind(ticket)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(now, version, "the ticket itself is as it was");
    assert_eq!(requests(&condo), (5, 0), "properties, classifiers and files, an empty page, comments, one detail");
    let journal = journal(&ctx);
    let step = journal.iter().rev().find(|l| l["event"] == "comment_changes").expect("the step is journaled");
    assert_eq!((&step["comments_read"], &step["tickets_read_again"]), (&json!(2), &json!(1)), "{step}");
    assert_eq!(step["comments_removed"], 1, "{step}");

    condo.handle().reset_stats();
    run(&ctx, "cli").await.unwrap();
    assert_eq!(requests(&condo), (4, 0), "read once: the next run finds nothing changed");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_webhook_hint_brings_the_new_comment_and_file(pool: PgPool) {
    let condo = start_condo().await;
    create_and_link(&pool, &condo, |_| true).await;
    let ctx = context(&pool, settings(&condo));
    run(&ctx, "cli").await.unwrap();
    let client = staff(&condo).await;
    let ticket = live_tickets(&condo)[0];
    client.upload(&ticket.to_string(), "stain.png", "image/png", b"a stain").await.unwrap();
    client.comment(&ticket.to_string(), "organization", "Call the insurer").await.unwrap();
    let info = condo.handle().tickets().into_iter().find(|t| t.id == ticket).unwrap();
    let body = json!([{ "id": info.id, "v": info.v, "number": info.number, "updatedAt": info.updated_at }]);
    let events = parse_delivery(body.to_string().as_bytes(), "token").unwrap();
    assert_eq!(store_delivery(&pool, &events).await.unwrap().accepted, 1);

    let processed = process_pending(&ctx).await.unwrap();

    assert_eq!((processed.done, processed.failed.len()), (1, 0));
    let ours = ticket_id(&ticket.to_string());
    let comment: (bool, String) =
        sqlx::query_as("SELECT for_residents, content FROM maintenance_comment WHERE ticket_id = $1")
            .bind(ours)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(comment, (false, "Call the insurer".into()));
    let file: Vec<u8> = sqlx::query_scalar("SELECT bytes FROM maintenance_file WHERE ticket_id = $1")
        .bind(ours)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(file, b"a stain");
    let outcome: String = sqlx::query_scalar("SELECT outcome FROM webhook_event").fetch_one(&pool).await.unwrap();
    assert_eq!(outcome, "applied");
}
