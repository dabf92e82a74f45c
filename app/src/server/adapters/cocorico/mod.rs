//! The Cocorico adapter.

mod settings;

pub use settings::CocoricoSettings;
