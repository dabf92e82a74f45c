//! Landlords' maintenance views.

mod ticket;
mod tickets;

pub use ticket::MaintenanceTicketPage;
pub use tickets::MaintenancePage;
