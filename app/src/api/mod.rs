//! Server functions and the data they return, by area. These are the only
//! calls the pages make; each one authorizes, validates, calls the store and
//! maps the error.

pub mod account;
pub mod condo_link;
pub mod error;
pub mod integration;
pub mod listing;
pub mod maintenance;
pub mod reconciliation;
pub mod session;
pub mod system_status;

pub use error::AppError;
