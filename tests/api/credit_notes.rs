//! `POST /api/manage/invoices/{id}/credit-notes`: part of an issued invoice
//! taken back by a new document with its own number; what is due drops (for
//! payments, the tenant, the back office), never below nothing; other
//! landlords and tenants are refused; notes at once never take back more
//! than was due; the form and the command line go through the same checks.

use app::server::seed::demo_id;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, field_of, post_json as post, spawn_app};

/// An unpaid, live invoice of `landlord`'s properties (or of someone else's
/// with `mine = false`) with at least two lines: (invoice, number, total,
/// the tenant's e-mail).
async fn an_unpaid_invoice(app: &TestApp, landlord: &str, mine: bool) -> (Uuid, String, i64, String) {
    sqlx::query_as(
        "SELECT i.id, i.number, i.total_minor, t.email
         FROM invoice i JOIN lease l ON l.id = i.lease_id JOIN unit u ON u.id = l.unit_id
         JOIN property pr ON pr.id = u.property_id JOIN app_user t ON t.id = i.tenant_id
         WHERE (pr.landlord_id = $1) = $2 AND i.voided_at IS NULL AND i.total_minor > 1000 AND i.credited_minor = 0
           AND NOT EXISTS (SELECT 1 FROM payment p WHERE p.invoice_id = i.id)
         ORDER BY (SELECT count(*) FROM invoice_line x WHERE x.invoice_id = i.id) DESC, i.number LIMIT 1",
    )
    .bind(demo_id(landlord))
    .bind(mine)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// The back office's row of an invoice.
async fn listed(app: &TestApp, token: &str, number: &str) -> Value {
    let rows: Value = app.get_as(token, &format!("/api/manage/invoices?q={number}")).await.json().await.unwrap();
    rows.as_array().unwrap().iter().find(|r| r["number"] == number).cloned().expect("the invoice is listed")
}

#[tokio::test]
async fn a_credit_note_is_a_numbered_document_that_lowers_what_is_due_and_never_below_nothing() {
    let app = spawn_app(true).await;
    let landlord = app.token_of("landlord1@marketplace.test").await;
    let other = app.token_of_seeded("landlord2@marketplace.test").await;
    let (invoice, number, total, tenant_email) = an_unpaid_invoice(&app, "landlord1@marketplace.test", true).await;
    let tenant = app.token_of(&tenant_email).await;
    let notes = format!("/api/manage/invoices/{invoice}/credit-notes");
    let note = |amount: i64| json!({ "amount_minor": amount, "reason": "heating out for a week" });

    // Refusals: who, and what.
    assert_eq!(post(&app, &other, &notes, note(100)).await.0, 404, "another landlord's invoice");
    assert_eq!(post(&app, &tenant, &notes, note(100)).await.0, 403);
    let anonymous = app.client.post(format!("{}{notes}", app.address)).json(&note(100)).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let missing = format!("/api/manage/invoices/{}/credit-notes", Uuid::new_v4());
    assert_eq!(post(&app, &landlord, &missing, note(100)).await.0, 404);
    for (body, field) in [
        (note(0), "amount_minor"),
        (note(-5), "amount_minor"),
        (json!({ "amount_minor": 100, "reason": " " }), "reason"),
        (json!({ "amount_minor": 100, "reason": "x".repeat(501) }), "reason"),
    ] {
        let (status, answer) = post(&app, &landlord, &notes, body).await;
        assert_eq!((status, field_of(&answer)), (400, field), "{answer}");
    }
    assert_eq!(post(&app, &landlord, &notes, json!({ "amount_minor": "ten" })).await.0, 400, "malformed");
    let (status, answer) = post(&app, &landlord, &notes, note(total + 1)).await;
    assert_eq!((status, field_of(&answer)), (409, "amount_minor"), "{answer}");
    assert!(answer["error"]["message"].as_str().unwrap().contains("still due"), "{answer}");

    // 10.00 taken back: a numbered note, and that much less is due everywhere.
    let (status, first) = post(&app, &landlord, &notes, note(1000)).await;
    assert_eq!(status, 201, "{first}");
    let year = chrono::Utc::now().format("%Y").to_string();
    assert_eq!(first["number"], format!("CN-{year}-000001"), "{first}");
    assert_eq!((&first["invoice_number"], &first["credited_minor"]), (&json!(number), &json!(1000)));
    assert_eq!(first["outstanding_minor"], total - 1000);
    let row = listed(&app, &landlord, &number).await;
    assert_eq!((&row["total_minor"], &row["credited_minor"]), (&json!(total), &json!(1000)), "the invoice is kept");
    assert_eq!(row["outstanding_minor"], total - 1000);
    assert_eq!(row["credit_notes"][0]["number"], first["number"]);

    // A payment of the former total no longer fits; what is due does.
    let pay = |amount: i64, reference: &str| {
        json!({ "amount_minor": amount, "received_on": chrono::Utc::now().date_naive().to_string(),
                "method": "bank_transfer", "reference": reference })
    };
    let payments = format!("/api/manage/invoices/{invoice}/payments");
    let (status, answer) = post(&app, &landlord, &payments, pay(total, "CN-TEST-1")).await;
    assert_eq!(status, 409, "the credit note lowered what is due: {answer}");
    let (status, answer) = post(&app, &landlord, &payments, pay(total - 1500, "CN-TEST-2")).await;
    assert_eq!(status, 201, "{answer}");

    // The rest is credited by a second note; then nothing is due, so a third is refused.
    let (status, second) = post(&app, &landlord, &notes, note(500)).await;
    assert_eq!((status, &second["number"]), (201, &json!(format!("CN-{year}-000002"))), "{second}");
    assert_eq!(second["outstanding_minor"], 0);
    let (status, answer) = post(&app, &landlord, &notes, note(1)).await;
    assert_eq!(status, 409, "{answer}");
    assert!(answer["error"]["message"].as_str().unwrap().contains("refund the payment"), "{answer}");
    assert_eq!(listed(&app, &landlord, &number).await["state"], "paid");

    // The tenant sees the credit on /account.
    let browser = crate::scoping::browser_session(&app, &tenant_email).await;
    let page = browser.get(format!("{}/account", app.address)).send().await.unwrap().text().await.unwrap();
    let currency: String = sqlx::query_scalar("SELECT currency FROM invoice WHERE id = $1")
        .bind(invoice)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let credited = app::domain::Money::from_parts(1500, &currency).unwrap();
    assert!(page.contains(&format!("{credited} credited")), "the tenant sees the credit on /account");

    let (credited_minor, parts): (i64, i64) = sqlx::query_as(
        "SELECT i.credited_minor, (SELECT COALESCE(sum(p.amount_minor), 0)::bigint FROM credit_note_part p
                                   JOIN credit_note n ON n.id = p.credit_note_id WHERE n.invoice_id = i.id)
         FROM invoice i WHERE i.id = $1",
    )
    .bind(invoice)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((credited_minor, parts), (1500, 1500), "the invoice's credited total is its notes' parts");
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE action = 'invoice.credit' ORDER BY id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(actions.len(), 2, "refusals write nothing");
}

