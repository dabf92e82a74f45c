//! UI pieces shared by several pages.

pub mod content_security;
pub mod http_status;
pub mod layout;
pub mod listing_card;
pub mod notice;
pub mod pagination;
