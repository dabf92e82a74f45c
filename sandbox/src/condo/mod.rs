//! The Condo emulator: a schema-checked stand-in for Condo's GraphQL API (`POST /admin/api`).
//!
//! It validates every operation against Condo's `schema.graphql`, answers the ticket,
//! property and organization queries the Marketplace import uses from a seeded data set,
//! enforces Condo's limits with Condo's error shapes, sends ticket webhooks, and injects
//! faults. A control API under `/__sandbox/…` (and [`CondoHandle`] in-process) lets tests
//! edit data, expire tokens, set faults and read counters.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! let condo = sandbox::condo::spawn(sandbox::condo::CondoConfig::default()).await?;
//! println!("GraphQL at {}", condo.graphql_url());
//! condo.shutdown().await;
//! # Ok(()) }
//! ```

mod auth;
mod cli;
mod client;
mod config;
mod data;
mod errors;
mod exec;
mod faults;
mod handle;
mod http;
mod rng;
pub mod schema;
mod state;
mod stats;
mod webhook;

pub use cli::cli_main;
pub use client::ApiClient;
pub use config::{CondoConfig, Credentials, DataConfig};
pub use data::catalog::Locale;
pub use data::generate::{EXAMPLE_ORGANIZATION_ID, EXAMPLE_PROPERTY_ID, EXAMPLE_STAFF_USER_ID};
pub use data::{
    CommentEdit, CommentInfo, EditError, NewTickets, PropertySummary, Summary, TicketCounts, TicketEdit, TicketInfo,
};
pub use faults::Faults;
pub use handle::CondoHandle;
pub use stats::{FaultCounts, Stats};
pub use webhook::{
    DEFAULT_FIELDS, WebhookError, WebhookPost, WebhookReport, WebhookRequest, sign as sign_webhook,
    sign_delivery as sign_webhook_delivery,
};

use anyhow::Context as _;
use state::Shared;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// A running emulator; it stops when dropped or on [`RunningCondo::shutdown`].
pub struct RunningCondo {
    addr: SocketAddr,
    handle: CondoHandle,
    stop: Option<watch::Sender<bool>>,
    task: Option<JoinHandle<()>>,
}

impl RunningCondo {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`, the base of `/admin/api` and `/__sandbox/…`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://ADDR/admin/api`, Condo's GraphQL endpoint.
    pub fn graphql_url(&self) -> String {
        format!("{}/admin/api", self.base_url())
    }

    /// Direct control of data, faults, sessions and counters.
    pub fn handle(&self) -> &CondoHandle {
        &self.handle
    }

    /// Stops accepting, closes open connections and waits for the server task to end.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningCondo {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
    }
}

/// Loads the schema, generates the data set and starts serving on `config.listen`.
pub async fn spawn(config: CondoConfig) -> anyhow::Result<RunningCondo> {
    anyhow::ensure!(
        config.listen.ip().is_loopback(),
        "the Condo emulator only listens on loopback addresses, not {}",
        config.listen
    );
    let listen = config.listen;
    let shared = tokio::task::spawn_blocking(move || -> anyhow::Result<Shared> {
        let schema = schema::load(&config.schema_path)?;
        Shared::new(config, schema)
    })
    .await
    .context("the emulator setup task failed")??;
    let shared = Arc::new(shared);
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(http::server::serve(listener, http::router(shared.clone()), stopped));
    Ok(RunningCondo { addr, handle: CondoHandle(shared), stop: Some(stop), task: Some(task) })
}
