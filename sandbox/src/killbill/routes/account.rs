//! Accounts and what hangs off them (`AccountResource`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use super::extract::{KbPath, KbQuery, Tenant, Write, created, flag};
use super::page::Page;
use crate::killbill::error::{KbError, KbResult};
use crate::killbill::state::AppState;
use crate::killbill::store::TenantData;
use crate::killbill::store::model::{Account, Invoice, InvoiceStatus, Payment};
use crate::killbill::wire::AuditMode;
use crate::killbill::wire::input::{AccountInput, parse_body};
use crate::killbill::wire::output::{AccountJson, InvoiceJson};
use crate::killbill::wire::payment::PaymentJson;

/// Routes under `/1.0/kb/accounts`.
pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/accounts", post(create_account).get(account_by_key))
        .route("/accounts/pagination", get(list_accounts))
        .route("/accounts/search/{search_key}", get(search_accounts))
        .route("/accounts/{account_id}", get(get_account).put(update_account))
        .route("/accounts/{account_id}/invoices", get(account_invoices))
        .route("/accounts/{account_id}/invoices/pagination", get(account_invoices_page))
        .route("/accounts/{account_id}/invoicePayments", get(account_invoice_payments))
        .route("/accounts/{account_id}/payments", get(account_payments))
}

/// Query of the account reads.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct AccountQuery {
    external_key: Option<String>,
    account_with_balance: Option<String>,
    #[serde(rename = "accountWithBalanceAndCBA")]
    with_cba: Option<String>,
    #[serde(default)]
    audit: AuditMode,
    offset: Option<u64>,
    limit: Option<u64>,
}

impl AccountQuery {
    fn render(&self, data: &TenantData, account: &Account) -> AccountJson {
        AccountJson::new(data, account, flag(&self.account_with_balance), flag(&self.with_cba), self.audit)
    }
}

async fn create_account(
    State(app): State<Arc<AppState>>,
    Tenant(tenant): Tenant,
    Write(audit): Write,
    headers: HeaderMap,
    body: Bytes,
) -> KbResult<Response> {
    let input: AccountInput = parse_body(&body)?;
    let new_account = input.into_new_account()?;
    let id = app.write(tenant, |data, counters| data.create_account(counters, new_account, audit))?;
    Ok(created(&headers, &format!("/1.0/kb/accounts/{id}")))
}

/// Query of `PUT /accounts/{id}`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateQuery {
    treat_null_as_reset: Option<String>,
}

/// `PUT /1.0/kb/accounts/{accountId}`: `204 No Content` once applied; the rules are those of
/// `TenantData::update_account`. The audit headers are checked like on every write, but no
/// update history is kept (reads show the creation record only).
async fn update_account(
    State(app): State<Arc<AppState>>,
    Tenant(tenant): Tenant,
    Write(_): Write,
    KbPath(id): KbPath<Uuid>,
    KbQuery(q): KbQuery<UpdateQuery>,
    body: Bytes,
) -> KbResult<StatusCode> {
    let input = account_body(&body)?.into_new_account()?;
    let reset = flag(&q.treat_null_as_reset);
    let _serialized = app.locks.lock(id).await;
    app.write(tenant, |data, _| data.update_account(id, input, reset))?;
    Ok(StatusCode::NO_CONTENT)
}

/// The `Account` body of an update; an empty or `null` one is refused with the message of
/// `verifyNonNullOrEmpty`.
fn account_body(body: &[u8]) -> KbResult<AccountInput> {
    let text = body.trim_ascii();
    if text.is_empty() || text == b"null" {
        return Err(KbError::BadRequest("AccountJson body should be specified".to_string()));
    }
    parse_body(text)
}

async fn account_by_key(
    State(app): State<Arc<AppState>>,
    Tenant(tenant): Tenant,
    KbQuery(q): KbQuery<AccountQuery>,
) -> KbResult<Json<AccountJson>> {
    let key = q.external_key.as_deref().ok_or_else(|| KbError::MissingParameter("externalKey".to_string()))?;
    app.read(tenant, |data| Ok(Json(q.render(data, data.account_by_key(key)?))))
}

async fn get_account(
    State(app): State<Arc<AppState>>,
    Tenant(tenant): Tenant,
    KbPath(id): KbPath<Uuid>,
    KbQuery(q): KbQuery<AccountQuery>,
) -> KbResult<Json<AccountJson>> {
    app.read(tenant, |data| Ok(Json(q.render(data, data.account(id)?))))
}

async fn list_accounts(
    State(app): State<Arc<AppState>>,
    Tenant(tenant): Tenant,
    KbQuery(q): KbQuery<AccountQuery>,
) -> Response {
    app.read(tenant, |data| {
        let all: Vec<&Account> = data.accounts.iter().collect();
        Page::new(q.offset, q.limit).respond(
            all,
            data.accounts.len(),
            |a| q.render(data, a),
            |offset, limit| format!("/1.0/kb/accounts/pagination?offset={offset}&limit={limit}"),
        )
    })
}

