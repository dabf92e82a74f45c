//! Server-only code: state, errors, the store, adapters, sync jobs and demo data.
//! Nothing here imports UI code, and nothing here is built for the browser.

pub mod account;
pub mod adapters;
pub mod auth;
pub mod db;
pub mod error;
pub mod panel;
pub mod scheduler;
pub mod seed;
pub mod state;
pub mod store;
pub mod sync;
pub mod webhooks;
