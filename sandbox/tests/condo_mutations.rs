//! The Condo emulator's ticket writes, over real HTTP: `createTicket` read back by the import
//! query, Condo's refusals (dvAndSender, required and over-long fields), file uploads by the
//! GraphQL multipart spec and their download, comments of both types and what a resident may
//! see, status history, a create whose answer is dropped, and every operation checked against
//! Condo's schema.

mod condo_support;

use condo_support::{Client, start, start_with, tickets_query};
use sandbox::condo::{CondoConfig, EXAMPLE_ORGANIZATION_ID, EXAMPLE_PROPERTY_ID, Faults, RunningCondo, TicketEdit};
use serde_json::{Value, json};

const CREATE_TICKET: &str = "mutation CreateTicket($data: TicketCreateInput!) { ticket: createTicket(data: $data) { id number status { type } unitName unitType sectionName floorName details client { id } } }";
const CREATE_COMMENT: &str = "mutation CreateComment($data: TicketCommentCreateInput!) { comment: createTicketComment(data: $data) { id type content user { id } ticket { id } } }";
const CREATE_FILE: &str = "mutation CreateFile($data: TicketFileCreateInput!) { file: createTicketFile(data: $data) { id ticket { id } organization { id } file { publicUrl originalFilename mimetype } } }";
const COMMENTS: &str = "query Comments($ticket: ID!) { comments: allTicketComments(where: { ticket: { id: $ticket } }, sortBy: [createdAt_ASC], first: 50) { id type content } }";
const FILES: &str = "query Files($ticket: ID!) { files: allTicketFiles(where: { ticket: { id: $ticket } }, first: 50) { id file { publicUrl } } }";
const CHANGES: &str = "query Changes($ticket: ID!) { changes: allTicketChanges(where: { ticket: { id: $ticket } }, sortBy: [createdAt_ASC], first: 50) { statusIdFrom statusIdTo statusDisplayNameTo createdAt createdBy { id name } } }";
const TICKET: &str = "query OneTicket($id: ID!) { ticket: Ticket(where: { id: $id }) { id number statusReason deadline isEmergency assignee { id name } executor { id name } classifier { id place { name } category { name } } } }";
const BY_MARKER: &str = "query ByMarker($marker: String!) { tickets: allTickets(where: { details_contains: $marker }, first: 2) { id details } }";
const MY_TICKETS: &str = "query MyTickets { tickets: allTickets(first: 100) { id } }";
const CLASSIFIERS: &str = "query Classifiers { classifiers: allTicketClassifiers(first: 100) { id place { name } category { name } problem { name } } }";
const PROPERTY_UNITS: &str = "query Units($id: ID!) { properties: allProperties(where: { id: $id }, first: 1) { map { sections { name floors { name units { label unitType } } } } } }";

/// The common `call` source.
const CALL_SOURCE: &str = "779d7bb6-b194-4d2c-a967-1f7321b2787f";
const SENDER: &str = "marketplace-test";

fn sender() -> Value {
    json!({ "dv": 1, "fingerprint": SENDER })
}

/// The first flat of the example property: (label, section name, floor name).
async fn a_flat(client: &Client) -> (String, String, String) {
    let data = client.data("", PROPERTY_UNITS, json!({ "id": EXAMPLE_PROPERTY_ID })).await;
    for section in data["properties"][0]["map"]["sections"].as_array().unwrap() {
        for floor in section["floors"].as_array().unwrap() {
            for unit in floor["units"].as_array().unwrap() {
                if unit["unitType"] == "flat" {
                    let name = |v: &Value| v.as_str().unwrap().to_owned();
                    return (name(&unit["label"]), name(&section["name"]), name(&floor["name"]));
                }
            }
        }
    }
    panic!("the example property has no flat")
}

