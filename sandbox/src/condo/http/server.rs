//! The accept loop: HTTP/1.1 connections served with hyper, each of which a fault can cut.
//!
//! Serving connections by hand (rather than `axum::serve`) lets the fault layer close a
//! connection without answering, which is how "dropped after processing" and "down" look to
//! a client.

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tower::ServiceExt as _;

/// Lets a request handler close its own connection without sending a response.
#[derive(Clone)]
pub struct ConnectionKill(Arc<Notify>);

impl ConnectionKill {
    /// Closes the connection as soon as the handler stops making progress.
    pub fn fire(&self) {
        self.0.notify_one();
    }
}

/// Serves `router` on `listener` until `shutdown` changes or its sender is dropped.
pub async fn serve(listener: TcpListener, router: Router, mut shutdown: watch::Receiver<bool>) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.changed() => break,
        };
        let Ok((stream, peer)) = accepted else { continue };
        tokio::spawn(serve_connection(stream, peer, router.clone(), shutdown.clone()));
    }
}

async fn serve_connection(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
) {
    let notify = Arc::new(Notify::new());
    let kill = ConnectionKill(notify.clone());
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        request.extensions_mut().insert(kill.clone());
        router.clone().oneshot(request)
    });
    let connection = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = connection => {}
        _ = notify.notified() => {}
        _ = shutdown.changed() => {}
    }
}
