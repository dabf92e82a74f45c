//! The Kill Bill REST API under `/1.0/kb`, one module per resource, plus the healthcheck.

mod account;
mod custom_field;
mod extract;
pub mod health;
mod invoice;
mod page;
mod payment;
mod tenant;

use std::sync::Arc;

use axum::Router;

use crate::killbill::state::AppState;

/// Every `/1.0/kb` route (paths relative to that prefix).
pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .merge(tenant::router())
        .merge(account::router())
        .merge(invoice::router())
        .merge(custom_field::router())
        .merge(payment::router())
}
