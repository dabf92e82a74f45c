//! Full-stack tests: the real server on port 0 against a fresh PostgreSQL database.

mod auth;
mod health;
mod scoping;
mod helpers;
mod portal;
