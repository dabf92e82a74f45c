//! Connection settings for Cocorico, read from the environment.

/// How to reach Cocorico. `None` from [`CocoricoSettings::from_lookup`] means "not configured".
#[derive(Debug, Clone)]
pub struct CocoricoSettings {}

impl CocoricoSettings {
    /// Reads the settings through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(_lookup: &dyn Fn(&str) -> Option<String>) -> anyhow::Result<Option<Self>> {
        Ok(None)
    }
}
