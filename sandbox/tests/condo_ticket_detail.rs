//! The reads the Marketplace import makes around tickets, over real HTTP through
//! [`sandbox::condo::ApiClient`]: comments, status changes and files of a set of tickets
//! (`ticket: { id_in }`) in one request of several lists, only status changes
//! (`statusIdTo_not: null`), files created since an instant, and the download counter.

mod condo_support;

use condo_support::start;
use sandbox::condo::{ApiClient, Credentials, EXAMPLE_ORGANIZATION_ID, EXAMPLE_PROPERTY_ID, TicketEdit};
use serde_json::{Value, json};

const DETAIL: &str = "query Detail($tickets: [ID]) {
  comments: allTicketComments(where: { ticket: { id_in: $tickets } }, sortBy: [createdAt_ASC, id_ASC], first: 90) { id type content user { name } ticket { id } }
  changes: allTicketChanges(where: { ticket: { id_in: $tickets }, statusIdTo_not: null }, sortBy: [createdAt_ASC, id_ASC], first: 90) { id statusIdTo createdBy { name } ticket { id } }
  files: allTicketFiles(where: { ticket: { id_in: $tickets } }, sortBy: [createdAt_ASC, id_ASC], first: 100) { id ticket { id } file { originalFilename } }
  statuses: allTicketStatuses(sortBy: [id_ASC], first: 100) { id type }
}";
const FILES_SINCE: &str = "query FilesSince($files: TicketFileWhereInput!) { files: allTicketFiles(where: $files, sortBy: [createdAt_ASC, id_ASC], first: 100) { id createdAt file { publicUrl originalFilename } } }";

fn ticket_input(details: &str) -> Value {
    json!({
        "organization": { "connect": { "id": EXAMPLE_ORGANIZATION_ID } },
        "property": { "connect": { "id": EXAMPLE_PROPERTY_ID } },
        "source": { "connect": { "id": "779d7bb6-b194-4d2c-a967-1f7321b2787f" } },
        "details": details, "isResidentTicket": false, "canReadByResident": true,
    })
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn the_detail_of_some_tickets_comes_in_one_request_and_only_theirs() {
    let condo = start().await;
    let client = ApiClient::staff(&condo.base_url(), &Credentials::default()).await.unwrap();
    let a = client.create_ticket(ticket_input("Leaking tap")).await.unwrap()["id"].as_str().unwrap().to_owned();
    let b = client.create_ticket(ticket_input("Broken door")).await.unwrap()["id"].as_str().unwrap().to_owned();
    let other = client.create_ticket(ticket_input("Not asked for")).await.unwrap()["id"].as_str().unwrap().to_owned();
    let internal = client.comment(&a, "organization", "Send the plumber").await.unwrap();
    let public = client.comment(&b, "resident", "We come on Monday").await.unwrap();
    client.comment(&other, "resident", "Elsewhere").await.unwrap();
    let photo = client.upload(&a, "leak.png", "image/png", b"\x89PNG").await.unwrap();
    client.upload(&other, "other.png", "image/png", b"\x89PNG").await.unwrap();
    condo
        .handle()
        .edit_ticket(b.parse().unwrap(), &TicketEdit { status: Some("processing".into()), ..Default::default() })
        .unwrap();
    condo.handle().edit_ticket(a.parse().unwrap(), &TicketEdit { priority: Some(400), ..Default::default() }).unwrap();
    condo.handle().reset_stats();

    let data = client.data(DETAIL, json!({ "tickets": [a, b] })).await.unwrap();

    assert_eq!(ids(&data["comments"]), [internal, public], "both tickets' comments, oldest first, no other's");
    assert_eq!(
        (data["comments"][0]["type"].as_str(), data["comments"][1]["type"].as_str()),
        (Some("organization"), Some("resident"))
    );
    assert_eq!(data["comments"][0]["user"]["name"], "Marketplace sync");
    assert_eq!(data["changes"].as_array().unwrap().len(), 1, "the status change, not the priority edit");
    assert_eq!(data["changes"][0]["ticket"]["id"], b.as_str());
    assert_eq!(data["changes"][0]["statusIdTo"], "aa5ed9c2-90ca-4042-8194-d3ed23cb7919");
    assert_eq!(ids(&data["files"]), [photo["id"].as_str().unwrap()]);
    assert_eq!(data["statuses"].as_array().unwrap().len(), 6);
    let stats = condo.handle().stats();
    assert_eq!(stats.requests, 1, "four lists, one request");
    assert_eq!(stats.objects_served, 2 * 3 + 3 + 2 + 6, "relations count: {stats:?}");
}

#[tokio::test]
async fn files_are_listed_from_an_instant_on_and_their_downloads_counted() {
    let condo = start().await;
    let client = ApiClient::staff(&condo.base_url(), &Credentials::default()).await.unwrap();
    let ticket = client.create_ticket(ticket_input("Cracked window")).await.unwrap()["id"].as_str().unwrap().to_owned();
    client.upload(&ticket, "before.jpg", "image/jpeg", b"first").await.unwrap();
    let filter = |since: &str| json!({ "files": { "createdAt_gte": since, "ticket_is_null": false, "organization": { "id": EXAMPLE_ORGANIZATION_ID } } });
    let all = client.data(FILES_SINCE, filter("2000-01-01T00:00:00.000Z")).await.unwrap();
    let first = all["files"][0].clone();
    let since = first["createdAt"].as_str().unwrap();
    client.upload(&ticket, "after.jpg", "image/jpeg", b"second").await.unwrap();

    let later = client.data(FILES_SINCE, filter(since)).await.unwrap();

    let names: Vec<&str> =
        later["files"].as_array().unwrap().iter().map(|f| f["file"]["originalFilename"].as_str().unwrap()).collect();
    assert_eq!(names, ["before.jpg", "after.jpg"], "createdAt_gte keeps the file at the instant itself");
    let after = client.data(FILES_SINCE, filter(later["files"][1]["createdAt"].as_str().unwrap())).await.unwrap();
    assert_eq!(after["files"].as_array().unwrap().len(), 1);
    let url = later["files"][1]["file"]["publicUrl"].as_str().unwrap();
    let http = reqwest::Client::new();
    assert_eq!(http.get(url).send().await.unwrap().status(), 401);
    let download = http.get(url).bearer_auth(client.token()).send().await.unwrap();
    assert_eq!(download.bytes().await.unwrap().as_ref(), b"second");
    assert_eq!(condo.handle().stats().file_downloads, 2, "both answers counted");
}
