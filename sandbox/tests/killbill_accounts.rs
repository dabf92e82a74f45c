//! Account updates of the Kill Bill emulator (`PUT /1.0/kb/accounts/{accountId}`), checked
//! against Kill Bill 0.24's behaviour and kbswagger.yaml.

mod killbill_support;

use std::time::{Duration, Instant};

use killbill_support::{Kb, Receiver, assert_kb_error, assert_valid, count};
use reqwest::StatusCode;
use sandbox::killbill::{FaultKind, Faults, contract};
use serde_json::{Value, json};
use uuid::Uuid;

const FULL: &str = r#"{ "externalKey": "acct-1", "currency": "USD", "name": "Jane Doe", "email": "jane@example.com",
    "company": "Acme", "address1": "1 Main St", "city": "Springfield", "phone": "555-0100", "notes": "first",
    "locale": "en_US", "timeZone": "UTC" }"#;

async fn create_full(kb: &Kb) -> Uuid {
    let body: Value = serde_json::from_str(FULL).unwrap();
    let response = kb.post("/1.0/kb/accounts").json(&body).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    killbill_support::id_from_location(&response)
}

async fn update(kb: &Kb, id: Uuid, query: &str, body: &Value) -> reqwest::Response {
    kb.put(&format!("/1.0/kb/accounts/{id}{query}")).json(body).send().await.unwrap()
}

async fn read(kb: &Kb, path: &str) -> Value {
    let response = kb.get(path).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.json().await.unwrap()
}

async fn account(kb: &Kb, id: Uuid) -> Value {
    let value = read(kb, &format!("/1.0/kb/accounts/{id}")).await;
    assert_valid("Account", &value);
    value
}

async fn assert_no_content(response: reqwest::Response) {
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(response.text().await.unwrap(), "");
}

#[tokio::test]
async fn given_fields_replace_the_stored_ones_and_every_read_shows_them() {
    let kb = Kb::start().await;
    let id = create_full(&kb).await;
    let before = account(&kb, id).await;
    let change = json!({ "name": "Jane Smith", "email": "jane.smith@example.com", "notes": null });
    assert_no_content(update(&kb, id, "", &change).await).await;

    let after = account(&kb, id).await;
    assert_eq!((after["name"].clone(), after["email"].clone()), (json!("Jane Smith"), json!("jane.smith@example.com")));
    for field in ["externalKey", "currency", "company", "address1", "city", "phone", "notes", "locale", "timeZone"] {
        assert_eq!(after[field], before[field], "{field} was not given and must not change");
    }
    assert_eq!(read(&kb, "/1.0/kb/accounts?externalKey=acct-1").await, after);
    let found = read(&kb, "/1.0/kb/accounts/search/Smith").await;
    assert_eq!(found.as_array().map(Vec::len), Some(1));
    assert_eq!(found[0]["email"], "jane.smith@example.com");
    assert_eq!(read(&kb, "/1.0/kb/accounts/search/Doe").await, json!([]));
    let page = read(&kb, "/1.0/kb/accounts/pagination?offset=0&limit=10").await;
    assert_eq!(page[0]["name"], "Jane Smith");
}

#[tokio::test]
async fn treat_null_as_reset_clears_what_the_body_leaves_out() {
    let kb = Kb::start().await;
    let id = create_full(&kb).await;
    let mut full = account(&kb, id).await;
    full["notes"] = Value::Null;
    full.as_object_mut().unwrap().remove("phone");
    assert_no_content(update(&kb, id, "?treatNullAsReset=true", &full).await).await;

    let after = account(&kb, id).await;
    assert_eq!((after["notes"].clone(), after["phone"].clone()), (Value::Null, Value::Null));
    assert_eq!((after["name"].clone(), after["company"].clone()), (json!("Jane Doe"), json!("Acme")));

    // A reset must repeat the fields that cannot change: left out, they count as a change to null.
    let response = update(&kb, id, "?treatNullAsReset=true", &json!({ "name": "Only" })).await;
    let body = assert_kb_error(response, StatusCode::BAD_REQUEST, None).await;
    assert_eq!(body["message"], "Killbill doesn't support updating the account external key: new=null, current=acct-1");
    assert_eq!(account(&kb, id).await["name"], "Jane Doe");
}

