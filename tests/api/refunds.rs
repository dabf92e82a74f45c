//! `POST /api/manage/payments/{id}/refunds`: a payment given back in part or
//! in full, with its reason; what is paid on the invoice drops and the
//! tenant sees it; more than is left, bad fields, other landlords and
//! tenants are refused; refunds at once never give back more than was paid;
//! a fully refunded invoice can then be voided.

use app::server::seed::demo_id;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, field_of, post_json as post, spawn_app};

/// A payment of `landlord`'s properties (or of someone else's with `mine =
/// false`): (payment, its invoice, the tenant's e-mail, its amount).
async fn a_payment(app: &TestApp, landlord: &str, mine: bool) -> (Uuid, Uuid, String, i64) {
    sqlx::query_as(
        "SELECT p.id, p.invoice_id, t.email, p.amount_minor
         FROM payment p JOIN invoice i ON i.id = p.invoice_id JOIN lease l ON l.id = i.lease_id
         JOIN unit u ON u.id = l.unit_id JOIN property pr ON pr.id = u.property_id JOIN app_user t ON t.id = p.tenant_id
         WHERE (pr.landlord_id = $1) = $2 AND p.amount_minor > 1000
           AND (SELECT count(*) FROM payment o WHERE o.invoice_id = i.id) = 1
         ORDER BY i.number LIMIT 1",
    )
    .bind(demo_id(landlord))
    .bind(mine)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_payment_is_refunded_in_parts_never_beyond_it_and_the_invoice_can_then_be_voided() {
    let app = spawn_app(true).await;
    let landlord = app.token_of("landlord1@marketplace.test").await;
    let other = app.token_of_seeded("landlord2@marketplace.test").await;
    let (payment, invoice, tenant_email, amount) = a_payment(&app, "landlord1@marketplace.test", true).await;
    let tenant = app.token_of(&tenant_email).await;
    let refunds = format!("/api/manage/payments/{payment}/refunds");
    let refund = |amount: i64| json!({ "amount_minor": amount, "reason": "paid twice by mistake" });

    // Refusals: who, and what.
    assert_eq!(post(&app, &other, &refunds, refund(100)).await.0, 404, "another landlord's payment");
    assert_eq!(post(&app, &tenant, &refunds, refund(100)).await.0, 403);
    let anonymous = app.client.post(format!("{}{refunds}", app.address)).json(&refund(100)).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let missing = format!("/api/manage/payments/{}/refunds", Uuid::new_v4());
    assert_eq!(post(&app, &landlord, &missing, refund(100)).await.0, 404);
    for (body, field) in [
        (refund(0), "amount_minor"),
        (json!({ "amount_minor": 100, "reason": "" }), "reason"),
        (json!({ "amount_minor": 100, "reason": "x", "refunded_on": "2099-01-01" }), "refunded_on"),
        (json!({ "amount_minor": 100, "reason": "x", "refunded_on": "1/12/2026" }), "refunded_on"),
        (json!({ "amount_minor": 100, "reason": "x", "refunded_on": "2000-01-01" }), "refunded_on"),
    ] {
        let (status, answer) = post(&app, &landlord, &refunds, body).await;
        assert_eq!((status, field_of(&answer)), (400, field), "{answer}");
    }
    assert_eq!(post(&app, &landlord, &refunds, json!({ "amount_minor": "ten" })).await.0, 400, "malformed");
    let (status, answer) = post(&app, &landlord, &refunds, refund(amount + 1)).await;
    assert_eq!((status, field_of(&answer)), (409, "amount_minor"), "{answer}");
    assert!(answer["error"]["message"].as_str().unwrap().contains("left to refund"), "{answer}");

    // 10.00 back, then the rest: the invoice is unpaid again, and the tenant sees it.
    let before: Value = app.get_as(&tenant, &format!("/api/invoices/{invoice}")).await.json().await.unwrap();
    let (status, first) = post(&app, &landlord, &refunds, refund(1000)).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!((&first["refunded_minor"], &first["invoice_id"]), (&json!(1000), &json!(invoice)));
    let after: Value = app.get_as(&tenant, &format!("/api/invoices/{invoice}")).await.json().await.unwrap();
    assert_eq!(after["paid_minor"].as_i64().unwrap(), before["paid_minor"].as_i64().unwrap() - 1000);
    let void = format!("/api/manage/invoices/{invoice}/void");
    let (status, answer) = post(&app, &landlord, &void, json!({ "reason": "wrong tenant" })).await;
    assert_eq!(status, 409, "still partly paid: {answer}");
    let (status, rest) = post(&app, &landlord, &refunds, refund(amount - 1000)).await;
    assert_eq!((status, &rest["refunded_minor"]), (201, &json!(amount)), "{rest}");
    assert_eq!(post(&app, &landlord, &refunds, refund(1)).await.0, 409, "nothing left to refund");
    let browser = crate::scoping::browser_session(&app, &tenant_email).await;
    let page = browser.get(format!("{}/account", app.address)).send().await.unwrap().text().await.unwrap();
    let currency: String = sqlx::query_scalar("SELECT currency FROM payment WHERE id = $1")
        .bind(payment)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let whole = app::domain::Money::from_parts(amount, &currency).unwrap();
    assert!(page.contains(&format!("{whole} refunded")), "the tenant sees the refund on /account");
    let (status, answer) = post(&app, &landlord, &void, json!({ "reason": "wrong tenant" })).await;
    assert_eq!(status, 200, "fully refunded, so it can be voided: {answer}");

    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action IN ('payment.refund', 'invoice.void') ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(actions, ["payment.refund", "payment.refund", "invoice.void"], "refusals write nothing");
}

#[tokio::test]
async fn refunds_at_once_never_give_back_more_than_was_paid() {
    let app = spawn_app(true).await;
    let admin = app.token_of("admin@marketplace.test").await;
    let (payment, _, _, amount) = a_payment(&app, "landlord1@marketplace.test", true).await;
    let share = amount / 4 + 1;
    let mut attempts = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let request = app
            .client
            .post(format!("{}/api/manage/payments/{payment}/refunds", app.address))
            .bearer_auth(&admin)
            .json(&json!({ "amount_minor": share, "reason": "race" }));
        attempts.spawn(async move { request.send().await.unwrap().status().as_u16() });
    }
    let statuses = attempts.join_all().await;
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 3, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 201 || *s == 409), "{statuses:?}");
    let (refunded, rows): (i64, i64) = sqlx::query_as(
        "SELECT p.refunded_minor, (SELECT COALESCE(sum(f.amount_minor), 0)::bigint FROM payment_refund f
                                   WHERE f.payment_id = p.id) FROM payment p WHERE p.id = $1",
    )
    .bind(payment)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((refunded, rows), (3 * share, 3 * share), "the payment's total is its refunds' sum");
}

