//! Boot and wiring of the Marketplace server: configuration, logging, the
//! HTTP application and its plain JSON routes. Domain code lives in `app`.

pub mod config;
pub mod http;
pub mod startup;
pub mod telemetry;