#[tokio::test]
async fn external_key_currency_and_time_zone_cannot_change_but_the_same_values_pass() {
    let kb = Kb::start().await;
    let id = create_full(&kb).await;
    let refused = [
        (json!({ "externalKey": "acct-2", "name": "X" }), "external key: new=acct-2, current=acct-1"),
        (json!({ "currency": "EUR", "name": "X" }), "currency: new=EUR, current=USD"),
        (json!({ "timeZone": "Europe/Paris", "name": "X" }), "timeZone: new=Europe/Paris, current=UTC"),
    ];
    for (body, message) in refused {
        let answer = assert_kb_error(update(&kb, id, "", &body).await, StatusCode::BAD_REQUEST, None).await;
        assert_eq!(answer["className"], "java.lang.IllegalArgumentException");
        assert_eq!(answer["message"], format!("Killbill doesn't support updating the account {message}"));
    }
    assert_eq!(account(&kb, id).await["name"], "Jane Doe", "a refused update writes nothing");

    let same = json!({ "externalKey": "acct-1", "currency": "USD", "timeZone": "UTC", "name": "Jane Roe" });
    assert_no_content(update(&kb, id, "", &same).await).await;
    let after = account(&kb, id).await;
    assert_eq!((after["name"].clone(), after["externalKey"].clone()), (json!("Jane Roe"), json!("acct-1")));
    assert_eq!(kb.server.summary().account("acct-1").map(|a| a.account_id), Some(id));
}

#[tokio::test]
async fn a_currency_is_only_set_on_an_account_without_one_by_a_reset() {
    let kb = Kb::start().await;
    let response = kb.post("/1.0/kb/accounts").json(&json!({ "externalKey": "no-currency" })).send().await.unwrap();
    let id = killbill_support::id_from_location(&response);
    assert_no_content(update(&kb, id, "", &json!({ "currency": "EUR" })).await).await;
    assert_eq!(account(&kb, id).await["currency"], Value::Null, "a merge keeps the stored currency");

    let reset = json!({ "externalKey": "no-currency", "timeZone": "UTC", "currency": "EUR" });
    assert_no_content(update(&kb, id, "?treatNullAsReset=true", &reset).await).await;
    assert_eq!(account(&kb, id).await["currency"], "EUR");
}

#[tokio::test]
async fn unknown_accounts_answer_404_and_bad_bodies_400() {
    let kb = Kb::start().await;
    let unknown = update(&kb, Uuid::from_u128(7), "", &json!({ "name": "Nobody" })).await;
    assert_kb_error(unknown, StatusCode::NOT_FOUND, Some(3002)).await;

    let id = create_full(&kb).await;
    let put = |body: &'static str| {
        kb.put(&format!("/1.0/kb/accounts/{id}")).header("Content-Type", "application/json").body(body).send()
    };
    for bad in ["{\"name\":", "{\"firstNameLength\":\"long\"}", "[1]", "{\"currency\":\"XYZ\"}"] {
        assert_kb_error(put(bad).await.unwrap(), StatusCode::BAD_REQUEST, None).await;
    }
    for empty in ["", "null"] {
        let body = assert_kb_error(put(empty).await.unwrap(), StatusCode::BAD_REQUEST, None).await;
        assert_eq!(body["message"], "AccountJson body should be specified");
    }
    let anonymous = kb
        .http
        .put(kb.url(&format!("/1.0/kb/accounts/{id}")))
        .basic_auth("admin", Some("password"))
        .header("X-Killbill-ApiKey", killbill_support::API_KEY)
        .header("X-Killbill-ApiSecret", killbill_support::API_SECRET)
        .json(&json!({ "name": "X" }))
        .send()
        .await
        .unwrap();
    let body = assert_kb_error(anonymous, StatusCode::BAD_REQUEST, None).await;
    assert_eq!(body["message"], "Header X-Killbill-CreatedBy needs to be set");
    assert_eq!(account(&kb, id).await["name"], "Jane Doe");
}

#[tokio::test]
async fn every_update_pushes_account_change_even_a_repeated_one() {
    let kb = Kb::start().await;
    let receiver = Receiver::start(0).await;
    let path = format!("/1.0/kb/tenants/registerNotificationCallback?cb={}", receiver.url);
    assert_eq!(kb.post(&path).send().await.unwrap().status(), StatusCode::CREATED);
    let id = create_full(&kb).await;
    let change = json!({ "email": "new@example.com" });
    assert_no_content(update(&kb, id, "", &change).await).await;
    assert_no_content(update(&kb, id, "", &change).await).await;
    let refused = update(&kb, id, "", &json!({ "currency": "EUR" })).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);

    let received = receiver.wait_until(|r| count(r, "ACCOUNT_CHANGE") == 2).await;
    let event = &received.iter().find(|r| r.body["eventType"] == "ACCOUNT_CHANGE").unwrap().body;
    let expected = json!({ "eventType": "ACCOUNT_CHANGE", "accountId": id, "objectType": "ACCOUNT",
        "objectId": id, "metaData": null });
    assert_eq!(event, &expected);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(count(&receiver.received(), "ACCOUNT_CHANGE"), 2, "a refused update pushes nothing");
}