/// Basic search: exact id, or `%key%` on name, email, external key and company.
async fn search_accounts(
    State(app): State<Arc<AppState>>,
    Tenant(tenant): Tenant,
    KbPath(key): KbPath<String>,
    KbQuery(q): KbQuery<AccountQuery>,
) -> Response {
    app.read(tenant, |data| {
        let matching: Vec<&Account> = data.accounts.iter().filter(|a| account_matches(a, &key)).collect();
        Page::new(q.offset, q.limit).respond(
            matching,
            data.accounts.len(),
            |a| q.render(data, a),
            |offset, limit| format!("/1.0/kb/accounts/search/{key}?offset={offset}&limit={limit}"),
        )
    })
}

fn account_matches(account: &Account, key: &str) -> bool {
    let f = &account.fields;
    account.id.to_string() == key
        || account.external_key.contains(key)
        || [&f.name, &f.email, &f.company].iter().any(|v| v.as_deref().is_some_and(|v| v.contains(key)))
}

/// Query of `GET /accounts/{id}/invoices`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InvoicesQuery {
    start_date: Option<NaiveDate>,
    end_date: Option<NaiveDate>,
    unpaid_invoices_only: Option<String>,
    include_voided_invoices: Option<String>,
    include_invoice_components: Option<String>,
    invoices_filter: Option<String>,
    #[serde(default)]
    audit: AuditMode,
}

impl InvoicesQuery {
    fn keeps(&self, data: &TenantData, invoice: &Invoice) -> bool {
        let in_filter = self
            .invoices_filter
            .as_deref()
            .filter(|f| !f.is_empty())
            .is_none_or(|f| f.split(',').any(|id| id == invoice.id.to_string()));
        let unpaid = !flag(&self.unpaid_invoices_only) || data.invoice_balance_minor(invoice.id) > 0;
        (invoice.status != InvoiceStatus::Void || flag(&self.include_voided_invoices))
            && self.start_date.is_none_or(|d| invoice.target_date >= d)
            && self.end_date.is_none_or(|d| invoice.target_date <= d)
            && in_filter
            && unpaid
    }
}

/// All invoices of the account (DRAFT included); shallow unless `includeInvoiceComponents`.
async fn account_invoices(
    State(app): State<Arc<AppState>>,
    Tenant(tenant): Tenant,
    KbPath(id): KbPath<Uuid>,
    KbQuery(q): KbQuery<InvoicesQuery>,
) -> KbResult<Json<Vec<InvoiceJson>>> {
    app.read(tenant, |data| {
        data.account(id)?;
        let components = flag(&q.include_invoice_components);
        Ok(Json(
            data.invoices
                .iter()
                .filter(|i| i.account_id == id && q.keeps(data, i))
                .map(|i| InvoiceJson::new(data, i, components, q.audit))
                .collect(),
        ))
    })
}

/// Paginated invoices of the account: always shallow.
async fn account_invoices_page(
    State(app): State<Arc<AppState>>,
    Tenant(tenant): Tenant,
    KbPath(id): KbPath<Uuid>,
    KbQuery(q): KbQuery<AccountQuery>,
) -> KbResult<Response> {
    app.read(tenant, |data| {
        data.account(id)?;
        let mine: Vec<&Invoice> = data.invoices.iter().filter(|i| i.account_id == id).collect();
        let max = mine.len();
        Ok(Page::new(q.offset, q.limit).respond(
            mine,
            max,
            |i| InvoiceJson::new(data, i, false, q.audit),
            |offset, limit| format!("/1.0/kb/accounts/{id}/invoices/pagination?offset={offset}&limit={limit}"),
        ))
    })
}

async fn account_invoice_payments(
    State(app): State<Arc<AppState>>,
    Tenant(tenant): Tenant,
    KbPath(id): KbPath<Uuid>,
    KbQuery(q): KbQuery<AccountQuery>,
) -> KbResult<Response> {
    account_payment_list(&app, tenant, id, |p| PaymentJson::invoice_payment(p, q.audit))
}

async fn account_payments(
    State(app): State<Arc<AppState>>,
    Tenant(tenant): Tenant,
    KbPath(id): KbPath<Uuid>,
    KbQuery(q): KbQuery<AccountQuery>,
) -> KbResult<Response> {
    account_payment_list(&app, tenant, id, |p| PaymentJson::payment(p, q.audit))
}

fn account_payment_list(
    app: &AppState,
    tenant: Uuid,
    account_id: Uuid,
    render: impl Fn(&Payment) -> PaymentJson,
) -> KbResult<Response> {
    app.read(tenant, |data| {
        data.account(account_id)?;
        let list: Vec<PaymentJson> = data.payments.iter().filter(|p| p.account_id == account_id).map(render).collect();
        Ok(Json(list).into_response())
    })
}
