//! Full-stack tests: the real server on port 0 against a fresh PostgreSQL database.

mod auth;
mod cocorico;
mod health;
mod helpers;
mod portal;
mod portal_pages;
mod scoping;
mod search;