#[tokio::test]
async fn a_wholly_credited_invoice_is_settled_and_a_void_one_takes_no_note() {
    let app = spawn_app(true).await;
    let admin = app.token_of("admin@marketplace.test").await;
    let (invoice, number, total, _) = an_unpaid_invoice(&app, "landlord1@marketplace.test", true).await;
    let notes = format!("/api/manage/invoices/{invoice}/credit-notes");
    let (status, answer) = post(&app, &admin, &notes, json!({ "amount_minor": total, "reason": "not owed" })).await;
    assert_eq!(status, 201, "{answer}");
    let row = listed(&app, &admin, &number).await;
    assert_eq!((&row["state"], &row["outstanding_minor"]), (&json!("credited"), &json!(0)), "{row}");
    // The lines took it all, each its own share.
    let lines: Vec<(i32, i64, i64)> = sqlx::query_as(
        "SELECT l.position, l.amount_minor, COALESCE(p.amount_minor, 0) FROM invoice_line l
         LEFT JOIN credit_note_part p ON p.line_position = l.position
              AND p.credit_note_id = (SELECT id FROM credit_note WHERE invoice_id = l.invoice_id)
         WHERE l.invoice_id = $1 ORDER BY l.position",
    )
    .bind(invoice)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(lines.iter().all(|(_, amount, part)| amount.max(&0) == part), "{lines:?}");

    let (other, ..) = an_unpaid_invoice(&app, "landlord1@marketplace.test", true).await;
    let (status, _) =
        post(&app, &admin, &format!("/api/manage/invoices/{other}/void"), json!({ "reason": "wrong" })).await;
    assert_eq!(status, 200);
    let (status, answer) = post(
        &app,
        &admin,
        &format!("/api/manage/invoices/{other}/credit-notes"),
        json!({ "amount_minor": 100, "reason": "x" }),
    )
    .await;
    assert_eq!((status, field_of(&answer)), (409, "invoice"), "{answer}");
}

