//! Invoice item adjustments in the Kill Bill emulator (`POST /1.0/kb/invoices/{invoiceId}`,
//! `adjustInvoiceItem`): answers, amounts and balances, error codes, DRAFT and VOID invoices,
//! push notifications, faults, and the route, body and reads checked against kbswagger.yaml.

mod killbill_support;

use killbill_support::{Kb, Received, Receiver, assert_kb_error, assert_valid, assert_valid_array, count};
use reqwest::{Response, StatusCode};
use sandbox::killbill::{Faults, contract};
use serde_json::{Value, json};
use uuid::Uuid;

/// An account with a committed invoice of `amounts` (USD); returns account, invoice and the
/// ids of its items in order.
async fn invoice_with_items(kb: &Kb, key: &str, amounts: &[f64], commit: bool) -> (Uuid, Uuid, Vec<Uuid>) {
    let account = kb.create_account(key, "USD").await;
    let invoice = kb.charge(account, amounts, commit).await;
    let read = read(kb, &format!("/1.0/kb/invoices/{invoice}")).await;
    let items = read["items"].as_array().unwrap().iter().map(|i| i["invoiceItemId"].as_str().unwrap().parse().unwrap());
    (account, invoice, items.collect())
}

/// The body Kill Bill's clients send: the item, its account, the amount and the currency.
fn body(account: Uuid, item: Uuid, amount: Value) -> Value {
    json!({ "accountId": account, "invoiceItemId": item, "amount": amount, "currency": "USD" })
}

async fn adjust(kb: &Kb, invoice: Uuid, body: &Value) -> Response {
    kb.post(&format!("/1.0/kb/invoices/{invoice}")).json(body).send().await.unwrap()
}

async fn read(kb: &Kb, path: &str) -> Value {
    let response = kb.get(path).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.json().await.unwrap()
}

/// Invoice amount, invoice balance and account balance.
async fn totals(kb: &Kb, account: Uuid, invoice: Uuid) -> (Value, Value, Value) {
    let inv = read(kb, &format!("/1.0/kb/invoices/{invoice}")).await;
    let acc = read(kb, &format!("/1.0/kb/accounts/{account}?accountWithBalance=true")).await;
    (inv["amount"].clone(), inv["balance"].clone(), acc["accountBalance"].clone())
}

/// The `ITEM_ADJ` items of the invoice.
async fn adjustments(kb: &Kb, invoice: Uuid) -> Vec<Value> {
    let inv = read(kb, &format!("/1.0/kb/invoices/{invoice}")).await;
    inv["items"].as_array().unwrap().iter().filter(|i| i["itemType"] == "ITEM_ADJ").cloned().collect()
}

async fn register(kb: &Kb, receiver: &Receiver) {
    let path = format!("/1.0/kb/tenants/registerNotificationCallback?cb={}", receiver.url);
    assert_eq!(kb.post(&path).send().await.unwrap().status(), StatusCode::CREATED);
}

