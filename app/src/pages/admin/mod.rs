//! Admin pages.

mod system_status;

pub use system_status::SystemStatusPage;
