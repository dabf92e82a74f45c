//! Fault injection and the sandbox control API of the Kill Bill emulator.

mod killbill_support;

use std::time::{Duration, Instant};

use killbill_support::{Kb, assert_kb_error, test_config};
use reqwest::StatusCode;
use sandbox::killbill::{FaultKind, Faults, KillBillConfig};
use serde_json::{Value, json};

async fn account_exists(kb: &Kb, key: &str) -> bool {
    kb.get(&format!("/1.0/kb/accounts?externalKey={key}")).send().await.unwrap().status() == StatusCode::OK
}

fn new_account(kb: &Kb, key: &str) -> reqwest::RequestBuilder {
    kb.post("/1.0/kb/accounts").json(&json!({ "externalKey": key, "currency": "USD" }))
}

#[tokio::test]
async fn injected_errors_answer_a_kill_bill_error_body_and_write_nothing() {
    let kb = Kb::start().await;
    kb.server.set_faults(Faults { error_rate: 1.0, error_status: 503, ..Faults::default() }).unwrap();
    let response = new_account(&kb, "e-1").send().await.unwrap();
    assert_kb_error(response, StatusCode::SERVICE_UNAVAILABLE, None).await;
    kb.server.set_faults(Faults::default()).unwrap();
    assert!(!account_exists(&kb, "e-1").await);
    assert_eq!(kb.server.stats().faults.errors, 1);
}

#[tokio::test]
async fn only_the_nth_request_fails() {
    let kb = Kb::start().await;
    kb.server.set_faults(Faults { fail_nth_request: Some(2), ..Faults::default() }).unwrap();
    let mut statuses = Vec::new();
    for key in ["n-1", "n-2", "n-3"] {
        statuses.push(new_account(&kb, key).send().await.unwrap().status());
    }
    assert_eq!(statuses, [StatusCode::CREATED, StatusCode::INTERNAL_SERVER_ERROR, StatusCode::CREATED]);
    assert!(!account_exists(&kb, "n-2").await);
}

#[tokio::test]
async fn a_dropped_connection_still_applies_the_write() {
    let kb = Kb::start().await;
    kb.server.set_faults(Faults { drop_after_processing_rate: 1.0, ..Faults::default() }).unwrap();
    let error = new_account(&kb, "d-1").send().await.unwrap_err();
    assert!(!error.is_timeout(), "{error:?}");
    kb.server.set_faults(Faults::default()).unwrap();
    assert!(account_exists(&kb, "d-1").await, "the write happened before the drop");
    assert_eq!(kb.server.summary().account("d-1").map(|a| a.invoices), Some(0));
}

#[tokio::test]
async fn the_nth_request_can_be_dropped_after_processing() {
    let kb = Kb::start().await;
    let faults =
        Faults { fail_nth_request: Some(1), fail_nth_kind: FaultKind::DropAfterProcessing, ..Faults::default() };
    kb.server.set_faults(faults).unwrap();
    assert!(new_account(&kb, "d-2").send().await.is_err());
    assert!(account_exists(&kb, "d-2").await);
    assert_eq!(kb.server.stats().faults.drops, 1);
}

#[tokio::test]
async fn a_timeout_hangs_past_the_client_timeout_without_writing() {
    let kb = Kb::start().await;
    kb.server.set_faults(Faults { timeout_rate: 1.0, hang_ms: 3_000, ..Faults::default() }).unwrap();
    let error = new_account(&kb, "t-1").timeout(Duration::from_millis(200)).send().await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    kb.server.set_faults(Faults::default()).unwrap();
    assert!(!account_exists(&kb, "t-1").await);
}

#[tokio::test]
async fn latency_is_added_to_every_request() {
    let kb = Kb::start().await;
    kb.server.set_faults(Faults { latency_ms: 150, ..Faults::default() }).unwrap();
    let started = Instant::now();
    assert_eq!(new_account(&kb, "l-1").send().await.unwrap().status(), StatusCode::CREATED);
    assert!(started.elapsed() >= Duration::from_millis(150), "{:?}", started.elapsed());
    let started = Instant::now();
    assert_eq!(kb.http.get(kb.url("/1.0/healthcheck")).send().await.unwrap().status(), StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(150), "the healthcheck too: {:?}", started.elapsed());
}

