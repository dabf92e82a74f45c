//! The Condo emulator supports the Marketplace's incremental import: keyset paging over
//! (`updatedAt`, `number`), `updatedAt_gt`, soft-deleted tombstones, edits and new tickets
//! between runs, unit labels that match the property maps, and a 50,000-ticket data set.

mod condo_support;

use condo_support::{Client, start, start_with, tickets_query};
use sandbox::condo::{ApiClient, CommentEdit, CondoConfig, Credentials, DataConfig, EditError, NewTickets, TicketEdit};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};

/// Pages through tickets the recommended way; returns every row in order.
async fn import(client: &Client, suffix: &str, query: &str, base: Value, first: usize) -> Vec<Value> {
    let mut rows: Vec<Value> = Vec::new();
    let mut filter = base.clone();
    loop {
        let data = client.data(suffix, query, json!({ "where": filter, "first": first, "skip": 0 })).await;
        let page = data["tickets"].as_array().unwrap().clone();
        rows.extend(page.iter().cloned());
        let Some(last) = page.last() else { break };
        if page.len() < first {
            break;
        }
        let (at, number) = (last["updatedAt"].clone(), last["number"].clone());
        filter = base.clone();
        filter["OR"] = json!([{ "updatedAt_gt": at }, { "updatedAt": at, "number_gt": number }]);
    }
    rows
}

const SMALL_QUERY: &str = "query P($where: TicketWhereInput!, $first: Int!, $skip: Int!) {
  tickets: allTickets(where: $where, sortBy: [updatedAt_ASC, number_ASC], first: $first, skip: $skip) {
    id number updatedAt deletedAt v status { type } }
}";

#[tokio::test]
async fn keyset_paging_returns_every_visible_ticket_exactly_once() {
    let condo = start().await;
    let client = Client::signed_in(&condo).await;
    let rows = import(&client, "", &tickets_query(), json!({}), 50).await;
    let ids: HashSet<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), rows.len(), "no ticket twice");
    let expected: HashSet<String> =
        condo.handle().tickets().into_iter().filter(|t| t.deleted_at.is_none()).map(|t| t.id.to_string()).collect();
    assert_eq!(ids, expected.iter().map(String::as_str).collect());
    let keys: Vec<(String, i64)> =
        rows.iter().map(|r| (r["updatedAt"].as_str().unwrap().to_owned(), r["number"].as_i64().unwrap())).collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]), "strictly ordered by (updatedAt, number)");
    let mut ties: HashMap<&str, usize> = HashMap::new();
    rows.iter().for_each(|r| *ties.entry(r["updatedAt"].as_str().unwrap()).or_default() += 1);
    assert!(ties.values().any(|&n| n > 50), "a tie group larger than a page was crossed");
}

#[tokio::test]
async fn updated_at_gt_returns_only_later_tickets() {
    let condo = start().await;
    let client = Client::signed_in(&condo).await;
    let since = "2026-08-19T12:00:00.000Z";
    let rows = import(&client, "", SMALL_QUERY, json!({ "updatedAt_gt": since }), 40).await;
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r["updatedAt"].as_str().unwrap() > since));
    let expected = condo
        .handle()
        .tickets()
        .into_iter()
        .filter(|t| t.deleted_at.is_none() && t.updated_at.as_str() > since)
        .count();
    assert_eq!(rows.len(), expected);
}

#[tokio::test]
async fn deleted_tickets_are_hidden_unless_the_request_asks_for_them() {
    let condo = start().await;
    let client = Client::signed_in(&condo).await;
    let deleted: HashSet<String> =
        condo.handle().tickets().into_iter().filter(|t| t.deleted_at.is_some()).map(|t| t.id.to_string()).collect();
    assert!(!deleted.is_empty());
    let count = |rows: &[Value]| rows.iter().filter(|r| deleted.contains(r["id"].as_str().unwrap())).count();
    let hidden = import(&client, "", SMALL_QUERY, json!({}), 500).await;
    assert_eq!(count(&hidden), 0);
    let by_param = import(&client, "?deleted=true", SMALL_QUERY, json!({}), 500).await;
    assert_eq!(count(&by_param), deleted.len());
    assert!(
        by_param.iter().filter(|r| deleted.contains(r["id"].as_str().unwrap())).all(|r| r["deletedAt"].is_string())
    );
    let only_deleted = import(&client, "", SMALL_QUERY, json!({ "deletedAt_not": null }), 500).await;
    assert_eq!(only_deleted.len(), deleted.len(), "a deletedAt condition in the `where` variable reveals them");
}

