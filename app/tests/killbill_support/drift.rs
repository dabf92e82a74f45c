//! What the drift tests share: an adjustment made in Kill Bill itself (as
//! Kaui makes it: no marker of ours), the push that reports it, the figures
//! on both sides, and the recorded drift.

use app::domain::Role;
use app::server::adapters::killbill::KillBillClient;
use app::server::adapters::killbill::wire::minor_units;
use app::server::auth::AuthUser;
use app::server::jobs::killbill::{RetryPolicy, reconcile};
use app::server::store::killbill_reconciliation::Report;
use app::server::store::killbill_reconciliation::invoice_drift::{self, InvoiceDriftRow};
use app::server::webhooks::killbill::process_event;
use sqlx::PgPool;
use uuid::Uuid;

use super::{API_KEY, API_SECRET, Harness};

pub async fn admin(pool: &PgPool) -> AuthUser {
    let id: Uuid =
        sqlx::query_scalar("SELECT id FROM app_user WHERE role = 'admin' LIMIT 1").fetch_one(pool).await.unwrap();
    AuthUser { user_id: id, role: Role::Admin, tenant_id: None }
}

/// The `skip`-th invoice with nothing paid or credited on it.
pub async fn unpaid_invoice(pool: &PgPool, skip: i64) -> Uuid {
    sqlx::query_scalar(
        "SELECT i.id FROM invoice i WHERE i.voided_at IS NULL AND i.credited_minor = 0
           AND NOT EXISTS (SELECT 1 FROM payment p WHERE p.invoice_id = i.id)
         ORDER BY i.number OFFSET $1 LIMIT 1",
    )
    .bind(skip)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// Kill Bill's ids of the account and of the invoice mirroring our `invoice`.
pub async fn kb_ids(pool: &PgPool, invoice: Uuid) -> (Uuid, Uuid) {
    let (account, kb_invoice): (String, String) = sqlx::query_as(
        "SELECT a.external_id, r.external_id FROM invoice i
         JOIN external_ref a ON a.platform = 'killbill' AND a.entity = 'account' AND a.local_id = i.tenant_id
         JOIN external_ref r ON r.platform = 'killbill' AND r.entity = 'invoice' AND r.local_id = i.id
         WHERE i.id = $1",
    )
    .bind(invoice)
    .fetch_one(pool)
    .await
    .unwrap();
    (account.parse().unwrap(), kb_invoice.parse().unwrap())
}

/// Our figure of an invoice: its total net of credit notes.
pub async fn ours(pool: &PgPool, invoice: Uuid) -> i64 {
    sqlx::query_scalar("SELECT total_minor - credited_minor FROM invoice WHERE id = $1")
        .bind(invoice)
        .fetch_one(pool)
        .await
        .unwrap()
}

pub async fn drift_of(pool: &PgPool, invoice: Uuid) -> Option<InvoiceDriftRow> {
    invoice_drift::find(pool, invoice).await.unwrap()
}

impl Harness {
    /// Takes `amount_minor` off line `line` of our invoice's copy in Kill
    /// Bill, as an operator does in Kaui: a plain item adjustment, no marker.
    pub async fn kaui_adjust(&self, invoice: Uuid, line: i32, amount_minor: i64) {
        let (account, kb_invoice) = kb_ids(&self.ctx.pool, invoice).await;
        let copy = self.client.invoice(kb_invoice).await.unwrap().unwrap();
        let item = copy.item_of_line(invoice, line).expect("the line is in Kill Bill");
        let body = serde_json::json!({
            "accountId": account, "invoiceItemId": item, "currency": "EUR",
            "amount": format!("{}.{:02}", amount_minor / 100, amount_minor % 100),
            "description": "Goodwill gesture agreed on the phone",
        });
        let response = reqwest::Client::new()
            .post(format!("{}/1.0/kb/invoices/{kb_invoice}", self.kb.base_url()))
            .basic_auth("admin", Some("password"))
            .header("X-Killbill-ApiKey", API_KEY)
            .header("X-Killbill-ApiSecret", API_SECRET)
            .header("X-Killbill-CreatedBy", "kaui-operator")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 201, "{}", response.text().await.unwrap());
    }

    /// Kill Bill's figure (amount) and balance of the copy of our invoice, and its status.
    pub async fn kb_figures(&self, invoice: Uuid) -> (i64, i64, String) {
        let (_, kb_invoice) = kb_ids(&self.ctx.pool, invoice).await;
        let copy = self.client.invoice(kb_invoice).await.unwrap().unwrap();
        let read = |v: &Option<serde_json::Value>| minor_units(v.as_ref().unwrap(), 2).unwrap();
        (read(&copy.amount), read(&copy.balance), copy.status.unwrap_or_default())
    }

    /// Processes an `INVOICE_ADJUSTMENT` push about our invoice's copy, as
    /// the webhook job does.
    pub async fn pushed_about(&self, invoice: Uuid) -> String {
        let (account, kb_invoice) = kb_ids(&self.ctx.pool, invoice).await;
        let payload = serde_json::json!({
            "eventType": "INVOICE_ADJUSTMENT", "accountId": account, "objectType": "INVOICE",
            "objectId": kb_invoice, "metaData": null,
        });
        let retry = RetryPolicy { attempts: 3, ..RetryPolicy::default() };
        process_event(&self.ctx, &self.client, retry, &payload).await.unwrap()
    }

    /// A whole reconciliation, stored.
    pub async fn reconciled(&self) -> Report {
        let retry = RetryPolicy { attempts: 3, ..RetryPolicy::default() };
        reconcile::run_with(&self.ctx, &self.client, "cli", 4, retry).await.unwrap().1
    }

    /// Kill Bill's account of a tenant holds our invoiced total and balance.
    pub async fn assert_account_agrees(&self, tenant: Uuid) {
        let summary = self.kb.summary();
        let acct = &summary.tenants[API_KEY].accounts[&tenant.to_string()];
        let totals = super::tenant_totals(&self.ctx.pool).await.unwrap();
        let t = totals.iter().find(|t| t.tenant_id == tenant).unwrap();
        assert_eq!(acct.invoiced_minor, t.invoiced_minor, "invoiced");
        assert_eq!(acct.balance_minor, t.invoiced_minor - t.paid_minor, "balance");
    }
}