#[tokio::test]
async fn notes_at_once_never_take_back_more_than_was_due() {
    let app = spawn_app(true).await;
    let admin = app.token_of("admin@marketplace.test").await;
    let (invoice, _, total, _) = an_unpaid_invoice(&app, "landlord1@marketplace.test", true).await;
    let share = total / 4 + 1;
    let mut attempts = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let request = app
            .client
            .post(format!("{}/api/manage/invoices/{invoice}/credit-notes", app.address))
            .bearer_auth(&admin)
            .json(&json!({ "amount_minor": share, "reason": "race" }));
        attempts.spawn(async move { request.send().await.unwrap().status().as_u16() });
    }
    let statuses = attempts.join_all().await;
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 3, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 201 || *s == 409), "{statuses:?}");
    let numbers: Vec<String> =
        sqlx::query_scalar("SELECT number FROM credit_note ORDER BY number").fetch_all(&app.pool).await.unwrap();
    let year = chrono::Utc::now().format("%Y").to_string();
    let expected: Vec<String> = (1..=3).map(|n| format!("CN-{year}-{n:06}")).collect();
    assert_eq!(numbers, expected, "gapless: a refused note gives its number back");
}

#[tokio::test]
async fn the_form_and_the_command_line_issue_notes_through_the_same_checks() {
    let app = spawn_app(true).await;
    let (invoice, number, total, _) = an_unpaid_invoice(&app, "landlord1@marketplace.test", true).await;
    let landlord = crate::scoping::browser_session(&app, "landlord1@marketplace.test").await;
    let submit = |form: Vec<(&'static str, String)>| {
        let request = landlord
            .post(format!("{}/manage/invoices/{invoice}/credit-notes", app.address))
            .header("Origin", &app.address)
            .form(&form);
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 303);
            response.headers()["location"].to_str().unwrap().to_owned()
        }
    };
    let to = submit(vec![("amount_minor", "700".into()), ("reason", "late keys".into())]).await;
    assert!(to.contains("error=confirm"), "the confirmation is required: {to}");
    let to =
        submit(vec![("amount_minor", "700".into()), ("reason", "late keys".into()), ("confirm", "yes".into())]).await;
    assert_eq!(to, "/manage/invoices?ok=credited");
    let page = landlord
        .get(format!("{}/manage/invoices?q={number}&ok=credited", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("The credit note is issued"), "the outcome is said");
    assert!(page.contains("data-credit-note=\"CN-") && page.contains("late keys"), "the note is listed");

    let cli = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_marketplace"))
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", app.config.database_url.expose())
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let too_much = total.to_string();
    let (code, _, err) = cli(&["ledger", "credit", "--invoice", &number, "--amount-minor", &too_much, "--reason", "x"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("still due"), "{err}");
    let (code, out, err) =
        cli(&["ledger", "credit", "--invoice", &number, "--amount-minor", "300", "--reason", "late keys"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.starts_with("credit note CN-") && out.contains(&format!("off invoice {number}")), "{out}");
    let actors: Vec<String> =
        sqlx::query_scalar("SELECT actor FROM audit_log WHERE action = 'invoice.credit' ORDER BY id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(actors.len(), 2);
    assert_eq!(actors[1], "cli", "the CLI is the actor");
}
