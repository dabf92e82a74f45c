//! The public property portal.

mod listing;
mod properties;
pub mod seo;

pub use listing::ListingPage;
pub use properties::PropertiesPage;
