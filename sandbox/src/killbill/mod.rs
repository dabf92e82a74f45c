//! Kill Bill 0.24 emulator: a contract-faithful stand-in for the REST API the Marketplace mirrors
//! invoices and payments to (see `shared/contracts/killbill/NOTES.md` and `kbswagger.yaml`).
//!
//! - In process: [`spawn`] a server from a [`KillBillConfig`] and drive it through the returned
//!   [`RunningKillBill`] (base URL, faults, counters, per-account totals).
//! - From the command line: `sandbox killbill --listen 127.0.0.1:3180 --api-key K --api-secret S`.
//! - Contract checks for tests: [`contract::validate_definition`].
//!
//! State lives in memory. Beyond Kill Bill's API it serves a control API under `/__sandbox`,
//! without auth: `GET|PUT /faults` ([`Faults`] as JSON; missing fields mean "no fault"),
//! `GET|PUT /notify` ([`NotifyConfig`]), `GET /stats` ([`RequestStats`]), `POST /stats/reset`
//! and `GET /summary` ([`Summary`]).

mod app;
mod auth;
mod cli;
mod config;
pub mod contract;
mod control;
mod error;
mod faults;
mod money;
mod notify;
mod routes;
mod server;
mod state;
mod stats;
mod store;
mod summary;
mod wire;

pub use config::{DEFAULT_LISTEN, KillBillConfig, TenantSeed};
pub use faults::{FaultKind, FaultStats, Faults, FaultsError};
pub use notify::{NotificationStats, NotifyConfig};
pub use server::{RunningKillBill, spawn};
pub use stats::RequestStats;
pub use summary::{AccountSummary, Summary, TenantSummary};

/// Command-line entry point: `sandbox killbill [args…]`.
pub fn cli_main(args: Vec<String>) -> anyhow::Result<()> {
    cli::run(args)
}
