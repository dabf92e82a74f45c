//! The properties page's archive and bring-back buttons (`/manage/...`
//! plain form posts), answered 303 back to the page like every back-office form.

use app::model::AppError;
use app::server::archive;
use app::server::auth::AuthUser;
use app::server::state::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Router};
use uuid::Uuid;

use super::manage_forms::{Fields, back, field};

/// The archive routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/manage/properties/{id}/archive", post(archive_property))
        .route("/manage/properties/{id}/restore", post(restore_property))
        .route("/manage/units/{id}/archive", post(archive_unit))
        .route("/manage/units/{id}/restore", post(restore_unit))
}

/// Archives or brings back a property or a unit (archiving asks for a
/// confirmation), then back to the properties page: the archived list after
/// archiving, the list in use after bringing back.
async fn archive_or_restore(
    state: &AppState,
    user: Result<AuthUser, AppError>,
    form: &Fields,
    (what, id, archiving): (&str, Uuid, bool),
) -> Response {
    let Ok(user) = user else { return Redirect::to("/login?next=/manage/properties").into_response() };
    let result = async {
        if archiving && field(form, "confirm") != "yes" {
            return Err(AppError::Validation("confirm: tick the confirmation".into()));
        }
        let pool = &state.pool;
        match (what, archiving) {
            ("property", true) => archive::archive_property(pool, &user, id).await,
            ("property", false) => archive::restore_property(pool, &user, id).await,
            (_, true) => archive::archive_unit(pool, &user, id).await,
            (_, false) => archive::restore_unit(pool, &user, id).await,
        }
        .map(|_| format!("{what}_{}", if archiving { "archived" } else { "restored" }))
    }
    .await;
    let page =
        if field(form, "from") == "archived" { "/manage/properties?archived=true" } else { "/manage/properties" };
    match result {
        Ok(ok) => Redirect::to(&format!("/manage/properties?ok={ok}")).into_response(),
        Err(err) => back(page, Err(err), form, &[]),
    }
}

async fn archive_property(
    State(state): State<AppState>,
    user: Result<AuthUser, AppError>,
    Path(id): Path<Uuid>,
    Form(form): Form<Fields>,
) -> Response {
    archive_or_restore(&state, user, &form, ("property", id, true)).await
}

async fn restore_property(
    State(state): State<AppState>,
    user: Result<AuthUser, AppError>,
    Path(id): Path<Uuid>,
    Form(form): Form<Fields>,
) -> Response {
    archive_or_restore(&state, user, &form, ("property", id, false)).await
}

async fn archive_unit(
    State(state): State<AppState>,
    user: Result<AuthUser, AppError>,
    Path(id): Path<Uuid>,
    Form(form): Form<Fields>,
) -> Response {
    archive_or_restore(&state, user, &form, ("unit", id, true)).await
}

async fn restore_unit(
    State(state): State<AppState>,
    user: Result<AuthUser, AppError>,
    Path(id): Path<Uuid>,
    Form(form): Form<Fields>,
) -> Response {
    archive_or_restore(&state, user, &form, ("unit", id, false)).await
}
