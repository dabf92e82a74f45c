//! The Cocorico adapter: settings, the [`CocoricoSource`] trait and its
//! MySQL implementation, and the wire rows. Cocorico has no HTTP API; its
//! approved listings are read from its database through a read-only account.

mod settings;
mod source;
mod wire;

pub use settings::{CocoricoSettings, PriceUnit};
pub use source::{CocoricoError, CocoricoSource, MySqlCocoricoSource, ping};
pub use wire::{
    CategoryRecord, CocoricoListing, IMAGE_FOLDER, ImageRecord, ListingRecord, PLACEHOLDER_IMAGE, PageCursor,
    STATUS_PUBLISHED, TranslationRecord, image_url, thumbnail_url,
};
