//! The HTTP server: binds, serves each connection with hyper, and can close a connection
//! without answering (the "dropped after processing" fault).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::task::{JoinHandle, JoinSet};
use tower::ServiceExt;

use crate::killbill::app;
use crate::killbill::config::KillBillConfig;
use crate::killbill::faults::{Faults, FaultsError};
use crate::killbill::notify::NotifyConfig;
use crate::killbill::state::AppState;
use crate::killbill::stats::RequestStats;
use crate::killbill::summary::{self, Summary};

/// Lets a handler close its own connection without sending a response.
#[derive(Debug, Clone, Default)]
pub struct ConnectionKiller(Arc<Notify>);

impl ConnectionKiller {
    /// Closes the connection as soon as possible.
    pub fn kill(&self) {
        self.0.notify_one();
    }

    async fn killed(&self) {
        self.0.notified().await;
    }
}

/// A running emulator; it stops when dropped or on [`RunningKillBill::shutdown`].
pub struct RunningKillBill {
    addr: SocketAddr,
    state: Arc<AppState>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

/// Starts the emulator on `config.listen` (port 0 picks a free port) and returns once it
/// accepts connections.
pub async fn spawn(config: KillBillConfig) -> anyhow::Result<RunningKillBill> {
    let state = Arc::new(AppState::new(&config)?);
    let listener = TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let router = app::router(Arc::clone(&state));
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(serve(listener, router, stopped));
    tracing::info!(%addr, "killbill emulator listening");
    Ok(RunningKillBill { addr, state, stop, task: Some(task) })
}

impl RunningKillBill {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`, the base URL for clients (the API is under `/1.0/kb`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Replaces the fault settings (and restarts the N-th request count).
    pub fn set_faults(&self, faults: Faults) -> Result<(), FaultsError> {
        self.state.faults.set(faults)
    }

    /// Current fault settings.
    pub fn faults(&self) -> Faults {
        self.state.faults.get()
    }

    /// Replaces the push-notification delivery settings.
    pub fn set_notify(&self, notify: NotifyConfig) {
        self.state.notifier.set_config(notify);
    }

    /// Request, fault and notification counters.
    pub fn stats(&self) -> RequestStats {
        self.state.request_stats()
    }

    /// Clears every counter.
    pub fn reset_stats(&self) {
        self.state.reset_stats();
    }

    /// Per-account counts and totals, in minor units.
    pub fn summary(&self) -> Summary {
        summary::build(&self.state.store())
    }

    /// Stops accepting, closes open connections and waits for the server task.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningKillBill {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Serves until the `stopped` flag turns true, then drops every open connection.
pub async fn serve(listener: TcpListener, router: Router, mut stopped: watch::Receiver<bool>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, router.clone()));
                }
                Err(error) => tracing::warn!(%error, "accept failed"),
            },
            _ = stopped.changed() => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn serve_connection(stream: TcpStream, router: Router) {
    let _ = stream.set_nodelay(true);
    let killer = ConnectionKiller::default();
    let handle = killer.clone();
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(handle.clone());
        router.clone().oneshot(request.map(Body::new))
    });
    let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        result = connection => {
            if let Err(error) = result {
                tracing::debug!(%error, "connection ended with an error");
            }
        }
        () = killer.killed() => tracing::debug!("connection dropped by fault injection"),
    }
}
