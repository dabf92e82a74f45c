//! The back office as JSON (`/api/manage/...`), for Bearer-token callers.
//! Each route calls the service the pages call, scoped the same way.

use app::model::AppError;
use app::model::audit::{AuditQuery, AuditRecord};
use app::model::billing::{BillingRunRequest, BillingRunResult};
use app::model::manage::{
    Archived, ChargeRequest, Created, EndLeaseRequest, InvoiceItem, InvoiceQuery, LeaseQuery, LeaseRecord,
    NewLeaseRequest, NewPropertyRequest, NewUnitRequest, PropertyEditRequest, RentChangeRequest, RentChanged,
};
use app::model::payment::{
    CreditNoteIssued, CreditNoteRequest, InvoiceVoided, PaymentRecorded, PaymentRefunded, PaymentRequest,
    RefundRequest, VoidRequest,
};
use app::model::property::{PropertyItem, PropertyRecord, UnitItem};
use app::model::quarantine::QuarantinedRecord;
use app::server::auth::AuthUser;
use app::server::quarantine::Decision;
use app::server::state::AppState;
use app::server::{
    archive, audit, billing, credit_note, invoices, leases, payment, places, property, quarantine, refund,
};
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use uuid::Uuid;

/// The back-office routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/manage/billing/run", post(run_billing))
        .route("/api/manage/properties", get(list_properties).post(create_property))
        .route("/api/manage/properties/{id}", axum::routing::put(edit_property))
        .route("/api/manage/properties/{id}/archive", post(archive_property))
        .route("/api/manage/properties/{id}/restore", post(restore_property))
        .route("/api/manage/units/{id}", axum::routing::put(edit_unit))
        .route("/api/manage/units/{id}/archive", post(archive_unit))
        .route("/api/manage/units/{id}/restore", post(restore_unit))
        .route("/api/manage/properties/{id}/units", get(list_units).post(create_unit))
        .route("/api/manage/leases", get(list_leases).post(create_lease))
        .route("/api/manage/leases/{id}/end", post(end_lease))
        .route("/api/manage/leases/{id}/rent-changes", post(change_rent))
        .route("/api/manage/leases/{id}/charges", post(add_charge))
        .route("/api/manage/leases/{id}/charges/{charge_id}", axum::routing::delete(remove_charge))
        .route("/api/manage/leases/{id}/rent-changes/{from_on}", axum::routing::delete(cancel_rent_change))
        .route("/api/manage/invoices", get(list_invoices))
        .route("/api/manage/rent-roll", get(rent_roll))
        .route("/api/manage/audit", get(list_audit))
        .route("/api/manage/invoices/{id}/payments", post(record_payment))
        .route("/api/manage/invoices/{id}/void", post(void_invoice))
        .route("/api/manage/invoices/{id}/credit-notes", post(credit_invoice))
        .route("/api/manage/payments/{id}/refunds", post(refund_payment))
        .route("/api/manage/killbill/quarantine", get(list_quarantine))
        .route("/api/manage/killbill/quarantine/{id}/retry", post(retry_quarantined))
        .route("/api/manage/killbill/quarantine/{id}/skip", post(skip_quarantined))
}

