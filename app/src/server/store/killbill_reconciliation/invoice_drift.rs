//! `killbill_invoice_drift`: the drift of each of our invoices from its Kill
//! Bill copy, one row per drifting invoice with both figures and the exact
//! difference. A whole reconciliation replaces every row; the re-read after a
//! push notification (or an admin's action) replaces one tenant's. A row
//! keeps when it was first seen with its figures, and by whom.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use super::{AccountReport, DriftKind};

/// Who found a drift.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FoundBy {
    /// A whole reconciliation.
    Reconciliation,
    /// The re-read of an account after a push notification or an admin's action.
    Notification,
}

impl FoundBy {
    fn as_str(self) -> &'static str {
        match self {
            FoundBy::Reconciliation => "reconciliation",
            FoundBy::Notification => "notification",
        }
    }
}

/// One drifting invoice as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceDriftRow {
    pub invoice_id: Uuid,
    pub tenant_id: Uuid,
    pub killbill_invoice_id: Option<String>,
    pub kind: String,
    pub currency: String,
    pub local_minor: Option<i64>,
    pub killbill_minor: Option<i64>,
    pub difference_minor: Option<i64>,
    pub local_status: Option<String>,
    pub killbill_status: Option<String>,
    pub detail: String,
    pub found_by: String,
    pub first_seen_at: DateTime<Utc>,
    pub checked_at: DateTime<Utc>,
}

/// The rows of the invoices of some accounts, column by column.
#[derive(Debug, Default)]
struct Columns {
    invoice_id: Vec<Uuid>,
    tenant_id: Vec<Uuid>,
    killbill_invoice_id: Vec<Option<String>>,
    kind: Vec<String>,
    currency: Vec<String>,
    local_minor: Vec<Option<i64>>,
    killbill_minor: Vec<Option<i64>>,
    difference_minor: Vec<Option<i64>>,
    local_status: Vec<Option<String>>,
    killbill_status: Vec<Option<String>>,
    detail: Vec<String>,
}

impl Columns {
    /// Every drift item of these accounts that is about one of our invoices.
    fn of<'a>(accounts: impl IntoIterator<Item = &'a AccountReport>) -> Self {
        let mut c = Columns::default();
        for account in accounts {
            for d in account.drift.iter().filter(|d| d.object == "invoice") {
                let Some(invoice_id) = d.local_id else { continue };
                if c.invoice_id.contains(&invoice_id) {
                    continue;
                }
                let status = d.kind == DriftKind::StatusMismatch;
                c.invoice_id.push(invoice_id);
                c.tenant_id.push(account.tenant_id);
                c.killbill_invoice_id.push(d.killbill_id.clone());
                c.kind.push(kind_name(d.kind).to_owned());
                c.currency.push(account.currency.clone());
                c.local_minor.push(d.amounts.map(|a| a.local_minor));
                c.killbill_minor.push(d.amounts.map(|a| a.killbill_minor));
                c.difference_minor.push(d.amounts.map(|a| a.difference_minor));
                c.local_status.push(d.local.clone().filter(|_| status));
                c.killbill_status.push(d.killbill.clone().filter(|_| status));
                c.detail.push(d.detail.clone());
            }
        }
        c
    }
}

fn kind_name(kind: DriftKind) -> &'static str {
    match kind {
        DriftKind::Missing => "missing",
        DriftKind::AmountMismatch => "amount_mismatch",
        DriftKind::StatusMismatch => "status_mismatch",
    }
}

/// Replaces every row with the drifting invoices of a whole reconciliation.
pub async fn replace_all(conn: &mut PgConnection, accounts: &[AccountReport], by: FoundBy) -> Result<(), sqlx::Error> {
    let c = Columns::of(accounts);
    sqlx::query!("DELETE FROM killbill_invoice_drift WHERE NOT (invoice_id = ANY($1))", &c.invoice_id)
        .execute(&mut *conn)
        .await?;
    upsert(conn, &c, by).await
}

/// Replaces the rows of one tenant with its drifting invoices as just compared.
pub async fn replace_of_tenant(
    conn: &mut PgConnection,
    account: &AccountReport,
    by: FoundBy,
) -> Result<(), sqlx::Error> {
    let c = Columns::of([account]);
    sqlx::query!(
        "DELETE FROM killbill_invoice_drift WHERE tenant_id = $1 AND NOT (invoice_id = ANY($2))",
        account.tenant_id,
        &c.invoice_id
    )
    .execute(&mut *conn)
    .await?;
    upsert(conn, &c, by).await
}

