//! Server-only code: state, errors, the store, adapters, sync jobs and demo data.
//! Nothing here imports UI code, and nothing here is built for the browser.

pub mod adapters;
pub mod db;
pub mod error;
pub mod seed;
pub mod state;
pub mod store;
pub mod sync;
