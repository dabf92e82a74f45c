//! People: admins invite, list and correct them as JSON (`/api/manage/users`); anyone
//! holding a set-password link sets their password with it, by the page's
//! plain form (`/set-password/{token}`, works without JavaScript) or as JSON.

use app::model::AppError;
use app::model::people::{InviteRequest, Invited, PeopleQuery, Person, ProfileChanged, ProfileRequest};
use app::server::audit::Actor;
use app::server::auth::AuthUser;
use app::server::state::AppState;
use app::server::{people, profile};
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Json, Router};
use serde::Deserialize;

/// The people routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/manage/users", post(invite).get(list))
        .route("/api/manage/users/{id}", axum::routing::put(edit_profile))
        .route("/api/auth/set-password", post(set_password_json))
        .route("/set-password/{token}", post(set_password_form))
}

/// `{email, role, name?}` → 201 with the account (and the link when no SMTP server is set).
async fn invite(
    State(state): State<AppState>,
    user: AuthUser,
    body: Result<Json<InviteRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<Invited>), AppError> {
    user.require_admin()?;
    let Json(request) = body.map_err(|e| AppError::Validation(e.body_text()))?;
    let by = Actor::of(&user);
    let invited = people::invite(
        &state.pool,
        &state.mailer,
        &state.public_url,
        &by,
        &request.email,
        &request.role,
        request.name.as_deref(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(invited)))
}

/// `{email, name}` → 200 `{id, email, name, changed}` (admins); another account's e-mail is a 409.
async fn edit_profile(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<uuid::Uuid>,
    body: Result<Json<ProfileRequest>, JsonRejection>,
) -> Result<Json<ProfileChanged>, AppError> {
    let Json(request) = body.map_err(|e| AppError::Validation(e.body_text()))?;
    Ok(Json(profile::edit(&state.pool, &user, id, &request).await?))
}

/// `?role=&q=&page=`: people by e-mail, 50 a page.
async fn list(
    State(state): State<AppState>,
    user: AuthUser,
    query: Result<Query<PeopleQuery>, QueryRejection>,
) -> Result<Json<Vec<Person>>, AppError> {
    user.require_admin()?;
    let Query(query) = query.map_err(|e| AppError::Validation(e.body_text()))?;
    Ok(Json(people::list(&state.pool, &query).await?))
}

#[derive(Deserialize)]
struct SetPasswordJson {
    token: String,
    password: String,
}

/// `{token, password}` → 204; a used or expired link is a 409.
async fn set_password_json(
    State(state): State<AppState>,
    body: Result<Json<SetPasswordJson>, JsonRejection>,
) -> Result<StatusCode, AppError> {
    let Json(request) = body.map_err(|e| AppError::Validation(e.body_text()))?;
    people::set_password_with_link(&state.pool, &request.token, &request.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct SetPasswordForm {
    password: String,
    confirm: String,
}

/// The page's form: to the sign-in page once set, back to the form with the reason otherwise.
async fn set_password_form(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Form(form): Form<SetPasswordForm>,
) -> Response {
    let back = |reason: &str| {
        let token: String =
            token.chars().filter(|c| c.is_ascii_alphanumeric() || "-_".contains(*c)).take(100).collect();
        Redirect::to(&format!("/set-password/{token}?error={reason}")).into_response()
    };
    if form.password != form.confirm {
        return back("mismatch");
    }
    match people::set_password_with_link(&state.pool, &token, &form.password).await {
        Ok(()) => Redirect::to("/login?notice=password_set").into_response(),
        Err(AppError::Validation(_)) => back("weak"),
        Err(AppError::Conflict(_)) => back("expired"),
        Err(_) => back("unavailable"),
    }
}
