//! Custom fields on invoices and their search (`InvoiceResource`, `CustomFieldResource`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use uuid::Uuid;

use super::extract::{KbPath, KbQuery, Tenant, Write, created};
use super::page::Page;
use crate::killbill::error::{KbError, KbResult};
use crate::killbill::state::AppState;
use crate::killbill::store::model::CustomField;
use crate::killbill::wire::AuditMode;
use crate::killbill::wire::input::{CustomFieldInput, parse_body};
use crate::killbill::wire::output::CustomFieldJson;

/// Custom-field routes.
pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/invoices/{invoice_id}/customFields", get(invoice_fields).post(add_invoice_fields))
        .route("/customFields/search", get(search_fields))
        .route("/customFields/pagination", get(list_fields))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SearchQuery {
    object_type: Option<String>,
    field_name: Option<String>,
    field_value: Option<String>,
    offset: Option<u64>,
    limit: Option<u64>,
    #[serde(default)]
    audit: AuditMode,
}

/// `POST /1.0/kb/invoices/{invoiceId}/customFields`: 201, `Location` is the field list.
async fn add_invoice_fields(
    State(app): State<Arc<AppState>>,
    Tenant(tenant): Tenant,
    Write(audit): Write,
    headers: HeaderMap,
    KbPath(invoice_id): KbPath<Uuid>,
    body: Bytes,
) -> KbResult<Response> {
    let inputs: Vec<CustomFieldInput> = parse_body(&body)?;
    let pairs = inputs.into_iter().map(|f| (f.name, f.value)).collect();
    let account_id = app.read(tenant, |data| data.invoice(invoice_id).map(|i| i.account_id))?;
    let _serialized = app.locks.lock(account_id).await;
    app.write(tenant, |data, counters| Ok(((), data.add_invoice_custom_fields(counters, invoice_id, pairs, &audit)?)))?;
    Ok(created(&headers, &format!("/1.0/kb/invoices/{invoice_id}/customFields")))
}

async fn invoice_fields(
    State(app): State<Arc<AppState>>,
    Tenant(tenant): Tenant,
    KbPath(invoice_id): KbPath<Uuid>,
    KbQuery(q): KbQuery<SearchQuery>,
) -> Json<Vec<CustomFieldJson>> {
    app.read(tenant, |data| {
        Json(data.custom_fields_of(invoice_id).into_iter().map(|f| CustomFieldJson::new(f, q.audit)).collect())
    })
}

/// `GET /1.0/kb/customFields/search?objectType=&fieldName=[&fieldValue=]`, paginated.
async fn search_fields(
    State(app): State<Arc<AppState>>,
    Tenant(tenant): Tenant,
    KbQuery(q): KbQuery<SearchQuery>,
) -> KbResult<Response> {
    let missing = |name: &str| KbError::MissingParameter(format!("{name} in searchCustomFieldsByTypeName() is null"));
    let object_type = q.object_type.as_deref().ok_or_else(|| missing("objectType"))?;
    let name = q.field_name.as_deref().ok_or_else(|| missing("fieldName"))?;
    app.read(tenant, |data| {
        let matching = data.search_custom_fields(object_type, name, q.field_value.as_deref())?;
        let value = q.field_value.as_deref().unwrap_or_default();
        Ok(Page::new(q.offset, q.limit).respond(matching, data.custom_fields.len(), |f| CustomFieldJson::new(f, q.audit), |offset, limit| {
            format!(
                "/1.0/kb/customFields/search?offset={offset}&limit={limit}&objectType={object_type}&fieldName={}&fieldValue={}",
                encode(name),
                encode(value)
            )
        }))
    })
}

async fn list_fields(
    State(app): State<Arc<AppState>>,
    Tenant(tenant): Tenant,
    KbQuery(q): KbQuery<SearchQuery>,
) -> Response {
    app.read(tenant, |data| {
        let all: Vec<&CustomField> = data.custom_fields.iter().collect();
        Page::new(q.offset, q.limit).respond(
            all,
            data.custom_fields.len(),
            |f| CustomFieldJson::new(f, q.audit),
            |offset, limit| format!("/1.0/kb/customFields/pagination?offset={offset}&limit={limit}"),
        )
    })
}

/// Percent-encodes a query value.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
