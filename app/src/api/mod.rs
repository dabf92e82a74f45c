//! Server functions by area: the only calls the pages make. Each one
//! authorizes, calls a service under `server/` and returns a `model` type.

#![expect(
    missing_docs,
    reason = "the #[server] macro makes a struct of each function's arguments; the functions are documented"
)]

pub mod account;
pub mod condo_link;
pub mod killbill_drift;
pub mod listing;
pub mod maintenance;
pub mod maintenance_request;
pub mod manage;
pub mod quarantine;
pub mod session;
pub mod system_status;
