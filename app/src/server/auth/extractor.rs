//! `AuthUser`: who is calling. One extractor for REST handlers (axum) and
//! server functions alike: `Authorization: Bearer` for machines, the session
//! cookie for browsers. Role checks are methods on it.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use uuid::Uuid;

use super::cookies::{ACCESS_COOKIE, read_cookie};
use crate::domain::Role;
use crate::model::AppError;
use crate::server::state::AppState;
use crate::server::store::maintenance_ticket::list::TicketScope;

/// A verified caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthUser {
    /// Our id of the signed-in user (`app_user.id`).
    pub user_id: Uuid,
    /// Admin, landlord or tenant, as the token says.
    pub role: Role,
    /// Set for tenants: their tenant id.
    pub tenant_id: Option<Uuid>,
}

impl AuthUser {
    /// Admins only.
    pub fn require_admin(&self) -> Result<(), AppError> {
        if self.role == Role::Admin { Ok(()) } else { Err(AppError::Forbidden) }
    }

    /// Whose properties the caller acts on: every landlord's for admins
    /// (`None`), their own for landlords; tenants have none.
    pub fn landlord_scope(&self) -> Result<Option<Uuid>, AppError> {
        match self.role {
            Role::Admin => Ok(None),
            Role::Landlord => Ok(Some(self.user_id)),
            Role::Tenant => Err(AppError::Forbidden),
        }
    }

    /// Whose invoices the caller reads: every tenant's for admins (`None`),
    /// their own for tenants; landlords none.
    pub fn tenant_scope(&self) -> Result<Option<Uuid>, AppError> {
        match self.role {
            Role::Admin => Ok(None),
            Role::Tenant => self.tenant_id.map(Some).ok_or(AppError::Forbidden),
            Role::Landlord => Err(AppError::Forbidden),
        }
    }

    /// Whose maintenance tickets the caller sees; a tenant account without a
    /// tenant id sees none.
    pub fn ticket_scope(&self) -> Result<TicketScope, AppError> {
        match self.role {
            Role::Admin => Ok(TicketScope::All),
            Role::Landlord => Ok(TicketScope::Landlord(self.user_id)),
            Role::Tenant => self.tenant_id.map(TicketScope::Tenant).ok_or(AppError::Forbidden),
        }
    }
}

/// The caller that the session middleware found in the access cookie, or in
/// the access token it just minted when that cookie had expired: verified
/// once for the whole request, so the page's render and the server functions
/// it calls read it instead of checking the same token again.
#[derive(Debug, Clone)]
pub struct VerifiedCaller(pub AuthUser);

/// The caller of a request, if any. A Bearer token that does not verify is
/// an error; a stale cookie just means "signed out".
pub fn authenticate(parts: &Parts, state: &AppState) -> Result<Option<AuthUser>, AppError> {
    if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
        let token = value.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")).ok_or(AppError::Unauthorized)?;
        return state.auth.verify_access(token.trim()).map(Some);
    }
    if let Some(VerifiedCaller(user)) = parts.extensions.get::<VerifiedCaller>() {
        return Ok(Some(user.clone()));
    }
    let cookies = parts.headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok());
    Ok(cookies.filter_map(|c| read_cookie(c, ACCESS_COOKIE)).find_map(|t| state.auth.verify_access(t).ok()))
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        authenticate(parts, state)?.ok_or(AppError::Unauthorized)
    }
}

/// The caller of the current server function or page render, if signed in.
pub fn current_user() -> Result<Option<AuthUser>, AppError> {
    let state = crate::server::state::app_state()?;
    let Some(parts) = leptos::prelude::use_context::<Parts>() else { return Ok(None) };
    authenticate(&parts, &state)
}

/// The caller, or `Unauthorized`.
pub fn require_user() -> Result<AuthUser, AppError> {
    current_user()?.ok_or(AppError::Unauthorized)
}
