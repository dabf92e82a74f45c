//! Incoming webhooks: each platform's deliveries are verified by the HTTP handler, stored
//! as `webhook_event` rows (deduplicated) and processed from there, so a crash between
//! receiving and processing loses nothing.

pub mod condo;
