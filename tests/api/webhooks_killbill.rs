//! Kill Bill push notifications and reconciliation, full stack: the real
//! server and database, the Kill Bill emulator on a free port, the real sync.

use std::future::Future;
use std::time::{Duration, Instant};

use app::server::adapters::killbill::wire::{Amount, NewInvoicePayment};
use app::server::adapters::killbill::{HttpKillBillClient, KillBillClient, KillBillSettings, PaymentRecorded};
use app::server::jobs::SyncContext;
use app::server::jobs::killbill::reconcile;
use app::server::store::killbill_mirror;
use app::server::store::killbill_reconciliation::{self as reconciliation, DriftKind};
use app::server::webhooks::killbill::{MAX_BODY_BYTES, webhook_token, webhook_url};
use reqwest::StatusCode;
use sandbox::killbill::{self, KillBillConfig, NotifyConfig, RunningKillBill};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, spawn_app_with};

struct Kb {
    app: TestApp,
    kb: RunningKillBill,
    ctx: SyncContext,
    settings: KillBillSettings,
    client: HttpKillBillClient,
}

/// The demo data, the emulator (notifications without random duplicates) and a server configured for it.
async fn setup() -> Kb {
    let kb = killbill::spawn(KillBillConfig::ephemeral().with_tenant("marketplace", "s3cr3t")).await.unwrap();
    kb.set_notify(NotifyConfig { duplicate_rate: 0.0, ..NotifyConfig::default() });
    let log_dir = std::env::temp_dir().join(format!("kb-webhooks-{}", Uuid::new_v4()));
    let env = [
        ("KILLBILL_URL", kb.base_url()),
        ("KILLBILL_API_KEY", "marketplace".to_owned()),
        ("KILLBILL_API_SECRET", "s3cr3t".to_owned()),
        ("KILLBILL_TIMEOUT_MS", "3000".to_owned()),
        ("MARKETPLACE_LOG_DIR", log_dir.to_string_lossy().into_owned()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = spawn_app_with(true, &env).await;
    let settings = app.config.sync.killbill.clone().expect("Kill Bill is configured");
    let client = HttpKillBillClient::new(&settings).unwrap();
    let ctx = SyncContext::new(app.pool.clone(), app.config.sync.clone()).unwrap();
    Kb { app, kb, ctx, settings, client }
}

impl Kb {
    fn hook(&self, token: &str) -> String {
        format!("{}/api/webhooks/killbill/{token}", self.app.address)
    }

    async fn post(&self, token: &str, body: impl Into<reqwest::Body>) -> reqwest::Response {
        let request = self.app.client.post(self.hook(token)).header("Content-Type", "application/json; charset=UTF-8");
        request.body(body).send().await.expect("request failed")
    }

    async fn deliver(&self, event: &Value) -> reqwest::Response {
        self.post(&webhook_token(&self.settings), event.to_string()).await
    }

    async fn stored_events(&self) -> i64 {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM webhook_event WHERE source = 'killbill'")
            .fetch_one(&self.app.pool)
            .await
            .unwrap()
    }

    /// Mirrors, then waits for the reconciliation the mirror asks for (the
    /// server's scheduler runs it), so tests never race it.
    async fn sync(&self) {
        app::server::jobs::killbill::run(&self.ctx, "cli").await.expect("the sync succeeds");
        let pool = self.app.pool.clone();
        eventually("the mirror's follow-up reconciliation ran", || {
            let pool = pool.clone();
            async move {
                let open: i64 = sqlx::query_scalar(
                    "SELECT count(*) FROM sync_request WHERE job = 'killbill_reconciliation' AND status IN ('queued', 'running')",
                )
                .fetch_one(&pool)
                .await
                .unwrap();
                let latest = reconciliation::latest_report(&pool).await.unwrap();
                open == 0 && latest.is_some_and(|r| r.trigger == "follow_up")
            }
        })
        .await;
    }

    async fn external_id(&self, entity: &str, local_id: Uuid) -> Option<String> {
        sqlx::query_scalar::<_, String>(
            "SELECT external_id FROM external_ref WHERE platform = 'killbill' AND entity = $1 AND local_id = $2",
        )
        .bind(entity)
        .bind(local_id)
        .fetch_optional(&self.app.pool)
        .await
        .unwrap()
    }

    /// Kill Bill's account id of the tenant of an invoice.
    async fn account_of_invoice(&self, invoice_id: Uuid) -> Uuid {
        let tenant: Uuid = sqlx::query_scalar("SELECT tenant_id FROM invoice WHERE id = $1")
            .bind(invoice_id)
            .fetch_one(&self.app.pool)
            .await
            .unwrap();
        self.external_id("account", tenant).await.unwrap().parse().unwrap()
    }

    /// A payment of 1.00 recorded straight in Kill Bill (not by us) on a partly paid invoice.
    async fn pay_in_kill_bill_only(&self, invoice_id: Uuid) {
        let kb_invoice: Uuid = self.external_id("invoice", invoice_id).await.unwrap().parse().unwrap();
        let body = NewInvoicePayment {
            account_id: self.account_of_invoice(invoice_id).await,
            purchased_amount: Amount::from_minor(100, 2),
            payment_external_key: format!("outside-{}", Uuid::new_v4()),
        };
        let recorded = self.client.create_external_payment(kb_invoice, &body).await.unwrap();
        assert!(matches!(recorded, PaymentRecorded::Recorded(_)), "{recorded:?}");
    }

    async fn health(&self) -> Value {
        self.app.get_as_operator("/api/health").await.json().await.unwrap()
    }
}

/// An invoice with something left to pay and, with `unpaid`, no payment at all.
async fn open_invoice(pool: &sqlx::PgPool, unpaid: bool, not: &[Uuid]) -> Uuid {
    sqlx::query_scalar(
        "SELECT i.id FROM invoice i WHERE i.voided_at IS NULL AND NOT (i.id = ANY($2))
           AND i.total_minor - COALESCE((SELECT sum(p.amount_minor) FROM payment p WHERE p.invoice_id = i.id), 0) > 100
           AND ($1 = false OR NOT EXISTS (SELECT 1 FROM payment p WHERE p.invoice_id = i.id))
         ORDER BY i.number LIMIT 1",
    )
    .bind(unpaid)
    .bind(not)
    .fetch_one(pool)
    .await
    .expect("the demo data has open invoices")
}

/// Polls `check` until it holds (the processing runs in the background).
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(30);
    while !check().await {
        assert!(Instant::now() < deadline, "gave up waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn event(event_type: &str, account_id: Uuid, object_type: &str, object_id: Uuid) -> Value {
    json!({ "eventType": event_type, "accountId": account_id, "objectType": object_type,
            "objectId": object_id, "metaData": null })
}

#[tokio::test]
async fn a_wrong_token_is_a_404_and_stores_nothing() {
    let t = setup().await;
    let body = event("ACCOUNT_CREATION", Uuid::new_v4(), "ACCOUNT", Uuid::new_v4()).to_string();
    let token = webhook_token(&t.settings);
    for wrong in ["0".repeat(64), token[..63].to_owned(), format!("{token}a"), token.to_uppercase(), "x".into()] {
        let response = t.post(&wrong, body.clone()).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "token {wrong}");
    }
    assert_eq!(t.stored_events().await, 0);
    assert_eq!(t.post(&token, body).await.status(), StatusCode::OK);
    assert_eq!(t.stored_events().await, 1);
}

#[tokio::test]
async fn malformed_json_is_a_400_with_the_reason_and_stores_nothing() {
    let t = setup().await;
    let token = webhook_token(&t.settings);
    for (body, reason) in [
        ("{\"eventType\": \"INVOICE_CREATION\",", "not valid JSON"),
        ("[1, 2]", "JSON object"),
        ("{\"accountId\": null}", "eventType"),
        ("{\"eventType\": \"X\", \"accountId\": \"not-a-uuid\"}", "not a Kill Bill notification"),
    ] {
        let response = t.post(&token, body).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        let error: Value = response.json().await.unwrap();
        let message = error["error"]["message"].as_str().unwrap();
        assert!(message.contains(reason), "{message}");
    }
    assert_eq!(t.stored_events().await, 0);
}

#[tokio::test]
async fn an_oversize_body_is_a_413_and_stores_nothing() {
    let t = setup().await;
    let padding = "x".repeat(MAX_BODY_BYTES);
    let body = json!({ "eventType": "ACCOUNT_CHANGE", "accountId": null, "objectType": "ACCOUNT",
                       "objectId": null, "metaData": padding });
    assert_eq!(t.deliver(&body).await.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(t.stored_events().await, 0);
}

#[tokio::test]
async fn a_duplicate_delivery_is_stored_and_processed_once() {
    let t = setup().await;
    t.sync().await;
    let invoice = open_invoice(&t.app.pool, false, &[]).await;
    let account = t.account_of_invoice(invoice).await;
    let kb_invoice: Uuid = t.external_id("invoice", invoice).await.unwrap().parse().unwrap();
    t.kb.reset_stats();
    let body = event("INVOICE_CREATION", account, "INVOICE", kb_invoice);
    let (first, second) = tokio::join!(t.deliver(&body), t.deliver(&body));
    let mut answers: Vec<Value> = vec![first.json().await.unwrap(), second.json().await.unwrap()];
    answers.sort_by_key(|a| a["duplicate"].as_bool());
    assert_eq!(answers, vec![json!({"stored": true, "duplicate": false}), json!({"stored": false, "duplicate": true})]);
    let third: Value = t.deliver(&body).await.json().await.unwrap();
    assert_eq!(third["duplicate"], true);
    let pool = t.app.pool.clone();
    eventually("the event is processed", || {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, bool>("SELECT bool_and(processed_at IS NOT NULL) FROM webhook_event")
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    })
    .await;
    let (rows, attempts, outcome): (i64, i64, Option<String>) = sqlx::query_as(
        "SELECT count(*), sum(attempts)::bigint, max(outcome) FROM webhook_event WHERE source = 'killbill'",
    )
    .fetch_one(&t.app.pool)
    .await
    .unwrap();
    assert_eq!((rows, attempts), (1, 1), "stored once, processed once");
    let outcome = outcome.unwrap();
    assert!(outcome.contains(&format!("re-read account {account}")), "{outcome}");
    assert!(outcome.contains("0 missing, 0 amount mismatch, 0 status mismatch"), "{outcome}");
    let stats = t.kb.stats();
    assert!(stats.reads >= 3 && stats.writes == 0, "re-read without writing: {stats:?}");
}

#[tokio::test]
async fn kill_bill_events_are_re_read_and_change_local_state_when_kill_bill_warrants() {
    let t = setup().await;
    t.sync().await;
    assert_eq!(t.health().await["platforms"]["killbill"]["drift"]["missing"], 0);
    // A payment whose answer was lost: sent, but never mapped.
    let (payment, invoice): (Uuid, Uuid) =
        sqlx::query_as("SELECT id, invoice_id FROM payment ORDER BY received_at DESC, id LIMIT 1")
            .fetch_one(&t.app.pool)
            .await
            .unwrap();
    let kb_payment = t.external_id("payment", payment).await.unwrap();
    sqlx::query("DELETE FROM external_ref WHERE platform = 'killbill' AND entity = 'payment' AND local_id = $1")
        .bind(payment)
        .execute(&t.app.pool)
        .await
        .unwrap();
    killbill_mirror::save_pending(&t.app.pool, "payment", payment, "sent", None).await.unwrap();
    let account = t.account_of_invoice(invoice).await;
    let hint = event("PAYMENT_SUCCESS", account, "PAYMENT", kb_payment.parse().unwrap());
    assert_eq!(t.deliver(&hint).await.status(), StatusCode::OK);
    let pool = t.app.pool.clone();
    eventually("the lost payment is confirmed", || {
        let pool = pool.clone();
        async move { killbill_mirror::find_pending(&pool, "payment", payment).await.unwrap().is_none() }
    })
    .await;
    assert_eq!(t.external_id("payment", payment).await, Some(kb_payment), "mapped again after the re-read");

    // Kill Bill's own notifications: a payment made in Kill Bill only shows as drift.
    let url = webhook_url(&t.app.address, &t.settings);
    t.client.register_callback(&url).await.unwrap();
    let open = open_invoice(&t.app.pool, false, &[invoice]).await;
    t.pay_in_kill_bill_only(open).await;
    let pool = t.app.pool.clone();
    eventually("the drift is reported", || {
        let pool = pool.clone();
        async move { reconciliation::latest_drift_counts(&pool).await.unwrap().is_some_and(|(c, _)| c.missing == 1) }
    })
    .await;
    let report = reconciliation::latest_report(&t.app.pool).await.unwrap().unwrap();
    let drifting = &report.report.drifting;
    assert_eq!(drifting.len(), 1);
    assert_eq!(drifting[0].drift[0].kind, DriftKind::Missing);
    assert_eq!(drifting[0].drift[0].object, "payment");
    assert_eq!(drifting[0].killbill.paid - drifting[0].local.paid, 100);
    assert_eq!(t.health().await["platforms"]["killbill"]["drift"]["missing"], 1);
    // Each event's outcome is written once its processing ends, which may be
    // just after the reconciliation it refreshed was stored.
    let outcomes = async || -> Vec<String> {
        sqlx::query_scalar("SELECT outcome FROM webhook_event WHERE processed_at IS NOT NULL AND outcome IS NOT NULL")
            .fetch_all(&pool)
            .await
            .unwrap()
    };
    eventually("the callback change is recorded as an event without an account", || async {
        outcomes().await.iter().any(|o| o.starts_with("TENANT_CONFIG_CHANGE: no account"))
    })
    .await;
    let recorded = outcomes().await;
    assert!(recorded.iter().any(|o| o.contains("1 unconfirmed writes confirmed")), "{recorded:?}");
}

#[tokio::test]
async fn after_a_sync_the_totals_are_equal_and_nothing_drifts() {
    let t = setup().await;
    t.sync().await;
    let stored =
        reconciliation::latest_report(&t.app.pool).await.unwrap().expect("the sync asked for a reconciliation");
    assert_eq!((stored.status.as_str(), stored.trigger.as_str()), ("succeeded", "follow_up"));
    let runs: Vec<(String, String, String)> =
        sqlx::query_as("SELECT job, trigger, status FROM sync_run WHERE platform = 'killbill' ORDER BY id")
            .fetch_all(&t.app.pool)
            .await
            .unwrap();
    let expected = [("killbill", "cli", "succeeded"), ("killbill_reconciliation", "follow_up", "succeeded")];
    let expected: Vec<(String, String, String)> =
        expected.iter().map(|(j, t, s)| ((*j).to_owned(), (*t).to_owned(), (*s).to_owned())).collect();
    assert_eq!(runs, expected, "the mirror and the reconciliation are runs of their own");
    let report = &stored.report;
    assert_eq!(report.accounts, 50);
    assert_eq!(report.counts.total(), 0, "{report:#?}");
    assert!(report.drifting.is_empty());
    let eur = &report.totals[0];
    assert_eq!(eur.currency, "EUR");
    assert!(eur.local.invoiced > 0 && eur.local.paid > 0);
    assert_eq!(eur.local, eur.killbill);
    let health = t.health().await;
    assert_eq!(health["killbill_sync_ok"], true);
    let drift = &health["platforms"]["killbill"]["drift"];
    assert_eq!(
        (&drift["missing"], &drift["amount_mismatch"], &drift["status_mismatch"]),
        (&json!(0), &json!(0), &json!(0))
    );
    let (_, again) = reconcile::run(&t.ctx, "cli").await.unwrap();
    assert_eq!(again.counts.total(), 0);
    assert_eq!(again.totals, report.totals);
}

#[tokio::test]
async fn tampering_is_reported_as_the_right_kind_of_drift() {
    let t = setup().await;
    t.sync().await;
    let pool = &t.app.pool;
    let amount = open_invoice(pool, false, &[]).await;
    sqlx::query("UPDATE invoice SET total_minor = total_minor + 250 WHERE id = $1")
        .bind(amount)
        .execute(pool)
        .await
        .unwrap();
    let voided = open_invoice(pool, true, &[amount]).await;
    sqlx::query("UPDATE invoice SET voided_at = now() WHERE id = $1").bind(voided).execute(pool).await.unwrap();
    let paid_outside = open_invoice(pool, false, &[amount, voided]).await;
    t.pay_in_kill_bill_only(paid_outside).await;

    let (summary, report) = reconcile::run(&t.ctx, "cli").await.unwrap();
    let c = report.counts;
    let drifting = i32::try_from(report.drifting.len()).unwrap();
    assert_eq!((summary.records_in, summary.records_failed), (50, drifting), "the run counts drifting accounts");
    assert_eq!((c.missing, c.amount_mismatch, c.status_mismatch), (1, 1, 1), "{report:#?}");
    let items: Vec<_> = report.drifting.iter().flat_map(|a| a.drift.iter()).collect();
    let of = |kind| items.iter().find(|d| d.kind == kind).unwrap();
    assert_eq!(
        (of(DriftKind::AmountMismatch).object.as_str(), of(DriftKind::AmountMismatch).local_id),
        ("invoice", Some(amount))
    );
    assert_eq!(of(DriftKind::StatusMismatch).local_id, Some(voided));
    assert_eq!(of(DriftKind::StatusMismatch).killbill.as_deref(), Some("COMMITTED"));
    assert_eq!((of(DriftKind::Missing).object.as_str(), of(DriftKind::Missing).local_id), ("payment", None));
    let total = &report.totals[0];
    assert_ne!(total.local, total.killbill);
    assert_eq!(total.killbill.paid - total.local.paid, 100);
    let stored = reconciliation::latest_report(pool).await.unwrap().unwrap();
    assert_eq!(stored.report.counts, c);
    assert_eq!(stored.report.drifting.len(), report.drifting.len());
    let drift = &t.health().await["platforms"]["killbill"]["drift"];
    assert_eq!(
        (&drift["missing"], &drift["amount_mismatch"], &drift["status_mismatch"]),
        (&json!(1), &json!(1), &json!(1))
    );
    assert!(reconcile::render(&report).contains("1 missing, 1 amount mismatch, 1 status mismatch"));
}

#[tokio::test]
async fn with_kill_bill_down_the_run_fails_cleanly_and_loses_nothing() {
    let t = setup().await;
    t.sync().await;
    let count = |sql: &'static str| {
        let pool = t.app.pool.clone();
        async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(&pool).await.unwrap() }
    };
    let before = (count("SELECT count(*) FROM invoice").await, count("SELECT count(*) FROM payment").await);
    let refs = count("SELECT count(*) FROM external_ref").await;
    let Kb { app, kb, ctx, .. } = t;
    kb.shutdown().await;
    let err = app::server::jobs::killbill::run(&ctx, "cli").await.unwrap_err();
    assert!(format!("{err:#}").contains("Kill Bill did not answer"), "{err:#}");
    let health: Value = app.get("/api/health").await.json().await.unwrap();
    assert_eq!(health["killbill_sync_ok"], false);
    let failed = reconcile::run(&ctx, "cli").await.unwrap_err();
    assert!(format!("{failed:#}").contains("reconciliation failed"), "{failed:#}");
    let latest = reconciliation::latest_report(&app.pool).await.unwrap().unwrap();
    assert_eq!(latest.status, "failed");
    assert!(latest.error.as_deref().is_some_and(|e| e.contains("healthcheck")), "{:?}", latest.error);
    assert!(reconciliation::latest_drift_counts(&app.pool).await.unwrap().is_some(), "the last good counts stay");
    let pool = app.pool.clone();
    let after = (
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM invoice").fetch_one(&pool).await.unwrap(),
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM payment").fetch_one(&pool).await.unwrap(),
    );
    assert_eq!(after, before);
    let refs_after = sqlx::query_scalar::<_, i64>("SELECT count(*) FROM external_ref").fetch_one(&pool).await.unwrap();
    assert_eq!(refs_after, refs);
}
