//! Who is signed in, for the header.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::AppError;
use crate::domain::Role;

/// The signed-in user as the header shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub display_name: String,
    pub email: String,
    pub role: Role,
}

/// The signed-in user, or `None`.
#[server(endpoint = "session/whoami")]
pub async fn whoami() -> Result<Option<SessionUser>, AppError> {
    let Some(user) = crate::server::auth::current_user()? else { return Ok(None) };
    let pool = crate::server::state::pool()?;
    let row = crate::server::store::app_user::find_user(&pool, user.user_id).await?;
    Ok(row.map(|r| SessionUser { display_name: r.display_name, email: r.email, role: user.role }))
}
