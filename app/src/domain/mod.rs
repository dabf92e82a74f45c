//! Domain value types shared by the server and the browser: parsed once at the
//! edges, so the rest of the code never handles a raw string or a float for money.

mod invoice_status;
mod maintenance;
mod money;
mod page;
mod platform;
mod role;
mod search;
mod slug;

pub use invoice_status::InvoiceStatus;
pub use maintenance::{
    DEFAULT_TICKETS_PER_PAGE, OPEN_STATUSES, TICKET_PRIORITIES, TICKET_STATUSES, TicketParams, TicketQuery, TicketSort,
    status_label,
};
pub use money::{Currency, Money};
pub use page::{PageRequest, PageRequestError};
pub use platform::Platform;
pub use role::Role;
pub use search::{SearchParams, SearchQuery, SearchSort, form_encode};
pub use slug::{ListingSlug, SlugError};
