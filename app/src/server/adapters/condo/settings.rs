//! Connection settings for Condo, read from the environment.

/// How to reach Condo. `None` from [`CondoSettings::from_lookup`] means "not configured".
#[derive(Debug, Clone)]
pub struct CondoSettings {}

impl CondoSettings {
    /// Reads the settings through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(_lookup: &dyn Fn(&str) -> Option<String>) -> anyhow::Result<Option<Self>> {
        Ok(None)
    }
}
