//! `GET /metrics` in the Prometheus text format (version 0.0.4), for the
//! operator only (`MARKETPLACE_METRICS_TOKEN` as a Bearer token, or an
//! admin), and the middleware that counts HTTP requests.
//!
//! Sync and webhook series are read from the database at scrape time, so
//! every replica reports the same cluster-wide values (aggregate them with
//! `max`, not `sum`). HTTP series are this process's own, labelled with the
//! matched route (`/api/properties`, never the raw path with its ids).

use app::domain::Job;
use app::model::metrics::SyncFigures;
use app::server::state::AppState;
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{LazyLock, Mutex};
use std::time::Instant;

/// The `/metrics` route.
pub fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(metrics))
}

/// Upper bounds (seconds) of the HTTP latency buckets.
const HTTP_BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];
/// Upper bounds (seconds) of the sync duration buckets: the bounds of
/// `sync_run_duration_bucket()` in the database, which files each run as it ends.
const SYNC_BUCKETS: [f64; 10] = [1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0];

/// The route label of a request that matched none (assets, pages, 404s).
const UNMATCHED: &str = "(unmatched)";

/// One histogram's cumulative bucket counts, sum and count.
#[derive(Debug, Clone, Default)]
struct Histogram {
    buckets: Vec<u64>,
    sum: f64,
    count: u64,
}

impl Histogram {
    fn observe(&mut self, bounds: &[f64], value: f64) {
        if self.buckets.len() != bounds.len() {
            self.buckets = vec![0; bounds.len()];
        }
        for (bucket, bound) in self.buckets.iter_mut().zip(bounds) {
            if value <= *bound {
                *bucket += 1;
            }
        }
        self.sum += value;
        self.count += 1;
    }

    /// Adds runs counted per bucket (not cumulative: element i counts those
    /// above bound i-1 and at most bound i; the one past the bounds, the rest).
    fn add_buckets(&mut self, per_bucket: &[i64], sum: f64) {
        let mut below = 0u64;
        let mut cumulative = Vec::with_capacity(SYNC_BUCKETS.len());
        for n in per_bucket.iter().take(SYNC_BUCKETS.len()) {
            below += u64::try_from(*n).unwrap_or(0);
            cumulative.push(below);
        }
        cumulative.resize(SYNC_BUCKETS.len(), below);
        if self.buckets.len() != cumulative.len() {
            self.buckets = vec![0; cumulative.len()];
        }
        for (bucket, n) in self.buckets.iter_mut().zip(cumulative) {
            *bucket += n;
        }
        self.count += per_bucket.iter().map(|n| u64::try_from(*n).unwrap_or(0)).sum::<u64>();
        self.sum += sum;
    }
}

/// This process's HTTP counters.
#[derive(Debug, Default)]
struct HttpMetrics {
    /// Requests by (method, route, status).
    requests: BTreeMap<(String, String, u16), u64>,
    /// Latency by (method, route).
    latency: BTreeMap<(String, String), Histogram>,
}

static HTTP: LazyLock<Mutex<HttpMetrics>> = LazyLock::new(|| Mutex::new(HttpMetrics::default()));

/// The matched route of a request, handed from [`tag_route`] to [`track_requests`].
#[derive(Debug, Clone)]
struct RouteLabel(String);

/// Route layer: notes the matched route on the response for [`track_requests`].
pub async fn tag_route(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned());
    let mut response = next.run(request).await;
    if let Some(route) = route {
        response.extensions_mut().insert(RouteLabel(route));
    }
    response
}

/// The matched route of an answered request (the pattern, not the URI), or
/// `unmatched`.
pub fn route_of(response: &Response) -> &str {
    response.extensions().get::<RouteLabel>().map_or(UNMATCHED, |r| r.0.as_str())
}

/// Outer layer: counts every request by method, matched route and status, and its latency.
pub async fn track_requests(request: Request, next: Next) -> Response {
    let method = match request.method().as_str() {
        m @ ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") => m.to_owned(),
        _ => "OTHER".to_owned(),
    };
    let started = Instant::now();
    let response = next.run(request).await;
    let elapsed = started.elapsed().as_secs_f64();
    let route = route_of(&response).to_owned();
    if let Ok(mut http) = HTTP.lock() {
        *http.requests.entry((method.clone(), route.clone(), response.status().as_u16())).or_default() += 1;
        http.latency.entry((method, route)).or_default().observe(&HTTP_BUCKETS, elapsed);
    }
    response
}

