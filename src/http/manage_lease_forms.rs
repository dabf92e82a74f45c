//! The leases page's rent-change and recurring-charge forms (`/manage/leases/...`
//! plain form posts), answered 303 back to the page like every back-office form.

use app::model::AppError;
use app::model::manage::{ChargeRequest, RentChangeRequest};
use app::server::auth::AuthUser;
use app::server::leases;
use app::server::state::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Router};
use uuid::Uuid;

use super::manage_forms::{Fields, back, field, number};

/// The lease routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/manage/leases/{id}/rent", post(change_rent))
        .route("/manage/leases/{id}/rent/cancel", post(cancel_rent_change))
        .route("/manage/leases/{id}/charges", post(add_charge))
        .route("/manage/leases/{id}/charges/{charge_id}/remove", post(remove_charge))
}

async fn change_rent(
    State(state): State<AppState>,
    user: Result<AuthUser, AppError>,
    Path(lease): Path<Uuid>,
    Form(form): Form<Fields>,
) -> Response {
    let Ok(user) = user else { return Redirect::to("/login?next=/manage/leases").into_response() };
    let result = async {
        let request = RentChangeRequest {
            from_on: field(&form, "from_on").to_owned(),
            rent_minor: number(&form, "rent_minor")?
                .ok_or_else(|| AppError::Validation("rent_minor: required".into()))?,
        };
        leases::change_rent(&state.pool, &user, lease, &request).await.map(|_| "rent_changed".to_owned())
    }
    .await;
    back("/manage/leases", result, &form, &[])
}

async fn cancel_rent_change(
    State(state): State<AppState>,
    user: Result<AuthUser, AppError>,
    Path(lease): Path<Uuid>,
    Form(form): Form<Fields>,
) -> Response {
    let Ok(user) = user else { return Redirect::to("/login?next=/manage/leases").into_response() };
    let result = leases::cancel_rent_change(&state.pool, &user, lease, field(&form, "from_on"))
        .await
        .map(|()| "rent_change_cancelled".to_owned());
    back("/manage/leases", result, &form, &[])
}

async fn add_charge(
    State(state): State<AppState>,
    user: Result<AuthUser, AppError>,
    Path(lease): Path<Uuid>,
    Form(form): Form<Fields>,
) -> Response {
    let Ok(user) = user else { return Redirect::to("/login?next=/manage/leases").into_response() };
    let result = async {
        let request = ChargeRequest {
            description: field(&form, "description").to_owned(),
            amount_minor: number(&form, "amount_minor")?
                .ok_or_else(|| AppError::Validation("amount_minor: required".into()))?,
        };
        leases::add_charge(&state.pool, &user, lease, &request).await.map(|_| "charge_added".to_owned())
    }
    .await;
    back("/manage/leases", result, &form, &[])
}

async fn remove_charge(
    State(state): State<AppState>,
    user: Result<AuthUser, AppError>,
    Path((lease, charge)): Path<(Uuid, Uuid)>,
    Form(form): Form<Fields>,
) -> Response {
    let Ok(user) = user else { return Redirect::to("/login?next=/manage/leases").into_response() };
    let result = if field(&form, "confirm") == "yes" {
        leases::remove_charge(&state.pool, &user, lease, charge).await.map(|()| "charge_removed".to_owned())
    } else {
        Err(AppError::Validation("confirm: tick the confirmation".into()))
    };
    back("/manage/leases", result, &form, &[])
}
