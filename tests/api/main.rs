//! Full-stack tests: the real server on port 0 against a fresh PostgreSQL database.

mod admin_panel;
mod auth;
mod billing;
mod cocorico;
mod condo_webhooks;
mod credit_notes;
mod hardening;
mod health;
mod helpers;
mod lease_changes;
mod leases;
mod maintenance;
mod maintenance_detail;
mod manage;
mod manage_pages;
mod people;
mod portal;
mod portal_pages;
mod refunds;
mod rent_roll;
mod scheduler;
mod scoping;
mod search;
mod search_terms;
mod sessions;
mod webhooks_killbill;
