//! Contract tests of the Kill Bill emulator: tenants, auth, accounts, external charges and
//! invoices. Every body is checked against kbswagger.yaml, read at test time.

mod killbill_support;

use killbill_support::{API_KEY, Kb, assert_kb_error, assert_valid, assert_valid_array, id_from_location};
use reqwest::StatusCode;
use sandbox::killbill::contract;
use serde_json::{Value, json};

#[tokio::test]
async fn the_healthcheck_reports_every_check_healthy_without_credentials() {
    let kb = Kb::start().await;
    let response = kb.http.get(kb.url("/1.0/healthcheck")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    let checks = body.as_object().unwrap();
    assert!(checks.contains_key("main.pool.ConnectivityCheck"));
    assert!(checks.values().all(|c| c["healthy"] == true));
}

#[tokio::test]
async fn tenants_are_created_with_201_and_a_duplicate_api_key_answers_409_code_20000() {
    let kb = Kb::start().await;
    let create = || {
        kb.http
            .post(kb.url("/1.0/kb/tenants"))
            .basic_auth("admin", Some("password"))
            .header("X-Killbill-CreatedBy", "tests")
            .json(&json!({ "apiKey": "other", "apiSecret": "pw" }))
            .send()
    };
    let response = create().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with(&kb.url("/1.0/kb/tenants/")), "{location}");
    assert_eq!(response.text().await.unwrap(), "");
    assert_kb_error(create().await.unwrap(), StatusCode::CONFLICT, Some(20000)).await;

    let found = kb.get("/1.0/kb/tenants?apiKey=other").send().await.unwrap();
    let tenant: Value = found.json().await.unwrap();
    assert_eq!(tenant["apiKey"], "other");
    // Kill Bill never reads the secret back, although the spec marks it required.
    let errors = contract::validate_definition("Tenant", &tenant).unwrap_err();
    assert!(errors.len() == 1 && errors[0].starts_with("/apiSecret"), "{errors:?}");
}

