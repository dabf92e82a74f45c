//! The outside platforms the Marketplace integrates with.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One of the three integrated platforms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    /// Kill Bill: our invoices and payments are mirrored into it.
    KillBill,
    /// Condo: maintenance tickets and units are imported from it.
    Condo,
    /// Cocorico: approved listings are imported into the portal.
    Cocorico,
}

impl Platform {
    /// Every platform, in display order.
    pub const ALL: [Platform; 3] = [Platform::KillBill, Platform::Condo, Platform::Cocorico];

    /// The identifier used in the database, URLs and logs.
    pub fn as_str(&self) -> &'static str {
        match self {
            Platform::KillBill => "killbill",
            Platform::Condo => "condo",
            Platform::Cocorico => "cocorico",
        }
    }

    /// Parses the identifier used in the database and URLs.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == raw)
    }

    /// The name people know the platform by.
    pub fn display_name(&self) -> &'static str {
        match self {
            Platform::KillBill => "Kill Bill",
            Platform::Condo => "Condo",
            Platform::Cocorico => "Cocorico",
        }
    }

    /// What the integration does for us, in one line.
    pub fn purpose(&self) -> &'static str {
        match self {
            Platform::KillBill => "Mirrors our invoices and payments into the finance ledger",
            Platform::Condo => "Imports maintenance tickets and units",
            Platform::Cocorico => "Imports approved listings into the public portal",
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_round_trip() {
        for platform in Platform::ALL {
            assert_eq!(Platform::parse(platform.as_str()), Some(platform));
        }
        assert_eq!(Platform::parse("stripe"), None);
    }
}
