//! Who a user is to the Marketplace.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A user's role; it decides which data they may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Runs the business and the integrations; sees everything.
    Admin,
    /// Owns properties; sees their properties, units, leases and tickets.
    Landlord,
    /// Rents a unit; sees their own lease, invoices and payments.
    Tenant,
}

impl Role {
    /// The identifier stored in the database and in tokens.
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Landlord => "landlord",
            Role::Tenant => "tenant",
        }
    }

    /// Parses the stored identifier.
    pub fn parse(raw: &str) -> Option<Self> {
        [Role::Admin, Role::Landlord, Role::Tenant].into_iter().find(|r| r.as_str() == raw)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_unknown_ones_are_refused() {
        for role in [Role::Admin, Role::Landlord, Role::Tenant] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("Admin"), None);
        assert_eq!(Role::parse("root"), None);
    }
}
