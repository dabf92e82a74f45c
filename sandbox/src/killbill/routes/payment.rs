//! External invoice payments and payment look-ups (`InvoiceResource`, `PaymentResource`,
//! `InvoicePaymentResource`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use uuid::Uuid;

use super::extract::{KbPath, KbQuery, Tenant, Write, created, flag};
use super::page::Page;
use crate::killbill::error::{KbError, KbResult};
use crate::killbill::state::AppState;
use crate::killbill::store::model::Payment;
use crate::killbill::wire::AuditMode;
use crate::killbill::wire::input::{InvoicePaymentInput, RefundInput, parse_body};
use crate::killbill::wire::payment::PaymentJson;

/// Payment routes.
pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/invoices/{invoice_id}/payments", get(invoice_payments).post(pay_invoice))
        .route("/payments", get(payment_by_key))
        .route("/payments/pagination", get(list_payments))
        .route("/payments/{payment_id}", get(get_payment))
        .route("/invoicePayments/{payment_id}", get(get_invoice_payment))
        .route("/invoicePayments/{payment_id}/refunds", post(refund_payment))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PaymentQuery {
    external_key: Option<String>,
    external_payment: Option<String>,
    offset: Option<u64>,
    limit: Option<u64>,
    #[serde(default)]
    audit: AuditMode,
}

/// `POST /1.0/kb/invoices/{invoiceId}/payments?externalPayment=true`: 201 with `Location:
/// …/invoicePayments/{paymentId}`, or 204 when there is nothing to pay.
async fn pay_invoice(
    State(app): State<Arc<AppState>>,
    Tenant(tenant): Tenant,
    Write(audit): Write,
    headers: HeaderMap,
    KbPath(invoice_id): KbPath<Uuid>,
    KbQuery(q): KbQuery<PaymentQuery>,
    body: Bytes,
) -> KbResult<Response> {
    let input: InvoicePaymentInput = parse_body(&body)?;
    if !flag(&q.external_payment) {
        return Err(KbError::BadRequest(
            "Only external payments (externalPayment=true) are emulated: the account has no payment method".to_string(),
        ));
    }
    let payment = input.into_payment()?;
    let _serialized = app.locks.lock(payment.account_id).await;
    let paid = app.write(tenant, |data, counters| {
        Ok(match data.pay_invoice(counters, invoice_id, payment, &audit)? {
            Some((id, events)) => (Some(id), events),
            None => (None, Vec::new()),
        })
    })?;
    Ok(match paid {
        Some(id) => created(&headers, &format!("/1.0/kb/invoicePayments/{id}")),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}

/// `POST /1.0/kb/invoicePayments/{paymentId}/refunds`: a REFUND transaction, answered 201
/// with `Location: …/invoicePayments/{paymentId}` and no body. With `externalPayment=true`
/// Kill Bill records a CREDIT on another payment method instead, which is not emulated.
async fn refund_payment(
    State(app): State<Arc<AppState>>,
    Tenant(tenant): Tenant,
    Write(audit): Write,
    headers: HeaderMap,
    KbPath(payment_id): KbPath<Uuid>,
    KbQuery(q): KbQuery<PaymentQuery>,
    body: Bytes,
) -> KbResult<Response> {
    if flag(&q.external_payment) {
        return Err(KbError::BadRequest(
            "Only refunds to the payment's own method (externalPayment=false) are emulated".to_string(),
        ));
    }
    let refund = parse_body::<RefundInput>(&body)?.into_refund()?;
    let account_id = app.read(tenant, |data| data.payment(payment_id).map(|p| p.account_id))?;
    let _serialized = app.locks.lock(account_id).await;
    app.write(tenant, |data, counters| Ok(((), data.refund_payment(counters, payment_id, refund, &audit)?)))?;
    Ok(created(&headers, &format!("/1.0/kb/invoicePayments/{payment_id}")))
}

async fn invoice_payments(
    State(app): State<Arc<AppState>>,
    Tenant(tenant): Tenant,
    KbPath(invoice_id): KbPath<Uuid>,
    KbQuery(q): KbQuery<PaymentQuery>,
) -> KbResult<Json<Vec<PaymentJson>>> {
    app.read(tenant, |data| {
        data.invoice(invoice_id)?;
        let mine = data.payments.iter().filter(|p| p.invoice_id == invoice_id);
        Ok(Json(mine.map(|p| PaymentJson::invoice_payment(p, q.audit)).collect()))
    })
}

/// `GET /1.0/kb/payments?externalKey=`: the payment, or 404 code 7020.
async fn payment_by_key(
    State(app): State<Arc<AppState>>,
    Tenant(tenant): Tenant,
    KbQuery(q): KbQuery<PaymentQuery>,
) -> KbResult<Json<PaymentJson>> {
    let key = q.external_key.as_deref().ok_or_else(|| KbError::MissingParameter("externalKey".to_string()))?;
    app.read(tenant, |data| Ok(Json(PaymentJson::payment(data.payment_by_key(key)?, q.audit))))
}

async fn get_payment(
    State(app): State<Arc<AppState>>,
    Tenant(tenant): Tenant,
    KbPath(id): KbPath<Uuid>,
    KbQuery(q): KbQuery<PaymentQuery>,
) -> KbResult<Json<PaymentJson>> {
    app.read(tenant, |data| Ok(Json(PaymentJson::payment(data.payment(id)?, q.audit))))
}

async fn get_invoice_payment(
    State(app): State<Arc<AppState>>,
    Tenant(tenant): Tenant,
    KbPath(id): KbPath<Uuid>,
    KbQuery(q): KbQuery<PaymentQuery>,
) -> KbResult<Json<PaymentJson>> {
    app.read(tenant, |data| Ok(Json(PaymentJson::invoice_payment(data.payment(id)?, q.audit))))
}

async fn list_payments(
    State(app): State<Arc<AppState>>,
    Tenant(tenant): Tenant,
    KbQuery(q): KbQuery<PaymentQuery>,
) -> Response {
    app.read(tenant, |data| {
        let all: Vec<&Payment> = data.payments.iter().collect();
        Page::new(q.offset, q.limit).respond(
            all,
            data.payments.len(),
            |p| PaymentJson::payment(p, q.audit),
            |offset, limit| format!("/1.0/kb/payments/pagination?offset={offset}&limit={limit}"),
        )
    })
}
