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