#[tokio::test]
async fn an_adjustment_answers_201_and_lowers_amount_and_balances_by_exactly_its_amount() {
    let kb = Kb::start().await;
    let (account, invoice, items) = invoice_with_items(&kb, "a-1", &[100.0, 20.0], true).await;
    let sent = json!({
        "accountId": account, "invoiceItemId": items[0], "amount": 30.01, "currency": "USD",
        "description": "Goodwill", "itemDetails": "{\"mktAdjustmentId\":\"adj-1\"}"
    });
    let response = kb.post(&format!("/1.0/kb/invoices/{invoice}?requestedDate=2024-06-03")).json(&sent).send().await;
    let response = response.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["location"], kb.url(&format!("/1.0/kb/invoices/{invoice}")).as_str());
    assert_eq!(response.text().await.unwrap(), "");
    assert_eq!(totals(&kb, account, invoice).await, (json!(89.99), json!(89.99), json!(89.99)));

    let adj = adjustments(&kb, invoice).await;
    assert_eq!(adj.len(), 1);
    let item = &adj[0];
    assert_eq!((item["amount"].clone(), item["currency"].clone()), (json!(-30.01), json!("USD")));
    assert_eq!(item["linkedInvoiceItemId"], json!(items[0]));
    assert_eq!((item["invoiceId"].clone(), item["accountId"].clone()), (json!(invoice), json!(account)));
    assert_eq!((item["startDate"].clone(), item["endDate"].clone()), (json!("2024-06-03"), json!("2024-06-03")));
    assert_eq!(item["description"], "Goodwill");
    assert_eq!(item["itemDetails"], "{\"mktAdjustmentId\":\"adj-1\"}");
    assert!(!items.contains(&item["invoiceItemId"].as_str().unwrap().parse().unwrap()), "a new item id");

    // Amounts are exact minor units: a tenth and a fifth more come to 30.31, not 30.310000000000002.
    assert_eq!(adjust(&kb, invoice, &body(account, items[1], json!(0.1))).await.status(), StatusCode::CREATED);
    assert_eq!(adjust(&kb, invoice, &body(account, items[1], json!("0.2"))).await.status(), StatusCode::CREATED);
    assert_eq!(totals(&kb, account, invoice).await, (json!(89.69), json!(89.69), json!(89.69)));
    let books = kb.server.summary().account("a-1").cloned().unwrap();
    assert_eq!((books.invoiced_minor, books.balance_minor), (8_969, 8_969));
}

#[tokio::test]
async fn adjustments_are_rounded_half_up_to_the_currencys_minor_units() {
    let kb = Kb::start().await;
    let account = kb.create_account("a-2", "JPY").await;
    let charged = kb
        .post(&format!("/1.0/kb/invoices/charges/{account}?autoCommit=true"))
        .json(&json!([{ "accountId": account, "amount": 1000, "currency": "JPY" }]))
        .send()
        .await
        .unwrap();
    let charged: Value = charged.json().await.unwrap();
    let (invoice, item) = (charged[0]["invoiceId"].clone(), charged[0]["invoiceItemId"].clone());
    let invoice: Uuid = invoice.as_str().unwrap().parse().unwrap();
    let sent = json!({ "accountId": account, "invoiceItemId": item, "amount": "10.5", "currency": "JPY" });
    assert_eq!(adjust(&kb, invoice, &sent).await.status(), StatusCode::CREATED);
    assert_eq!(adjustments(&kb, invoice).await[0]["amount"], json!(-11));
    assert_eq!(totals(&kb, account, invoice).await, (json!(989), json!(989), json!(989)));
}

#[tokio::test]
async fn two_partial_adjustments_take_the_whole_item_and_a_third_answers_400_code_4020() {
    let kb = Kb::start().await;
    let (account, invoice, items) = invoice_with_items(&kb, "a-3", &[50.0], true).await;
    assert_eq!(adjust(&kb, invoice, &body(account, items[0], json!(20))).await.status(), StatusCode::CREATED);
    let over = adjust(&kb, invoice, &body(account, items[0], json!(30.01))).await;
    let refused = assert_kb_error(over, StatusCode::BAD_REQUEST, Some(4020)).await;
    assert_eq!(refused["message"], "Invoice adjustment amount 30.01 should be lower than 30.000000000");
    assert_eq!(refused["className"], "org.killbill.billing.invoice.api.InvoiceApiException");
    // Compared before rounding, as Kill Bill compares what is stored: 30.004 is more than 30.
    let hair = adjust(&kb, invoice, &body(account, items[0], json!(30.004))).await;
    assert_kb_error(hair, StatusCode::BAD_REQUEST, Some(4020)).await;

    assert_eq!(adjust(&kb, invoice, &body(account, items[0], json!(30))).await.status(), StatusCode::CREATED);
    let third = adjust(&kb, invoice, &body(account, items[0], json!(0.01))).await;
    let refused = assert_kb_error(third, StatusCode::BAD_REQUEST, Some(4020)).await;
    assert_eq!(refused["message"], "Invoice adjustment amount 0.01 should be lower than 0");
    assert_eq!(totals(&kb, account, invoice).await, (json!(0.0), json!(0.0), json!(0.0)));
    assert_eq!(adjustments(&kb, invoice).await.len(), 2);
}

