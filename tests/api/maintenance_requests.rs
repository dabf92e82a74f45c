//! Maintenance requests and comments written here, end to end: the real server stores them,
//! its scheduler asks the `condo_outbox` job to send them, and the Condo emulator receives
//! them over HTTP — once, whatever answers get lost on the way. Every refusal is a clear 4xx
//! that stores and sends nothing; every route is scoped (tenants A and B, landlords A and B,
//! admin).

use app::domain::Job;
use app::server::adapters::condo::{CondoSettings, HttpCondoClient, SIGN_IN_OPERATION};
use app::server::jobs::condo::outbox::run_with_writer;
use app::server::jobs::{SyncContext, SyncSettings};
use app::server::scheduler::{JobLease, JobLeaseOptions, SchedulerSettings};
use app::server::seed::condo::link_demo_properties;
use app::server::seed::demo_id;
use sandbox::condo::{CondoConfig, Credentials, Faults, RunningCondo};
use serde_json::{Value, json};
use std::time::Duration;
use uuid::Uuid;

use crate::helpers::{TestApp, field_of, post_json, spawn_app_with};
use crate::maintenance::landlord_token;

/// A seeded server talking to an emulator, the demo properties linked, one category known.
struct Setup {
    app: TestApp,
    condo: Condo,
    /// Condo's classifier id of the category we offer.
    category: String,
    /// The client of the outbox passes the tests run, one per test as a server has one (its
    /// session is kept: Condo allows few sign-ins an hour).
    writer: HttpCondoClient,
}

async fn setup() -> Setup {
    let condo = sandbox::condo::spawn(CondoConfig::default()).await.expect("the Condo emulator starts");
    let credentials = Credentials::default();
    let app = spawn_app_with(
        true,
        &[
            ("CONDO_URL", &condo.base_url()),
            ("CONDO_IDENTITY", &credentials.phone),
            ("CONDO_PASSWORD", &credentials.password),
            ("CONDO_RETRIES", "0"),
            ("CONDO_TIMEOUT_MS", "3000"),
        ],
    )
    .await;
    link_demo_properties(&app.pool, &client(&condo)).await.expect("link the demo properties");
    let condo = Condo::signed_in(condo).await;
    let classifiers = graphql(&condo, "query { c: allTicketClassifiers(first: 1) { id } }", json!({})).await;
    let category = classifiers["c"][0]["id"].as_str().expect("a classifier").to_owned();
    sqlx::query(
        "INSERT INTO maintenance_category (id, place, category, problem) VALUES ($1, 'Flat', 'Plumbing', 'Leak')",
    )
    .bind(&category)
    .execute(&app.pool)
    .await
    .unwrap();
    let writer = client(&condo.running);
    Setup { app, condo, category, writer }
}

fn settings(condo: &RunningCondo) -> CondoSettings {
    let credentials = Credentials::default();
    let mut settings = CondoSettings::new(&condo.base_url(), &credentials.phone, &credentials.password);
    settings.retries = 0;
    settings.timeout = Duration::from_secs(3);
    settings
}

fn client(condo: &RunningCondo) -> HttpCondoClient {
    HttpCondoClient::new(settings(condo)).expect("client")
}

/// The emulator, and a session of its staff account for the checks (Condo allows few
/// sign-ins an hour, so one is kept).
struct Condo {
    running: RunningCondo,
    token: String,
}

impl Condo {
    async fn signed_in(running: RunningCondo) -> Self {
        let credentials = Credentials::default();
        let sign_in = json!({ "operationName": "SignInStaffByPhone", "query": SIGN_IN_OPERATION,
            "variables": { "phone": credentials.phone, "password": credentials.password } });
        let url = format!("{}/admin/api", running.base_url());
        let auth: Value = reqwest::Client::new().post(&url).json(&sign_in).send().await.unwrap().json().await.unwrap();
        let token = auth["data"]["auth"]["token"].as_str().expect("signed in").to_owned();
        Self { running, token }
    }

    fn handle(&self) -> &sandbox::condo::CondoHandle {
        self.running.handle()
    }
}