#[tokio::test]
async fn edits_deletions_and_new_tickets_show_up_in_the_next_incremental_import() {
    let condo = start().await;
    let client = Client::signed_in(&condo).await;
    let first_run = import(&client, "?deleted=true", SMALL_QUERY, json!({}), 100).await;
    let mark = first_run.last().unwrap()["updatedAt"].as_str().unwrap().to_owned();
    let handle = condo.handle();
    let tickets = handle.tickets();
    let live: Vec<_> = tickets.iter().filter(|t| t.deleted_at.is_none()).collect();
    let edit = TicketEdit { status: Some("completed".into()), title: Some(None), ..TicketEdit::default() };
    let edited = handle.edit_ticket(live[0].id, &edit).unwrap();
    assert_eq!((edited.v, edited.status_type.as_str()), (live[0].v + 1, "completed"));
    let removed = handle.delete_ticket(live[1].id).unwrap();
    let added = handle.add_tickets(&NewTickets { count: 3, ..NewTickets::default() }).unwrap();
    assert!(added.iter().all(|t| t.number > tickets.last().unwrap().number && t.status_type == "new_or_reopened"));
    let second_run = import(&client, "?deleted=true", SMALL_QUERY, json!({ "updatedAt_gt": mark }), 100).await;
    let seen: HashMap<&str, &Value> = second_run.iter().map(|r| (r["id"].as_str().unwrap(), r)).collect();
    assert_eq!(seen.len(), 5, "{second_run:?}");
    assert_eq!(seen[edited.id.to_string().as_str()]["status"]["type"], "completed");
    assert!(seen[removed.id.to_string().as_str()]["deletedAt"].is_string());
    assert!(added.iter().all(|t| seen.contains_key(t.id.to_string().as_str())));
}

const COMMENTS_QUERY: &str = "query C($where: TicketCommentWhereInput!, $first: Int!, $skip: Int!) {
  comments: allTicketComments(where: $where, sortBy: [updatedAt_ASC, id_ASC], first: $first, skip: $skip) {
    id content updatedAt deletedAt v ticket { id updatedAt } }
}";

