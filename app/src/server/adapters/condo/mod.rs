//! The Condo adapter: settings, the [`CondoClient`] trait, its HTTP implementation and the
//! wire types of Condo's GraphQL API (`POST {CONDO_URL}/admin/api`).
//!
//! Operations live in `operations/*.graphql`; a test validates each against Condo's
//! `schema.graphql`. See `contracts/condo/NOTES.md` for the calls, limits and pitfalls.

mod client;
mod error;
mod settings;
pub mod wire;

pub use client::{CondoClient, HttpCondoClient, OPERATIONS, TICKETS_PER_PAGE, TicketCursor};
pub use error::CondoError;
pub use settings::{CondoSettings, CondoWebhookSettings};
