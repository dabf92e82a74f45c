//! Clients for the outside platforms: wire types and calls only. Adapters
//! never touch the store; the sync jobs map their results to domain rows.

pub mod cocorico;
pub mod condo;
pub mod killbill;
pub mod retry;
