//! Building and running the HTTP application. Tests drive the same code on
//! port 0.

use anyhow::Context;
use app::app::{App, shell};
use app::server::auth::{AuthService, KeyStore, keys};
use app::server::jobs::Integrations;
use app::server::scheduler::Scheduler;
use app::server::state::{AppState, AppStateInner};
use axum::Router;
use leptos::prelude::{LeptosOptions, provide_context};
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;

use crate::config::Config;

/// A bound, ready-to-run server.
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
    scheduler: Option<Scheduler>,
}

impl Application {
    /// Connects to the database, applies migrations and binds the port.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        if let Some(hooks) = &config.sync.condo_webhook
            && hooks.secret.is_none()
            && !hooks.allow_unsigned
            && !config.demo
        {
            anyhow::bail!(
                "Condo webhooks are on (CONDO_WEBHOOK_TOKEN) without CONDO_WEBHOOK_SECRET: anyone who learns the URL \
                 could post deliveries. Set the secret (deliveries must then be signed), or set \
                 CONDO_WEBHOOK_ALLOW_UNSIGNED=true to accept the token alone (deliveries are only hints: each \
                 ticket is read again from Condo)"
            );
        }
        let pool = app::server::db::connect(config.database_url.expose(), config.db_max_connections)
            .await
            .context("connecting to PostgreSQL")?;
        app::server::db::migrate(&pool).await.context("applying migrations")?;
        for job in app::domain::Job::ALL {
            let configured = config.sync.is_job_configured(job);
            app::server::store::sync_state::set_configured(&pool, job, configured).await?;
        }
        let listener = TcpListener::bind(config.addr()).await.with_context(|| format!("binding {}", config.addr()))?;
        let leptos_options = LeptosOptions::builder()
            .output_name("marketplace")
            .site_root(config.site_root.to_string_lossy().into_owned())
            .site_pkg_dir("pkg")
            .site_addr(listener.local_addr()?)
            .build();
        let keys = load_keys(&config)?;
        let auth = Arc::new(AuthService::new(keys, config.auth_settings()));
        auth.revoked.reload(&pool).await.context("reading the revoked sessions")?;
        let public_url = config.public_url.trim_end_matches('/').to_owned();
        let state = AppState::new(AppStateInner {
            pool,
            leptos_options,
            auth,
            sync: config.sync.clone(),
            integrations: Integrations::build(&config.sync)?,
            schedules: config.scheduler.clone(),
            public_url,
            mailer: app::server::mail::Mailer::new(&config.mail).context("mail settings")?,
            metrics_token: config.metrics_token.clone(),
        });
        let scheduler = config.scheduler.enabled.then(|| scheduler(&config, &state));
        Ok(Self {
            router: router(
                state.clone(),
                crate::http::limits::Limits::new(config.max_concurrent_requests, config.request_timeout),
                config.public_origin.as_deref().map(std::sync::Arc::from),
            ),
            listener,
            state,
            scheduler,
        })
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.local_addr().map(|a| a.port()).unwrap_or_default()
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The shared state (the database pool), for tests.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves (and schedules) until SIGINT or SIGTERM, then finishes in-flight
    /// requests and stops the scheduler (runs in progress are recorded as
    /// interrupted and their leases released).
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        tracing::info!(addr = %self.local_addr()?, "serving");
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let scheduler = self.scheduler.map(|s| s.spawn(stopped));
        // The revoked sessions of every replica, read again every few seconds.
        let revoked = tokio::spawn(self.state.auth.revoked.clone().keep_fresh(self.state.pool.clone()));
        let service = self.router.into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(self.listener, service).with_graceful_shutdown(shutdown_signal()).await;
        let _ = stop.send(true);
        if let Some(scheduler) = scheduler
            && let Err(err) = scheduler.await
        {
            tracing::error!(error = %err, "the scheduler stopped abnormally");
        }
        revoked.abort();
        served?;
        // A query cut short by the stop may hold its connection a while.
        if tokio::time::timeout(std::time::Duration::from_secs(10), self.state.pool.close()).await.is_err() {
            tracing::warn!("some database connections were still busy after 10 s; stopping anyway");
        }
        tracing::info!("stopped");
        Ok(())
    }
}

/// The scheduler of this server: every job of the configured platforms, on
/// schedule and on request.
fn scheduler(config: &Config, state: &AppState) -> Scheduler {
    Scheduler::new(state.sync_context(), config.scheduler.clone())
}

/// Loads the signing keys. Outside demo mode a missing key stops the start;
/// in demo mode one is generated.
fn load_keys(config: &Config) -> anyhow::Result<KeyStore> {
    if config.demo && keys::ensure_signing_key(&config.keys_dir)? {
        tracing::info!(dir = %config.keys_dir.display(), "generated a signing key for the demo");
    }
    let store = KeyStore::load(&config.keys_dir).context("loading the token signing keys")?;
    if config.demo {
        keys::write_public_pem(&store, &config.public_key_path)?;
    }
    Ok(store)
}

/// The page routes, listed once per process. Listing them renders the whole
/// app with resource loading switched off by a process-wide flag
/// (`leptos_server::SuppressResourceLoad`): a resource of any page rendered
/// at that moment, by any server of the process, would wait forever and its
/// request would end in the timeout's 503. Servers built one after another in
/// one process (the test suite, several replicas in one binary) must not list
/// them again while another serves.
fn page_routes() -> &'static [leptos_axum::AxumRouteListing] {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App))
}

/// The whole HTTP surface: JSON routes, server functions, pages and assets.
/// The routes and the layers around them. `public_origin`: the origin of
/// `MARKETPLACE_PUBLIC_URL` when it is set, which browsers' state-changing
/// requests must come from.
fn router(state: AppState, limits: crate::http::limits::Limits, public_origin: Option<std::sync::Arc<str>>) -> Router {
    let routes = page_routes().to_vec();
    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let options = state.leptos_options.clone();
    // The site's files (`pkg/`, photos, icons) come from `ServeDir`, and only
    // other paths reach Leptos's handler (the 404 page). Leptos's own file
    // branch answers a file inside a reactive owner whose parent is whatever
    // owner the worker thread last had current, so it could take the headers
    // a page being rendered at that moment had set (its Content Security
    // Policy with the nonce of its scripts), leaving the page with none and
    // its hydration blocked.
    let not_found = {
        use axum::handler::Handler;
        leptos_axum::file_and_error_handler_with_context::<AppState, _>(context.clone(), shell)
            .with_state(state.clone())
    };
    // Other methods than GET and HEAD go to the 404 page too, as before (not 405).
    let assets = tower_http::services::ServeDir::new(options.site_root.as_ref())
        .call_fallback_on_method_not_allowed(true)
        .not_found_service(not_found);
    Router::new()
        .merge(crate::http::router())
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .route_layer(axum::middleware::from_fn(crate::http::metrics::tag_route))
        .fallback_service(assets)
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::http::portal::prefetch_search))
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::http::page_guard::guard_pages))
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::http::session::refresh_session))
        .layer(axum::middleware::from_fn_with_state(public_origin, crate::http::session::reject_cross_site))
        .layer(axum::middleware::from_fn(crate::http::server_fn_errors::status_from_error))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(limits, crate::http::limits::bound))
        .layer(axum::middleware::from_fn(crate::http::metrics::track_requests))
        .layer(axum::middleware::from_fn(crate::http::access_log::access_log))
        .layer(axum::middleware::from_fn_with_state(
            state.public_url.starts_with("https://"),
            crate::http::headers::security_headers,
        ))
        .with_state(state)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received; finishing in-flight requests");
}
