//! The Condo emulator injects faults on `/admin/api` (latency, 5xx, hangs, dropped
//! connections, "down", the N-th request) while the control API stays reachable, and the
//! `sandbox condo` command line starts, announces itself and stops cleanly.

mod condo_support;

use condo_support::{Client, eventually, start, start_with};
use sandbox::condo::{CondoConfig, Faults};
use serde_json::{Value, json};
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};

const COUNT: &str = "query { m: _allTicketsMeta { count } }";

async fn status_of(client: &Client) -> Result<u16, reqwest::Error> {
    let request = client.http.post(&client.url).bearer_auth(client.token.clone().unwrap_or_default());
    Ok(request.json(&json!({ "query": COUNT })).send().await?.status().as_u16())
}

#[tokio::test]
async fn added_latency_delays_every_graphql_request() {
    let condo = start().await;
    let client = Client::signed_in(&condo).await;
    condo.handle().set_faults(Faults { latency_ms: 300, ..Faults::default() });
    let started = Instant::now();
    assert_eq!(status_of(&client).await.unwrap(), 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(condo.handle().stats().faults.delayed, 1);
}

#[tokio::test]
async fn an_error_rate_of_one_answers_with_the_proxy_error_page_but_control_stays_up() {
    let condo = start().await;
    let client = Client::signed_in(&condo).await;
    condo.handle().set_faults(Faults { error_rate: 1.0, error_status: 502, ..Faults::default() });
    let response = client.http.post(&client.url).json(&json!({ "query": COUNT })).send().await.unwrap();
    assert_eq!(response.status(), 502);
    assert!(response.text().await.unwrap().contains("502 Bad Gateway"));
    let health = reqwest::get(format!("{}/__sandbox/health", condo.base_url())).await.unwrap();
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn the_nth_request_fails_and_its_neighbours_pass() {
    let faults = Faults { fail_nth: vec![3], ..Faults::default() };
    let condo = start_with(CondoConfig { faults, ..CondoConfig::default() }).await;
    let client = Client::signed_in(&condo).await;
    let statuses =
        [status_of(&client).await.unwrap(), status_of(&client).await.unwrap(), status_of(&client).await.unwrap()];
    assert_eq!(statuses, [200, 503, 200], "request 1 was the sign-in");
}

#[tokio::test]
async fn faults_set_through_the_control_api_fail_the_next_requests() {
    let condo = start().await;
    let client = Client::signed_in(&condo).await;
    let url = format!("{}/__sandbox/faults", condo.base_url());
    let set: Value = client.http.put(&url).json(&json!({ "failNext": 2 })).send().await.unwrap().json().await.unwrap();
    assert_eq!(set["failNext"], 2);
    let statuses =
        [status_of(&client).await.unwrap(), status_of(&client).await.unwrap(), status_of(&client).await.unwrap()];
    assert_eq!(statuses, [503, 503, 200]);
    assert_eq!(condo.handle().stats().faults.errors, 2);
}

#[tokio::test]
async fn a_hang_outlasts_the_client_timeout_and_clearing_it_restores_service() {
    let condo = start().await;
    let mut client = Client::signed_in(&condo).await;
    condo.handle().set_faults(Faults { timeout_rate: 1.0, hang_ms: 10_000, ..Faults::default() });
    client.http = reqwest::Client::builder().timeout(Duration::from_millis(300)).build().unwrap();
    let error = status_of(&client).await.unwrap_err();
    assert!(error.is_timeout(), "{error}");
    condo.handle().set_faults(Faults::default());
    assert_eq!(status_of(&client).await.unwrap(), 200);
    assert_eq!(condo.handle().stats().faults.hangs, 1);
}

#[tokio::test]
async fn a_dropped_connection_loses_the_answer_after_the_work_was_done() {
    let condo = start().await;
    let mut client = Client::new(&condo);
    condo.handle().set_faults(Faults { drop_rate: 1.0, ..Faults::default() });
    let variables = json!({ "phone": sandbox::condo::Credentials::default().phone, "password": sandbox::condo::Credentials::default().password });
    let query = condo_support::example("auth.graphql");
    let sent = client
        .http
        .post(&client.url)
        .json(&json!({ "query": query, "variables": variables, "operationName": "SignInStaffByPhone" }));
    let error = sent.send().await.unwrap_err();
    assert!(!error.is_timeout(), "{error}");
    let stats = condo.handle().stats();
    assert_eq!((stats.sign_ins, stats.faults.drops), (1, 1), "the sign-in was processed before the drop");
    condo.handle().set_faults(Faults::default());
    client.sign_in().await;
}

#[tokio::test]
async fn down_closes_connections_until_the_fault_is_cleared() {
    let condo = start().await;
    let client = Client::signed_in(&condo).await;
    let url = format!("{}/__sandbox/faults", condo.base_url());
    client.http.put(&url).json(&json!({ "down": true })).send().await.unwrap();
    assert!(status_of(&client).await.is_err());
    assert_eq!(client.http.delete(&url).send().await.unwrap().status(), 204);
    eventually(Duration::from_secs(5), "service back", || async {
        status_of(&client).await.ok().filter(|&s| s == 200)
    })
    .await;
    assert!(condo.handle().stats().faults.down >= 1);
}

#[tokio::test]
async fn a_seeded_error_rate_fails_the_same_requests_in_every_run() {
    let run = || async {
        let faults = Faults { error_rate: 0.5, ..Faults::default() };
        let condo = start_with(CondoConfig { faults, ..CondoConfig::default() }).await;
        let client = Client::new(&condo);
        let mut statuses = Vec::new();
        for _ in 0..16 {
            statuses.push(status_of(&client).await.unwrap());
        }
        statuses
    };
    let (first, second) = (run().await, run().await);
    assert_eq!(first, second);
    assert!(first.contains(&503) && first.contains(&200), "{first:?}");
}

fn cli() -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_sandbox"));
    command.arg("condo").stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
    command
}

#[tokio::test]
async fn the_command_line_prints_one_listening_line_serves_and_stops_on_sigterm() {
    let mut child = cli().args(["--listen", "127.0.0.1:0", "--tickets", "60", "--seed", "5"]).spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    tokio::time::timeout(Duration::from_secs(60), stdout.read_line(&mut line))
        .await
        .expect("announces itself")
        .unwrap();
    let base =
        line.trim().strip_prefix("listening on ").unwrap_or_else(|| panic!("unexpected line {line:?}")).to_owned();
    assert!(base.starts_with("http://127.0.0.1:"));
    let summary: Value = reqwest::get(format!("{base}/__sandbox/summary")).await.unwrap().json().await.unwrap();
    assert_eq!(summary["tickets"]["total"], 60);
    let pid = child.id().unwrap().to_string();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let exit = tokio::time::timeout(Duration::from_secs(20), child.wait()).await.expect("stops on SIGTERM").unwrap();
    assert!(exit.success(), "{exit:?}");
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).await.unwrap();
    assert_eq!(rest, "", "exactly one line on stdout");
}

#[tokio::test]
async fn the_command_line_refuses_a_missing_schema_and_non_loopback_addresses() {
    let output = cli().args(["--schema", "/nonexistent/schema.graphql"]).output().await.unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("/nonexistent/schema.graphql") && stderr.contains("--schema"), "{stderr}");
    let output = cli().args(["--listen", "0.0.0.0:0"]).output().await.unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("loopback"));
}