#[tokio::test]
async fn calls_without_basic_auth_or_valid_tenant_headers_answer_401() {
    let kb = Kb::start().await;
    let path = kb.url("/1.0/kb/accounts?externalKey=x");
    let no_basic = kb.http.get(&path).header("X-Killbill-ApiKey", API_KEY).send().await.unwrap();
    assert_eq!(no_basic.status(), StatusCode::UNAUTHORIZED);
    assert!(no_basic.headers().contains_key("www-authenticate"));

    let no_tenant = kb.http.get(&path).basic_auth("admin", Some("password")).send().await.unwrap();
    assert_eq!(no_tenant.status(), StatusCode::UNAUTHORIZED);
    assert!(no_tenant.text().await.unwrap().contains("X-Killbill-ApiKey"));

    let wrong_secret = kb
        .http
        .get(&path)
        .basic_auth("admin", Some("password"))
        .header("X-Killbill-ApiKey", API_KEY)
        .header("X-Killbill-ApiSecret", "wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_secret.status(), StatusCode::UNAUTHORIZED);
    let wrong_password = kb.http.get(&path).basic_auth("admin", Some("nope")).send().await.unwrap();
    assert_eq!(wrong_password.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn writes_without_created_by_answer_400_with_kill_bills_message() {
    let kb = Kb::start().await;
    let response = kb
        .http
        .post(kb.url("/1.0/kb/accounts"))
        .basic_auth("admin", Some("password"))
        .header("X-Killbill-ApiKey", API_KEY)
        .header("X-Killbill-ApiSecret", killbill_support::API_SECRET)
        .json(&json!({ "externalKey": "k", "currency": "USD" }))
        .send()
        .await
        .unwrap();
    let body = assert_kb_error(response, StatusCode::BAD_REQUEST, None).await;
    assert_eq!(body["message"], "Header X-Killbill-CreatedBy needs to be set");
    assert_eq!(body["className"], "java.lang.IllegalArgumentException");
}

#[tokio::test]
async fn account_creation_answers_201_with_an_empty_body_and_a_full_url_location() {
    let kb = Kb::start().await;
    let response = kb
        .post("/1.0/kb/accounts")
        .json(&json!({ "externalKey": "renter-1", "currency": "USD", "email": "jane@example.com" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(response.text().await.unwrap(), "");
    assert!(location.starts_with(&kb.url("/1.0/kb/accounts/")), "{location}");

    let account: Value = kb.authed_get_url(&location).await;
    assert_valid("Account", &account);
    assert_eq!(account["externalKey"], "renter-1");
    assert_eq!(account["currency"], "USD");
    assert_eq!(account["timeZone"], "UTC");
    assert_eq!(account["accountBalance"], Value::Null);
}

#[tokio::test]
async fn a_taken_external_key_answers_409_code_3000_and_unknown_accounts_404() {
    let kb = Kb::start().await;
    let id = kb.create_account("renter-2", "USD").await;
    let again = kb.post("/1.0/kb/accounts").json(&json!({ "externalKey": "renter-2", "currency": "USD" })).send().await;
    let body = assert_kb_error(again.unwrap(), StatusCode::CONFLICT, Some(3000)).await;
    assert_eq!(body["className"], "org.killbill.billing.account.api.AccountApiException");

    let by_key: Value = kb.get("/1.0/kb/accounts?externalKey=renter-2").send().await.unwrap().json().await.unwrap();
    assert_eq!(by_key["accountId"], id.to_string());
    let missing_key = kb.get("/1.0/kb/accounts?externalKey=nobody").send().await.unwrap();
    assert_kb_error(missing_key, StatusCode::NOT_FOUND, Some(3003)).await;
    let missing_id = kb.get(&format!("/1.0/kb/accounts/{}", uuid::Uuid::nil())).send().await.unwrap();
    assert_kb_error(missing_id, StatusCode::NOT_FOUND, Some(3002)).await;
}

#[tokio::test]
async fn external_charges_answer_200_with_every_item_on_one_draft_invoice() {
    let kb = Kb::start().await;
    let account = kb.create_account("renter-3", "USD").await;
    let items = json!([
        { "accountId": account, "amount": 10.005, "currency": "USD", "itemDetails": "{\"mktInvoiceId\":\"inv-1\"}" },
        { "accountId": account, "amount": "2.50", "description": "Cleaning", "startDate": "2024-05-01" },
    ]);
    let response = kb
        .post(&format!("/1.0/kb/invoices/charges/{account}?requestedDate=2024-05-01"))
        .json(&items)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let created: Value = response.json().await.unwrap();
    assert_valid_array("InvoiceItem", &created);
    assert_eq!(created[0]["invoiceId"], created[1]["invoiceId"]);
    assert_eq!(created[0]["amount"], json!(10.01));
    assert_eq!(created[0]["itemDetails"], "{\"mktInvoiceId\":\"inv-1\"}");
    assert_eq!(created[0]["startDate"], "2024-05-01");
    assert_eq!(created[1]["currency"], "USD");

    let invoice_id = created[0]["invoiceId"].as_str().unwrap();
    let invoice: Value = kb.get(&format!("/1.0/kb/invoices/{invoice_id}")).send().await.unwrap().json().await.unwrap();
    assert_valid("Invoice", &invoice);
    assert_eq!(invoice["status"], "DRAFT");
    assert_eq!(invoice["amount"], json!(12.51));
    assert_eq!(invoice["balance"], json!(0.0));
    assert_eq!(invoice["targetDate"], "2024-05-01");
    assert!(invoice["invoiceNumber"].is_string());
}

#[tokio::test]
async fn charge_errors_carry_kill_bills_status_and_code() {
    let kb = Kb::start().await;
    let account = kb.create_account("renter-4", "USD").await;
    let charge = |body: Value| kb.post(&format!("/1.0/kb/invoices/charges/{account}")).json(&body).send();

    let mismatch = charge(json!([{ "amount": 5, "currency": "EUR" }])).await.unwrap();
    let body = assert_kb_error(mismatch, StatusCode::BAD_REQUEST, None).await;
    assert_eq!(body["message"], "EUR");
    let negative = charge(json!([{ "amount": -5 }])).await.unwrap();
    assert_kb_error(negative, StatusCode::BAD_REQUEST, Some(4015)).await;

    let committed = kb.charge(account, &[5.0], true).await;
    let append = charge(json!([{ "amount": 1, "invoiceId": committed }])).await.unwrap();
    assert_kb_error(append, StatusCode::BAD_REQUEST, Some(4024)).await;
    let unknown = kb
        .post(&format!("/1.0/kb/invoices/charges/{}", uuid::Uuid::nil()))
        .json(&json!([{ "amount": 1 }]))
        .send()
        .await;
    assert_kb_error(unknown.unwrap(), StatusCode::NOT_FOUND, Some(3002)).await;
    let overflow = charge(json!([{ "amount": 1_000_000 }])).await.unwrap();
    assert_eq!(overflow.status(), StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test]
async fn a_draft_invoice_commits_once_and_a_second_commit_or_a_void_one_answers_4023() {
    let kb = Kb::start().await;
    let account = kb.create_account("renter-5", "USD").await;
    let draft = kb.charge(account, &[40.0], false).await;
    let added = kb
        .post(&format!("/1.0/kb/invoices/charges/{account}"))
        .json(&json!([{ "amount": 2, "invoiceId": draft }]))
        .send()
        .await;
    assert_eq!(added.unwrap().status(), StatusCode::OK);

    let commit = || kb.put(&format!("/1.0/kb/invoices/{draft}/commitInvoice")).send();
    assert_eq!(commit().await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_kb_error(commit().await.unwrap(), StatusCode::BAD_REQUEST, Some(4023)).await;
    let invoice: Value = kb.get(&format!("/1.0/kb/invoices/{draft}")).send().await.unwrap().json().await.unwrap();
    assert_eq!((invoice["status"].clone(), invoice["balance"].clone()), (json!("COMMITTED"), json!(42.0)));

    let other = kb.charge(account, &[1.0], false).await;
    let void = kb.put(&format!("/1.0/kb/invoices/{other}/voidInvoice")).send().await.unwrap();
    assert_eq!(void.status(), StatusCode::NO_CONTENT);
    let commit_void = kb.put(&format!("/1.0/kb/invoices/{other}/commitInvoice")).send().await.unwrap();
    assert_kb_error(commit_void, StatusCode::BAD_REQUEST, Some(4023)).await;
    let missing = kb.get(&format!("/1.0/kb/invoices/{}", uuid::Uuid::nil())).send().await.unwrap();
    assert_kb_error(missing, StatusCode::NOT_FOUND, Some(4006)).await;
}

#[tokio::test]
async fn account_invoice_lists_are_shallow_unless_components_are_included() {
    let kb = Kb::start().await;
    let account = kb.create_account("renter-6", "USD").await;
    kb.charge(account, &[100.0], true).await;
    kb.charge(account, &[7.0], false).await;
    let list = |query: &str| kb.get(&format!("/1.0/kb/accounts/{account}/invoices{query}")).send();

    let shallow: Value = list("").await.unwrap().json().await.unwrap();
    assert_valid_array("Invoice", &shallow);
    assert_eq!(shallow.as_array().unwrap().len(), 2, "DRAFT invoices are listed too");
    assert!(shallow.as_array().unwrap().iter().all(|i| i["amount"] == json!(0.0) && i["items"] == json!([])));

    let deep: Value = list("?includeInvoiceComponents=true").await.unwrap().json().await.unwrap();
    assert_valid_array("Invoice", &deep);
    assert_eq!(deep[0]["amount"], json!(100.0));
    assert_eq!(deep[0]["balance"], json!(100.0));
    assert_eq!(deep[1]["balance"], json!(0.0), "a DRAFT invoice has no balance");
    assert_eq!(deep[0]["items"].as_array().unwrap().len(), 1);

    let with_balance: Value = kb
        .get(&format!("/1.0/kb/accounts/{account}?accountWithBalance=true"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_valid("Account", &with_balance);
    assert_eq!(with_balance["accountBalance"], json!(100.0));
}

impl Kb {
    async fn authed_get_url(&self, url: &str) -> Value {
        let path = url.strip_prefix(&self.server.base_url()).expect("location on this server");
        let response = self.get(path).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }
}

#[tokio::test]
async fn the_id_in_location_is_the_created_account() {
    let kb = Kb::start().await;
    let response = kb.post("/1.0/kb/accounts").json(&json!({ "currency": "JPY" })).send().await.unwrap();
    let id = id_from_location(&response);
    let account: Value = kb.get(&format!("/1.0/kb/accounts/{id}")).send().await.unwrap().json().await.unwrap();
    assert_eq!(account["externalKey"], id.to_string(), "the external key defaults to the id");
}

#[tokio::test]
async fn audit_logs_carry_the_request_id_as_user_token_when_asked() {
    let kb = Kb::start().await;
    let request_id = uuid::Uuid::from_u128(0x1234);
    let response = kb
        .post("/1.0/kb/accounts")
        .header("X-Request-Id", request_id.to_string())
        .header("X-Killbill-Reason", "mirror")
        .json(&json!({ "externalKey": "audited", "currency": "USD" }))
        .send()
        .await
        .unwrap();
    let id = id_from_location(&response);
    let plain: Value = kb.get(&format!("/1.0/kb/accounts/{id}")).send().await.unwrap().json().await.unwrap();
    assert_eq!(plain["auditLogs"], json!([]));
    let audited: Value =
        kb.get(&format!("/1.0/kb/accounts/{id}?audit=MINIMAL")).send().await.unwrap().json().await.unwrap();
    assert_valid("Account", &audited);
    let log = &audited["auditLogs"][0];
    assert_eq!((log["userToken"].clone(), log["changedBy"].clone()), (json!(request_id), json!("tests")));
    assert_eq!((log["reasonCode"].clone(), log["changeType"].clone()), (json!("mirror"), json!("INSERT")));
}