/// A valid `createTicket` input on the example property.
fn ticket_input(unit: &str, details: &str) -> Value {
    json!({
        "dv": 1, "sender": sender(),
        "organization": { "connect": { "id": EXAMPLE_ORGANIZATION_ID } },
        "property": { "connect": { "id": EXAMPLE_PROPERTY_ID } },
        "source": { "connect": { "id": CALL_SOURCE } },
        "unitName": unit, "unitType": "flat", "details": details,
        "isEmergency": true, "isResidentTicket": false, "canReadByResident": true,
    })
}

async fn create_ticket(client: &Client, data: Value) -> Value {
    let data = client.data("", CREATE_TICKET, json!({ "data": data })).await;
    data["ticket"].clone()
}

/// A multipart request body per the GraphQL multipart request spec, and its content type.
fn multipart(operations: &Value, filename: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "sandbox-boundary-7d1f";
    let mut body = Vec::new();
    let mut part = |headers: &str, content: &[u8]| {
        body.extend_from_slice(format!("--{boundary}\r\n{headers}\r\n\r\n").as_bytes());
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    };
    part("Content-Disposition: form-data; name=\"operations\"", operations.to_string().as_bytes());
    part("Content-Disposition: form-data; name=\"map\"", br#"{"0":["variables.data.file"]}"#);
    part(
        &format!("Content-Disposition: form-data; name=\"0\"; filename=\"{filename}\"\r\nContent-Type: image/png"),
        bytes,
    );
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Uploads `bytes` as a file of `ticket`; returns the response body.
async fn upload(client: &Client, ticket: &str, bytes: &[u8]) -> Value {
    let data = json!({ "dv": 1, "sender": sender(), "ticket": { "connect": { "id": ticket } }, "file": null });
    let operations = json!({ "query": CREATE_FILE, "variables": { "data": data }, "operationName": "CreateFile" });
    let (content_type, body) = multipart(&operations, "leak.png", bytes);
    let request = client.http.post(&client.url).header("Content-Type", content_type).body(body);
    let response = request.bearer_auth(client.token.clone().unwrap()).send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// Adds a resident of `unit` through the control API and returns a client signed in as them.
async fn resident(condo: &RunningCondo, unit: &str) -> (Client, String) {
    let url = format!("{}/__sandbox/residents", condo.base_url());
    let body = json!({ "propertyId": EXAMPLE_PROPERTY_ID, "unitName": unit, "name": "Jane Resident" });
    let account: Value = reqwest::Client::new().post(url).json(&body).send().await.unwrap().json().await.unwrap();
    let mut client = Client::new(condo);
    client.token = Some(account["token"].as_str().unwrap().to_owned());
    (client, account["userId"].as_str().unwrap().to_owned())
}

async fn comment(client: &Client, ticket: &str, kind: &str, content: &str) -> (u16, Value) {
    let data = json!({ "dv": 1, "sender": sender(), "type": kind, "content": content, "ticket": { "connect": { "id": ticket } } });
    client.post(CREATE_COMMENT, json!({ "data": data }), None).await
}

#[tokio::test]
async fn a_created_ticket_gets_the_next_number_and_is_read_back_by_the_import_query() {
    let condo = start().await;
    let client = Client::signed_in(&condo).await;
    let (unit, section, floor) = a_flat(&client).await;
    let highest = condo.handle().tickets().iter().map(|t| t.number).max().unwrap();
    let mut input = ticket_input(&unit, "The kitchen tap leaks");
    let classifiers = client.data("", CLASSIFIERS, json!({})).await;
    let classifier = classifiers["classifiers"][0]["id"].as_str().unwrap().to_owned();
    input["classifier"] = json!({ "connect": { "id": classifier } });
    let created = create_ticket(&client, input).await;
    assert_eq!(created["number"], highest + 1);
    assert_eq!(created["status"]["type"], "new_or_reopened");
    assert_eq!((created["sectionName"].as_str(), created["floorName"].as_str()), (Some(&*section), Some(&*floor)));

    let variables = json!({ "where": { "updatedAt_gt": "2026-08-20T00:00:00.000Z", "organization": { "id": EXAMPLE_ORGANIZATION_ID } }, "first": 1000, "skip": 0 });
    let page = client.data("", &tickets_query(), variables).await;
    let row =
        page["tickets"].as_array().unwrap().iter().find(|t| t["id"] == created["id"]).expect("the import sees it");
    assert_eq!(row["number"], highest + 1);
    assert_eq!(row["status"]["type"], "new_or_reopened");
    assert_eq!((row["unitName"].as_str(), row["unitType"].as_str()), (Some(&*unit), Some("flat")));
    assert_eq!(row["details"], "The kitchen tap leaks");
    assert_eq!(row["classifier"]["id"], classifier.as_str());
    assert_eq!(row["isEmergency"], true);
    assert_eq!(row["createdAt"], row["updatedAt"]);
}

#[tokio::test]
async fn a_missing_dv_or_sender_and_over_long_details_are_refused_in_condo_shape() {
    let condo = start().await;
    let client = Client::signed_in(&condo).await;
    let before = condo.handle().tickets().len();
    let refused = |mut data: Value, key: &str| {
        data.as_object_mut().unwrap().remove(key);
        client.post(CREATE_TICKET, json!({ "data": data }), None)
    };
    let (status, body) = refused(ticket_input("1", "No dv"), "dv").await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["ticket"], Value::Null);
    let error = &body["errors"][0];
    assert_eq!(
        (error["name"].as_str(), error["message"].as_str()),
        (Some("GQLError"), Some("Wrong value for data version number"))
    );
    assert_eq!(error["extensions"]["type"], "DV_VERSION_MISMATCH");
    assert_eq!(error["extensions"]["variable"], json!(["data", "dv"]));
    assert_eq!(error["path"], json!(["ticket"]));

    let (_, body) = refused(ticket_input("1", "No sender"), "sender").await;
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(error["extensions"]["type"], "WRONG_FORMAT");
    assert_eq!(error["extensions"]["variable"], json!(["data", "sender"]));
    assert!(error["message"].as_str().unwrap().starts_with("Invalid format of \"sender\" field value."), "{error}");

    let mut short = ticket_input("1", "x");
    short["sender"] = json!({ "dv": 1, "fingerprint": "abc" });
    let (_, body) = client.post(CREATE_TICKET, json!({ "data": short }), None).await;
    assert_eq!(body["errors"][0]["extensions"]["type"], "WRONG_FORMAT", "a 3-character fingerprint: {body}");

    let long = "a".repeat(10_001);
    let (_, body) = client.post(CREATE_TICKET, json!({ "data": ticket_input("1", &long) }), None).await;
    let error = &body["errors"][0];
    assert_eq!(error["name"], "ValidationFailureError", "{body}");
    assert!(error["data"]["messages"][0].as_str().unwrap().starts_with("[details:tooLong]"));

    let (_, body) = refused(ticket_input("1", "No property"), "property").await;
    assert_eq!(body["errors"][0]["data"]["messages"], json!(["Required field \"property\" is null or undefined."]));
    assert_eq!(condo.handle().tickets().len(), before, "nothing refused was written");
}

#[tokio::test]
async fn an_uploaded_file_reads_back_byte_for_byte_behind_the_api_auth_and_is_listed() {
    let condo = start().await;
    let client = Client::signed_in(&condo).await;
    let ticket = create_ticket(&client, ticket_input("1", "Photo of the leak attached")).await;
    let ticket_id = ticket["id"].as_str().unwrap();
    let bytes: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 256) as u8).collect();
    let body = upload(&client, ticket_id, &bytes).await;
    assert!(body.get("errors").is_none(), "{body}");
    let file = &body["data"]["file"];
    assert_eq!(
        (file["ticket"]["id"].as_str(), file["file"]["originalFilename"].as_str()),
        (Some(ticket_id), Some("leak.png"))
    );
    assert_eq!(file["organization"]["id"], EXAMPLE_ORGANIZATION_ID.to_string());
    let url = file["file"]["publicUrl"].as_str().unwrap();
    assert!(url.starts_with(&condo.base_url()), "{url}");

    let anonymous = client.http.get(url).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let download = client.http.get(url).bearer_auth(client.token.clone().unwrap()).send().await.unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], "image/png");
    assert_eq!(download.bytes().await.unwrap().as_ref(), bytes.as_slice());

    let listed = client.data("", FILES, json!({ "ticket": ticket_id })).await;
    assert_eq!(listed["files"].as_array().unwrap().len(), 1);
    assert_eq!(listed["files"][0]["file"]["publicUrl"], url);
}

