//! Pages, one folder per area; each page is a `…Page` component.

pub mod admin;
pub mod auth;
pub mod home;
pub mod maintenance;
pub mod manage;
pub mod not_found;
pub mod portal;
