//! Maintenance: the tickets of a landlord's properties or a tenant's home, one ticket with its
//! conversation and files, and a tenant's request form.

mod follow_up;
mod new;
mod ticket;
mod ticket_parts;
mod tickets;

pub use new::NewMaintenanceRequestPage;
pub use ticket::MaintenanceTicketPage;
pub use tickets::MaintenancePage;
