//! `GET /api/files/ticket/{file id}/{name}`: the bytes behind `TicketFile.file.publicUrl`.
//!
//! The same session as the API is required (bearer token or `keystone.sid` cookie), and the
//! same read rule as `allTicketFiles`: a resident only gets files of their own tickets. A file
//! the user may not read answers 404, as if it did not exist.

use crate::condo::auth;
use crate::condo::data::fields::Rec;
use crate::condo::data::model::UserKind;
use crate::condo::state::{Shared, lock};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use uuid::Uuid;

pub use crate::condo::data::fields::FILES_PATH;

/// Serves one uploaded file to a signed-in user allowed to read it.
pub async fn serve(
    State(shared): State<Arc<Shared>>,
    Path((file_id, _name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    lock(&shared.stats).file_downloads += 1;
    let user = auth::request_token(&headers).and_then(|token| lock(&shared.sessions).user(&token));
    let Some(user) = user else {
        return (StatusCode::UNAUTHORIZED, "No or incorrect authentication credentials").into_response();
    };
    let store = shared.store();
    let index = file_id.parse::<Uuid>().ok().and_then(|id| store.file_by_file_id(id));
    let readable = index.is_some_and(|i| {
        store.users[user as usize].kind != UserKind::Resident
            || store.ticket_of(Rec::File(i)).is_some_and(|t| store.resident_reads_ticket(user, t))
    });
    match index.filter(|_| readable) {
        Some(i) => {
            let file = &store.files[i as usize].file;
            let body = file.bytes.as_ref().clone();
            (StatusCode::OK, [(header::CONTENT_TYPE, file.mimetype.clone())], body).into_response()
        }
        None => (StatusCode::NOT_FOUND, "Not found").into_response(),
    }
}