/// Renders every series; a database error leaves the database series out and
/// sets `marketplace_metrics_database_up` to 0.
async fn metrics(State(state): State<AppState>, parts: axum::http::request::Parts) -> Response {
    if !super::operator::is_operator(&parts, &state) {
        let mut refused = (
            StatusCode::UNAUTHORIZED,
            "Metrics are for the operator: send Authorization: Bearer <MARKETPLACE_METRICS_TOKEN>.",
        )
            .into_response();
        refused.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return refused;
    }
    let mut out = Exposition::default();
    let database = database_series(&state.pool, &mut out).await;
    out.family("marketplace_metrics_database_up", "gauge", "Whether the database series could be read.");
    out.sample("marketplace_metrics_database_up", &[], if database.is_ok() { 1.0 } else { 0.0 });
    if let Err(err) = database {
        tracing::warn!(error = %err, "metrics: could not read the database series");
    }
    http_series(&mut out);
    let mut response = (StatusCode::OK, out.text).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"));
    response
}

/// The sync and webhook series, from the database.
async fn database_series(pool: &sqlx::PgPool, out: &mut Exposition) -> Result<(), sqlx::Error> {
    let figures = app::server::metrics::sync_figures(pool).await?;
    run_series(&figures, out);
    state_series(&figures, out);
    out.family(
        "marketplace_sync_requests",
        "gauge",
        "\"Sync now\" requests by state (queued, running, succeeded, failed).",
    );
    for (status, n) in &figures.requests {
        out.sample("marketplace_sync_requests", &[("state", status)], *n as f64);
    }
    out.family(
        "marketplace_webhook_events",
        "gauge",
        "Stored webhook events by source and processing state (pending, retrying, processed, given_up).",
    );
    for (source, state, n) in &figures.webhook_events {
        out.sample("marketplace_webhook_events", &[("source", source), ("state", state)], *n as f64);
    }
    Ok(())
}

/// The platform a job talks to, for the `platform` label beside `job`
/// (`marketplace` for the Marketplace's own jobs).
fn platform_of(job: &str) -> &str {
    match Job::parse(job) {
        Some(job) => job.platform().map_or("marketplace", |platform| platform.as_str()),
        None => job,
    }
}

/// Runs, records and durations per job (labelled with its platform too).
fn run_series(figures: &SyncFigures, out: &mut Exposition) {
    out.family(
        "marketplace_sync_runs_total",
        "counter",
        "Finished job runs by job, platform and outcome (succeeded, failed).",
    );
    for r in &figures.runs {
        let labels = [("job", r.job.as_str()), ("platform", platform_of(&r.job)), ("status", &r.status)];
        out.sample("marketplace_sync_runs_total", &labels, r.runs as f64);
    }
    out.family(
        "marketplace_sync_records_total",
        "counter",
        "Records of job runs by job, platform and kind (in, out, failed, skipped).",
    );
    let mut records: BTreeMap<(&str, &str), f64> = BTreeMap::new();
    for r in &figures.runs {
        for (kind, value) in
            [("in", r.records_in), ("out", r.records_out), ("failed", r.records_failed), ("skipped", r.records_skipped)]
        {
            *records.entry((r.job.as_str(), kind)).or_default() += value;
        }
    }
    for ((job, kind), value) in records {
        let labels = [("job", job), ("platform", platform_of(job)), ("kind", kind)];
        out.sample("marketplace_sync_records_total", &labels, value);
    }
    let mut histograms: BTreeMap<&str, Histogram> = BTreeMap::new();
    for r in &figures.runs {
        histograms.entry(r.job.as_str()).or_default().add_buckets(&r.duration_buckets, r.duration_seconds);
    }
    out.family("marketplace_sync_run_duration_seconds", "histogram", "Duration of finished job runs by job.");
    for (job, histogram) in &histograms {
        let labels = [("job", *job), ("platform", platform_of(job))];
        out.histogram("marketplace_sync_run_duration_seconds", &labels, &SYNC_BUCKETS, histogram);
    }
}

/// Each job's state gauges.
fn state_series(figures: &SyncFigures, out: &mut Exposition) {
    let gauges: [(&str, &str); 7] = [
        ("marketplace_sync_configured", "Whether the job's platform is configured."),
        ("marketplace_sync_paused", "Whether the job's scheduled runs are paused."),
        ("marketplace_sync_running", "Whether a server holds the job's lease now."),
        ("marketplace_sync_consecutive_failures", "Failed runs in a row."),
        ("marketplace_sync_last_success_timestamp_seconds", "When a run last succeeded (Unix time)."),
        ("marketplace_sync_next_run_timestamp_seconds", "When the next scheduled run is due (Unix time)."),
        ("marketplace_sync_last_run_duration_seconds", "Duration of the job's last finished run."),
    ];
    for (name, help) in gauges {
        out.family(name, "gauge", help);
        for s in &figures.jobs {
            let value = match name {
                "marketplace_sync_configured" => Some(f64::from(u8::from(s.configured))),
                "marketplace_sync_paused" => Some(f64::from(u8::from(s.paused))),
                "marketplace_sync_running" => Some(f64::from(u8::from(s.running))),
                "marketplace_sync_consecutive_failures" => Some(f64::from(s.consecutive_failures)),
                "marketplace_sync_last_success_timestamp_seconds" => s.last_success,
                "marketplace_sync_next_run_timestamp_seconds" => s.next_run,
                _ => s.last_duration,
            };
            if let Some(value) = value {
                out.sample(name, &[("job", s.job.as_str()), ("platform", platform_of(&s.job))], value);
            }
        }
    }
}