#[tokio::test]
async fn comment_edits_and_deletions_change_the_comment_alone_and_are_found_by_updated_at() {
    let condo = start().await;
    let client = Client::signed_in(&condo).await;
    let comments = |filter: Value| {
        let client = &client;
        async move {
            let variables = json!({ "where": filter, "first": 1000, "skip": 0 });
            client.data("", COMMENTS_QUERY, variables).await["comments"].as_array().unwrap().clone()
        }
    };
    let staff = ApiClient::staff(&condo.base_url(), &Credentials::default()).await.unwrap();
    let live: Vec<_> = condo.handle().tickets().into_iter().filter(|t| t.deleted_at.is_none()).take(3).collect();
    for (ticket, text) in live.iter().zip(["On our way", "Parts ordered", "Done"]) {
        staff.comment(&ticket.id.to_string(), "organization", text).await.unwrap();
    }
    let all = comments(json!({})).await;
    assert!(all.len() >= 3, "the comments are listed: {all:?}");
    let mark = all.iter().map(|c| c["updatedAt"].as_str().unwrap().to_owned()).max().unwrap();
    let (edit, drop) = (&all[0], &all[1]);
    let id = |c: &Value| c["id"].as_str().unwrap().parse::<uuid::Uuid>().unwrap();
    let tickets_before = condo.handle().tickets();

    let handle = condo.handle();
    let edited = handle.edit_comment(id(edit), &CommentEdit { content: "Fixed the tap".into() }).unwrap();
    assert_eq!((edited.v, edited.content.as_str()), (2, "Fixed the tap"));
    let dropped = handle.delete_comment(id(drop)).unwrap();
    assert!(dropped.deleted_at.is_some());
    assert!(matches!(handle.delete_comment(id(drop)), Err(EditError::CommentDeleted(_))));
    assert!(matches!(
        handle.edit_comment(uuid::Uuid::nil(), &CommentEdit { content: "x".into() }),
        Err(EditError::CommentNotFound(_))
    ));
    assert_eq!(condo.handle().tickets(), tickets_before, "no ticket changed: not its v, not its updatedAt");

    // Only the edit is newer than the mark; the deleted comment shows only when asked for.
    let since = comments(json!({ "updatedAt_gt": mark })).await;
    assert_eq!(since.len(), 1, "{since:?}");
    assert_eq!((since[0]["id"].as_str(), since[0]["content"].as_str()), (edit["id"].as_str(), Some("Fixed the tap")));
    assert_eq!(since[0]["v"], 2);
    let with_deleted = comments(json!({ "updatedAt_gt": mark, "deletedAt_not": null })).await;
    assert_eq!(with_deleted.len(), 1, "a deletedAt condition reveals the deleted one: {with_deleted:?}");
    assert_eq!(with_deleted[0]["id"], drop["id"]);
    let by_param = client
        .data("?deleted=true", COMMENTS_QUERY, json!({ "where": { "updatedAt_gt": mark }, "first": 10, "skip": 0 }))
        .await;
    assert_eq!(by_param["comments"].as_array().unwrap().len(), 2, "{by_param}");
    assert!(comments(json!({})).await.iter().all(|c| c["id"] != drop["id"]), "hidden from a plain read");

    // Over HTTP too.
    let http = reqwest::Client::new();
    let url = format!("{}/__sandbox/comments/{}", condo.base_url(), id(edit));
    let patched = http.patch(&url).json(&json!({ "content": "Again" })).send().await.unwrap();
    assert_eq!(patched.status(), 200);
    assert_eq!(patched.json::<Value>().await.unwrap()["v"], 3);
    let gone = format!("{}/__sandbox/comments/{}", condo.base_url(), id(drop));
    assert_eq!(http.delete(&gone).send().await.unwrap().status(), 409);
    let nil = format!("{}/__sandbox/comments/{}", condo.base_url(), uuid::Uuid::nil());
    assert_eq!(http.delete(&nil).send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn ticket_units_match_labels_in_their_property_maps() {
    let condo = start().await;
    let client = Client::signed_in(&condo).await;
    let maps = client
        .data("", "query { allProperties(first: 100) { id unitsCount uninhabitedUnitsCount map { sections { floors { units { label unitType } } } parking { floors { units { label unitType } } } } } }", json!({}))
        .await;
    let mut labels: HashMap<String, HashSet<(String, String)>> = HashMap::new();
    let summary = condo.handle().summary();
    for property in maps["allProperties"].as_array().unwrap() {
        let units: Vec<&Value> = ["sections", "parking"]
            .iter()
            .flat_map(|kind| property["map"][kind].as_array().unwrap())
            .flat_map(|s| s["floors"].as_array().unwrap())
            .flat_map(|f| f["units"].as_array().unwrap())
            .collect();
        let id = property["id"].as_str().unwrap().to_owned();
        let expected = summary.properties.iter().find(|p| p.id.to_string() == id).unwrap();
        assert_eq!(units.len(), expected.units);
        let counted = property["unitsCount"].as_i64().unwrap() + property["uninhabitedUnitsCount"].as_i64().unwrap();
        assert_eq!(counted as usize, units.len());
        let set =
            units.iter().map(|u| (u["label"].as_str().unwrap().to_owned(), u["unitType"].as_str().unwrap().to_owned()));
        labels.insert(id, set.collect());
    }
    let query =
        "query { allTickets(first: 1000, where: { unitName_not: null }) { unitName unitType property { id } } }";
    let tickets = client.data("", query, json!({})).await;
    let tickets = tickets["allTickets"].as_array().unwrap();
    assert!(tickets.len() > 100);
    for t in tickets {
        let key = (t["unitName"].as_str().unwrap().to_owned(), t["unitType"].as_str().unwrap().to_owned());
        assert!(labels[t["property"]["id"].as_str().unwrap()].contains(&key), "{t}");
    }
}

#[tokio::test]
async fn the_summary_agrees_with_what_graphql_returns() {
    let condo = start().await;
    let client = Client::signed_in(&condo).await;
    let summary = condo.handle().summary();
    assert_eq!(summary.organizations.len(), 3);
    assert_eq!(summary.properties.len(), 12);
    assert_eq!(summary.tickets.total, 400);
    for (kind, count) in &summary.tickets.by_status_type {
        let query = "query($w: TicketWhereInput) { m: _allTicketsMeta(where: $w) { count } }";
        let data = client.data("", query, json!({ "w": { "status": { "type": kind } } })).await;
        assert_eq!(data["m"]["count"].as_u64().unwrap() as usize, *count, "{kind}");
    }
    let http = reqwest::get(format!("{}/__sandbox/summary", condo.base_url())).await.unwrap();
    assert_eq!(http.json::<sandbox::condo::Summary>().await.unwrap(), summary);
}

#[tokio::test]
async fn the_same_seed_builds_the_same_data_set_and_another_seed_does_not() {
    let (a, b) = (start().await, start().await);
    let other =
        start_with(CondoConfig { data: DataConfig { seed: 7, ..DataConfig::default() }, ..CondoConfig::default() })
            .await;
    assert_eq!(a.handle().tickets(), b.handle().tickets());
    assert_ne!(a.handle().tickets(), other.handle().tickets());
}

#[tokio::test]
async fn the_control_api_edits_tickets_and_counts_pages_over_http() {
    let condo = start().await;
    let client = Client::signed_in(&condo).await;
    let http = reqwest::Client::new();
    let base = condo.base_url();
    let id = condo.handle().tickets().into_iter().find(|t| t.deleted_at.is_none()).unwrap().id;
    let edited: Value = http
        .patch(format!("{base}/__sandbox/tickets/{id}"))
        .json(&json!({ "title": "Updated", "status": "processing" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(edited["statusType"], "processing");
    let missing = http.delete(format!("{base}/__sandbox/tickets/{}", uuid::Uuid::nil())).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    let created = http.post(format!("{base}/__sandbox/tickets")).json(&json!({ "count": 2 })).send().await.unwrap();
    assert_eq!(created.status(), 201);
    import(&client, "", SMALL_QUERY, json!({}), 100).await;
    let stats: Value = http.get(format!("{base}/__sandbox/stats")).send().await.unwrap().json().await.unwrap();
    assert_eq!(stats["pagesServed"], 4, "{stats}");
    assert_eq!(stats["operations"]["P"], 4);
    assert_eq!(stats["signIns"], 1);
}

#[tokio::test]
async fn a_50000_ticket_data_set_pages_through_completely() {
    let data = DataConfig { tickets: 50_000, properties: 200, organizations: 20, ..DataConfig::default() };
    let condo = start_with(CondoConfig { data, ..CondoConfig::default() }).await;
    let client = Client::signed_in(&condo).await;
    let query = "query P($where: TicketWhereInput!, $first: Int!, $skip: Int!) {
      tickets: allTickets(where: $where, sortBy: [updatedAt_ASC, number_ASC], first: $first, skip: $skip) { id number updatedAt } }";
    let rows = import(&client, "?deleted=true", query, json!({}), 1000).await;
    assert_eq!(rows.len(), 50_000);
    let ids: HashSet<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 50_000);
    assert_eq!(condo.handle().summary().properties.len(), 200);
}
