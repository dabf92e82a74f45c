//! The public property portal.

mod listing;
mod properties;

pub use listing::ListingPage;
pub use properties::PropertiesPage;