/// Runs one Condo query as the staff account and returns `data`.
async fn graphql(condo: &Condo, query: &str, variables: Value) -> Value {
    let url = format!("{}/admin/api", condo.running.base_url());
    let body: Value = reqwest::Client::new()
        .post(&url)
        .bearer_auth(&condo.token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(body.get("errors").is_none(), "{body}");
    body["data"].clone()
}

/// Condo's tickets whose details carry the marker of request `id`, with their files.
async fn condo_tickets_of(condo: &Condo, id: Uuid) -> Vec<Value> {
    let query = "query Mine($marker: String!) { tickets: allTickets(where: { details_contains: $marker }, first: 10) {
        id number details unitName isEmergency classifier { id } clientName } }";
    let data = graphql(condo, query, json!({ "marker": format!("[mp:{id}]") })).await;
    data["tickets"].as_array().cloned().unwrap_or_default()
}

async fn condo_files_of(condo: &Condo, ticket: &str) -> Vec<Value> {
    let query = "query Files($ticket: ID!) { files: allTicketFiles(where: { ticket: { id: $ticket } }, first: 50) {
        id file { originalFilename mimetype } } }";
    graphql(condo, query, json!({ "ticket": ticket })).await["files"].as_array().cloned().unwrap_or_default()
}

async fn condo_comments_of(condo: &Condo, ticket: &str) -> Vec<Value> {
    let query =
        "query Comments($ticket: ID!) { comments: allTicketComments(where: { ticket: { id: $ticket } }, first: 50) {
        id type content } }";
    graphql(condo, query, json!({ "ticket": ticket })).await["comments"].as_array().cloned().unwrap_or_default()
}

/// A small valid PNG of `n` distinct bytes.
fn png(n: u8) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend((0..64u8).map(|i| i.wrapping_mul(n)));
    bytes
}

