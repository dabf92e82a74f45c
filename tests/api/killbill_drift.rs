//! Kill Bill drift, full stack: the real server and database and the Kill
//! Bill emulator. An invoice adjusted in Kill Bill (as in Kaui) and pushed
//! shows in `GET /api/manage/killbill/drift` and on the panel; the two ways
//! out are for admins only, answer a double click once, refuse stale figures,
//! and the panel's forms work without JavaScript.

use std::time::{Duration, Instant};

use app::server::adapters::killbill::wire::minor_units;
use app::server::adapters::killbill::{HttpKillBillClient, KillBillClient};
use app::server::jobs::SyncContext;
use app::server::webhooks::killbill::webhook_token;
use sandbox::killbill::{self, KillBillConfig, RunningKillBill};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, post_json, spawn_app_with};
use crate::scoping::browser_session;

struct Kb {
    app: TestApp,
    kb: RunningKillBill,
    client: HttpKillBillClient,
    token: String,
}

async fn setup() -> Kb {
    let kb = killbill::spawn(KillBillConfig::ephemeral().with_tenant("marketplace", "s3cr3t")).await.unwrap();
    let log_dir = std::env::temp_dir().join(format!("kb-drift-{}", Uuid::new_v4()));
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
    app::server::jobs::killbill::run(&ctx, "cli").await.expect("the mirror runs");
    // The reconciliation the mirror asks for runs before anything drifts.
    eventually("the mirror's follow-up reconciliation ran", || async {
        let open: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM sync_request WHERE job = 'killbill_reconciliation' AND status IN ('queued', 'running')",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        let done: i64 = sqlx::query_scalar("SELECT count(*) FROM killbill_reconciliation").fetch_one(&app.pool).await.unwrap();
        open == 0 && done > 0
    })
    .await;
    let token = app.token_of("admin@marketplace.test").await;
    Kb { app, kb, client, token }
}

