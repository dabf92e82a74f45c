//! Who is signed in, for the header.

use crate::domain::Role;
use serde::{Deserialize, Serialize};

/// The signed-in user as the header shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    /// The name shown in the header.
    pub display_name: String,
    /// The address they sign in with.
    pub email: String,
    /// Admin, landlord or tenant: decides which pages they can reach.
    pub role: Role,
}
