//! External charges, invoices and invoice item adjustments (`InvoiceResource`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use super::extract::{KbPath, KbQuery, Tenant, Write, created, flag};
use super::page::Page;
use crate::killbill::error::{KbError, KbResult};
use crate::killbill::notify::Event;
use crate::killbill::state::AppState;
use crate::killbill::store::TenantData;
use crate::killbill::store::model::Invoice;
use crate::killbill::wire::AuditMode;
use crate::killbill::wire::input::{AdjustmentInput, InvoiceItemInput, parse_body};
use crate::killbill::wire::output::{InvoiceItemJson, InvoiceJson};

/// Routes under `/1.0/kb/invoices` (payments and custom fields live in their own modules).
pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/invoices/charges/{account_id}", post(create_charges))
        .route("/invoices/pagination", get(list_invoices))
        .route("/invoices/byNumber/{number}", get(invoice_by_number))
        .route("/invoices/{invoice_id}", get(get_invoice).post(adjust_item))
        .route("/invoices/{invoice_id}/commitInvoice", put(commit_invoice))
        .route("/invoices/{invoice_id}/voidInvoice", put(void_invoice))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChargeQuery {
    requested_date: Option<String>,
    auto_commit: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AdjustQuery {
    requested_date: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReadQuery {
    #[serde(default)]
    audit: AuditMode,
    offset: Option<u64>,
    limit: Option<u64>,
}

/// `POST /1.0/kb/invoices/charges/{accountId}`: 200 (not 201) with the created items.
async fn create_charges(
    State(app): State<Arc<AppState>>,
    Tenant(tenant): Tenant,
    Write(audit): Write,
    KbPath(account_id): KbPath<Uuid>,
    KbQuery(q): KbQuery<ChargeQuery>,
    body: Bytes,
) -> KbResult<Json<Vec<InvoiceItemJson>>> {
    let inputs: Vec<InvoiceItemInput> = parse_body(&body)?;
    let charges = inputs.into_iter().map(InvoiceItemInput::into_charge).collect::<KbResult<Vec<_>>>()?;
    let requested = requested_date(q.requested_date.as_deref(), audit.at.date_naive())?;
    let _serialized = app.locks.lock(account_id).await;
    app.write(tenant, |data, counters| {
        let (items, events) =
            data.add_external_charges(counters, account_id, charges, requested, flag(&q.auto_commit), &audit)?;
        let currency = data.account(account_id)?.currency.expect("charged accounts have a currency");
        let json = items.iter().map(|i| InvoiceItemJson::new(i, currency)).collect();
        Ok((Json(json), events))
    })
}

/// `POST /1.0/kb/invoices/{invoiceId}` (`adjustInvoiceItem`): adds an `ITEM_ADJ` item and
/// answers 201 with `Location: …/invoices/{invoiceId}` and no body; 404 without a body when no
/// `amount` was sent and nothing is left of the item.
async fn adjust_item(
    State(app): State<Arc<AppState>>,
    Tenant(tenant): Tenant,
    Write(audit): Write,
    headers: HeaderMap,
    KbPath(invoice_id): KbPath<Uuid>,
    KbQuery(q): KbQuery<AdjustQuery>,
    body: Bytes,
) -> KbResult<Response> {
    let (account_id, adjustment) = AdjustmentInput::parse(&body)?;
    // Kill Bill reads the body's account (for its time zone) before anything else.
    app.read(tenant, |data| data.account(account_id).map(|_| ()))?;
    let requested = requested_date(q.requested_date.as_deref(), audit.at.date_naive())?;
    let _serialized = app.locks.lock(account_id).await;
    let adjusted =
        app.write(tenant, |data, counters| data.adjust_invoice_item(counters, invoice_id, adjustment, requested))?;
    Ok(match adjusted {
        Some(_) => created(&headers, &format!("/1.0/kb/invoices/{invoice_id}")),
        None => StatusCode::NOT_FOUND.into_response(),
    })
}

/// `requestedDate` as a `LocalDate` (a date-time is cut to its date); today by default.
fn requested_date(text: Option<&str>, today: NaiveDate) -> KbResult<NaiveDate> {
    match text {
        None => Ok(today),
        Some(t) => NaiveDate::parse_from_str(t.get(..10).unwrap_or(t), "%Y-%m-%d")
            .map_err(|_| KbError::BadRequest(format!("Invalid format: \"{t}\""))),
    }
}

async fn get_invoice(
    State(app): State<Arc<AppState>>,
    Tenant(tenant): Tenant,
    KbPath(id): KbPath<Uuid>,
    KbQuery(q): KbQuery<ReadQuery>,
) -> KbResult<Json<InvoiceJson>> {
    app.read(tenant, |data| Ok(Json(InvoiceJson::new(data, data.invoice(id)?, true, q.audit))))
}

async fn invoice_by_number(
    State(app): State<Arc<AppState>>,
    Tenant(tenant): Tenant,
    KbPath(number): KbPath<u64>,
    KbQuery(q): KbQuery<ReadQuery>,
) -> KbResult<Json<InvoiceJson>> {
    app.read(tenant, |data| {
        let invoice =
            data.invoices.iter().find(|i| i.number == number).ok_or(KbError::InvoiceNumberNotFound(number))?;
        Ok(Json(InvoiceJson::new(data, invoice, true, q.audit)))
    })
}

/// All invoices of the tenant, shallow.
async fn list_invoices(
    State(app): State<Arc<AppState>>,
    Tenant(tenant): Tenant,
    KbQuery(q): KbQuery<ReadQuery>,
) -> Response {
    app.read(tenant, |data: &TenantData| {
        let all: Vec<&Invoice> = data.invoices.iter().collect();
        Page::new(q.offset, q.limit).respond(
            all,
            data.invoices.len(),
            |i| InvoiceJson::new(data, i, false, q.audit),
            |offset, limit| format!("/1.0/kb/invoices/pagination?offset={offset}&limit={limit}"),
        )
    })
}

/// `PUT …/commitInvoice`: 204, or 400 code 4023 when not DRAFT.
async fn commit_invoice(
    State(app): State<Arc<AppState>>,
    Tenant(tenant): Tenant,
    _: Write,
    KbPath(id): KbPath<Uuid>,
) -> KbResult<Response> {
    change_invoice(&app, tenant, id, TenantData::commit_invoice).await
}

/// `PUT …/voidInvoice`: 204, or 400 when paid or already VOID.
async fn void_invoice(
    State(app): State<Arc<AppState>>,
    Tenant(tenant): Tenant,
    _: Write,
    KbPath(id): KbPath<Uuid>,
) -> KbResult<Response> {
    change_invoice(&app, tenant, id, TenantData::void_invoice).await
}

/// Runs a status change under the invoice account's lock.
async fn change_invoice(
    app: &AppState,
    tenant: Uuid,
    invoice_id: Uuid,
    change: impl FnOnce(&mut TenantData, Uuid) -> KbResult<Vec<Event>>,
) -> KbResult<Response> {
    let account_id = app.read(tenant, |data| data.invoice(invoice_id).map(|i| i.account_id))?;
    let _serialized = app.locks.lock(account_id).await;
    app.write(tenant, |data, _| Ok(((), change(data, invoice_id)?)))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
