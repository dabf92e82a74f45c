//! The shapes that pages, server functions and the JSON API exchange, and the
//! one boundary error. A leaf: it uses only `domain`, never `api`, `server` or
//! `pages`, and it builds for the browser as for the server.

pub mod account;
pub mod audit;
pub mod billing;
pub mod condo_link;
pub mod error;
pub mod health;
pub mod killbill_drift;
pub mod listing;
pub mod maintenance;
pub mod maintenance_request;
pub mod manage;
pub mod metrics;
pub mod payment;
pub mod people;
pub mod property;
pub mod quarantine;
pub mod reconciliation;
pub mod rent_roll;
pub mod session;
pub mod system_status;
pub mod upstream_check;

pub use error::AppError;
