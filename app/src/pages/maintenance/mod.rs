//! The maintenance views: the list, and one ticket with its conversation and files.

mod ticket;
mod ticket_parts;
mod tickets;

pub use ticket::MaintenanceTicketPage;
pub use tickets::MaintenancePage;
