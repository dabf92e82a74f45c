//! Tenants and their push-notification callback (`TenantResource`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use uuid::Uuid;

use super::extract::{KbPath, KbQuery, Tenant, Write, created};
use crate::killbill::error::{KbError, KbResult};
use crate::killbill::notify::Event;
use crate::killbill::state::AppState;
use crate::killbill::wire::input::{TenantInput, parse_body};
use crate::killbill::wire::output::{TenantJson, callback_key_value};

const CALLBACK_PATH: &str = "/1.0/kb/tenants/registerNotificationCallback";

/// Routes under `/1.0/kb/tenants`.
pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/tenants", post(create_tenant).get(tenant_by_key))
        .route(
            "/tenants/registerNotificationCallback",
            post(register_callback).get(read_callback).delete(delete_callback),
        )
        .route("/tenants/{tenant_id}", get(get_tenant))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KeyQuery {
    api_key: Option<String>,
}

#[derive(Deserialize)]
struct CallbackQuery {
    cb: Option<String>,
}

async fn create_tenant(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    _: Write,
    body: Bytes,
) -> KbResult<Response> {
    let input: TenantInput = parse_body(&body)?;
    let missing = |field: &str| KbError::BadRequest(format!("TenantJson {field} needs to be set"));
    let api_key = input.api_key.filter(|k| !k.is_empty()).ok_or_else(|| missing("apiKey"))?;
    let api_secret = input.api_secret.filter(|s| !s.is_empty()).ok_or_else(|| missing("apiSecret"))?;
    let id = app.store().create_tenant(api_key, api_secret, input.external_key)?;
    Ok(created(&headers, &format!("/1.0/kb/tenants/{id}")))
}

async fn tenant_by_key(State(app): State<Arc<AppState>>, KbQuery(q): KbQuery<KeyQuery>) -> KbResult<Json<TenantJson>> {
    let key = q.api_key.ok_or_else(|| KbError::MissingParameter("apiKey".to_string()))?;
    Ok(Json(TenantJson::new(app.store().tenant_by_key(&key)?)))
}

async fn get_tenant(
    State(app): State<Arc<AppState>>,
    Tenant(tenant): Tenant,
    KbPath(id): KbPath<Uuid>,
) -> KbResult<Json<TenantJson>> {
    let store = app.store();
    let own = &store.tenant(tenant).tenant;
    if own.id != id {
        return Err(KbError::TenantNotFound(id.to_string()));
    }
    Ok(Json(TenantJson::new(own)))
}

async fn register_callback(
    State(app): State<Arc<AppState>>,
    Tenant(tenant): Tenant,
    headers: HeaderMap,
    _: Write,
    KbQuery(q): KbQuery<CallbackQuery>,
) -> KbResult<Response> {
    let url = q.cb.filter(|u| !u.is_empty()).ok_or_else(|| KbError::BadRequest("Invalid callback url".to_string()))?;
    app.write(tenant, |data, _| {
        data.tenant.callback = Some(url);
        let key_id = Uuid::new_v5(&data.tenant.id, b"PUSH_NOTIFICATION_CB");
        Ok(((), vec![Event::tenant_config_change(key_id, "PUSH_NOTIFICATION_CB")]))
    })?;
    Ok(created(&headers, CALLBACK_PATH))
}

async fn read_callback(State(app): State<Arc<AppState>>, Tenant(tenant): Tenant) -> Json<serde_json::Value> {
    Json(app.read(tenant, |data| callback_key_value(&data.tenant)))
}

async fn delete_callback(State(app): State<Arc<AppState>>, Tenant(tenant): Tenant, _: Write) -> KbResult<Response> {
    app.write(tenant, |data, _| {
        data.tenant.callback = None;
        Ok(((), Vec::new()))
    })?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