#[tokio::test]
async fn without_an_amount_all_that_is_left_is_taken_then_the_call_answers_404_without_a_body() {
    let kb = Kb::start().await;
    let (account, invoice, items) = invoice_with_items(&kb, "a-4", &[40.0, 5.0], true).await;
    assert_eq!(adjust(&kb, invoice, &body(account, items[0], json!(15))).await.status(), StatusCode::CREATED);
    let rest = json!({ "accountId": account, "invoiceItemId": items[0] });
    assert_eq!(adjust(&kb, invoice, &rest).await.status(), StatusCode::CREATED);
    let adj = adjustments(&kb, invoice).await;
    assert_eq!((adj[0]["amount"].clone(), adj[1]["amount"].clone()), (json!(-15.0), json!(-25.0)));
    assert_eq!(adj[1]["description"], Value::Null);
    let nothing = adjust(&kb, invoice, &rest).await;
    assert_eq!(nothing.status(), StatusCode::NOT_FOUND);
    assert_eq!(nothing.text().await.unwrap(), "");
    assert_eq!(totals(&kb, account, invoice).await, (json!(5.0), json!(5.0), json!(5.0)));
}

#[tokio::test]
async fn bad_adjustments_answer_kill_bills_status_and_code_and_write_nothing() {
    let kb = Kb::start().await;
    let (account, invoice, items) = invoice_with_items(&kb, "a-5", &[60.0], true).await;
    let (_, other_invoice, other_items) = invoice_with_items(&kb, "a-6", &[9.0], true).await;
    let item = items[0];
    let with = |amount: Value| body(account, item, amount);

    for amount in [json!(0), json!(-5), json!("-0.01")] {
        let response = adjust(&kb, invoice, &with(amount.clone())).await;
        let refused = assert_kb_error(response, StatusCode::BAD_REQUEST, Some(4010)).await;
        let text = amount.as_str().map_or_else(|| amount.to_string(), str::to_string);
        assert_eq!(refused["message"], format!("Invoice adjustment amount {text} should be strictly positive"));
    }
    let euro = json!({ "accountId": account, "invoiceItemId": item, "amount": 5, "currency": "EUR" });
    let body_eur = assert_kb_error(adjust(&kb, invoice, &euro).await, StatusCode::BAD_REQUEST, Some(3)).await;
    assert_eq!(body_eur["message"], "Invalid currency EUR, expected USD");
    let unknown_currency = json!({ "accountId": account, "invoiceItemId": item, "amount": 5, "currency": "XYZ" });
    assert_kb_error(adjust(&kb, invoice, &unknown_currency).await, StatusCode::BAD_REQUEST, None).await;

    let stranger = body(account, Uuid::from_u128(0xadd), json!(1));
    let missing = assert_kb_error(adjust(&kb, invoice, &stranger).await, StatusCode::NOT_FOUND, Some(4011)).await;
    assert_eq!(missing["message"], format!("No invoice item could be found for id {}.", Uuid::from_u128(0xadd)));
    let elsewhere = body(account, other_items[0], json!(1));
    assert_kb_error(adjust(&kb, invoice, &elsewhere).await, StatusCode::NOT_FOUND, Some(4011)).await;
    assert_kb_error(adjust(&kb, Uuid::nil(), &with(json!(1))).await, StatusCode::NOT_FOUND, Some(4006)).await;
    let nobody = body(Uuid::nil(), item, json!(1));
    assert_kb_error(adjust(&kb, invoice, &nobody).await, StatusCode::NOT_FOUND, Some(3002)).await;
    assert_kb_error(adjust(&kb, invoice, &with(json!(1e7))).await, StatusCode::BAD_REQUEST, Some(4020)).await;

    for (sent, message) in [
        (json!({ "accountId": account, "amount": 1 }), "InvoiceItemJson invoiceItemId needs to be set"),
        (json!({ "invoiceItemId": item, "amount": 1 }), "InvoiceItemJson accountId needs to be set"),
        (Value::Null, "InvoiceItemJson body should be specified"),
    ] {
        let refused = assert_kb_error(adjust(&kb, invoice, &sent).await, StatusCode::BAD_REQUEST, None).await;
        assert_eq!(refused["message"], message);
    }
    let no_author = kb
        .http
        .post(kb.url(&format!("/1.0/kb/invoices/{invoice}")))
        .basic_auth("admin", Some("password"))
        .header("X-Killbill-ApiKey", killbill_support::API_KEY)
        .header("X-Killbill-ApiSecret", killbill_support::API_SECRET)
        .json(&with(json!(1)))
        .send()
        .await
        .unwrap();
    let refused = assert_kb_error(no_author, StatusCode::BAD_REQUEST, None).await;
    assert_eq!(refused["message"], "Header X-Killbill-CreatedBy needs to be set");

    assert!(adjustments(&kb, invoice).await.is_empty());
    assert!(adjustments(&kb, other_invoice).await.is_empty());
    assert_eq!(totals(&kb, account, invoice).await, (json!(60.0), json!(60.0), json!(60.0)));
}

