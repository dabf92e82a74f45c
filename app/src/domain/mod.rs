//! Domain value types shared by the server and the browser: parsed once at the
//! edges, so the rest of the code never handles a raw string or a float for money.

pub mod attachment;
mod billing;
pub mod condo_marker;
mod invoice_status;
mod job;
mod maintenance;
pub mod markup;
mod money;
mod page;
mod platform;
pub mod request_input;
mod role;
mod search;
mod slug;
mod term;
mod ticket;

pub use billing::{BillingPeriod, RentPart, prorate, rent_parts};
pub use invoice_status::InvoiceStatus;
pub use job::Job;
pub use maintenance::{DEFAULT_TICKETS_PER_PAGE, TicketParams, TicketQuery, TicketSort};
pub use money::{Currency, Money};
pub use page::{PageRequest, PageRequestError};
pub use platform::Platform;
pub use role::Role;
pub use search::{DEFAULT_CURRENCY, SearchParams, SearchQuery, SearchSort, form_encode};
pub use slug::{ListingSlug, SlugError};
pub use term::SearchTerm;
pub use ticket::{TicketPriority, TicketStatus};
