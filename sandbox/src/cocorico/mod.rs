//! Cocorico stand-in: Cocorico's real MySQL schema in a real MariaDB, filled with
//! seeded, realistic listings.
//!
//! Cocorico has no HTTP API; the Marketplace imports its approved listings by
//! reading its database through a read-only account. This module gives tests,
//! benchmarks and the demo that database:
//!
//! - [`SCHEMA_SQL`]: the DDL (`infra/cocorico/schema.sql`), faithful to the
//!   Doctrine mapping in `shared/contracts/cocorico/`.
//! - [`generate`]: a deterministic generator (seeded ChaCha) of listings,
//!   translations, locations, images, categories, characteristics and owners,
//!   including rows meant to trip an importer up ([`TrickyListings`], and
//!   characteristics absent or malformed: [`CharacteristicCounts`]).
//! - [`load`]: (re)creates the database, inserts a generated data set in
//!   batches and (re)creates the read-only account.
//! - [`set_listing_status`], [`update_listing_title`], [`insert_listing`],
//!   [`delete_listing`]: change the source the way a Cocorico admin or owner would.
//! - [`with_scratch`]: a uniquely named, self-dropping database for tests.
//!
//! Facts an importer relies on: approved means `listing.status = 2`
//! ([`ListingStatus::Published`]); `listing.price` is integer cents of the one
//! platform currency (EUR) per time unit ([`TimeUnit`], not stored in the
//! database); images are file names served at `{site}/uploads/listings/images/{name}`;
//! title and description exist only per locale in `listing_translation`.

mod access;
mod catalog;
mod characteristic;
mod cli;
mod dataset;
mod generate;
pub mod images;
mod listing;
mod load;
mod location;
mod mutate;
mod people;
mod reference;
mod scratch;
mod slug;
mod text;
mod tricky;

pub use access::{ReadOnlyAccess, Secret};
pub use characteristic::PROPERTY_CHARACTERISTICS;
pub use cli::cli_main;
pub use dataset::{
    CharacteristicCounts, Dataset, DatasetSummary, ListingStatus, Table, TimeUnit, TrickyListings, Value,
};
pub use generate::{GenerateOptions, MIN_LISTINGS, generate};
pub use load::{LoadOptions, LoadReport, READONLY_USER_SQL, SCHEMA_SQL, connect_admin, drop_database, load};
pub use mutate::{
    NewListing, NewTranslation, delete_listing, insert_listing, set_listing_status, update_listing_title,
};
pub use scratch::{ADMIN_URL_ENV, DEFAULT_ADMIN_URL, Scratch, with_options, with_scratch};
