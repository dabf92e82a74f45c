//! Incoming webhooks: each platform's deliveries are verified by the HTTP handler, stored
//! as `webhook_event` rows (deduplicated) and processed from there, outside the request,
//! so a crash between receiving and processing loses nothing. One module per source.

pub mod condo;
pub mod killbill;
