//! Shared server state, handed to axum handlers and (as Leptos context) to
//! server functions.

use axum::extract::FromRef;
use leptos::prelude::{LeptosOptions, use_context};
use sqlx::PgPool;
use std::sync::Arc;

use super::auth::AuthService;
use super::jobs::{Integrations, SyncContext, SyncSettings};

use crate::model::AppError;

/// Everything a request handler may need: a handle on one shared
/// [`AppStateInner`], so the clones axum and Leptos make of it for every
/// request cost a reference count, not a copy of every setting.
#[derive(Clone, Debug)]
pub struct AppState(Arc<AppStateInner>);

impl AppState {
    /// The handle on `inner`.
    pub fn new(inner: AppStateInner) -> Self {
        Self(Arc::new(inner))
    }
}

impl std::ops::Deref for AppState {
    type Target = AppStateInner;

    fn deref(&self) -> &AppStateInner {
        &self.0
    }
}

/// What [`AppState`] shares.
#[derive(Debug)]
pub struct AppStateInner {
    /// The PostgreSQL pool.
    pub pool: PgPool,
    /// Where the site's assets are and how they are named.
    pub leptos_options: LeptosOptions,
    /// Keys, token settings and the login limiter.
    pub auth: Arc<AuthService>,
    /// The platforms' settings (webhooks verify and process with them).
    pub sync: SyncSettings,
    /// The platforms' clients, built once at start from `sync`.
    pub integrations: Integrations,
    /// The jobs' schedules: the freshness targets and the panel's descriptions follow them.
    pub schedules: crate::server::scheduler::schedule::SchedulerSettings,
    /// `MARKETPLACE_PUBLIC_URL` without a trailing `/`: the root of absolute
    /// links (canonical, sharing tags, sitemap, invitation links).
    pub public_url: String,
    /// Outgoing mail (SMTP, or files when no server is set).
    pub mailer: super::mail::Mailer,
    /// `MARKETPLACE_METRICS_TOKEN`: the Bearer token of the operator's tools
    /// (`/metrics`, the detailed health); admins need none.
    pub metrics_token: Option<super::secret::Secret>,
}

impl AppState {
    /// What a job run by this server needs: its pool, settings and clients.
    pub fn sync_context(&self) -> SyncContext {
        SyncContext {
            pool: self.pool.clone(),
            settings: self.sync.clone(),
            integrations: self.integrations.clone(),
            progress: false,
            tick: None,
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl FromRef<AppState> for PgPool {
    fn from_ref(state: &AppState) -> Self {
        state.pool.clone()
    }
}

/// The state provided to server functions and SSR.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| super::error::internal("application state missing from context"))
}

/// The database pool, from the state in context.
pub fn pool() -> Result<PgPool, AppError> {
    app_state().map(|s| s.pool.clone())
}
