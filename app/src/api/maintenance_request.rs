//! The tenant's request form: the homes and categories it offers.

use leptos::prelude::*;

use crate::model::AppError;
use crate::model::maintenance_request::RequestForm;

/// What `/maintenance/new` offers the signed-in tenant.
#[server(endpoint = "maintenance/request_form")]
pub async fn maintenance_request_form() -> Result<RequestForm, AppError> {
    let user = crate::server::auth::require_user()?;
    let pool = crate::server::state::pool()?;
    crate::server::maintenance_request::request_form(&pool, &user).await
}