#[tokio::test]
async fn an_adjustment_item_itself_cannot_be_adjusted() {
    let kb = Kb::start().await;
    let (account, invoice, items) = invoice_with_items(&kb, "a-7", &[60.0], true).await;
    assert_eq!(adjust(&kb, invoice, &body(account, items[0], json!(10))).await.status(), StatusCode::CREATED);
    let adj_id: Uuid = adjustments(&kb, invoice).await[0]["invoiceItemId"].as_str().unwrap().parse().unwrap();
    let again = adjust(&kb, invoice, &body(account, adj_id, json!(1))).await;
    let refused = assert_kb_error(again, StatusCode::BAD_REQUEST, Some(4020)).await;
    assert_eq!(refused["message"], "Invoice adjustment amount 1 should be lower than 0");
    let whole = json!({ "accountId": account, "invoiceItemId": adj_id });
    assert_eq!(adjust(&kb, invoice, &whole).await.status(), StatusCode::NOT_FOUND, "nothing to take of it");
    assert_eq!(totals(&kb, account, invoice).await, (json!(50.0), json!(50.0), json!(50.0)));
}

#[tokio::test]
async fn a_void_invoice_answers_400_code_4031() {
    let kb = Kb::start().await;
    let (account, invoice, items) = invoice_with_items(&kb, "a-8", &[10.0], false).await;
    let void = kb.put(&format!("/1.0/kb/invoices/{invoice}/voidInvoice")).send().await.unwrap();
    assert_eq!(void.status(), StatusCode::NO_CONTENT);
    let refused = adjust(&kb, invoice, &body(account, items[0], json!(1))).await;
    let refused = assert_kb_error(refused, StatusCode::BAD_REQUEST, Some(4031)).await;
    assert_eq!(refused["message"], format!("Cannot modify a Voided invoice: id={invoice}"));
    assert!(adjustments(&kb, invoice).await.is_empty());
}