/// Records Kill Bill refused for good (admins).
async fn list_quarantine(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<Vec<QuarantinedRecord>>, AppError> {
    Ok(Json(quarantine::list(&state.pool, &user).await?))
}

/// → 204: the record is tried again by the next mirror run, asked for now.
async fn retry_quarantined(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    quarantine::decide(&state.pool, &user, id, Decision::Retry).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// → 204: the record stays out of Kill Bill for good.
async fn skip_quarantined(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    quarantine::decide(&state.pool, &user, id, Decision::Skip).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's properties (admins: every one).
async fn list_properties(
    State(state): State<AppState>,
    user: AuthUser,
    query: Result<Query<PropertyQuery>, QueryRejection>,
) -> Result<Json<Vec<PropertyItem>>, AppError> {
    let Query(query) = query.map_err(|e| AppError::Validation(e.body_text()))?;
    let archived = query.archived.unwrap_or(false);
    let page = Some(query.page.unwrap_or(1));
    Ok(Json(property::search_properties(&state.pool, &user, query.q.as_deref(), archived, page).await?))
}

/// `GET /api/manage/properties` filters.
#[derive(Debug, serde::Deserialize)]
struct PropertyQuery {
    /// Words in the name, address, postal code or city (any case).
    q: Option<String>,
    /// `true`: the archived properties instead of those in use.
    archived: Option<bool>,
    /// 1-based page of 50.
    page: Option<i64>,
}

/// → 200 `{id, archived_at, listings}`: archived (409 while a lease holds a unit today or later).
async fn archive_property(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Archived>, AppError> {
    Ok(Json(archive::archive_property(&state.pool, &user, id).await?))
}

/// → 200 `{id, archived_at: null, listings}`: in use again.
async fn restore_property(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Archived>, AppError> {
    Ok(Json(archive::restore_property(&state.pool, &user, id).await?))
}

/// → 200: archived (409 while a lease holds it today or later).
async fn archive_unit(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Archived>, AppError> {
    Ok(Json(archive::archive_unit(&state.pool, &user, id).await?))
}

/// → 200: in use again (409 while its property is archived).
async fn restore_unit(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Archived>, AppError> {
    Ok(Json(archive::restore_unit(&state.pool, &user, id).await?))
}

/// The units of one of the caller's properties; another landlord's answers 404.
async fn list_units(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Vec<UnitItem>>, AppError> {
    Ok(Json(property::list_units(&state.pool, &user, id).await?))
}

/// The audit log, newest first (admins): `?entity=&entity_id=&limit=`.
async fn list_audit(
    State(state): State<AppState>,
    user: AuthUser,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Json<Vec<AuditRecord>>, AppError> {
    let Query(query) = query.map_err(|e| AppError::Validation(e.body_text()))?;
    Ok(Json(audit::list(&state.pool, &user, &query).await?))
}

/// Admins bill a month now: `{period: "YYYY-MM"}` → `{period, created, skipped, run_id}`.
async fn run_billing(
    State(state): State<AppState>,
    user: AuthUser,
    body: Result<Json<BillingRunRequest>, JsonRejection>,
) -> Result<Json<BillingRunResult>, AppError> {
    let Json(request) = body.map_err(|e| AppError::Validation(e.body_text()))?;
    Ok(Json(billing::run_now(&state, &user, &request.period).await?))
}

/// Records a payment against an invoice of the caller's properties:
/// `{amount_minor, received_on, method, reference}` → 201 with what is left to pay.
async fn record_payment(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<Uuid>,
    body: Result<Json<PaymentRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<PaymentRecorded>), AppError> {
    let Json(request) = body.map_err(|e| AppError::Validation(e.body_text()))?;
    Ok((StatusCode::CREATED, Json(payment::record(&state.pool, &user, id, &request).await?)))
}

/// `{reason}` → 200 with the voided invoice; 409 when it is paid or already void.
async fn void_invoice(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<Uuid>,
    request: Result<Json<VoidRequest>, JsonRejection>,
) -> Result<Json<InvoiceVoided>, AppError> {
    let request = body(request)?;
    Ok(Json(payment::void(&state.pool, &user, id, &request).await?))
}

/// The body as JSON, or a 400 saying what is wrong with it.
fn body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, AppError> {
    body.map(|Json(t)| t).map_err(|e| AppError::Validation(e.body_text()))
}

/// `{name, address_line, city, postal_code, country, landlord_id?}` → 201 `{id}`.
async fn create_property(
    State(state): State<AppState>,
    user: AuthUser,
    request: Result<Json<NewPropertyRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let request = body(request)?;
    Ok((StatusCode::CREATED, Json(places::create_property(&state.pool, &user, &request).await?)))
}

/// `{name, address_line, city, postal_code, country}` → 200 with the property as it now reads.
async fn edit_property(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<Uuid>,
    request: Result<Json<PropertyEditRequest>, JsonRejection>,
) -> Result<Json<PropertyRecord>, AppError> {
    let request = body(request)?;
    Ok(Json(places::edit_property(&state.pool, &user, id, &request).await?))
}

/// `{label, bedrooms?, section?, floor?}` → 200 with the unit as it now reads.
async fn edit_unit(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<Uuid>,
    request: Result<Json<NewUnitRequest>, JsonRejection>,
) -> Result<Json<UnitItem>, AppError> {
    let request = body(request)?;
    Ok(Json(places::edit_unit(&state.pool, &user, id, &request).await?))
}

/// `{label, bedrooms?, section?, floor?}` → 201 `{id}`.
async fn create_unit(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<Uuid>,
    request: Result<Json<NewUnitRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let request = body(request)?;
    Ok((StatusCode::CREATED, Json(places::create_unit(&state.pool, &user, id, &request).await?)))
}

/// `{unit_id, tenant_id, start_on, end_on?, rent_minor, currency, due_day?, deposit_minor?}` → 201 `{id}`.
async fn create_lease(
    State(state): State<AppState>,
    user: AuthUser,
    request: Result<Json<NewLeaseRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let request = body(request)?;
    Ok((StatusCode::CREATED, Json(leases::create(&state.pool, &user, &request).await?)))
}

/// `{end_on}` → 204.
async fn end_lease(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<Uuid>,
    request: Result<Json<EndLeaseRequest>, JsonRejection>,
) -> Result<StatusCode, AppError> {
    let request = body(request)?;
    leases::end(&state.pool, &user, id, &request).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `{from_on, rent_minor}` → 201 with the rent that day had before.
async fn change_rent(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<Uuid>,
    request: Result<Json<RentChangeRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<RentChanged>), AppError> {
    let request = body(request)?;
    Ok((StatusCode::CREATED, Json(leases::change_rent(&state.pool, &user, id, &request).await?)))
}

/// `{description, amount_minor}` → 201 `{id}`: billed with the rent from the next rent run on.
async fn add_charge(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<Uuid>,
    request: Result<Json<ChargeRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let request = body(request)?;
    Ok((StatusCode::CREATED, Json(leases::add_charge(&state.pool, &user, id, &request).await?)))
}

/// → 204: off the lease from the next rent run on.
async fn remove_charge(
    State(state): State<AppState>,
    user: AuthUser,
    Path((id, charge_id)): Path<(Uuid, Uuid)>,
) -> Result<StatusCode, AppError> {
    leases::remove_charge(&state.pool, &user, id, charge_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// → 204: the change is withdrawn (404 when there is none that day).
async fn cancel_rent_change(
    State(state): State<AppState>,
    user: AuthUser,
    Path((id, from_on)): Path<(Uuid, String)>,
) -> Result<StatusCode, AppError> {
    leases::cancel_rent_change(&state.pool, &user, id, &from_on).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `{amount_minor, reason}` → 201 `{id, number, invoice_id, invoice_number, amount_minor, currency, issued_on,
/// credited_minor, outstanding_minor}`; more than is still due, or a void invoice, is a 409 saying why.
async fn credit_invoice(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<Uuid>,
    request: Result<Json<CreditNoteRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<CreditNoteIssued>), AppError> {
    let request = body(request)?;
    Ok((StatusCode::CREATED, Json(credit_note::issue(&state.pool, &user, id, &request).await?)))
}

/// `{amount_minor, reason, refunded_on?}` → 201 `{id, payment_id, invoice_id, amount_minor, currency,
/// refunded_minor, outstanding_minor}`; more than is left of the payment is a 409.
async fn refund_payment(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<Uuid>,
    request: Result<Json<RefundRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<PaymentRefunded>), AppError> {
    let request = body(request)?;
    Ok((StatusCode::CREATED, Json(refund::refund(&state.pool, &user, id, &request).await?)))
}

/// `?unit_id=&tenant_id=&page=`.
async fn list_leases(
    State(state): State<AppState>,
    user: AuthUser,
    query: Result<Query<LeaseQuery>, QueryRejection>,
) -> Result<Json<Vec<LeaseRecord>>, AppError> {
    let Query(query) = query.map_err(|e| AppError::Validation(e.body_text()))?;
    Ok(Json(leases::list(&state.pool, &user, &query).await?))
}

/// `?tenant_id=&period=YYYY-MM&page=`.
async fn list_invoices(
    State(state): State<AppState>,
    user: AuthUser,
    query: Result<Query<InvoiceQuery>, QueryRejection>,
) -> Result<Json<Vec<InvoiceItem>>, AppError> {
    let Query(query) = query.map_err(|e| AppError::Validation(e.body_text()))?;
    Ok(Json(invoices::list(&state.pool, &user, &query).await?))
}

#[derive(serde::Deserialize)]
struct RentRollQuery {
    months: Option<u32>,
}

/// `?months=` (1 to 24, default 6): the rent roll of the caller's properties.
async fn rent_roll(
    State(state): State<AppState>,
    user: AuthUser,
    query: Result<Query<RentRollQuery>, QueryRejection>,
) -> Result<Json<app::model::rent_roll::RentRoll>, AppError> {
    let Query(query) = query.map_err(|e| AppError::Validation(e.body_text()))?;
    let today = chrono::Utc::now().date_naive();
    Ok(Json(app::server::rent_roll::load(&state.pool, &user, query.months.unwrap_or(6), today).await?))
}
