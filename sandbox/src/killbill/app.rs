//! Assembly of the HTTP surface: the Kill Bill API under `/1.0/kb` (behind the request
//! counters, the fault injector and authentication, in that order), the healthcheck, and the
//! sandbox-only control API under `/__sandbox`.

use std::future;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};

use crate::killbill::error::KbError;
use crate::killbill::faults::Decision;
use crate::killbill::server::ConnectionKiller;
use crate::killbill::state::AppState;
use crate::killbill::{auth, control, routes, stats};

/// The whole router.
pub fn router(state: Arc<AppState>) -> Router {
    let kb = routes::router()
        .layer(from_fn_with_state(Arc::clone(&state), auth::authenticate))
        .layer(from_fn_with_state(Arc::clone(&state), inject_faults))
        .layer(from_fn_with_state(Arc::clone(&state), stats::count_requests));
    Router::new()
        .nest("/1.0/kb", kb)
        .merge(routes::health::router())
        .nest("/__sandbox", control::router())
        .with_state(state)
}

/// Middleware applying the fault settings to one request.
async fn inject_faults(State(app): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let (latency, decision) = app.faults.decide();
    if decision == Decision::Down {
        return injected(StatusCode::SERVICE_UNAVAILABLE, "Kill Bill is down (sandbox fault)");
    }
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match decision {
        Decision::Pass | Decision::Down => next.run(request).await,
        Decision::Error(status) => injected(status, "Injected failure (sandbox fault)"),
        Decision::Timeout(hang) => {
            tokio::time::sleep(hang).await;
            injected(StatusCode::GATEWAY_TIMEOUT, "Injected timeout (sandbox fault)")
        }
        Decision::DropAfterProcessing => {
            let killer = request.extensions().get::<ConnectionKiller>().cloned();
            let response = next.run(request).await;
            match killer {
                Some(killer) => {
                    killer.kill();
                    future::pending().await
                }
                None => response,
            }
        }
    }
}

fn injected(status: StatusCode, message: &str) -> Response {
    KbError::Injected { status, message: message.to_string() }.into_response()
}
