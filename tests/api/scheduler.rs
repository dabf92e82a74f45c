//! The scheduler against a real PostgreSQL and the Kill Bill emulator:
//! three `marketplace serve` processes run each tick once and take over the
//! job of one killed mid-run; "sync now" is queued and run by the scheduler;
//! a job pauses itself after repeated failures and resumes by hand; and
//! `/metrics` is valid Prometheus text with the expected series.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sandbox::killbill::{self, KillBillConfig, RunningKillBill};
use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::{TestApp, seeded_database, spawn_app_on};

const API_KEY: &str = "marketplace";
const API_SECRET: &str = "s3cr3t";

/// A scratch folder for keys and logs.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mkt-sched-{name}-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// The emulator with our tenant.
async fn kill_bill() -> RunningKillBill {
    killbill::spawn(KillBillConfig::ephemeral().with_tenant(API_KEY, API_SECRET)).await.expect("Kill Bill emulator")
}

/// The environment of a server whose Kill Bill is at `killbill_url`.
fn environment(database_url: &str, killbill_url: &str, dir: &Path, extra: &[(&str, &str)]) -> BTreeMap<String, String> {
    let keys = dir.join("keys");
    app::server::auth::keys::ensure_signing_key(&keys).expect("signing key");
    let mut env: BTreeMap<String, String> = [
        ("DATABASE_URL", database_url),
        ("MARKETPLACE_DB_MAX_CONNECTIONS", "4"),
        ("MARKETPLACE_KEYS_DIR", keys.to_str().unwrap()),
        ("MARKETPLACE_LOG_DIR", dir.join("logs").to_str().unwrap()),
        ("MARKETPLACE_LOG_FORMAT", "json"),
        ("KILLBILL_URL", killbill_url),
        ("KILLBILL_API_KEY", API_KEY),
        ("KILLBILL_API_SECRET", API_SECRET),
        ("KILLBILL_TIMEOUT_MS", "10000"),
        ("MARKETPLACE_SCHEDULE_JITTER", "0s"),
        // These tests follow the mirror's schedule; the other Kill Bill jobs
        // run only when asked (the mirror asks for a reconciliation).
        ("MARKETPLACE_SCHEDULE_KILLBILL_RECONCILIATION", "off"),
        ("MARKETPLACE_SCHEDULE_KILLBILL_WEBHOOKS", "off"),
        ("MARKETPLACE_SCHEDULER_TICK", "200ms"),
        ("MARKETPLACE_METRICS_TOKEN", crate::helpers::METRICS_TOKEN),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    env.extend(extra.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    env
}

/// A free loopback port.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A `marketplace serve` process.
struct Server {
    child: Child,
    address: String,
}

impl Server {
    fn start(env: &BTreeMap<String, String>, log: &Path) -> Self {
        let port = free_port();
        let out = std::fs::File::create(log).expect("server log");
        let child = Command::new(env!("CARGO_BIN_EXE_marketplace"))
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("RUST_LOG", "info,sqlx=warn,tower_http=warn")
            .envs(env)
            .env("MARKETPLACE_PORT", port.to_string())
            .stdout(Stdio::from(out.try_clone().unwrap()))
            .stderr(Stdio::from(out))
            .spawn()
            .expect("start marketplace serve");
        Self { child, address: format!("http://127.0.0.1:{port}") }
    }

    async fn wait_live(&self) {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(r) = client.get(format!("{}/api/health/live", self.address)).send().await
                && r.status().is_success()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{} did not start", self.address);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A scheduled run as recorded.
#[derive(Debug, sqlx::FromRow)]
struct Run {
    id: i64,
    status: String,
    started_at: DateTime<Utc>,
    finished_at: Option<DateTime<Utc>>,
    scheduled_for: Option<DateTime<Utc>>,
    error: Option<String>,
}

/// The scheduled Kill Bill runs, except those that finished within the last
/// second: their holder may still be recording their tick.
async fn scheduled_runs(pool: &PgPool) -> Vec<Run> {
    sqlx::query_as(
        "SELECT id, status, started_at, finished_at, scheduled_for, error FROM sync_run
         WHERE job = 'killbill' AND trigger = 'schedule'
           AND (finished_at IS NULL OR finished_at < now() - interval '1 second')
         ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

/// Every finished scheduled run belongs to exactly one tick, no two runs
/// overlapped, and ticks follow each other by the period: a tick is only
/// skipped when the run before was still going at that time.
fn assert_one_run_per_tick(runs: &[&Run], period: chrono::Duration) {
    let ticks: Vec<DateTime<Utc>> = runs.iter().map(|r| r.scheduled_for.expect("every run has its tick")).collect();
    let distinct: HashSet<_> = ticks.iter().collect();
    assert_eq!(distinct.len(), ticks.len(), "a tick ran twice: {runs:#?}");
    for pair in runs.windows(2) {
        let (before, after) = (pair[0], pair[1]);
        let end = before.finished_at.expect("finished");
        assert!(after.started_at >= end, "runs {} and {} overlapped", before.id, after.id);
        let (t0, t1) = (before.scheduled_for.unwrap(), after.scheduled_for.unwrap());
        assert!(t1 - t0 >= period, "ticks {t0} and {t1} are closer than the period");
        assert!(
            t1 - t0 < period * 2 || end > t0 + period,
            "the tick after {t0} was skipped though run {} had ended",
            before.id
        );
    }
}

async fn wait_for<T>(what: &str, timeout: Duration, mut check: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_servers_run_each_tick_once_and_take_over_the_job_of_a_killed_holder() {
    let (url, pool) = seeded_database().await;
    let kb = kill_bill().await;
    let dir = scratch("replicas");
    let env = environment(
        &url,
        &kb.base_url(),
        &dir,
        &[("MARKETPLACE_SCHEDULE_KILLBILL", "2s"), ("MARKETPLACE_LEASE_TTL", "3s")],
    );
    let mut servers: Vec<Server> = (0..3).map(|i| Server::start(&env, &dir.join(format!("server{i}.log")))).collect();
    for server in &servers {
        server.wait_live().await;
    }
    let period = chrono::Duration::seconds(2);

    // Several ticks with three replicas competing for each.
    let runs = wait_for("six scheduled runs", Duration::from_secs(40), async || {
        let runs = scheduled_runs(&pool).await;
        (runs.iter().filter(|r| r.status == "succeeded").count() >= 6).then_some(runs)
    })
    .await;
    let finished: Vec<&Run> = runs.iter().filter(|r| r.status != "running").collect();
    assert!(finished.iter().all(|r| r.status == "succeeded"), "{finished:#?}");
    assert_one_run_per_tick(&finished, period);
    let accounts = kb.summary().tenants[API_KEY].accounts.len();
    assert!(accounts > 0, "the first run mirrored the tenants");

    // Hold the next run mid-way (its read of what to mirror waits on a lock),
    // then kill the server running it.
    let mut blocker = pool.begin().await.unwrap();
    sqlx::query("LOCK TABLE external_ref IN ACCESS EXCLUSIVE MODE").execute(&mut *blocker).await.unwrap();
    let last = runs.last().map_or(0, |r| r.id);
    let (killed_run, tick) = wait_for("a run in progress", Duration::from_secs(20), async || {
        sqlx::query_as::<_, (i64, DateTime<Utc>)>(
            "SELECT r.id, s.next_run_at FROM sync_run r JOIN sync_state s ON s.job = r.job
             WHERE r.job = 'killbill' AND r.status = 'running' AND r.id > $1",
        )
        .bind(last)
        .fetch_optional(&pool)
        .await
        .unwrap()
    })
    .await;
    let holder: String =
        sqlx::query_scalar("SELECT holder FROM job_lease WHERE job = 'killbill'").fetch_one(&pool).await.unwrap();
    let index = servers
        .iter()
        .position(|s| holder.contains(&format!(":{}:", s.child.id())))
        .unwrap_or_else(|| panic!("the holder {holder} is one of our servers"));
    let mut victim = servers.remove(index);
    victim.child.kill().expect("SIGKILL");
    victim.child.wait().unwrap();
    let killed_at = Utc::now();
    blocker.rollback().await.unwrap();

    // Another replica takes the same tick over once the lease expired.
    let takeover = wait_for("the takeover run", Duration::from_secs(20), async || {
        scheduled_runs(&pool).await.into_iter().find(|r| r.id > killed_run && r.status == "succeeded")
    })
    .await;
    assert_eq!(takeover.scheduled_for, Some(tick), "the interrupted tick is the one run again");
    assert!(takeover.started_at >= killed_at + chrono::Duration::seconds(1), "not before the lease expired");
    let new_holder: String =
        sqlx::query_scalar("SELECT holder FROM job_lease WHERE job = 'killbill'").fetch_one(&pool).await.unwrap();
    assert_ne!(new_holder, holder);
    let killed: Run =
        sqlx::query_as("SELECT id, status, started_at, finished_at, scheduled_for, error FROM sync_run WHERE id = $1")
            .bind(killed_run)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(killed.status, "failed");
    assert!(killed.error.as_deref().unwrap_or_default().contains("interrupted"), "{killed:?}");

    // The two survivors go on, one run per tick, and nothing was mirrored twice.
    let after = takeover.id;
    let runs = wait_for("three more runs", Duration::from_secs(30), async || {
        let runs = scheduled_runs(&pool).await;
        (runs.iter().filter(|r| r.id > after && r.status == "succeeded").count() >= 3).then_some(runs)
    })
    .await;
    let finished: Vec<&Run> = runs.iter().filter(|r| r.status == "succeeded").collect();
    assert_one_run_per_tick(&finished, period);
    assert_eq!(kb.summary().tenants[API_KEY].accounts.len(), accounts, "one account per tenant, never two");
    let manual: i64 =
        sqlx::query_scalar("SELECT count(*) FROM sync_run WHERE job = 'killbill' AND trigger <> 'schedule'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(manual, 0, "every mirror run was a scheduled one");
    drop(servers);
}

/// Calls a server function as `token`, with form arguments.
async fn call(server: &TestApp, token: &str, endpoint: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let url = format!("{}/api/{endpoint}", server.address);
    let response = server.client.post(url).bearer_auth(token).form(form).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A server in this process (the scheduler runs in it, as in `serve`) with
/// the environment of [`environment`].
async fn in_process(url: &str, env: &BTreeMap<String, String>) -> TestApp {
    let vars: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    spawn_app_on(url, false, &vars).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_now_is_queued_then_run_by_the_scheduler_and_metrics_show_it() {
    let (url, _) = seeded_database().await;
    let kb = kill_bill().await;
    let dir = scratch("sync-now");
    // A long tick: the request must be started by its announcement, not by a tick.
    let env = environment(
        &url,
        &kb.base_url(),
        &dir,
        &[("MARKETPLACE_SCHEDULE_KILLBILL", "off"), ("MARKETPLACE_SCHEDULER_TICK", "60s")],
    );
    let server = in_process(&url, &env).await;
    let admin = server.token_of("admin@marketplace.test").await;
    let landlord = server.token_of("landlord1@marketplace.test").await;

    let (status, _) = call(&server, &landlord, "integrations/sync_now", &[("platform", "killbill")]).await;
    assert_eq!(status, 403, "admins only");
    let (status, body) = call(&server, &admin, "integrations/sync_now", &[("platform", "nowhere")]).await;
    assert!(status >= 400 && body.to_string().contains("nowhere"), "an unknown platform is refused: {status} {body}");
    let (status, _) = call(&server, &admin, "integrations/sync_now", &[("platform", "condo")]).await;
    assert_eq!(status, 409, "Condo is not configured");

    // The first run mirrors a year of invoices (seconds of work): the request
    // returns at once, with the run still to come.
    let started = Instant::now();
    let (status, id) = call(&server, &admin, "integrations/sync_now", &[("platform", "killbill")]).await;
    assert_eq!(status, 200, "{id}");
    assert!(started.elapsed() < Duration::from_millis(1_000), "the request does not wait for the run");
    let id = id.as_i64().expect("a request id");
    let (_, request) = call(&server, &admin, "integrations/sync_request", &[("id", &id.to_string())]).await;
    assert!(matches!(request["state"].as_str(), Some("queued" | "running")), "{request}");
    let finished = wait_for("the request to finish", Duration::from_secs(60), async || {
        let (_, r) = call(&server, &admin, "integrations/sync_request", &[("id", &id.to_string())]).await;
        (r["state"] != "queued" && r["state"] != "running").then_some(r)
    })
    .await;
    assert_eq!(finished["state"], "succeeded", "{finished}");
    let at = |key: &str| finished[key].as_str().unwrap().parse::<DateTime<Utc>>().unwrap();
    assert!(at("started_at") - at("requested_at") < chrono::Duration::seconds(3), "started on its announcement");
    let run_id = finished["run_id"].as_i64().expect("the run it made");
    let (trigger, run_status): (String, String) = sqlx::query_as("SELECT trigger, status FROM sync_run WHERE id = $1")
        .bind(run_id)
        .fetch_one(&server.pool)
        .await
        .unwrap();
    assert_eq!((trigger.as_str(), run_status.as_str()), ("manual", "succeeded"));
    assert!(!kb.summary().tenants[API_KEY].accounts.is_empty(), "the run did the work");
    // The mirror asked for a reconciliation: a job of its own, started by its
    // announcement (the tick is a minute long).
    let follow_up = wait_for("the follow-up reconciliation", Duration::from_secs(30), async || {
        sqlx::query_as::<_, (String, String)>(
            "SELECT trigger, status FROM sync_run WHERE job = 'killbill_reconciliation' AND status <> 'running'",
        )
        .fetch_optional(&server.pool)
        .await
        .unwrap()
    })
    .await;
    assert_eq!(follow_up, ("follow_up".to_owned(), "succeeded".to_owned()));
    wait_for("no request left open", Duration::from_secs(10), async || {
        let open: i64 = sqlx::query_scalar("SELECT count(*) FROM sync_request WHERE status IN ('queued', 'running')")
            .fetch_one(&server.pool)
            .await
            .unwrap();
        (open == 0).then_some(())
    })
    .await;

    let (status, activity) = call(&server, &admin, "integrations/activity", &[]).await;
    assert_eq!(status, 200);
    let killbill = &activity.as_array().unwrap()[0];
    assert_eq!(killbill["platform"], "killbill");
    assert!(killbill["schedule"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(killbill["running"].is_null() && killbill["request"].is_null(), "{killbill}");

    let health: Value = server
        .client
        .get(format!("{}/api/health", server.address))
        .bearer_auth(crate::helpers::METRICS_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let last_run = &health["platforms"]["killbill"]["last_run"];
    assert_eq!(last_run["id"], run_id, "{health}");
    assert!(last_run["duration_ms"].as_i64().unwrap() > 0, "{health}");
    assert!(last_run["records_in"].as_i64().unwrap() > 0, "{health}");

    let response = server
        .client
        .get(format!("{}/metrics", server.address))
        .bearer_auth(crate::helpers::METRICS_TOKEN)
        .send()
        .await
        .unwrap();
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/plain; version=0.0.4"));
    let families = parse_prometheus(&response.text().await.unwrap());
    let value = |family: &str, labels: &[(&str, &str)]| {
        families[family]
            .iter()
            .find(|s| labels.iter().all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v)))
            .map(|s| s.value)
    };
    let mirror = [("job", "killbill"), ("platform", "killbill")];
    assert_eq!(value("marketplace_sync_runs_total", &[mirror[0], mirror[1], ("status", "succeeded")]), Some(1.0));
    assert!(value("marketplace_sync_records_total", &[mirror[0], ("kind", "out")]).unwrap() > 0.0);
    assert_eq!(value("marketplace_sync_run_duration_seconds", &[mirror[0], ("le", "+Inf")]), Some(1.0));
    let reconciliation = [("job", "killbill_reconciliation"), ("platform", "killbill"), ("status", "succeeded")];
    assert_eq!(value("marketplace_sync_runs_total", &reconciliation), Some(1.0), "the follow-up is a run of its own");
    assert_eq!(value("marketplace_sync_requests", &[("state", "succeeded")]), Some(2.0), "sync now and its follow-up");
    assert_eq!(value("marketplace_sync_paused", &mirror), Some(0.0));
    assert!(
        value(
            "marketplace_http_requests_total",
            &[("route", "/api/auth/login"), ("method", "POST"), ("status", "200")]
        )
        .unwrap()
            >= 2.0
    );
    // The HTTP series are per process, and other tests of this binary call /api/health too.
    let served = value("marketplace_http_request_duration_seconds", &[("route", "/api/health"), ("le", "+Inf")]);
    assert!(served.is_some_and(|n| n >= 1.0), "{served:?}");
    assert!(families.contains_key("marketplace_webhook_events"));
    assert!(
        families["marketplace_http_requests_total"].iter().all(|s| !s.labels["route"].contains(&id.to_string())),
        "routes are matched patterns, not raw paths"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_job_pauses_itself_after_three_failures_and_resumes_by_hand() {
    let (url, pool) = seeded_database().await;
    // A port nothing listens on.
    let closed = format!("http://127.0.0.1:{}", free_port());
    let dir = scratch("pause");
    let env = environment(
        &url,
        &closed,
        &dir,
        &[
            ("MARKETPLACE_SCHEDULE_KILLBILL", "1s"),
            ("MARKETPLACE_PAUSE_AFTER_FAILURES", "3"),
            ("KILLBILL_TIMEOUT_MS", "300"),
        ],
    );
    let server = in_process(&url, &env).await;
    let admin = server.token_of("admin@marketplace.test").await;
    let state = async || {
        sqlx::query_as::<_, (bool, Option<String>, i32, Option<DateTime<Utc>>)>(
            "SELECT paused, paused_reason, consecutive_failures, next_run_at FROM sync_state WHERE job = 'killbill'",
        )
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    let runs = async || -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM sync_run WHERE job = 'killbill'").fetch_one(&pool).await.unwrap()
    };

    let (paused, reason, failures, next) = wait_for("the automatic pause", Duration::from_secs(30), async || {
        let s = state().await;
        s.0.then_some(s)
    })
    .await;
    assert!(paused);
    assert_eq!(failures, 3);
    let reason = reason.unwrap();
    assert!(reason.contains("Paused after 3 failures in a row") && reason.contains("Kill Bill"), "{reason}");
    assert_eq!(next, None, "no next run while paused");
    assert_eq!(runs().await, 3);
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    assert_eq!(runs().await, 3, "no run while paused");
    let (status, _) = call(&server, &admin, "integrations/sync_now", &[("platform", "killbill")]).await;
    assert_eq!(status, 409, "sync now is refused while paused");

    let (status, body) = call(&server, &admin, "integrations/resume", &[("platform", "killbill")]).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = call(&server, &admin, "integrations/resume", &[("platform", "killbill")]).await;
    assert_eq!(status, 409, "not paused any more");
    wait_for("a run after the resume", Duration::from_secs(10), async || (runs().await > 3).then_some(())).await;

    // Paused by hand, with a reason; an empty reason is refused.
    let (status, _) = call(&server, &admin, "integrations/pause", &[("platform", "killbill"), ("reason", "  ")]).await;
    assert_eq!(status, 400);
    let form = [("platform", "killbill"), ("reason", "Kill Bill maintenance window")];
    let (status, body) = call(&server, &admin, "integrations/pause", &form).await;
    assert_eq!(status, 200, "{body}");
    let (paused, reason, _, next) = state().await;
    assert!(paused);
    assert_eq!(reason.as_deref(), Some("Kill Bill maintenance window"));
    assert_eq!(next, None);
}

/// A series' labels, without `le` and the sample name.
type SeriesKey = Vec<(String, String)>;

/// One sample of a Prometheus text exposition.
#[derive(Debug)]
struct Sample {
    labels: BTreeMap<String, String>,
    value: f64,
}

/// Parses the Prometheus text format strictly enough to catch malformed
/// output: every sample belongs to a family declared by `# TYPE` (histogram
/// samples by their `_bucket`, `_sum`, `_count` suffixes), names and label
/// names are valid, label values are quoted with escapes, values are numbers,
/// and histogram buckets are cumulative and end with `+Inf` equal to `_count`.
fn parse_prometheus(text: &str) -> BTreeMap<String, Vec<Sample>> {
    let valid_name = |n: &str| {
        !n.is_empty()
            && n.chars()
                .enumerate()
                .all(|(i, c)| c.is_ascii_alphabetic() || c == '_' || c == ':' || (i > 0 && c.is_ascii_digit()))
    };
    let mut types: BTreeMap<String, String> = BTreeMap::new();
    let mut families: BTreeMap<String, Vec<Sample>> = BTreeMap::new();
    for line in text.lines() {
        if line.is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect("# TYPE name kind");
            assert!(valid_name(name), "bad name {name}");
            assert!(["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind), "bad type {kind}");
            assert!(types.insert(name.to_owned(), kind.to_owned()).is_none(), "{name} declared twice");
            families.entry(name.to_owned()).or_default();
            continue;
        }
        if line.starts_with('#') {
            assert!(line.starts_with("# HELP "), "unknown comment {line}");
            continue;
        }
        let (name, rest) = match line.find(['{', ' ']) {
            Some(i) => line.split_at(i),
            None => panic!("no value in {line}"),
        };
        assert!(valid_name(name), "bad sample name in {line}");
        let mut labels = BTreeMap::new();
        let rest = if let Some(body) = rest.strip_prefix('{') {
            let mut chars = body.char_indices().peekable();
            let end;
            loop {
                let (start, c) = chars.next().expect("unterminated labels");
                if c == '}' {
                    end = start;
                    break;
                }
                if c == ',' {
                    continue;
                }
                let eq = body[start..].find('=').expect("label=") + start;
                let key = &body[start..eq];
                assert!(valid_name(key), "bad label name {key} in {line}");
                while chars.peek().is_some_and(|(i, _)| *i <= eq) {
                    chars.next();
                }
                assert_eq!(chars.next().map(|(_, c)| c), Some('"'), "unquoted value in {line}");
                let mut value = String::new();
                loop {
                    match chars.next().expect("unterminated label value").1 {
                        '"' => break,
                        '\\' => match chars.next().expect("escape").1 {
                            'n' => value.push('\n'),
                            '\\' => value.push('\\'),
                            '"' => value.push('"'),
                            other => panic!("bad escape \\{other} in {line}"),
                        },
                        c => value.push(c),
                    }
                }
                assert!(labels.insert(key.to_owned(), value).is_none(), "label {key} twice in {line}");
            }
            &body[end + 1..]
        } else {
            rest
        };
        let value = rest.trim();
        let value: f64 = match value {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            v => v.parse().unwrap_or_else(|_| panic!("bad value {v:?} in {line}")),
        };
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|s| name.strip_suffix(s).filter(|f| types.get(*f).is_some_and(|t| t == "histogram")))
            .unwrap_or(name);
        assert!(types.contains_key(family), "{name} has no # TYPE before it");
        labels.insert("__name__".into(), name.to_owned());
        families.get_mut(family).unwrap().push(Sample { labels, value });
    }
    for (family, kind) in &types {
        if kind != "histogram" {
            continue;
        }
        let mut series: BTreeMap<SeriesKey, Vec<(f64, f64)>> = BTreeMap::new();
        let mut counts: BTreeMap<SeriesKey, f64> = BTreeMap::new();
        for s in &families[family] {
            let key: Vec<_> = s
                .labels
                .iter()
                .filter(|(k, _)| *k != "le" && *k != "__name__")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            match s.labels["__name__"].strip_prefix(family.as_str()) {
                Some("_bucket") => {
                    let le = &s.labels["le"];
                    let le = if le == "+Inf" { f64::INFINITY } else { le.parse().expect("numeric le") };
                    series.entry(key).or_default().push((le, s.value));
                }
                Some("_count") => {
                    counts.insert(key, s.value);
                }
                _ => {}
            }
        }
        for (key, buckets) in series {
            assert!(buckets.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1), "{family} {key:?} not cumulative");
            let last = buckets.last().unwrap();
            assert!(last.0.is_infinite(), "{family} {key:?} has no +Inf bucket");
            assert_eq!(Some(&last.1), counts.get(&key), "{family} {key:?}: +Inf differs from _count");
        }
    }
    families
}

/// Runs `marketplace sync <platform>` and returns its exit code and output.
fn cli_sync(env: &BTreeMap<String, String>, platform: &str) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_marketplace"))
        .args(["sync", platform])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "info,sqlx=warn")
        .envs(env)
        .output()
        .expect("run marketplace sync");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code(), text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_runs_under_the_same_lease() {
    use app::server::store::job_lease;
    let (url, pool) = seeded_database().await;
    let kb = kill_bill().await;
    let dir = scratch("cli");
    let env = environment(&url, &kb.base_url(), &dir, &[]);
    let elsewhere = "serve@elsewhere:1:abcdef";
    job_lease::try_acquire(&pool, "killbill", elsewhere, Duration::from_secs(60)).await.unwrap().unwrap();
    let (code, output) = tokio::task::spawn_blocking({
        let env = env.clone();
        move || cli_sync(&env, "killbill")
    })
    .await
    .unwrap();
    assert_eq!(code, Some(75), "a job running elsewhere is a temporary failure: {output}");
    assert!(output.contains("already running elsewhere"), "{output}");
    let runs = async || -> Vec<(String, String)> {
        sqlx::query_as("SELECT trigger, status FROM sync_run WHERE job = 'killbill' ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap()
    };
    assert!(runs().await.is_empty(), "nothing ran");

    job_lease::release(&pool, "killbill", elsewhere).await.unwrap();
    let (code, output) = tokio::task::spawn_blocking(move || cli_sync(&env, "killbill")).await.unwrap();
    assert_eq!(code, Some(0), "{output}");
    assert_eq!(runs().await, vec![("cli".to_owned(), "succeeded".to_owned())]);
    let lease = job_lease::list_leases(&pool).await.unwrap().remove(0);
    assert!(lease.holder.starts_with("cli@") && lease.released, "the CLI took the lease and gave it back: {lease:?}");
    assert!(!kb.summary().tenants[API_KEY].accounts.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_stopped_mid_run_releases_its_lease_and_another_runs_the_tick_at_once() {
    let (url, pool) = seeded_database().await;
    let kb = kill_bill().await;
    let dir = scratch("shutdown");
    // A long lease: only a release (not an expiry) lets the other server in quickly.
    let env = environment(
        &url,
        &kb.base_url(),
        &dir,
        &[("MARKETPLACE_SCHEDULE_KILLBILL", "2s"), ("MARKETPLACE_LEASE_TTL", "60s")],
    );
    let mut servers: Vec<Server> = (0..2).map(|i| Server::start(&env, &dir.join(format!("server{i}.log")))).collect();
    for server in &servers {
        server.wait_live().await;
    }
    wait_for("a first run", Duration::from_secs(40), async || {
        scheduled_runs(&pool).await.iter().any(|r| r.status == "succeeded").then_some(())
    })
    .await;

    let mut blocker = pool.begin().await.unwrap();
    sqlx::query("LOCK TABLE external_ref IN ACCESS EXCLUSIVE MODE").execute(&mut *blocker).await.unwrap();
    // A run stuck on the lock: running for over a second (one already under
    // way when the lock was taken counts too, if it needs the table again).
    let (stopped_run, tick) = wait_for("a run in progress", Duration::from_secs(20), async || {
        sqlx::query_as::<_, (i64, DateTime<Utc>)>(
            "SELECT r.id, s.next_run_at FROM sync_run r JOIN sync_state s ON s.job = r.job
             WHERE r.job = 'killbill' AND r.status = 'running' AND r.started_at < now() - interval '1 second'",
        )
        .fetch_optional(&pool)
        .await
        .unwrap()
    })
    .await;
    let holder: String =
        sqlx::query_scalar("SELECT holder FROM job_lease WHERE job = 'killbill'").fetch_one(&pool).await.unwrap();
    let index = servers.iter().position(|s| holder.contains(&format!(":{}:", s.child.id()))).expect("our server");
    let mut stopping = servers.remove(index);
    let terminated = Command::new("kill").args(["-TERM", &stopping.child.id().to_string()]).status().unwrap();
    assert!(terminated.success());
    let stopped_at = Instant::now();
    // The run is stopped while it still waits on the lock, and recorded as such.
    let error = wait_for("the run to be recorded as stopped", Duration::from_secs(20), async || {
        sqlx::query_scalar::<_, Option<String>>("SELECT error FROM sync_run WHERE id = $1 AND status = 'failed'")
            .bind(stopped_run)
            .fetch_optional(&pool)
            .await
            .unwrap()
    })
    .await;
    assert!(error.unwrap_or_default().contains("shutting down"));
    blocker.rollback().await.unwrap();
    let status = tokio::task::spawn_blocking(move || stopping.child.wait().unwrap()).await.unwrap();
    assert!(status.success(), "a clean stop");
    let takeover = wait_for("the other server to run the tick", Duration::from_secs(20), async || {
        scheduled_runs(&pool).await.into_iter().find(|r| r.id > stopped_run && r.status == "succeeded")
    })
    .await;
    assert_eq!(takeover.scheduled_for, Some(tick), "the stopped tick is run again");
    assert!(stopped_at.elapsed() < Duration::from_secs(30), "well before the 60 s lease would have expired");
}
