//! The Cocorico adapter: the reads the import needs, as a trait
//! ([`CocoricoSource`]) with its error ([`CocoricoError`]); its implementation,
//! the settings and the wire rows. Cocorico has no HTTP API: its approved
//! listings are read from its MySQL database through a read-only account, so
//! where the other adapters have `http.rs` this one has `mysql.rs`.

mod mysql;
mod settings;
mod wire;

pub use mysql::{MySqlCocoricoSource, ping};
pub use settings::{CharacteristicRef, CharacteristicRefs, CocoricoSettings, PriceUnit};
pub use wire::{
    CategoryRecord, CharacteristicRecord, CocoricoListing, IMAGE_FOLDER, ImageRecord, ListingRecord, PLACEHOLDER_IMAGE,
    PageCursor, STATUS_PUBLISHED, TranslationRecord, image_url, listing_url, thumbnail_url,
};

use std::future::Future;

/// What went wrong talking to Cocorico's database.
#[derive(Debug, thiserror::Error)]
pub enum CocoricoError {
    /// `COCORICO_DATABASE_URL` cannot be parsed.
    #[error("the Cocorico database URL is invalid: {0}")]
    InvalidUrl(String),
    /// No connection: host down, port closed, timeout, TLS or network failure. Retried next run.
    #[error("Cocorico's database is unreachable: {0}")]
    Unreachable(String),
    /// The server answered but refused the account or the database.
    #[error("Cocorico's database refused the read-only account: {0}")]
    Refused(String),
    /// A query ran past `COCORICO_STATEMENT_TIMEOUT` and the server stopped it.
    #[error("a query on Cocorico's database ran past its time limit: {0}")]
    TimedOut(String),
    /// A query failed: the schema is not the one expected, or a grant is missing.
    #[error("reading Cocorico's listings failed: {0}")]
    Query(#[source] sqlx::Error),
}

/// A source of approved Cocorico listings, read as one consistent snapshot.
pub trait CocoricoSource {
    /// Up to `limit` approved listings (status 2) that come after `after` in
    /// (`createdAt`, `id`) order, with their translations, images,
    /// categories and characteristics. An empty page means the snapshot is exhausted.
    fn approved_page(
        &mut self,
        after: Option<&PageCursor>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<CocoricoListing>, CocoricoError>> + Send;
}
