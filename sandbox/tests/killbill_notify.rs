//! Push notifications of the Kill Bill emulator, received by a local HTTP endpoint.

mod killbill_support;

use killbill_support::{Kb, Received, Receiver, assert_valid, count, test_config};
use reqwest::StatusCode;
use sandbox::killbill::{KillBillConfig, NotificationStats, NotifyConfig};
use serde_json::{Value, json};

async fn register(kb: &Kb, receiver: &Receiver) {
    let path = format!("/1.0/kb/tenants/registerNotificationCallback?cb={}", receiver.url);
    let response = kb.post(&path).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_registered_callback_reads_back_and_receives_the_config_change() {
    let kb = Kb::start().await;
    let receiver = Receiver::start(0).await;
    register(&kb, &receiver).await;
    let read: Value =
        kb.get("/1.0/kb/tenants/registerNotificationCallback").send().await.unwrap().json().await.unwrap();
    assert_valid("TenantKeyValue", &read);
    assert_eq!(read["values"], json!([receiver.url]));
    let received = receiver.wait_until(|r| count(r, "TENANT_CONFIG_CHANGE") == 1).await;
    assert_eq!(received[0].body["objectType"], "TENANT_KVS");
    assert_eq!(received[0].body["metaData"], "{\"key\":\"PUSH_NOTIFICATION_CB\"}");
}

#[tokio::test]
async fn state_changes_are_pushed_with_kill_bills_body_and_headers() {
    let kb = Kb::start().await;
    let receiver = Receiver::start(0).await;
    register(&kb, &receiver).await;
    let account = kb.create_account("n-1", "USD").await;
    let invoice = kb.charge(account, &[30.0], true).await;
    assert_eq!(kb.pay(invoice, account, Some(30.0), Some("n-pay")).await.status(), StatusCode::CREATED);

    let expected = [
        "ACCOUNT_CREATION",
        "INVOICE_CREATION",
        "INVOICE_PAYMENT_FAILED",
        "PAYMENT_SUCCESS",
        "INVOICE_PAYMENT_SUCCESS",
    ];
    let received = receiver.wait_until(|r| expected.iter().all(|e| count(r, e) == 1)).await;
    for event in &received {
        let mut keys: Vec<&String> = event.body.as_object().unwrap().keys().collect();
        keys.sort();
        assert_eq!(keys, ["accountId", "eventType", "metaData", "objectId", "objectType"]);
        assert!(event.headers["content-type"].to_str().unwrap().starts_with("application/json"));
        assert_eq!(event.headers["user-agent"], "KillBill/1.0");
    }
    let find = |t: &str| received.iter().find(|r| r.body["eventType"] == t).unwrap().body.clone();
    assert_eq!(find("ACCOUNT_CREATION")["objectId"], json!(account));
    assert_eq!(find("INVOICE_CREATION")["objectId"], json!(invoice));
    assert_eq!(find("INVOICE_CREATION")["metaData"], Value::Null);
    let payment = find("PAYMENT_SUCCESS");
    let meta: Value = serde_json::from_str(payment["metaData"].as_str().unwrap()).unwrap();
    assert_eq!((meta["amount"].clone(), meta["status"].clone()), (json!(30.0), json!("SUCCESS")));
    let applied: Value = serde_json::from_str(find("INVOICE_PAYMENT_SUCCESS")["metaData"].as_str().unwrap()).unwrap();
    assert_eq!(applied["paymentId"], payment["objectId"]);
    let failed: Value = serde_json::from_str(find("INVOICE_PAYMENT_FAILED")["metaData"].as_str().unwrap()).unwrap();
    assert_eq!(failed["paymentId"], Value::Null);
}

#[tokio::test]
async fn a_draft_invoice_is_announced_only_when_committed() {
    let kb = Kb::start().await;
    let receiver = Receiver::start(0).await;
    register(&kb, &receiver).await;
    let account = kb.create_account("n-2", "USD").await;
    let invoice = kb.charge(account, &[5.0], false).await;
    receiver.wait_until(|r| count(r, "ACCOUNT_CREATION") == 1).await;
    kb.put(&format!("/1.0/kb/invoices/{invoice}/commitInvoice")).send().await.unwrap();
    // The commit's two events (the creation, and the failed payment attempt
    // on an account without a payment method) may arrive in any order.
    let about = |r: &[Received]| r.iter().filter(|x| x.body["objectId"] == json!(invoice)).count();
    let received = receiver.wait_until(|r| count(r, "INVOICE_CREATION") == 1 && about(r) >= 2).await;
    assert_eq!(about(&received), 2, "nothing was announced for the draft");
}

#[tokio::test]
async fn every_event_is_delivered_twice_when_the_duplicate_rate_is_one() {
    let notify = NotifyConfig { duplicate_rate: 1.0, max_delay_ms: 5, ..NotifyConfig::default() };
    let kb = Kb::start_with(KillBillConfig { notify, ..test_config() }).await;
    let receiver = Receiver::start(0).await;
    register(&kb, &receiver).await;
    kb.create_account("n-3", "USD").await;
    let received = receiver.wait_until(|r| count(r, "ACCOUNT_CREATION") == 2).await;
    let copies: Vec<&Value> =
        received.iter().filter(|r| r.body["eventType"] == "ACCOUNT_CREATION").map(|r| &r.body).collect();
    assert_eq!(copies[0], copies[1]);
    assert_eq!(kb.server.stats().notifications.duplicates, 2);
}

#[tokio::test]
async fn failed_deliveries_are_retried_until_the_receiver_accepts() {
    let kb = Kb::start().await;
    let receiver = Receiver::start(2).await;
    register(&kb, &receiver).await;
    receiver.wait_until(|r| count(r, "TENANT_CONFIG_CHANGE") == 1).await;
    let stats = wait_for_notifications(&kb, |s| s.delivered == 1).await;
    assert_eq!((stats.failed_attempts, stats.dropped), (2, 0));
}

#[tokio::test]
async fn a_delivery_is_dropped_after_the_last_retry() {
    let notify = NotifyConfig { retries: 1, retry_backoff_ms: 5, max_delay_ms: 0, ..NotifyConfig::default() };
    let kb = Kb::start_with(KillBillConfig { notify, ..test_config() }).await;
    let receiver = Receiver::start(5).await;
    register(&kb, &receiver).await;
    let stats = wait_for_notifications(&kb, |s| s.dropped == 1).await;
    assert_eq!(stats.failed_attempts, 2);
    assert!(receiver.received().is_empty());
}

/// Polls the notification counters (5 s at most) until `done` holds.
async fn wait_for_notifications(kb: &Kb, done: impl Fn(&NotificationStats) -> bool) -> NotificationStats {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let stats = kb.server.stats().notifications;
        if done(&stats) {
            return stats;
        }
        assert!(std::time::Instant::now() < deadline, "counters never matched: {stats:?}");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}