#[tokio::test]
async fn a_draft_invoice_is_adjusted_silently_and_committed_with_the_lower_amount() {
    let kb = Kb::start().await;
    let receiver = Receiver::start(0).await;
    register(&kb, &receiver).await;
    let (account, invoice, items) = invoice_with_items(&kb, "a-9", &[40.0], false).await;
    assert_eq!(adjust(&kb, invoice, &body(account, items[0], json!(15))).await.status(), StatusCode::CREATED);
    let draft = read(&kb, &format!("/1.0/kb/invoices/{invoice}")).await;
    assert_eq!((draft["status"].clone(), draft["amount"].clone()), (json!("DRAFT"), json!(25.0)));
    assert_eq!(draft["balance"], json!(0.0), "a DRAFT invoice has no balance");

    kb.put(&format!("/1.0/kb/invoices/{invoice}/commitInvoice")).send().await.unwrap();
    assert_eq!(totals(&kb, account, invoice).await, (json!(25.0), json!(25.0), json!(25.0)));
    let about = |r: &[Received]| r.iter().filter(|x| x.body["objectId"] == json!(invoice)).count();
    let received = receiver.wait_until(|r| count(r, "INVOICE_PAYMENT_FAILED") == 1 && about(r) >= 2).await;
    assert_eq!(about(&received), 2, "no INVOICE_ADJUSTMENT for a draft: {received:#?}");
    let failed = received.iter().find(|r| r.body["eventType"] == "INVOICE_PAYMENT_FAILED").unwrap();
    let meta: Value = serde_json::from_str(failed.body["metaData"].as_str().unwrap()).unwrap();
    assert_eq!(meta["amount"], json!(25.0));
}

#[tokio::test]
async fn an_adjustment_of_a_committed_invoice_pushes_invoice_adjustment() {
    let kb = Kb::start().await;
    let receiver = Receiver::start(0).await;
    register(&kb, &receiver).await;
    let (account, invoice, items) = invoice_with_items(&kb, "a-10", &[70.0], true).await;
    receiver.wait_until(|r| count(r, "INVOICE_CREATION") == 1).await;
    assert_eq!(count(&receiver.received(), "INVOICE_ADJUSTMENT"), 0);
    assert_eq!(adjust(&kb, invoice, &body(account, items[0], json!(7))).await.status(), StatusCode::CREATED);
    let received = receiver.wait_until(|r| count(r, "INVOICE_ADJUSTMENT") == 1).await;
    let event = &received.iter().find(|r| r.body["eventType"] == "INVOICE_ADJUSTMENT").unwrap().body;
    assert_eq!((event["objectType"].clone(), event["objectId"].clone()), (json!("INVOICE"), json!(invoice)));
    assert_eq!((event["accountId"].clone(), event["metaData"].clone()), (json!(account), Value::Null));
}

#[tokio::test]
async fn an_adjustment_beyond_the_unpaid_balance_is_refused_as_not_emulated() {
    let kb = Kb::start().await;
    let (account, invoice, items) = invoice_with_items(&kb, "a-11", &[100.0], true).await;
    assert_eq!(kb.pay(invoice, account, Some(60.0), Some("a-11-pay")).await.status(), StatusCode::CREATED);
    let credit = adjust(&kb, invoice, &body(account, items[0], json!(40.01))).await;
    let refused = assert_kb_error(credit, StatusCode::BAD_REQUEST, None).await;
    assert!(refused["message"].as_str().unwrap().contains("not emulated"), "{refused}");
    assert_eq!(adjust(&kb, invoice, &body(account, items[0], json!(40))).await.status(), StatusCode::CREATED);
    assert_eq!(totals(&kb, account, invoice).await, (json!(60.0), json!(0.0), json!(0.0)));
}