/// A multipart body with the given text fields and photos, and its content type.
fn multipart(fields: &[(&str, &str)], photos: &[(&str, &str, Vec<u8>)]) -> (String, Vec<u8>) {
    let boundary = "test-boundary-5f2c";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    for (name, kind, bytes) in photos {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"{name}\"\r\nContent-Type: {kind}\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn post_multipart(app: &TestApp, token: Option<&str>, path: &str, form: (String, Vec<u8>)) -> (u16, Value) {
    let mut request = app.client.post(format!("{}{path}", app.address)).header("Content-Type", form.0).body(form.1);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Waits until nothing of request `ticket` waits in the outbox, and returns the states by kind.
async fn settled(app: &TestApp, ticket: Uuid) -> Vec<(String, String)> {
    for _ in 0..300 {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT kind, state FROM condo_outbox WHERE ticket_id = $1 ORDER BY kind, created_at")
                .bind(ticket)
                .fetch_all(&app.pool)
                .await
                .unwrap();
        if rows.iter().all(|(_, state)| state == "sent" || state == "refused") {
            return rows;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the outbox of {ticket} was not sent in time");
}

/// tenant1's home unit.
async fn home_of(app: &TestApp, tenant: &str) -> Uuid {
    sqlx::query_scalar(
        "SELECT l.unit_id FROM lease l WHERE l.tenant_id = $1
         AND l.starts_on <= current_date AND (l.ends_on IS NULL OR l.ends_on > current_date) ORDER BY l.starts_on LIMIT 1",
    )
    .bind(demo_id(tenant))
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

async fn stored_requests(app: &TestApp) -> (i64, i64) {
    let tickets: i64 = sqlx::query_scalar("SELECT count(*) FROM maintenance_ticket WHERE requested_by IS NOT NULL")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let outbox: i64 = sqlx::query_scalar("SELECT count(*) FROM condo_outbox").fetch_one(&app.pool).await.unwrap();
    (tickets, outbox)
}

#[tokio::test]
async fn a_request_with_photos_is_stored_at_once_then_created_in_condo_with_its_photos() {
    let s = setup().await;
    let tenant = s.app.token_of("tenant1@marketplace.test").await;
    let unit = home_of(&s.app, "tenant1@marketplace.test").await.to_string();
    let form = multipart(
        &[
            ("unit", &unit),
            ("category", &s.category),
            ("description", "The kitchen tap leaks\nIt drips all night."),
            ("emergency", "true"),
            ("visiting_hours", "Weekdays after 17:00"),
        ],
        &[("tap.png", "image/png", png(3)), ("sink.jpg", "application/octet-stream", png(5))],
    );
    let (status, filed) = post_multipart(&s.app, Some(&tenant), "/api/maintenance", form).await;
    assert_eq!(status, 202, "{filed}");
    assert_eq!((filed["title"].as_str(), filed["photos"].as_u64()), (Some("The kitchen tap leaks"), Some(2)));
    assert_eq!(filed["sending"]["state"], "waiting");
    let id: Uuid = filed["id"].as_str().unwrap().parse().unwrap();

    let mine: Value = s.app.get_as(&tenant, "/api/maintenance").await.json().await.unwrap();
    assert!(mine["items"].as_array().unwrap().iter().any(|t| t["id"] == id.to_string()), "{mine}");

    let states = settled(&s.app, id).await;
    assert_eq!(
        states,
        [("file".into(), "sent".into()), ("file".into(), "sent".into()), ("ticket".into(), "sent".into())]
    );
    let tickets = condo_tickets_of(&s.condo, id).await;
    assert_eq!(tickets.len(), 1, "{tickets:?}");
    let ticket = &tickets[0];
    let details = ticket["details"].as_str().unwrap();
    assert!(details.starts_with("The kitchen tap leaks\nIt drips all night."), "{details}");
    assert!(details.contains("Preferred visiting hours: Weekdays after 17:00"), "{details}");
    assert_eq!(ticket["isEmergency"], true);
    assert_eq!(ticket["classifier"]["id"], s.category.as_str());
    let label: String = sqlx::query_scalar("SELECT label FROM unit WHERE id = $1::uuid")
        .bind(&unit)
        .fetch_one(&s.app.pool)
        .await
        .unwrap();
    assert_eq!(ticket["unitName"], label.as_str());
    let (external, number): (Option<String>, Option<i32>) =
        sqlx::query_as("SELECT external_id, number FROM maintenance_ticket WHERE id = $1")
            .bind(id)
            .fetch_one(&s.app.pool)
            .await
            .unwrap();
    assert_eq!(external.as_deref(), ticket["id"].as_str());
    assert_eq!(number.map(i64::from), ticket["number"].as_i64());
    let mut files: Vec<(String, String)> = condo_files_of(&s.condo, ticket["id"].as_str().unwrap())
        .await
        .iter()
        .map(|f| {
            (
                f["file"]["originalFilename"].as_str().unwrap().to_owned(),
                f["file"]["mimetype"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    files.sort();
    let mut ours: Vec<(String, String)> =
        sqlx::query_as("SELECT filename, content_type FROM maintenance_file WHERE ticket_id = $1")
            .bind(id)
            .fetch_all(&s.app.pool)
            .await
            .unwrap();
    ours.sort();
    assert_eq!(files, ours, "both photos, under their markers, typed by their bytes");
    assert!(ours.iter().all(|(name, kind)| name.ends_with(".png") && kind == "image/png"), "{ours:?}");
}

/// One outbox pass run directly, everything due at once (the server's scheduler only runs
/// what is asked for).
async fn pass(s: &Setup) {
    sqlx::query("UPDATE condo_outbox SET next_attempt_at = now() WHERE state IN ('waiting', 'sending')")
        .execute(&s.app.pool)
        .await
        .unwrap();
    let settings = SyncSettings {
        condo: Some(settings(&s.condo.running)),
        log_dir: std::env::temp_dir().join(format!("outbox-{}", Uuid::new_v4())),
        ..SyncSettings::default()
    };
    let ctx = SyncContext::new(s.app.pool.clone(), settings).unwrap();
    // Under the job's lease, as every run is: the server's scheduler may be running it too.
    let options = JobLeaseOptions::new(&SchedulerSettings::default(), "test");
    let lease = loop {
        match JobLease::acquire(&s.app.pool, Job::CondoOutbox, &options).await.unwrap() {
            Some(lease) => break lease,
            None => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    };
    let _ = run_with_writer(&ctx, &s.writer, "cli").await;
    lease.release().await;
}

#[tokio::test]
async fn answers_lost_after_condo_processed_them_never_make_a_second_ticket_file_or_comment() {
    let s = setup().await;
    let tenant = s.app.token_of("tenant1@marketplace.test").await;
    // Condo down while the requests are filed: they wait here.
    s.condo.handle().set_faults(Faults { down: true, ..Faults::default() });
    let mut ids = Vec::new();
    for n in 0..10u8 {
        let description = format!("Request {n}: the radiator is cold");
        let photos = [("a.png", "image/png", png(n + 1)), ("b.png", "image/png", png(n + 7))];
        let (status, filed) = post_multipart(
            &s.app,
            Some(&tenant),
            "/api/maintenance",
            multipart(&[("description", &description)], &photos),
        )
        .await;
        assert_eq!(status, 202, "{filed}");
        ids.push(filed["id"].as_str().unwrap().parse::<Uuid>().unwrap());
    }
    pass(&s).await;
    let waiting: i64 = sqlx::query_scalar("SELECT count(*) FROM condo_outbox WHERE state IN ('waiting', 'sending')")
        .fetch_one(&s.app.pool)
        .await
        .unwrap();
    assert_eq!(waiting, 30, "nothing is lost while Condo is down");
    let seen: Value = s.app.get_as(&tenant, &format!("/api/maintenance/{}", ids[0])).await.json().await.unwrap();
    assert_eq!(seen["sending"]["state"], "waiting", "{seen}");

    // Then one answer in five is lost after Condo processed the request.
    s.condo.handle().set_faults(Faults { drop_rate: 0.2, ..Faults::default() });
    s.condo.handle().reset_stats();
    for _ in 0..40 {
        pass(&s).await;
        let left: i64 = sqlx::query_scalar("SELECT count(*) FROM condo_outbox WHERE state IN ('waiting', 'sending')")
            .fetch_one(&s.app.pool)
            .await
            .unwrap();
        if left == 0 {
            break;
        }
    }
    s.condo.handle().set_faults(Faults::default());
    let stats = s.condo.handle().stats();
    let sent = |operation: &str| stats.operations.get(operation).copied().unwrap_or(0);
    assert!(stats.faults.drops >= 3, "answers were lost: {stats:?}");
    assert!(sent("TicketByMarker") + sent("TicketFileNames") >= 1, "lost answers were looked up: {stats:?}");
    assert_eq!((sent("CreateTicket"), sent("CreateTicketFile")), (10, 20), "each write sent once: {stats:?}");
    for id in &ids {
        let tickets = condo_tickets_of(&s.condo, *id).await;
        assert_eq!(tickets.len(), 1, "exactly one ticket for {id}: {tickets:?}");
        let files = condo_files_of(&s.condo, tickets[0]["id"].as_str().unwrap()).await;
        assert_eq!(files.len(), 2, "exactly the two photos of {id}: {files:?}");
    }
    // Comments through the same outbox, under the same faults.
    s.condo.handle().set_faults(Faults { drop_rate: 0.2, ..Faults::default() });
    s.condo.handle().reset_stats();
    for (n, id) in ids.iter().enumerate() {
        let (status, body) = post_json(
            &s.app,
            &tenant,
            &format!("/api/maintenance/{id}/comments"),
            json!({ "content": format!("Still cold, day {n}") }),
        )
        .await;
        assert_eq!(status, 202, "{body}");
    }
    for _ in 0..40 {
        pass(&s).await;
    }
    s.condo.handle().set_faults(Faults::default());
    let stats = s.condo.handle().stats();
    assert_eq!(stats.operations.get("CreateTicketComment").copied(), Some(10), "each comment sent once: {stats:?}");
    for (n, id) in ids.iter().enumerate() {
        let condo_id = condo_tickets_of(&s.condo, *id).await[0]["id"].as_str().unwrap().to_owned();
        let comments = condo_comments_of(&s.condo, &condo_id).await;
        let ours: Vec<_> = comments
            .iter()
            .filter(|c| c["content"].as_str().unwrap().starts_with(&format!("Still cold, day {n}")))
            .collect();
        assert_eq!(ours.len(), 1, "exactly one comment on {id}: {comments:?}");
        assert_eq!(ours[0]["type"], "resident");
    }
    let sent: i64 = sqlx::query_scalar("SELECT count(*) FROM condo_outbox WHERE state = 'sent'")
        .fetch_one(&s.app.pool)
        .await
        .unwrap();
    let rest: Vec<(String, String, i32, Option<String>)> = sqlx::query_as(
        "SELECT kind, state, attempts, coalesce(last_error, reason) FROM condo_outbox WHERE state <> 'sent'",
    )
    .fetch_all(&s.app.pool)
    .await
    .unwrap();
    assert_eq!(sent, 40, "{rest:?}");
}

#[tokio::test]
async fn bad_requests_are_refused_naming_the_problem_and_nothing_is_stored_or_sent() {
    let s = setup().await;
    let tenant = s.app.token_of("tenant1@marketplace.test").await;
    let landlord = s.app.token_of("landlord1@marketplace.test").await;
    let admin = s.app.token_of("admin@marketplace.test").await;
    let ok = json!({ "description": "The door bell is broken", "emergency": false });
    for (token, expected) in [(&landlord, 403), (&admin, 403)] {
        let (status, body) = post_json(&s.app, token, "/api/maintenance", ok.clone()).await;
        assert_eq!(status, expected, "only a tenant files a request: {body}");
    }
    let anonymous = s.app.client.post(format!("{}/api/maintenance", s.app.address)).json(&ok).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);

    let other_unit: Uuid = home_of(&s.app, "tenant2@marketplace.test").await;
    let cases = [
        (json!({ "description": "   ", "emergency": false }), "description"),
        (json!({ "description": "x".repeat(5001), "emergency": false }), "description"),
        (json!({ "description": "Leak", "emergency": false, "category": "not-a-category" }), "category"),
        (json!({ "description": "Leak", "emergency": false, "unit": other_unit }), "unit"),
        (json!({ "description": "Leak", "emergency": false, "unit": "abc" }), "unit"),
        (json!({ "description": "Leak", "emergency": false, "visiting_hours": "y".repeat(201) }), "visiting_hours"),
        (json!({ "description": "Leak" }), ""),
        (json!({ "description": "Leak", "emergency": false, "owner": "me" }), ""),
    ];
    for (body, field) in cases {
        let (status, answer) = post_json(&s.app, &tenant, "/api/maintenance", body.clone()).await;
        assert_eq!(status, 400, "{body} → {answer}");
        if !field.is_empty() {
            assert_eq!(field_of(&answer), field, "{answer}");
        }
    }
    let pdf = multipart(&[("description", "Leak")], &[("leak.jpg", "image/jpeg", b"%PDF-1.7 not an image".to_vec())]);
    let (status, answer) = post_multipart(&s.app, Some(&tenant), "/api/maintenance", pdf).await;
    assert_eq!((status, field_of(&answer)), (400, "photos"), "{answer}");
    assert!(answer["error"]["message"].as_str().unwrap().contains("leak.jpg"), "{answer}");
    let six: Vec<_> = (0..6u8).map(|n| ("p.png", "image/png", png(n + 1))).collect();
    let (status, answer) =
        post_multipart(&s.app, Some(&tenant), "/api/maintenance", multipart(&[("description", "Leak")], &six)).await;
    assert_eq!((status, field_of(&answer)), (400, "photos"), "{answer}");
    let big = vec![0xFF, 0xD8, 0xFF].into_iter().chain(std::iter::repeat_n(0u8, 8 * 1024 * 1024)).collect::<Vec<u8>>();
    let (status, answer) = post_multipart(
        &s.app,
        Some(&tenant),
        "/api/maintenance",
        multipart(&[("description", "Leak")], &[("big.jpg", "image/jpeg", big)]),
    )
    .await;
    assert_eq!((status, field_of(&answer)), (400, "photos"), "{answer}");
    let text = s
        .app
        .client
        .post(format!("{}/api/maintenance", s.app.address))
        .bearer_auth(&tenant)
        .header("Content-Type", "text/plain")
        .body("Leak")
        .send()
        .await
        .unwrap();
    assert_eq!(text.status(), 400);
    assert_eq!(stored_requests(&s.app).await, (0, 0), "nothing refused was stored");

    // A home whose building is not linked to Condo: a 409 saying so.
    sqlx::query("DELETE FROM external_ref WHERE platform = 'condo'").execute(&s.app.pool).await.unwrap();
    let (status, answer) = post_json(&s.app, &tenant, "/api/maintenance", ok).await;
    assert_eq!(status, 409, "{answer}");
    assert!(answer["error"]["message"].as_str().unwrap().contains("not linked to Condo"), "{answer}");
    assert_eq!(stored_requests(&s.app).await, (0, 0));
}

#[tokio::test]
async fn comments_are_scoped_like_tickets_and_only_staff_write_internal_ones() {
    let s = setup().await;
    let tenant_a = s.app.token_of("tenant1@marketplace.test").await;
    let (status, filed) = post_json(
        &s.app,
        &tenant_a,
        "/api/maintenance",
        json!({ "description": "Window will not close", "emergency": true }),
    )
    .await;
    assert_eq!(status, 202, "{filed}");
    let id = filed["id"].as_str().unwrap().to_owned();
    let tenant_b = s.app.token_of_seeded("tenant2@marketplace.test").await;
    let landlord_of: Uuid = sqlx::query_scalar(
        "SELECT p.landlord_id FROM maintenance_ticket t JOIN property p ON p.id = t.property_id WHERE t.id = $1::uuid",
    )
    .bind(&id)
    .fetch_one(&s.app.pool)
    .await
    .unwrap();
    let a =
        (1..=3).find(|n| demo_id(&format!("landlord{n}@marketplace.test")) == landlord_of).expect("a demo landlord");
    let landlord_a = landlord_token(&s.app, a).await;
    let landlord_b = landlord_token(&s.app, if a == 1 { 2 } else { 1 }).await;
    let admin = s.app.token_of("admin@marketplace.test").await;
    let path = format!("/api/maintenance/{id}/comments");
    let comment = |text: &str| json!({ "content": text });
    for (who, token, expected) in [
        ("tenant A", &tenant_a, 202),
        ("tenant B", &tenant_b, 404),
        ("landlord A", &landlord_a, 202),
        ("landlord B", &landlord_b, 404),
        ("admin", &admin, 202),
    ] {
        let (status, body) = post_json(&s.app, token, &path, comment(&format!("From {who}"))).await;
        assert_eq!(status, expected, "{who}: {body}");
        let read = s.app.get_as(token, &format!("/api/maintenance/{id}")).await.status();
        assert_eq!(read.as_u16(), if expected == 202 { 200 } else { 404 }, "{who} reads the ticket");
    }
    let anonymous = s.app.client.post(format!("{}{path}", s.app.address)).json(&comment("x")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let (status, body) =
        post_json(&s.app, &tenant_a, &path, json!({ "content": "secret", "for_residents": false })).await;
    assert_eq!((status, field_of(&body)), (400, "for_residents"), "{body}");
    let (status, body) =
        post_json(&s.app, &landlord_a, &path, json!({ "content": "Staff only", "for_residents": false })).await;
    assert_eq!((status, body["for_residents"].as_bool()), (202, Some(false)), "{body}");
    for bad in [json!({ "content": "  " }), json!({ "content": "x".repeat(2001) }), json!({ "text": "hi" })] {
        let (status, body) = post_json(&s.app, &tenant_a, &path, bad.clone()).await;
        assert_eq!(status, 400, "{bad} → {body}");
    }
    let (status, _) = post_json(&s.app, &tenant_a, "/api/maintenance/not-a-uuid/comments", comment("x")).await;
    assert_eq!(status, 404);

    let uuid: Uuid = id.parse().unwrap();
    settled(&s.app, uuid).await;
    let condo_id = condo_tickets_of(&s.condo, uuid).await[0]["id"].as_str().unwrap().to_owned();
    let mut kinds: Vec<(String, String)> = condo_comments_of(&s.condo, &condo_id)
        .await
        .iter()
        .map(|c| {
            (c["content"].as_str().unwrap().lines().next().unwrap().to_owned(), c["type"].as_str().unwrap().to_owned())
        })
        .collect();
    kinds.sort();
    assert_eq!(
        kinds,
        [
            ("From admin".to_owned(), "resident".to_owned()),
            ("From landlord A".to_owned(), "resident".to_owned()),
            ("From tenant A".to_owned(), "resident".to_owned()),
            ("Staff only".to_owned(), "organization".to_owned()),
        ]
    );
}

#[tokio::test]
async fn a_request_whose_building_was_unlinked_before_sending_is_refused_with_the_reason() {
    let s = setup().await;
    let tenant = s.app.token_of("tenant1@marketplace.test").await;
    s.condo.handle().set_faults(Faults { down: true, ..Faults::default() });
    let (status, filed) = post_json(
        &s.app,
        &tenant,
        "/api/maintenance",
        json!({ "description": "Mould in the bathroom", "emergency": false }),
    )
    .await;
    assert_eq!(status, 202);
    let id: Uuid = filed["id"].as_str().unwrap().parse().unwrap();
    pass(&s).await;
    sqlx::query("DELETE FROM external_ref WHERE platform = 'condo'").execute(&s.app.pool).await.unwrap();
    s.condo.handle().set_faults(Faults::default());
    pass(&s).await;
    let seen: Value = s.app.get_as(&tenant, &format!("/api/maintenance/{id}")).await.json().await.unwrap();
    assert_eq!(seen["sending"]["state"], "refused", "{seen}");
    assert!(seen["sending"]["reason"].as_str().unwrap().contains("not linked to Condo"), "{seen}");
    assert!(condo_tickets_of(&s.condo, id).await.is_empty());
}

/// Posts `body` as a browser form would (same origin) and returns where it sends us.
async fn submit(client: &reqwest::Client, app: &TestApp, path: &str, kind: &str, body: Vec<u8>) -> String {
    let response = client
        .post(format!("{}{path}", app.address))
        .header("Origin", &app.address)
        .header("Content-Type", kind)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "{path}");
    response.headers()["location"].to_str().unwrap().to_owned()
}

async fn page(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let response = client.get(format!("{}{path}", app.address)).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn the_request_and_comment_forms_work_without_javascript_and_say_why_when_refused() {
    let s = setup().await;
    let tenant = crate::scoping::browser_session(&s.app, "tenant1@marketplace.test").await;
    let (status, html) = page(&tenant, &s.app, "/maintenance/new").await;
    assert_eq!(status, 200);
    assert!(
        html.contains(r#"enctype="multipart/form-data""#) && html.contains("Flat · Plumbing · Leak"),
        "the form and Condo's categories"
    );

    let (kind, body) =
        multipart(&[("description", "The hall light flickers")], &[("notes.png", "image/png", b"GIF89a".to_vec())]);
    let to = submit(&tenant, &s.app, "/maintenance/new", &kind, body).await;
    assert!(to.starts_with("/maintenance/new?error=photos&reason=invalid"), "{to}");
    let (_, html) = page(&tenant, &s.app, &to).await;
    assert!(html.contains("Not sent: photo 1 (notes.png) is not a JPEG, PNG or WebP image"), "the reason in words");
    assert!(html.contains("The hall light flickers</textarea>"), "what was typed is kept");

    let (kind, body) = multipart(
        &[("description", "The hall light flickers"), ("category", &s.category)],
        &[("hall.png", "image/png", png(9))],
    );
    let to = submit(&tenant, &s.app, "/maintenance/new", &kind, body).await;
    assert!(to.starts_with("/maintenance/") && to.ends_with("?ok=filed"), "{to}");
    let (status, html) = page(&tenant, &s.app, &to).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Your request is stored") && html.contains(r#"data-testid="sending-state""#),
        "the outcome and the sending state"
    );
    let id = to.trim_start_matches("/maintenance/").trim_end_matches("?ok=filed").to_owned();

    let form =
        |content: &str| (String::from("application/x-www-form-urlencoded"), format!("content={content}").into_bytes());
    let (kind, body) = form("Thank+you");
    let to = submit(&tenant, &s.app, &format!("/maintenance/{id}/comments"), &kind, body).await;
    assert_eq!(to, format!("/maintenance/{id}?ok=commented"));
    let (kind, body) = form("");
    let to = submit(&tenant, &s.app, &format!("/maintenance/{id}/comments"), &kind, body).await;
    assert!(to.starts_with(&format!("/maintenance/{id}?error=content&reason=invalid")), "{to}");

    // A landlord may not file; another landlord's comment is refused as not found.
    let landlord = crate::scoping::browser_session(&s.app, "landlord1@marketplace.test").await;
    let (status, html) = page(&landlord, &s.app, "/maintenance/new").await;
    assert_eq!(status, 403);
    assert!(html.contains("Tenants only"));
    let landlord_of: Uuid = sqlx::query_scalar(
        "SELECT p.landlord_id FROM maintenance_ticket t JOIN property p ON p.id = t.property_id WHERE t.id = $1::uuid",
    )
    .bind(&id)
    .fetch_one(&s.app.pool)
    .await
    .unwrap();
    let other = (1..=3).map(|n| format!("landlord{n}@marketplace.test")).find(|e| demo_id(e) != landlord_of).unwrap();
    s.app.token_of_seeded(&other).await;
    let stranger = crate::scoping::browser_session(&s.app, &other).await;
    let (kind, body) = form("Hello");
    let to = submit(&stranger, &s.app, &format!("/maintenance/{id}/comments"), &kind, body).await;
    assert!(to.contains("reason=not_found"), "{to}");
    let comments: i64 = sqlx::query_scalar("SELECT count(*) FROM maintenance_comment WHERE ticket_id = $1::uuid")
        .bind(&id)
        .fetch_one(&s.app.pool)
        .await
        .unwrap();
    assert_eq!(comments, 1, "only the tenant's comment was stored");
}
