//! Who is signed in, for the header.

use crate::domain::Role;
use serde::{Deserialize, Serialize};

/// The signed-in user as the header shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub display_name: String,
    pub email: String,
    pub role: Role,
}