#[tokio::test]
async fn adjustments_go_through_the_fault_injector() {
    let kb = Kb::start().await;
    let (account, invoice, items) = invoice_with_items(&kb, "a-12", &[80.0], true).await;
    let sent = body(account, items[0], json!(8));
    kb.server.set_faults(Faults { error_rate: 1.0, ..Faults::default() }).unwrap();
    assert_kb_error(adjust(&kb, invoice, &sent).await, StatusCode::INTERNAL_SERVER_ERROR, None).await;
    kb.server.set_faults(Faults::default()).unwrap();
    assert!(adjustments(&kb, invoice).await.is_empty(), "an injected error writes nothing");

    kb.server.set_faults(Faults { drop_after_processing_rate: 1.0, ..Faults::default() }).unwrap();
    let lost = kb.post(&format!("/1.0/kb/invoices/{invoice}")).json(&sent).send().await;
    assert!(lost.is_err(), "the client sees a failure: {lost:?}");
    kb.server.set_faults(Faults::default()).unwrap();
    // Processed once: a client that lost the answer must read the invoice before resending,
    // as the call carries no key and a second one would adjust the item again.
    assert_eq!(adjustments(&kb, invoice).await.len(), 1);
    assert_eq!(totals(&kb, account, invoice).await, (json!(72.0), json!(72.0), json!(72.0)));
    assert_eq!(kb.server.stats().faults.drops, 1);
}

#[tokio::test]
async fn the_adjustment_route_its_body_and_the_adjusted_invoice_are_kill_bills() {
    let text = std::fs::read_to_string(contract::spec_path()).unwrap();
    let spec: Value = serde_norway::from_str(&text).unwrap();
    let operation = &spec["paths"]["/1.0/kb/invoices/{invoiceId}"]["post"];
    assert_eq!(operation["operationId"], "adjustInvoiceItem");
    let parameters = operation["parameters"].as_array().unwrap();
    let body_param = parameters.iter().find(|p| p["in"] == "body").unwrap();
    assert_eq!(body_param["schema"]["$ref"], "#/definitions/InvoiceItem");
    let created_by = parameters.iter().find(|p| p["name"] == "X-Killbill-CreatedBy").unwrap();
    assert_eq!(created_by["required"], true);
    assert!(parameters.iter().any(|p| p["name"] == "requestedDate" && p["in"] == "query"));
    assert_eq!(operation["responses"]["201"]["schema"]["$ref"], "#/definitions/Invoice");

    let kb = Kb::start().await;
    let (account, invoice, items) = invoice_with_items(&kb, "a-13", &[100.0], true).await;
    let sent = json!({
        "accountId": account, "invoiceItemId": items[0], "amount": 12.5, "currency": "USD", "description": "Late fix"
    });
    assert_valid("InvoiceItem", &sent);
    assert!(contract::validate_definition("InvoiceItem", &json!({ "accountId": account, "amount": 1 })).is_err());
    let response = adjust(&kb, invoice, &sent).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let path = location.strip_prefix(&kb.server.base_url()).expect("location on this server");
    let adjusted = read(&kb, path).await;
    assert_valid("Invoice", &adjusted);
    let adj = adjusted["items"].as_array().unwrap().iter().find(|i| i["itemType"] == "ITEM_ADJ").unwrap();
    assert_valid("InvoiceItem", adj);
    assert_eq!(read(&kb, &format!("{path}?audit=FULL")).await["items"][1]["itemType"], "ITEM_ADJ");

    let list = |query: &str| format!("/1.0/kb/accounts/{account}/invoices{query}");
    let deep = read(&kb, &list("?includeInvoiceComponents=true")).await;
    assert_valid_array("Invoice", &deep);
    let types: Vec<&Value> = deep[0]["items"].as_array().unwrap().iter().map(|i| &i["itemType"]).collect();
    assert_eq!(types, [&json!("EXTERNAL_CHARGE"), &json!("ITEM_ADJ")]);
    assert_eq!((deep[0]["amount"].clone(), deep[0]["balance"].clone()), (json!(87.5), json!(87.5)));
    let shallow = read(&kb, &list("")).await;
    assert_valid_array("Invoice", &shallow);
    assert_eq!((shallow[0]["items"].clone(), shallow[0]["amount"].clone()), (json!([]), json!(0.0)));
}