#[tokio::test]
async fn the_command_line_refunds_and_voids_through_the_same_checks() {
    let app = spawn_app(true).await;
    let (payment, invoice, _, amount) = a_payment(&app, "landlord1@marketplace.test", true).await;
    let (reference, number): (String, String) = sqlx::query_as(
        "SELECT p.reference, i.number FROM payment p JOIN invoice i ON i.id = p.invoice_id WHERE p.id = $1",
    )
    .bind(payment)
    .fetch_one(&app.pool)
    .await
    .unwrap();
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
    let (code, _, err) = cli(&["ledger", "void", "--invoice", &number, "--reason", "wrong tenant"]);
    assert_eq!(code, Some(1), "a paid invoice is not voided: {err}");
    assert!(err.contains("refund the payments first"), "{err}");
    let too_much = (amount + 1).to_string();
    let (code, _, err) =
        cli(&["ledger", "refund", "--payment", &reference, "--amount-minor", &too_much, "--reason", "x"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("left to refund"), "{err}");
    let (code, _, err) =
        cli(&["ledger", "refund", "--payment", "NO-SUCH-REF", "--amount-minor", "100", "--reason", "x"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("no payment has the reference NO-SUCH-REF"), "{err}");
    let all = amount.to_string();
    let (code, out, err) =
        cli(&["ledger", "refund", "--payment", &reference, "--amount-minor", &all, "--reason", "paid twice"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.starts_with("refunded "), "{out}");
    let (code, out, err) = cli(&["ledger", "void", "--invoice", &number, "--reason", "wrong tenant"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains(&format!("invoice {number} is void")), "{out}");
    let (voided, actors): (bool, Vec<String>) = (
        sqlx::query_scalar("SELECT voided_at IS NOT NULL FROM invoice WHERE id = $1")
            .bind(invoice)
            .fetch_one(&app.pool)
            .await
            .unwrap(),
        sqlx::query_scalar(
            "SELECT actor FROM audit_log WHERE action IN ('payment.refund', 'invoice.void') ORDER BY id",
        )
        .fetch_all(&app.pool)
        .await
        .unwrap(),
    );
    assert!(voided);
    assert_eq!(actors, ["cli", "cli"], "refusals write nothing; the CLI is the actor");
}
