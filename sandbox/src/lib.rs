//! Contract-faithful stand-ins for the outside platforms the Marketplace talks to.
//!
//! Each emulator lives in its own module and serves the wire contract described in
//! `../shared/contracts/<platform>/`. They are used by the tests, the benchmarks,
//! the browser tests and the first-run demo.

// Outside tests a panic is a bug, not error handling: say what failed.
#![warn(clippy::unwrap_used)]

pub mod cocorico;
pub mod condo;
pub mod killbill;