/// A credit note of `amount_minor` on our invoice that Kill Bill refused and
/// an admin skipped for good: Kill Bill's copy stays higher than ours.
pub async fn skipped_credit_note(pool: &PgPool, invoice: Uuid, amount_minor: i64) -> Uuid {
    use app::model::payment::CreditNoteRequest;
    use app::server::store::killbill_quarantine::{self as quarantine, Refusal};
    let request = CreditNoteRequest { amount_minor, reason: "service charge waived".into() };
    let actor = app::server::audit::Actor::cli();
    let note = app::server::credit_note::issue_by(pool, None, &actor, invoice, &request).await.unwrap();
    let tenant: Uuid =
        sqlx::query_scalar("SELECT tenant_id FROM invoice WHERE id = $1").bind(invoice).fetch_one(pool).await.unwrap();
    let refusal = Refusal {
        entity: "credit_note",
        local_id: note.id,
        tenant_id: tenant,
        label: "credit note",
        http_status: Some(400),
        code: Some(4020),
        message: "refused",
    };
    quarantine::hold(pool, &refusal).await.unwrap();
    let id: i64 =
        sqlx::query_scalar("SELECT id FROM killbill_quarantine WHERE entity = 'credit_note' AND local_id = $1")
            .bind(note.id)
            .fetch_one(pool)
            .await
            .unwrap();
    quarantine::set_state(pool, id, "skipped").await.unwrap();
    note.id
}
