//! The sandbox-only control API under `/__sandbox/…` (real Condo has nothing like it).
//!
//! | route | effect |
//! | --- | --- |
//! | `GET /__sandbox/health` | `{"status":"ok"}` |
//! | `GET`, `PUT`, `DELETE /__sandbox/faults` | read, replace, clear the faults |
//! | `POST /__sandbox/tokens/expire` | end every session |
//! | `GET`, `POST /__sandbox/tickets` | list tickets; create tickets |
//! | `PATCH`, `DELETE /__sandbox/tickets/{id}` | edit; soft-delete |
//! | `PATCH`, `DELETE /__sandbox/comments/{id}` | change a comment's `content`; soft-delete it |
//! | `POST /__sandbox/webhooks` | deliver tickets to a subscriber URL |
//! | `POST /__sandbox/residents` | add a resident of a unit; answers `{userId, phone, token}` |
//! | `GET`, `DELETE /__sandbox/stats` | read; zero the counters |
//! | `GET /__sandbox/summary` | tickets by status type, units per property |
//! | `POST /__sandbox/reset` | regenerate the data set |

use crate::condo::data::{CommentEdit, EditError, NewTickets, ResidentLogin, TicketEdit};
use crate::condo::faults::Faults;
use crate::condo::handle::CondoHandle;
use crate::condo::state::Shared;
use crate::condo::webhook::{WebhookError, WebhookRequest};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde_json::json;
use std::sync::Arc;
use uuid::Uuid;

type Handle = State<Arc<Shared>>;

fn handle(State(shared): Handle) -> CondoHandle {
    CondoHandle(shared)
}

/// The control routes.
pub fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/__sandbox/health", get(|| async { Json(json!({ "status": "ok" })) }))
        .route("/__sandbox/faults", get(get_faults).put(put_faults).delete(clear_faults))
        .route("/__sandbox/tokens/expire", post(expire_tokens))
        .route("/__sandbox/tickets", get(list_tickets).post(add_tickets))
        .route("/__sandbox/tickets/{id}", patch(edit_ticket).delete(delete_ticket))
        .route("/__sandbox/comments/{id}", patch(edit_comment).delete(delete_comment))
        .route("/__sandbox/webhooks", post(deliver_webhook))
        .route("/__sandbox/residents", post(add_resident))
        .route("/__sandbox/stats", get(get_stats).delete(reset_stats))
        .route("/__sandbox/summary", get(|s: Handle| async move { Json(handle(s).summary()) }))
        .route("/__sandbox/reset", post(reset))
}

async fn get_faults(state: Handle) -> Response {
    Json(handle(state).faults()).into_response()
}

async fn put_faults(state: Handle, Json(faults): Json<Faults>) -> Response {
    let handle = handle(state);
    handle.set_faults(faults);
    Json(handle.faults()).into_response()
}

async fn clear_faults(state: Handle) -> Response {
    handle(state).set_faults(Faults::default());
    StatusCode::NO_CONTENT.into_response()
}

async fn expire_tokens(state: Handle) -> Response {
    Json(json!({ "expired": handle(state).expire_tokens() })).into_response()
}

async fn list_tickets(state: Handle) -> Response {
    Json(handle(state).tickets()).into_response()
}

async fn add_tickets(state: Handle, Json(request): Json<NewTickets>) -> Response {
    match handle(state).add_tickets(&request) {
        Ok(created) => (StatusCode::CREATED, Json(created)).into_response(),
        Err(error) => edit_error(&error),
    }
}

async fn edit_ticket(state: Handle, Path(id): Path<Uuid>, Json(edit): Json<TicketEdit>) -> Response {
    match handle(state).edit_ticket(id, &edit) {
        Ok(ticket) => Json(ticket).into_response(),
        Err(error) => edit_error(&error),
    }
}

async fn delete_ticket(state: Handle, Path(id): Path<Uuid>) -> Response {
    match handle(state).delete_ticket(id) {
        Ok(ticket) => Json(ticket).into_response(),
        Err(error) => edit_error(&error),
    }
}

async fn edit_comment(state: Handle, Path(id): Path<Uuid>, Json(edit): Json<CommentEdit>) -> Response {
    match handle(state).edit_comment(id, &edit) {
        Ok(comment) => Json(comment).into_response(),
        Err(error) => edit_error(&error),
    }
}

async fn delete_comment(state: Handle, Path(id): Path<Uuid>) -> Response {
    match handle(state).delete_comment(id) {
        Ok(comment) => Json(comment).into_response(),
        Err(error) => edit_error(&error),
    }
}

fn edit_error(error: &EditError) -> Response {
    let status = match error {
        EditError::NotFound(_) | EditError::CommentNotFound(_) => StatusCode::NOT_FOUND,
        EditError::AlreadyDeleted(_) | EditError::CommentDeleted(_) => StatusCode::CONFLICT,
        EditError::UnknownStatus(_) | EditError::NoProperty => StatusCode::BAD_REQUEST,
    };
    (status, Json(json!({ "error": error.to_string() }))).into_response()
}

async fn deliver_webhook(state: Handle, Json(request): Json<WebhookRequest>) -> Response {
    match handle(state).deliver_webhook(&request).await {
        Ok(report) => Json(report).into_response(),
        Err(error @ WebhookError::Query(_)) => {
            (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({ "error": error.to_string() }))).into_response()
        }
        Err(error) => (StatusCode::BAD_REQUEST, Json(json!({ "error": error.to_string() }))).into_response(),
    }
}

async fn add_resident(state: Handle, Json(login): Json<ResidentLogin>) -> Response {
    match handle(state).add_resident(&login) {
        Some(account) => (StatusCode::CREATED, Json(account)).into_response(),
        None => (StatusCode::BAD_REQUEST, Json(json!({ "error": "no such property or unit" }))).into_response(),
    }
}

async fn get_stats(state: Handle) -> Response {
    Json(handle(state).stats()).into_response()
}

async fn reset_stats(state: Handle) -> Response {
    handle(state).reset_stats();
    StatusCode::NO_CONTENT.into_response()
}

async fn reset(state: Handle) -> Response {
    let handle = handle(state);
    match tokio::task::spawn_blocking(move || handle.reset()).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