/// Polls `check` until it holds (the server works in the background).
async fn eventually<Fut: Future<Output = bool>>(what: &str, mut check: impl FnMut() -> Fut) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !check().await {
        assert!(Instant::now() < deadline, "gave up waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

impl Kb {
    async fn kb_ref(&self, entity: &str, local_id: Uuid) -> Uuid {
        let id: String = sqlx::query_scalar(
            "SELECT external_id FROM external_ref WHERE platform = 'killbill' AND entity = $1 AND local_id = $2",
        )
        .bind(entity)
        .bind(local_id)
        .fetch_one(&self.app.pool)
        .await
        .unwrap();
        id.parse().unwrap()
    }

    /// `n` invoices with nothing paid or credited on them.
    async fn unpaid(&self, n: i64) -> Vec<(Uuid, Uuid)> {
        sqlx::query_as(
            "SELECT i.id, i.tenant_id FROM invoice i WHERE i.voided_at IS NULL AND i.credited_minor = 0
               AND NOT EXISTS (SELECT 1 FROM payment p WHERE p.invoice_id = i.id) ORDER BY i.number LIMIT $1",
        )
        .bind(n)
        .fetch_all(&self.app.pool)
        .await
        .unwrap()
    }

    /// Takes `minor` off the first line of the invoice's copy in Kill Bill, as
    /// Kaui does, then Kill Bill's push arrives at our webhook.
    async fn adjusted_in_kaui(&self, (invoice, tenant): (Uuid, Uuid), minor: i64) {
        let (account, copy) = (self.kb_ref("account", tenant).await, self.kb_ref("invoice", invoice).await);
        let item = self.client.invoice(copy).await.unwrap().unwrap().item_of_line(invoice, 1).unwrap();
        let body = json!({ "accountId": account, "invoiceItemId": item, "currency": "EUR",
                           "amount": format!("{}.{:02}", minor / 100, minor % 100) });
        let adjusted = reqwest::Client::new()
            .post(format!("{}/1.0/kb/invoices/{copy}", self.kb.base_url()))
            .basic_auth("admin", Some("password"))
            .header("X-Killbill-ApiKey", "marketplace")
            .header("X-Killbill-ApiSecret", "s3cr3t")
            .header("X-Killbill-CreatedBy", "kaui")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(adjusted.status(), 201);
        let push = json!({ "eventType": "INVOICE_ADJUSTMENT", "accountId": account, "objectType": "INVOICE",
                           "objectId": copy, "metaData": null });
        let hook = format!("{}/api/webhooks/killbill/{}", self.app.address, self.token_of_hook());
        assert_eq!(self.app.client.post(hook).json(&push).send().await.unwrap().status(), 200);
    }

    fn token_of_hook(&self) -> String {
        webhook_token(self.app.config.sync.killbill.as_ref().unwrap())
    }

    async fn drift(&self) -> Vec<Value> {
        let list: Value = self.app.get_as(&self.token, "/api/manage/killbill/drift").await.json().await.unwrap();
        list.as_array().unwrap().clone()
    }

    /// The drift of an invoice, once the push was processed.
    async fn drift_of(&self, invoice: Uuid) -> Value {
        eventually("the push recorded the drift", || async {
            self.drift().await.iter().any(|d| d["invoice_id"] == json!(invoice))
        })
        .await;
        self.drift().await.into_iter().find(|d| d["invoice_id"] == json!(invoice)).unwrap()
    }

    async fn notes_on(&self, invoice: Uuid) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM credit_note WHERE invoice_id = $1")
            .bind(invoice)
            .fetch_one(&self.app.pool)
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn drift_is_for_admins_only() {
    let t = setup().await;
    let landlord = t.app.token_of("landlord1@marketplace.test").await;
    let tenant = t.app.token_of("tenant1@marketplace.test").await;
    let invoice = t.unpaid(1).await[0].0;
    let list = "/api/manage/killbill/drift";
    assert_eq!(t.app.get(list).await.status(), 401);
    for who in [&landlord, &tenant] {
        assert_eq!(t.app.get_as(who, list).await.status(), 403);
    }
    for action in ["accept", "reassert"] {
        let path = format!("{list}/{invoice}/{action}");
        assert_eq!(t.app.client.post(format!("{}{path}", t.app.address)).send().await.unwrap().status(), 401);
        for who in [&landlord, &tenant] {
            assert_eq!(post_json(&t.app, who, &path, json!({})).await.0, 403, "{action}");
        }
        let (status, body) = post_json(&t.app, &t.token, &path, json!({ "local_minor": "ten" })).await;
        assert_eq!((status, body["error"]["code"].as_str()), (400, Some("validation")), "{body}");
        let (status, body) =
            post_json(&t.app, &t.token, &format!("{list}/{}/{action}", Uuid::new_v4()), json!(null)).await;
        assert_eq!(status, 404, "{body}");
        let (status, body) = post_json(&t.app, &t.token, &path, json!(null)).await;
        assert_eq!((status, body["error"]["code"].as_str()), (409, Some("conflict")), "no drift: {body}");
    }
    let form = t
        .app
        .client
        .post(format!("{}/api/admin/killbill-drift/accept", t.app.address))
        .bearer_auth(&landlord)
        .form(&[("invoice_id", invoice.to_string()), ("local_minor", "1".into()), ("killbill_minor", "0".into())])
        .send()
        .await
        .unwrap();
    assert!(form.text().await.unwrap().contains("Forbidden"), "the panel's server function too");
}

#[tokio::test]
async fn an_admin_accepts_kill_bills_figure_once_however_often_the_button_is_pressed() {
    let t = setup().await;
    let invoices = t.unpaid(2).await;
    let (invoice, _) = invoices[0];
    t.adjusted_in_kaui(invoices[0], 1_234).await;
    let drift = t.drift_of(invoice).await;
    let (ours, theirs) = (drift["local_minor"].as_i64().unwrap(), drift["killbill_minor"].as_i64().unwrap());
    assert_eq!((theirs, drift["difference_minor"].as_i64()), (ours - 1_234, Some(-1_234)), "{drift}");
    assert_eq!((drift["accept"]["offered"].as_bool(), drift["found_by"].as_str()), (Some(true), Some("notification")));

    let path = format!("/api/manage/killbill/drift/{invoice}/accept");
    let stale = json!({ "local_minor": ours, "killbill_minor": theirs + 1 });
    let (status, body) = post_json(&t.app, &t.token, &path, stale).await;
    assert_eq!(status, 409, "figures that are not the recorded ones: {body}");
    assert_eq!(t.notes_on(invoice).await, 0);

    let seen = json!({ "local_minor": ours, "killbill_minor": theirs });
    let (a, b) =
        tokio::join!(post_json(&t.app, &t.token, &path, seen.clone()), post_json(&t.app, &t.token, &path, seen));
    assert_eq!((a.0, b.0), (200, 200), "{} {}", a.1, b.1);
    let repeated = [&a.1, &b.1].map(|r| r["repeated"].as_bool().unwrap());
    assert_eq!(repeated.iter().filter(|r| !**r).count(), 1, "done once, answered twice: {repeated:?}");
    assert_eq!((a.1["id"].clone(), a.1["credit_note"].clone()), (b.1["id"].clone(), b.1["credit_note"].clone()));
    assert_eq!(a.1["credit_note"]["amount_minor"].as_i64(), Some(1_234));
    assert_eq!(a.1["after"], json!({ "local_minor": theirs, "killbill_minor": theirs }));
    assert_eq!(t.notes_on(invoice).await, 1);
    assert!(t.drift().await.iter().all(|d| d["invoice_id"] != json!(invoice)), "no longer drifting");

    let audit: Value = t
        .app
        .get_as(&t.token, &format!("/api/manage/audit?entity=invoice&entity_id={invoice}"))
        .await
        .json()
        .await
        .unwrap();
    let entry = audit.as_array().unwrap().iter().find(|e| e["action"] == "killbill.drift.accept").expect("audited");
    assert_eq!(
        (entry["before"]["killbill_minor"].as_i64(), entry["after"]["ours_minor"].as_i64()),
        (Some(theirs), Some(theirs))
    );
    assert!(entry["actor"].as_str().unwrap().starts_with("admin "), "{entry}");
}

#[tokio::test]
async fn the_panel_shows_each_drifting_invoice_with_forms_that_work_without_javascript() {
    let t = setup().await;
    let (invoice, tenant) = t.unpaid(1).await[0];
    let old_copy = t.kb_ref("invoice", invoice).await;
    t.adjusted_in_kaui((invoice, tenant), 5_000).await;
    let drift = t.drift_of(invoice).await;
    let admin = browser_session(&t.app, "admin@marketplace.test").await;
    let panel = format!("{}/admin/system-status", t.app.address);
    let page = admin.get(&panel).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Invoices Kill Bill changed"), "the drift section");
    assert!(page.contains(&format!("data-invoice=\"{invoice}\"")), "the drifting invoice");
    assert!(page.contains("difference -€50.00"), "the exact difference");
    assert!(page.contains("admin/killbill-drift/reassert") && page.contains("admin/killbill-drift/accept"));

    // Without JavaScript the re-assert form posts and the browser comes back to the panel.
    let form = admin
        .post(format!("{}/api/admin/killbill-drift/reassert", t.app.address))
        .header("Origin", &t.app.address)
        .header("Referer", &panel)
        .header("Accept", "text/html")
        .form(&[
            ("invoice_id", invoice.to_string()),
            ("local_minor", drift["local_minor"].to_string()),
            ("killbill_minor", drift["killbill_minor"].to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert!(form.status().is_redirection(), "{}", form.status());
    assert!(form.headers()["location"].to_str().unwrap().starts_with(&panel));
    let new_copy = t.kb_ref("invoice", invoice).await;
    assert_ne!(new_copy, old_copy, "re-issued in Kill Bill");
    let copy = t.client.invoice(new_copy).await.unwrap().unwrap();
    let amount = copy.amount.as_ref().and_then(|a| minor_units(a, 2));
    assert_eq!(amount, drift["local_minor"].as_i64(), "ours again");
    let page = admin.get(&panel).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains(&format!("data-invoice=\"{invoice}\"")), "resolved");
}
