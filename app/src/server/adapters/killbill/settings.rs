//! Connection settings for KillBill, read from the environment.

/// How to reach KillBill. `None` from [`KillBillSettings::from_lookup`] means "not configured".
#[derive(Debug, Clone)]
pub struct KillBillSettings {}

impl KillBillSettings {
    /// Reads the settings through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(_lookup: &dyn Fn(&str) -> Option<String>) -> anyhow::Result<Option<Self>> {
        Ok(None)
    }
}
