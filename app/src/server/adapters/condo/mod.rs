//! The Condo adapter.

mod settings;

pub use settings::CondoSettings;
