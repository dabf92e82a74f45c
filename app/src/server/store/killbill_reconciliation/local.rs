//! Our side of a Kill Bill reconciliation: each tenant's invoices (with what
//! was paid on them) and payments, and the tenant behind a Kill Bill account.

use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

/// A tenant's side of the comparison.
#[derive(Debug, Clone, Default)]
pub struct LocalAccount {
    pub tenant_id: Uuid,
    /// Kill Bill's account id, when mapped.
    pub account_ref: Option<String>,
    /// The currency of the first invoice (the Kill Bill account's currency).
    pub currency: String,
    pub invoices: Vec<LocalInvoice>,
    pub payments: Vec<LocalPayment>,
}

/// One of our invoices and its Kill Bill mapping.
#[derive(Debug, Clone)]
pub struct LocalInvoice {
    pub tenant_id: Uuid,
    pub id: Uuid,
    pub number: String,
    pub currency: String,
    /// The total net of credit notes (Kill Bill's `amount` after the item
    /// adjustments that mirror them).
    pub total_minor: i64,
    pub voided: bool,
    pub killbill_ref: Option<String>,
}

/// One of our payments and its Kill Bill mapping.
#[derive(Debug, Clone)]
pub struct LocalPayment {
    pub tenant_id: Uuid,
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub amount_minor: i64,
    pub invoice_voided: bool,
    pub killbill_ref: Option<String>,
}

/// Every tenant with invoices (or only `tenant`), with its invoices, payments and mappings.
pub async fn list_local_accounts(pool: &PgPool, tenant: Option<Uuid>) -> Result<Vec<LocalAccount>, sqlx::Error> {
    let invoices = sqlx::query_as!(
        LocalInvoice,
        r#"SELECT i.tenant_id, i.id, i.number, i.currency AS "currency!",
                  i.total_minor - i.credited_minor AS "total_minor!", i.voided_at IS NOT NULL AS "voided!",
                  (SELECT r.external_id FROM external_ref r WHERE r.platform = 'killbill'
                   AND r.entity = 'invoice' AND r.local_id = i.id) AS killbill_ref
           FROM invoice i WHERE $1::uuid IS NULL OR i.tenant_id = $1
           ORDER BY i.tenant_id, i.voided_at IS NOT NULL, i.issued_on, i.number"#,
        tenant
    )
    .fetch_all(pool)
    .await?;
    let payments = sqlx::query_as!(
        LocalPayment,
        r#"SELECT p.tenant_id, p.id, p.invoice_id, p.amount_minor - p.refunded_minor AS "amount_minor!",
                  i.voided_at IS NOT NULL AS "invoice_voided!",
                  (SELECT r.external_id FROM external_ref r WHERE r.platform = 'killbill'
                   AND r.entity = 'payment' AND r.local_id = p.id) AS killbill_ref
           FROM payment p JOIN invoice i ON i.id = p.invoice_id
           WHERE $1::uuid IS NULL OR p.tenant_id = $1
           ORDER BY p.tenant_id, p.received_at, p.id"#,
        tenant
    )
    .fetch_all(pool)
    .await?;
    let refs = sqlx::query!(
        "SELECT local_id, external_id FROM external_ref WHERE platform = 'killbill' AND entity = 'account'
         AND ($1::uuid IS NULL OR local_id = $1)",
        tenant
    )
    .fetch_all(pool)
    .await?;
    let refs: std::collections::HashMap<Uuid, String> = refs.into_iter().map(|r| (r.local_id, r.external_id)).collect();
    let mut accounts: Vec<LocalAccount> = Vec::new();
    for inv in invoices {
        if accounts.last().is_none_or(|a| a.tenant_id != inv.tenant_id) {
            accounts.push(LocalAccount {
                tenant_id: inv.tenant_id,
                account_ref: refs.get(&inv.tenant_id).cloned(),
                currency: inv.currency.clone(),
                ..LocalAccount::default()
            });
        }
        accounts.last_mut().expect("pushed above").invoices.push(inv);
    }
    let mut by_tenant: std::collections::HashMap<Uuid, usize> =
        accounts.iter().enumerate().map(|(i, a)| (a.tenant_id, i)).collect();
    for p in payments {
        if let Some(i) = by_tenant.get_mut(&p.tenant_id) {
            accounts[*i].payments.push(p);
        }
    }
    Ok(accounts)
}

/// The tenant mapped to a Kill Bill account id.
pub async fn tenant_of_account(db: impl PgExecutor<'_>, account_id: &str) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT local_id FROM external_ref WHERE platform = 'killbill' AND entity = 'account' AND external_id = $1",
        account_id
    )
    .fetch_optional(db)
    .await
}