#[tokio::test]
async fn down_answers_503_and_turns_the_healthcheck_unhealthy() {
    let kb =
        Kb::start_with(KillBillConfig { faults: Faults { down: true, ..Faults::default() }, ..test_config() }).await;
    assert_eq!(new_account(&kb, "x").send().await.unwrap().status(), StatusCode::SERVICE_UNAVAILABLE);
    let health = kb.http.get(kb.url("/1.0/healthcheck")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body: Value = health.json().await.unwrap();
    assert!(body.as_object().unwrap().values().all(|c| c["healthy"] == false));
}

#[tokio::test]
async fn faults_are_set_and_read_through_the_control_api() {
    let kb = Kb::start().await;
    let url = kb.url("/__sandbox/faults");
    let set = kb.http.put(&url).json(&json!({ "error_rate": 1.0, "latency_ms": 5 })).send().await.unwrap();
    assert_eq!(set.status(), StatusCode::OK);
    let read: Value = kb.http.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        (read["error_rate"].clone(), read["latency_ms"].clone(), read["down"].clone()),
        (json!(1.0), json!(5), json!(false))
    );
    assert_eq!(new_account(&kb, "c-1").send().await.unwrap().status(), StatusCode::INTERNAL_SERVER_ERROR);
    let bad = kb.http.put(&url).json(&json!({ "timeout_rate": 2.0 })).send().await.unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    kb.http.put(&url).json(&json!({})).send().await.unwrap();
    assert_eq!(new_account(&kb, "c-1").send().await.unwrap().status(), StatusCode::CREATED);
}

#[tokio::test]
async fn stats_count_requests_by_method_and_endpoint_until_reset() {
    let kb = Kb::start().await;
    let account = kb.create_account("s-1", "USD").await;
    kb.charge(account, &[3.0], true).await;
    account_exists(&kb, "s-1").await;
    let stats: Value = kb.http.get(kb.url("/__sandbox/stats")).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        (stats["total"].clone(), stats["writes"].clone(), stats["reads"].clone()),
        (json!(3), json!(2), json!(1))
    );
    assert_eq!(stats["by_method"]["POST"], json!(2));
    assert_eq!(stats["by_endpoint"]["POST /1.0/kb/invoices/charges/{id}"], json!(1));
    let reset = kb.http.post(kb.url("/__sandbox/stats/reset")).send().await.unwrap();
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
    assert_eq!(kb.server.stats().total, 0);
}

#[tokio::test]
async fn the_summary_reports_counts_and_totals_per_account_in_minor_units() {
    let kb = Kb::start().await;
    let account = kb.create_account("sum-1", "USD").await;
    let invoice = kb.charge(account, &[100.0, 20.5], true).await;
    kb.charge(account, &[9.0], false).await;
    kb.pay(invoice, account, Some(50.25), Some("p-1")).await;
    let summary: Value = kb.http.get(kb.url("/__sandbox/summary")).send().await.unwrap().json().await.unwrap();
    let totals = &summary["tenants"][killbill_support::API_KEY]["accounts"]["sum-1"];
    assert_eq!(totals["invoices"], json!(2));
    assert_eq!(totals["draft_invoices"], json!(1));
    assert_eq!(totals["payments"], json!(1));
    assert_eq!(totals["invoiced_minor"], json!(12_050));
    assert_eq!(totals["paid_minor"], json!(5_025));
    assert_eq!(totals["balance_minor"], json!(7_025));
}

#[tokio::test]
async fn the_same_seed_injects_faults_at_the_same_requests() {
    let mut runs = Vec::new();
    for _ in 0..2 {
        let config =
            KillBillConfig { seed: 7, faults: Faults { error_rate: 0.5, ..Faults::default() }, ..test_config() };
        let kb = Kb::start_with(config).await;
        let mut statuses = Vec::new();
        for i in 0..16 {
            statuses.push(new_account(&kb, &format!("r-{i}")).send().await.unwrap().status().as_u16());
        }
        runs.push(statuses);
    }
    assert_eq!(runs[0], runs[1]);
    assert!(runs[0].contains(&201) && runs[0].contains(&500), "{:?}", runs[0]);
}
