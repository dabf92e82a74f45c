//! Admin pages: `/admin/system-status`, the unified integrations panel.

mod counts;
mod drift;
mod format;
mod integration_card;
mod job_lines;
mod live;
mod property_links;
mod quarantine;
mod reconciliation;
mod system_status;
mod upstream_checks;
mod webhook_inbox;

pub use system_status::SystemStatusPage;
