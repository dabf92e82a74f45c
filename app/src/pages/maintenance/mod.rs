//! Landlords' maintenance views.

mod tickets;

pub use tickets::MaintenancePage;
