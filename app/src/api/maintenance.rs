//! Maintenance tickets: what `/maintenance`, `/maintenance/{id}` and `/api/maintenance` show,
//! scoped by role (landlords: their properties; tenants: what they rent now; admins: all).

use leptos::prelude::*;

use crate::domain::TicketParams;
use crate::model::AppError;
use crate::model::maintenance::{TicketDetail, TicketPage};

/// The caller's tickets matching the raw query values (validated here, so a bad URL gets
/// a message naming the parameter).
#[server(endpoint = "maintenance/list", input = leptos::server_fn::codec::Json)]
pub async fn list_maintenance(params: TicketParams) -> Result<TicketPage, AppError> {
    let user = crate::server::auth::require_user()?;
    let query = crate::domain::TicketQuery::parse(&params).map_err(AppError::Validation)?;
    let pool = crate::server::state::pool()?;
    crate::server::maintenance::list_tickets_of(&pool, &user, query).await
}

/// One of the caller's tickets.
#[server(endpoint = "maintenance/get")]
pub async fn get_maintenance_ticket(id: String) -> Result<TicketDetail, AppError> {
    let user = crate::server::auth::require_user()?;
    let pool = crate::server::state::pool()?;
    crate::server::maintenance::find_ticket_of(&pool, &user, &id).await
}