/// This process's HTTP series.
fn http_series(out: &mut Exposition) {
    let Ok(http) = HTTP.lock() else { return };
    out.family("marketplace_http_requests_total", "counter", "HTTP requests by method, matched route and status.");
    for ((method, route, status), n) in &http.requests {
        let status = status.to_string();
        out.sample(
            "marketplace_http_requests_total",
            &[("method", method), ("route", route), ("status", &status)],
            *n as f64,
        );
    }
    out.family(
        "marketplace_http_request_duration_seconds",
        "histogram",
        "HTTP request latency by method and matched route.",
    );
    for ((method, route), histogram) in &http.latency {
        out.histogram(
            "marketplace_http_request_duration_seconds",
            &[("method", method), ("route", route)],
            &HTTP_BUCKETS,
            histogram,
        );
    }
}

/// A Prometheus text exposition being written.
#[derive(Debug, Default)]
struct Exposition {
    text: String,
}

impl Exposition {
    fn family(&mut self, name: &str, kind: &str, help: &str) {
        let _ = writeln!(self.text, "# HELP {name} {}", help.replace('\\', "\\\\").replace('\n', "\\n"));
        let _ = writeln!(self.text, "# TYPE {name} {kind}");
    }

    fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: f64) {
        self.text.push_str(name);
        if !labels.is_empty() {
            self.text.push('{');
            for (i, (key, val)) in labels.iter().enumerate() {
                if i > 0 {
                    self.text.push(',');
                }
                let _ = write!(self.text, "{key}=\"{}\"", escape_label(val));
            }
            self.text.push('}');
        }
        let _ = writeln!(self.text, " {}", format_value(value));
    }

    fn histogram(&mut self, name: &str, labels: &[(&str, &str)], bounds: &[f64], h: &Histogram) {
        let bucket = format!("{name}_bucket");
        for (bound, count) in bounds.iter().zip(h.buckets.iter().chain(std::iter::repeat(&0))) {
            let le = format_value(*bound);
            let mut with_le = labels.to_vec();
            with_le.push(("le", &le));
            self.sample(&bucket, &with_le, *count as f64);
        }
        let mut with_inf = labels.to_vec();
        with_inf.push(("le", "+Inf"));
        self.sample(&bucket, &with_inf, h.count as f64);
        self.sample(&format!("{name}_sum"), labels, h.sum);
        self.sample(&format!("{name}_count"), labels, h.count as f64);
    }
}

fn escape_label(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

fn format_value(value: f64) -> String {
    if value.is_nan() {
        "NaN".into()
    } else if value.is_infinite() {
        if value > 0.0 { "+Inf".into() } else { "-Inf".into() }
    } else {
        format!("{value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_histograms_are_cumulative() {
        let mut out = Exposition::default();
        out.family("x_seconds", "histogram", "A test.");
        let mut h = Histogram::default();
        for v in [0.004, 0.02, 3.0] {
            h.observe(&HTTP_BUCKETS, v);
        }
        out.histogram("x_seconds", &[("route", "/a\"b\\c\nd")], &HTTP_BUCKETS, &h);
        let text = out.text;
        assert!(text.contains(r#"x_seconds_bucket{route="/a\"b\\c\nd",le="0.005"} 1"#), "{text}");
        assert!(text.contains(r#"x_seconds_bucket{route="/a\"b\\c\nd",le="0.025"} 2"#), "{text}");
        assert!(text.contains(r#"x_seconds_bucket{route="/a\"b\\c\nd",le="+Inf"} 3"#), "{text}");
        assert!(text.contains(r#"x_seconds_count{route="/a\"b\\c\nd"} 3"#), "{text}");
    }

    #[test]
    fn run_tallies_become_cumulative_buckets() {
        let mut h = Histogram::default();
        // Two runs of at most 1 s, one of 5 to 15 s, one over an hour.
        h.add_buckets(&[2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1], 4000.0);
        h.add_buckets(&[0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0], 3.0);
        assert_eq!(h.buckets, [2, 3, 4, 4, 4, 4, 4, 4, 4, 4]);
        assert_eq!((h.count, h.sum), (5, 4003.0));
    }
}
