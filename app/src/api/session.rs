//! Who is signed in, for the header.

use leptos::prelude::*;

use crate::model::AppError;
use crate::model::session::SessionUser;

/// The signed-in user, or `None`.
#[server(endpoint = "session/whoami")]
pub async fn whoami() -> Result<Option<SessionUser>, AppError> {
    let Some(user) = crate::server::auth::current_user()? else { return Ok(None) };
    let pool = crate::server::state::pool()?;
    crate::server::account::session_user(&pool, &user).await
}

/// Whether a set-password link (an invitation or a reset) still works. Asked
/// without signing in: the token itself is the secret.
#[server(endpoint = "session/set_password_link")]
pub async fn set_password_link_usable(token: String) -> Result<bool, AppError> {
    let pool = crate::server::state::pool()?;
    crate::server::people::link_is_usable(&pool, &token).await
}
