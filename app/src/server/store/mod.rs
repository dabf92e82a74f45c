//! SQL, one module per table: plain async functions taking an executor.
//! Queries are checked against the schema at compile time (`.sqlx/` holds the
//! offline data).

#![expect(missing_docs, reason = "row structs carry their table's columns under the columns' names (see migrations/)")]

pub mod app_user;
pub mod audit_log;
pub mod billing;
pub mod condo_detail;
pub mod condo_import;
pub mod condo_outbox;

pub mod condo_property_link;
pub mod credit_note;
pub mod database;
pub mod external_ref;
pub mod invoice;
pub mod job_lease;
pub mod killbill_drift_resolution;
pub mod killbill_mirror;
pub mod killbill_quarantine;
pub mod killbill_reconciliation;
pub mod lease;
pub mod listing;
pub mod login_throttle;
pub mod maintenance_request;
pub mod maintenance_ticket;
pub mod payment;
pub mod property;
pub mod refresh_token;
pub mod refund;
pub mod rent_roll;
pub mod session_family;
pub mod sync_request;
pub mod sync_run;
pub mod sync_state;
pub mod unit;
pub mod user_token;
pub mod webhook_event;
pub mod webhook_inbox;