#[tokio::test]
async fn an_update_dropped_after_processing_is_applied_and_its_retry_is_harmless() {
    let kb = Kb::start().await;
    let id = create_full(&kb).await;
    kb.server.reset_stats();
    let faults =
        Faults { fail_nth_request: Some(1), fail_nth_kind: FaultKind::DropAfterProcessing, ..Faults::default() };
    kb.server.set_faults(faults).unwrap();
    let change = json!({ "name": "Dropped", "phone": "555-0199" });
    assert!(kb.put(&format!("/1.0/kb/accounts/{id}")).json(&change).send().await.is_err());
    kb.server.set_faults(Faults::default()).unwrap();

    let applied = account(&kb, id).await;
    assert_eq!((applied["name"].clone(), applied["phone"].clone()), (json!("Dropped"), json!("555-0199")));
    assert_no_content(update(&kb, id, "", &change).await).await;
    assert_eq!(account(&kb, id).await, applied, "the retry changes nothing");

    let stats = kb.server.stats();
    assert_eq!(stats.faults.drops, 1);
    assert_eq!(stats.by_endpoint.get("PUT /1.0/kb/accounts/{id}"), Some(&2));
    assert_eq!(stats.writes, 2);
    assert_eq!(kb.server.summary().account("acct-1").map(|a| a.account_id), Some(id));
}

#[tokio::test]
async fn injected_errors_write_nothing_and_latency_delays_the_update() {
    let kb = Kb::start().await;
    let id = create_full(&kb).await;
    kb.server.set_faults(Faults { error_rate: 1.0, error_status: 503, ..Faults::default() }).unwrap();
    let failed = update(&kb, id, "", &json!({ "name": "Never" })).await;
    assert_kb_error(failed, StatusCode::SERVICE_UNAVAILABLE, None).await;
    kb.server.set_faults(Faults { latency_ms: 150, ..Faults::default() }).unwrap();
    let started = Instant::now();
    assert_no_content(update(&kb, id, "", &json!({ "city": "Shelbyville" })).await).await;
    assert!(started.elapsed() >= Duration::from_millis(150));
    kb.server.set_faults(Faults::default()).unwrap();
    let after = account(&kb, id).await;
    assert_eq!((after["name"].clone(), after["city"].clone()), (json!("Jane Doe"), json!("Shelbyville")));
}

#[tokio::test]
async fn the_update_route_and_its_body_follow_kbswagger() {
    let text = std::fs::read_to_string(contract::spec_path()).unwrap();
    let spec: Value = serde_norway::from_str(&text).unwrap();
    let put = &spec["paths"]["/1.0/kb/accounts/{accountId}"]["put"];
    assert_eq!(put["operationId"], "updateAccount");
    assert!(put["responses"].get("204").is_some(), "{put:#}");
    let params = put["parameters"].as_array().unwrap();
    let param = |name: &str| params.iter().find(|p| p["name"] == name).unwrap_or_else(|| panic!("no {name}"));
    assert_eq!(param("body")["schema"]["$ref"], "#/definitions/Account");
    assert_eq!(
        (param("treatNullAsReset")["in"].clone(), param("treatNullAsReset")["default"].clone()),
        (json!("query"), json!(false))
    );
    assert_eq!(
        (param("X-Killbill-CreatedBy")["in"].clone(), param("X-Killbill-CreatedBy")["required"].clone()),
        (json!("header"), json!(true))
    );

    let kb = Kb::start().await;
    let id = create_full(&kb).await;
    let body = json!({ "accountId": id, "name": "Jane Roe", "firstNameLength": 4, "currency": "USD",
        "isPaymentDelegatedToParent": false, "notes": null });
    assert_valid("Account", &body);
    assert_no_content(update(&kb, id, "?treatNullAsReset=false", &body).await).await;
    let after = account(&kb, id).await;
    assert_eq!((after["firstNameLength"].clone(), after["notes"].clone()), (json!(4), json!("first")));
}
