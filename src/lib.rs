//! Boot and wiring of the Marketplace server: configuration, logging, the
//! HTTP application and its plain JSON routes. Domain code lives in `app`.

// Outside tests a panic is a bug, not error handling: say what failed.
#![warn(clippy::unwrap_used)]

pub mod cli;
pub mod config;
pub mod http;
pub mod startup;
pub mod telemetry;
