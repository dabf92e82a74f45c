//! Requests and comments written here: `POST /api/maintenance` (multipart with photos, or
//! JSON without), `POST /api/maintenance/{id}/comments`, and the plain form posts of the
//! pages (`/maintenance/new`, `/maintenance/{id}/comments`), which answer 303 back to the page.
//! Each answers once the record is stored; the `condo_outbox` job sends it to Condo.

use app::domain::request_input::{MAX_PHOTO_BYTES, MAX_PHOTOS};
use app::model::AppError;
use app::model::maintenance_request::{CommentAdded, RequestFiled};
use app::server::auth::AuthUser;
use app::server::maintenance_request::{RequestInput, add_comment, file_request};
use app::server::state::AppState;
use axum::extract::multipart::MultipartError;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Json, Router};
use serde::Deserialize;

use super::manage_forms::{Fields, back, field};

/// The largest request body: every photo at its largest, and the text beside them.
const MAX_BODY_BYTES: usize = MAX_PHOTOS * MAX_PHOTO_BYTES + 1024 * 1024;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/maintenance", post(file_api))
        .route("/maintenance/new", post(file_form))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .route("/api/maintenance/{id}/comments", post(comment_api))
        .route("/maintenance/{id}/comments", post(comment_form))
}

/// `POST /api/maintenance` without photos.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonRequest {
    description: String,
    #[serde(default)]
    category: Option<String>,
    emergency: bool,
    #[serde(default)]
    visiting_hours: Option<String>,
    #[serde(default)]
    unit: Option<String>,
}

/// 202 with the stored request and its sending state.
async fn file_api(
    State(state): State<AppState>,
    user: AuthUser,
    request: Request,
) -> Result<(StatusCode, Json<RequestFiled>), AppError> {
    let kind = request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let input = if kind.starts_with("multipart/form-data") {
        let multipart =
            Multipart::from_request(request, &state).await.map_err(|e| AppError::Validation(e.body_text()))?;
        read_multipart(multipart).await?
    } else if kind.starts_with("application/json") {
        let Json(body) = Json::<JsonRequest>::from_request(request, &state)
            .await
            .map_err(|e| AppError::Validation(e.body_text()))?;
        RequestInput {
            unit: body.unit,
            category: body.category,
            description: body.description,
            emergency: body.emergency,
            visiting_hours: body.visiting_hours,
            photos: Vec::new(),
        }
    } else {
        return Err(AppError::Validation(
            "body: send multipart/form-data (with photos) or application/json (without)".into(),
        ));
    };
    let filed = file_request(&state.pool, &user, input).await?;
    Ok((StatusCode::ACCEPTED, Json(filed)))
}

/// Reads the parts: `description`, `category`, `emergency`, `visiting_hours`, `unit`, and any
/// number of `photos` (an empty file input sends one empty part without a name: skipped).
async fn read_multipart(mut multipart: Multipart) -> Result<RequestInput, AppError> {
    let mut input = RequestInput::default();
    let mut emergency = None;
    while let Some(part) = multipart.next_field().await.map_err(too_large_or_bad)? {
        let name = part.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "photos" | "photos[]" | "photo" => {
                let filename = part.file_name().unwrap_or_default().to_owned();
                let bytes = part.bytes().await.map_err(too_large_or_bad)?;
                if !(filename.is_empty() && bytes.is_empty()) {
                    input.photos.push((filename, bytes.to_vec()));
                }
            }
            "description" | "category" | "emergency" | "visiting_hours" | "unit" => {
                let text = part.text().await.map_err(too_large_or_bad)?;
                match name.as_str() {
                    "description" => input.description = text,
                    "category" => input.category = Some(text),
                    "emergency" => emergency = Some(text),
                    "visiting_hours" => input.visiting_hours = Some(text),
                    _ => input.unit = Some(text),
                }
            }
            other => return Err(AppError::Validation(format!("{other}: not a field of a request"))),
        }
    }
    input.emergency = match emergency.as_deref().map(str::trim) {
        None | Some("" | "false" | "no" | "0" | "off") => false,
        Some("true" | "yes" | "1" | "on") => true,
        Some(_) => return Err(AppError::Validation("emergency: true or false".into())),
    };
    Ok(input)
}

fn too_large_or_bad(err: MultipartError) -> AppError {
    if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::Validation(format!(
            "photos: the request is larger than {} MiB; send at most {MAX_PHOTOS} photos of {} MiB each",
            MAX_BODY_BYTES / (1024 * 1024),
            MAX_PHOTO_BYTES / (1024 * 1024)
        ))
    } else {
        AppError::Validation(format!("body: {}", err.body_text()))
    }
}

/// The request form of `/maintenance/new`: to the request's page, or back with the error.
async fn file_form(State(state): State<AppState>, user: Result<AuthUser, AppError>, request: Request) -> Response {
    let Ok(user) = user else { return Redirect::to("/login?next=/maintenance/new").into_response() };
    let multipart = match Multipart::from_request(request, &state).await {
        Ok(multipart) => multipart,
        Err(err) => {
            return back_to_form(Err(AppError::Validation(format!("body: {}", err.body_text()))), &Fields::new());
        }
    };
    let input = match read_multipart(multipart).await {
        Ok(input) => input,
        Err(err) => return back_to_form(Err(err), &Fields::new()),
    };
    let mut typed = Fields::new();
    typed.insert("description".into(), input.description.clone());
    typed.insert("visiting_hours".into(), input.visiting_hours.clone().unwrap_or_default());
    typed.insert("category".into(), input.category.clone().unwrap_or_default());
    match file_request(&state.pool, &user, input).await {
        Ok(filed) => Redirect::to(&format!("{}?ok=filed", filed.url)).into_response(),
        Err(err) => back_to_form(Err(err), &typed),
    }
}

fn back_to_form(result: Result<String, AppError>, typed: &Fields) -> Response {
    back("/maintenance/new", result, typed, &["description", "visiting_hours", "category"])
}

/// `POST /api/maintenance/{id}/comments`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonComment {
    content: String,
    #[serde(default)]
    for_residents: Option<bool>,
}

/// 202 with the stored comment and its sending state.
async fn comment_api(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    body: Result<Json<JsonComment>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<CommentAdded>), AppError> {
    let Json(body) = body.map_err(|e| AppError::Validation(e.body_text()))?;
    let added = add_comment(&state.pool, &user, &id, &body.content, body.for_residents).await?;
    Ok((StatusCode::ACCEPTED, Json(added)))
}

/// The comment form of a ticket's page (`content`, `internal` ticked for staff only).
async fn comment_form(
    State(state): State<AppState>,
    user: Result<AuthUser, AppError>,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Response {
    let page = format!("/maintenance/{id}");
    let Ok(user) = user else { return Redirect::to(&format!("/login?next={page}")).into_response() };
    let for_residents = (field(&form, "internal") != "on").then_some(true).or(Some(false));
    let result = add_comment(&state.pool, &user, &id, field(&form, "content"), for_residents)
        .await
        .map(|_| "commented".to_owned());
    back(&page, result, &form, &["content"])
}
