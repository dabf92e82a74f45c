//! Server-only code: state, errors, the store, adapters, background jobs and demo data.
//! Nothing here imports UI code, and nothing here is built for the browser.

pub mod account;
pub mod adapters;
pub mod archive;
pub mod audit;
pub mod auth;
pub mod billing;
pub mod condo_link;
pub mod credit_note;
pub mod db;
pub mod error;
pub mod health;
pub mod invoices;
pub mod jobs;
pub mod leases;
pub mod list_params;
pub mod listing;
pub mod mail;
pub mod maintenance;
pub mod metrics;
pub mod payment;
pub mod people;
pub mod places;
pub mod profile;
pub mod property;
pub mod quarantine;
pub mod refund;
pub mod rent_roll;
pub mod request_id;
pub mod scheduler;
pub mod secret;
pub mod seed;
pub mod state;
pub mod store;
pub mod system_status;
pub mod webhooks;