#[tokio::test]
async fn an_upload_over_the_limit_is_refused_and_nothing_is_stored() {
    let condo = start_with(CondoConfig { max_upload_bytes: 4096, ..CondoConfig::default() }).await;
    let client = Client::signed_in(&condo).await;
    let ticket = create_ticket(&client, ticket_input("1", "Too big a photo")).await;
    let ticket_id = ticket["id"].as_str().unwrap();
    let body = upload(&client, ticket_id, &[7u8; 4097]).await;
    assert_eq!(body["data"]["file"], Value::Null);
    assert_eq!(body["errors"][0]["name"], "PayloadTooLargeError", "{body}");
    assert_eq!(body["errors"][0]["message"], "File truncated as it exceeds the 4096 byte size limit.");
    let listed = client.data("", FILES, json!({ "ticket": ticket_id })).await;
    assert_eq!(listed["files"], json!([]));
    let body = upload(&client, ticket_id, &[7u8; 4096]).await;
    assert!(body.get("errors").is_none(), "exactly the limit is accepted: {body}");
}

#[tokio::test]
async fn a_resident_sees_only_their_own_tickets_and_only_resident_comments() {
    let condo = start().await;
    let staff = Client::signed_in(&condo).await;
    let (unit, _, _) = a_flat(&staff).await;
    let (me, my_id) = resident(&condo, &unit).await;
    assert_eq!(me.data("", MY_TICKETS, json!({})).await["tickets"], json!([]), "no ticket is theirs yet");

    let mut input = ticket_input(&unit, "Heating is off in the flat");
    input["client"] = json!({ "connect": { "id": my_id } });
    let ticket = create_ticket(&staff, input).await;
    let ticket_id = ticket["id"].as_str().unwrap();
    let (_, internal) = comment(&staff, ticket_id, "organization", "Send the heating engineer").await;
    assert_eq!(internal["data"]["comment"]["type"], "organization", "{internal}");
    let (_, public) = comment(&staff, ticket_id, "resident", "We are on our way").await;
    assert_eq!(public["data"]["comment"]["ticket"]["id"], ticket_id);

    let mine = me.data("", MY_TICKETS, json!({})).await;
    assert_eq!(mine["tickets"], json!([{ "id": ticket_id }]), "one ticket of 400+ is theirs");
    let seen = me.data("", COMMENTS, json!({ "ticket": ticket_id })).await;
    assert_eq!(seen["comments"].as_array().unwrap().len(), 1);
    assert_eq!(seen["comments"][0]["content"], "We are on our way");
    let all = staff.data("", COMMENTS, json!({ "ticket": ticket_id })).await;
    let types: Vec<&str> = all["comments"].as_array().unwrap().iter().map(|c| c["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["organization", "resident"]);

    let (_, denied) = comment(&me, ticket_id, "organization", "Let me see staff notes").await;
    assert_eq!(denied["errors"][0]["name"], "AccessDeniedError", "{denied}");
    let (_, reply) = comment(&me, ticket_id, "resident", "Thank you").await;
    assert_eq!(reply["data"]["comment"]["user"]["id"], my_id.as_str(), "{reply}");

    let own = create_ticket(&me, json!({ "dv": 1, "sender": sender(), "property": { "connect": { "id": EXAMPLE_PROPERTY_ID } }, "details": "The door bell is broken" })).await;
    assert_eq!((own["unitName"].as_str(), own["client"]["id"].as_str()), (Some(&*unit), Some(&*my_id)));
    assert_eq!(me.data("", MY_TICKETS, json!({})).await["tickets"].as_array().unwrap().len(), 2);
    let someone_elses = condo.handle().tickets()[0].id;
    let (_, hidden) = me.post(TICKET, json!({ "id": someone_elses }), None).await;
    assert_eq!(hidden["errors"][0]["name"], "AccessDeniedError", "{hidden}");
}

#[tokio::test]
async fn a_create_processed_then_dropped_leaves_exactly_one_ticket_found_by_its_marker() {
    let condo = start().await;
    let client = Client::signed_in(&condo).await;
    let marker = "[mp:6f1d2c3b-0a9e-4d8c-b7a6-5f4e3d2c1b0a]";
    let before = condo.handle().tickets().len();
    condo.handle().set_faults(Faults { drop_rate: 1.0, ..Faults::default() });
    let input = ticket_input("1", &format!("Broken window in the stairwell\n{marker}"));
    let request = json!({ "query": CREATE_TICKET, "variables": { "data": input } });
    let sent = client.http.post(&client.url).bearer_auth(client.token.clone().unwrap()).json(&request).send().await;
    assert!(sent.is_err(), "the answer is lost");
    condo.handle().set_faults(Faults::default());
    assert_eq!(condo.handle().tickets().len(), before + 1, "but the write happened");
    let found = client.data("", BY_MARKER, json!({ "marker": marker })).await;
    assert_eq!(found["tickets"].as_array().unwrap().len(), 1, "the caller finds it and does not create it again");
    assert_eq!(condo.handle().stats().faults.drops, 1);
}

#[tokio::test]
async fn status_changes_are_listed_with_who_and_when_and_the_ticket_shows_its_people() {
    let condo = start().await;
    let client = Client::signed_in(&condo).await;
    let mut input = ticket_input("1", "Lift is stuck");
    input["deadline"] = json!("2026-09-01T09:00:00.000Z");
    let created = create_ticket(&client, input).await;
    let id: uuid::Uuid = created["id"].as_str().unwrap().parse().unwrap();
    let none = client.data("", CHANGES, json!({ "ticket": id })).await;
    assert_eq!(none["changes"], json!([]), "creating is not a change");
    let edit = TicketEdit { status: Some("canceled".to_owned()), ..TicketEdit::default() };
    condo.handle().edit_ticket(id, &edit).unwrap();
    let changes = client.data("", CHANGES, json!({ "ticket": id })).await;
    let change = &changes["changes"][0];
    assert_eq!(change["statusIdFrom"], "6ef3abc4-022f-481b-90fb-8430345ebfc2");
    assert_eq!(change["statusIdTo"], "f0fa0093-8d86-4e69-ae1a-70a2914da82f");
    assert_eq!(change["statusDisplayNameTo"], "Declined");
    assert!(change["createdBy"]["name"].as_str().unwrap().starts_with("Dispatcher"), "{change}");
    let ticket = client.data("", TICKET, json!({ "id": id })).await["ticket"].clone();
    assert_eq!(ticket["statusReason"], "Duplicate request");
    assert_eq!(ticket["deadline"], "2026-09-01T09:00:00.000Z");
    assert_eq!(ticket["assignee"], Value::Null);
    assert_eq!(ticket["classifier"], Value::Null);
}

#[test]
fn every_operation_used_here_is_valid_against_the_schema_and_short_enough() {
    let operations = [
        CREATE_TICKET,
        CREATE_COMMENT,
        CREATE_FILE,
        COMMENTS,
        FILES,
        CHANGES,
        TICKET,
        BY_MARKER,
        MY_TICKETS,
        CLASSIFIERS,
        PROPERTY_UNITS,
    ];
    for operation in operations {
        sandbox::condo::schema::validate_operation(operation).unwrap_or_else(|e| panic!("{operation}: {e:?}"));
        assert!(operation.len() <= 8192);
    }
    let wrong = CREATE_TICKET.replace("unitName unitType", "unitLabel");
    assert!(sandbox::condo::schema::validate_operation(&wrong).is_err());
}