/// Inserts or refreshes rows; a row whose kind and figures did not change
/// keeps when and by whom it was first found.
async fn upsert(conn: &mut PgConnection, c: &Columns, by: FoundBy) -> Result<(), sqlx::Error> {
    if c.invoice_id.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        "INSERT INTO killbill_invoice_drift AS d (invoice_id, tenant_id, killbill_invoice_id, kind, currency,
             local_minor, killbill_minor, difference_minor, local_status, killbill_status, detail, found_by)
         SELECT t.*, $12::text FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::bigint[],
                                     $7::bigint[], $8::bigint[], $9::text[], $10::text[], $11::text[]) AS t
         ON CONFLICT (invoice_id) DO UPDATE SET
             first_seen_at = CASE WHEN d.kind = EXCLUDED.kind
                                   AND d.local_minor IS NOT DISTINCT FROM EXCLUDED.local_minor
                                   AND d.killbill_minor IS NOT DISTINCT FROM EXCLUDED.killbill_minor
                                   AND d.killbill_status IS NOT DISTINCT FROM EXCLUDED.killbill_status
                              THEN d.first_seen_at ELSE now() END,
             found_by = CASE WHEN d.kind = EXCLUDED.kind
                              AND d.local_minor IS NOT DISTINCT FROM EXCLUDED.local_minor
                              AND d.killbill_minor IS NOT DISTINCT FROM EXCLUDED.killbill_minor
                              AND d.killbill_status IS NOT DISTINCT FROM EXCLUDED.killbill_status
                         THEN d.found_by ELSE EXCLUDED.found_by END,
             tenant_id = EXCLUDED.tenant_id, killbill_invoice_id = EXCLUDED.killbill_invoice_id,
             kind = EXCLUDED.kind, currency = EXCLUDED.currency, local_minor = EXCLUDED.local_minor,
             killbill_minor = EXCLUDED.killbill_minor, difference_minor = EXCLUDED.difference_minor,
             local_status = EXCLUDED.local_status, killbill_status = EXCLUDED.killbill_status,
             detail = EXCLUDED.detail, checked_at = now()",
        &c.invoice_id,
        &c.tenant_id,
        &c.killbill_invoice_id as &[Option<String>],
        &c.kind,
        &c.currency,
        &c.local_minor as &[Option<i64>],
        &c.killbill_minor as &[Option<i64>],
        &c.difference_minor as &[Option<i64>],
        &c.local_status as &[Option<String>],
        &c.killbill_status as &[Option<String>],
        &c.detail,
        by.as_str()
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The recorded drift of one invoice, if it drifts.
pub async fn find(db: impl PgExecutor<'_>, invoice_id: Uuid) -> Result<Option<InvoiceDriftRow>, sqlx::Error> {
    sqlx::query_as!(
        InvoiceDriftRow,
        r#"SELECT invoice_id, tenant_id, killbill_invoice_id, kind, currency AS "currency!", local_minor,
                  killbill_minor, difference_minor, local_status, killbill_status, detail, found_by,
                  first_seen_at, checked_at
           FROM killbill_invoice_drift WHERE invoice_id = $1"#,
        invoice_id
    )
    .fetch_optional(db)
    .await
}

/// A drifting invoice with what the panel shows beside it.
#[derive(Debug, Clone)]
pub struct ListedDrift {
    pub row: InvoiceDriftRow,
    pub invoice_number: String,
    pub tenant_name: String,
    /// The numbers of its credit notes that are not in Kill Bill yet (nor skipped).
    pub unsent_notes: Vec<String>,
    /// The stage of a re-assert under way, if one is.
    pub open_stage: Option<String>,
}

/// Every drifting invoice, oldest drift first (at most `limit`).
pub async fn list(db: impl PgExecutor<'_>, limit: i64) -> Result<Vec<ListedDrift>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT d.invoice_id, d.tenant_id, d.killbill_invoice_id, d.kind, d.currency AS "currency!",
                  d.local_minor, d.killbill_minor, d.difference_minor, d.local_status, d.killbill_status, d.detail,
                  d.found_by, d.first_seen_at, d.checked_at, i.number AS invoice_number,
                  u.display_name AS tenant_name,
                  ARRAY(SELECT c.number FROM credit_note c WHERE c.invoice_id = d.invoice_id
                        AND c.id NOT IN (SELECT r.local_id FROM external_ref r
                                         WHERE r.platform = 'killbill' AND r.entity = 'credit_note')
                        AND c.id NOT IN (SELECT q.local_id FROM killbill_quarantine q
                                         WHERE q.entity = 'credit_note' AND q.state = 'skipped')
                        ORDER BY c.number) AS "unsent_notes!",
                  (SELECT s.stage FROM killbill_drift_resolution s
                   WHERE s.invoice_id = d.invoice_id AND s.state = 'sending') AS open_stage
           FROM killbill_invoice_drift d JOIN invoice i ON i.id = d.invoice_id JOIN app_user u ON u.id = d.tenant_id
           ORDER BY d.first_seen_at, i.number LIMIT $1"#,
        limit
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ListedDrift {
            row: InvoiceDriftRow {
                invoice_id: r.invoice_id,
                tenant_id: r.tenant_id,
                killbill_invoice_id: r.killbill_invoice_id,
                kind: r.kind,
                currency: r.currency,
                local_minor: r.local_minor,
                killbill_minor: r.killbill_minor,
                difference_minor: r.difference_minor,
                local_status: r.local_status,
                killbill_status: r.killbill_status,
                detail: r.detail,
                found_by: r.found_by,
                first_seen_at: r.first_seen_at,
                checked_at: r.checked_at,
            },
            invoice_number: r.invoice_number,
            tenant_name: r.tenant_name,
            unsent_notes: r.unsent_notes,
            open_stage: r.open_stage,
        })
        .collect())
}

/// Forgets the drift of an invoice an admin just resolved.
pub async fn forget(db: impl PgExecutor<'_>, invoice_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM killbill_invoice_drift WHERE invoice_id = $1", invoice_id).execute(db).await?;
    Ok(())
}
