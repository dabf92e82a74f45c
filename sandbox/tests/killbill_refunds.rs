//! Refunds of external invoice payments in the Kill Bill emulator
//! (`POST /1.0/kb/invoicePayments/{paymentId}/refunds`): answers, error codes, reads,
//! balances, voiding, push notifications and a connection dropped after the refund.

mod killbill_support;

use killbill_support::{Kb, Receiver, assert_kb_error, assert_valid, assert_valid_array, count, id_from_location};
use reqwest::{Response, StatusCode};
use sandbox::killbill::{Faults, contract};
use serde_json::{Value, json};
use uuid::Uuid;

/// An account with a committed invoice of 100 USD paid in full; returns account, invoice
/// and payment ids.
async fn paid_invoice(kb: &Kb, key: &str) -> (Uuid, Uuid, Uuid) {
    let account = kb.create_account(key, "USD").await;
    let invoice = kb.charge(account, &[100.0], true).await;
    let paid = kb.pay(invoice, account, None, Some(&format!("{key}-pay"))).await;
    assert_eq!(paid.status(), StatusCode::CREATED);
    (account, invoice, id_from_location(&paid))
}

async fn refund(kb: &Kb, payment: Uuid, body: Value) -> Response {
    kb.post(&format!("/1.0/kb/invoicePayments/{payment}/refunds")).json(&body).send().await.unwrap()
}

async fn read(kb: &Kb, path: &str) -> Value {
    let response = kb.get(path).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.json().await.unwrap()
}

async fn balances(kb: &Kb, account: Uuid, invoice: Uuid) -> (Value, Value) {
    let inv = read(kb, &format!("/1.0/kb/invoices/{invoice}")).await;
    let acc = read(kb, &format!("/1.0/kb/accounts/{account}?accountWithBalance=true")).await;
    (inv["balance"].clone(), acc["accountBalance"].clone())
}

#[tokio::test]
async fn a_partial_then_a_full_refund_answer_201_and_raise_the_balances() {
    let kb = Kb::start().await;
    let (account, invoice, payment) = paid_invoice(&kb, "r-1").await;
    assert_eq!(balances(&kb, account, invoice).await, (json!(0.0), json!(0.0)));

    let partial = refund(&kb, payment, json!({ "amount": 30.0, "transactionExternalKey": "r-1-a" })).await;
    assert_eq!(partial.status(), StatusCode::CREATED);
    assert_eq!(partial.headers()["location"], kb.url(&format!("/1.0/kb/invoicePayments/{payment}")).as_str());
    assert_eq!(partial.text().await.unwrap(), "");
    assert_eq!(balances(&kb, account, invoice).await, (json!(30.0), json!(30.0)));

    let rest = refund(&kb, payment, json!({ "amount": "70.00", "currency": "EUR" })).await;
    assert_eq!(rest.status(), StatusCode::CREATED, "the amount may be a string; the currency is the account's");
    let one = read(&kb, &format!("/1.0/kb/invoicePayments/{payment}")).await;
    assert_eq!(one["transactions"][2]["currency"], "USD");
    assert_eq!(balances(&kb, account, invoice).await, (json!(100.0), json!(100.0)));
    let totals = kb.server.summary().account("r-1").cloned().unwrap();
    assert_eq!((totals.paid_minor, totals.refunded_minor, totals.balance_minor), (0, 10_000, 10_000));
}

#[tokio::test]
async fn a_refund_above_what_is_left_answers_400_code_4906_and_writes_nothing() {
    let kb = Kb::start().await;
    let (account, invoice, payment) = paid_invoice(&kb, "r-2").await;
    let over = refund(&kb, payment, json!({ "amount": 100.01 })).await;
    assert_kb_error(over, StatusCode::BAD_REQUEST, Some(4906)).await;
    assert_eq!(refund(&kb, payment, json!({ "amount": 60.0 })).await.status(), StatusCode::CREATED);
    let over_rest = refund(&kb, payment, json!({ "amount": 40.01 })).await;
    let body = assert_kb_error(over_rest, StatusCode::BAD_REQUEST, Some(4906)).await;
    assert_eq!(body["message"], "Tried to refund 40.01 of a 40.00 payment.");
    assert_eq!(balances(&kb, account, invoice).await, (json!(60.0), json!(60.0)));
    let one = read(&kb, &format!("/1.0/kb/invoicePayments/{payment}")).await;
    assert_eq!(one["refundedAmount"], json!(60.0));
}

#[tokio::test]
async fn bad_refund_requests_answer_like_kill_bill() {
    let kb = Kb::start().await;
    let (_, _, payment) = paid_invoice(&kb, "r-3").await;
    let unknown =
        refund(&kb, Uuid::from_u128(0x5eed_0000_0000_4000_8000_0000_0000_0001), json!({ "amount": 1.0 })).await;
    assert_kb_error(unknown, StatusCode::NOT_FOUND, Some(7020)).await;
    assert_kb_error(refund(&kb, payment, json!({})).await, StatusCode::BAD_REQUEST, None).await;
    let zero =
        assert_kb_error(refund(&kb, payment, json!({ "amount": 0 })).await, StatusCode::BAD_REQUEST, Some(7199)).await;
    assert_eq!(zero["message"], "Plugin exception You need to specify a positive refund amount");
    assert_kb_error(refund(&kb, payment, json!({ "amount": -5 })).await, StatusCode::BAD_REQUEST, Some(7199)).await;
    let unknown_currency = refund(&kb, payment, json!({ "amount": 1.0, "currency": "XYZ" })).await;
    assert_kb_error(unknown_currency, StatusCode::BAD_REQUEST, None).await;
    let adjusted = refund(&kb, payment, json!({ "amount": 1.0, "isAdjusted": true })).await;
    assert_kb_error(adjusted, StatusCode::BAD_REQUEST, None).await;
    let credit = kb
        .post(&format!("/1.0/kb/invoicePayments/{payment}/refunds?externalPayment=true"))
        .json(&json!({ "amount": 1.0 }))
        .send()
        .await
        .unwrap();
    assert_kb_error(credit, StatusCode::BAD_REQUEST, None).await;
    let no_author = kb
        .http
        .post(kb.url(&format!("/1.0/kb/invoicePayments/{payment}/refunds")))
        .basic_auth("admin", Some("password"))
        .header("X-Killbill-ApiKey", killbill_support::API_KEY)
        .header("X-Killbill-ApiSecret", killbill_support::API_SECRET)
        .json(&json!({ "amount": 1.0 }))
        .send()
        .await
        .unwrap();
    assert_kb_error(no_author, StatusCode::BAD_REQUEST, None).await;
    let one = read(&kb, &format!("/1.0/kb/invoicePayments/{payment}")).await;
    assert_eq!(one["transactions"].as_array().unwrap().len(), 1, "nothing was refunded");
}

#[tokio::test]
async fn a_transaction_key_already_used_answers_400_code_7030() {
    let kb = Kb::start().await;
    let (_, _, payment) = paid_invoice(&kb, "r-4").await;
    let (_, _, other) = paid_invoice(&kb, "r-5").await;
    let first = refund(&kb, payment, json!({ "amount": 10.0, "transactionExternalKey": "refund-1" })).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let again = refund(&kb, payment, json!({ "amount": 10.0, "transactionExternalKey": "refund-1" })).await;
    assert_kb_error(again, StatusCode::BAD_REQUEST, Some(7030)).await;
    let elsewhere = refund(&kb, other, json!({ "amount": 10.0, "transactionExternalKey": "refund-1" })).await;
    assert_kb_error(elsewhere, StatusCode::BAD_REQUEST, Some(7030)).await;
    let purchase = read(&kb, &format!("/1.0/kb/invoicePayments/{payment}")).await;
    let purchase_key = purchase["transactions"][0]["transactionExternalKey"].as_str().unwrap().to_string();
    let reused = refund(&kb, payment, json!({ "amount": 1.0, "transactionExternalKey": purchase_key })).await;
    assert_kb_error(reused, StatusCode::BAD_REQUEST, Some(7030)).await;
    let one = read(&kb, &format!("/1.0/kb/invoicePayments/{payment}")).await;
    assert_eq!(one["refundedAmount"], json!(10.0));
}

#[tokio::test]
async fn a_paid_invoice_is_voided_only_once_fully_refunded() {
    let kb = Kb::start().await;
    let (account, invoice, payment) = paid_invoice(&kb, "r-6").await;
    let void = || kb.put(&format!("/1.0/kb/invoices/{invoice}/voidInvoice")).send();
    assert_kb_error(void().await.unwrap(), StatusCode::BAD_REQUEST, Some(4028)).await;
    assert_eq!(refund(&kb, payment, json!({ "amount": 99.99 })).await.status(), StatusCode::CREATED);
    assert_kb_error(void().await.unwrap(), StatusCode::BAD_REQUEST, Some(4028)).await;
    assert_eq!(refund(&kb, payment, json!({ "amount": 0.01 })).await.status(), StatusCode::CREATED);
    assert_eq!(void().await.unwrap().status(), StatusCode::NO_CONTENT);
    let inv = read(&kb, &format!("/1.0/kb/invoices/{invoice}")).await;
    assert_eq!((inv["status"].clone(), inv["balance"].clone()), (json!("VOID"), json!(0.0)));
    let acc = read(&kb, &format!("/1.0/kb/accounts/{account}?accountWithBalance=true")).await;
    assert_eq!(acc["accountBalance"], json!(0.0));
}

#[tokio::test]
async fn every_payment_read_shows_the_refund_transactions_after_the_purchase() {
    let kb = Kb::start().await;
    let (account, invoice, payment) = paid_invoice(&kb, "r-7").await;
    refund(&kb, payment, json!({ "amount": 25.0, "transactionExternalKey": "r-7-a" })).await;
    let second = refund(&kb, payment, json!({ "amount": 5.5 })).await;
    assert_eq!(second.status(), StatusCode::CREATED);

    let one = read(&kb, &format!("/1.0/kb/invoicePayments/{payment}")).await;
    assert_valid("InvoicePayment", &one);
    let by_id = read(&kb, &format!("/1.0/kb/payments/{payment}")).await;
    assert_valid("Payment", &by_id);
    let by_key = read(&kb, "/1.0/kb/payments?externalKey=r-7-pay").await;
    let of_invoice = read(&kb, &format!("/1.0/kb/invoices/{invoice}/payments")).await;
    assert_valid_array("InvoicePayment", &of_invoice);
    let of_account = read(&kb, &format!("/1.0/kb/accounts/{account}/invoicePayments")).await;
    assert_valid_array("InvoicePayment", &of_account);
    let all = [&one, &by_id, &by_key, &of_invoice[0], &of_account[0]];
    for p in all {
        assert_eq!((p["purchasedAmount"].clone(), p["refundedAmount"].clone()), (json!(100.0), json!(30.5)));
        let types: Vec<&Value> = p["transactions"].as_array().unwrap().iter().map(|t| &t["transactionType"]).collect();
        assert_eq!(types, [&json!("PURCHASE"), &json!("REFUND"), &json!("REFUND")]);
        assert_eq!(p["transactions"], one["transactions"]);
    }
    let (first, last) = (&one["transactions"][1], &one["transactions"][2]);
    assert_eq!((first["transactionExternalKey"].clone(), first["amount"].clone()), (json!("r-7-a"), json!(25.0)));
    assert_eq!((first["status"].clone(), first["currency"].clone()), (json!("SUCCESS"), json!("USD")));
    assert_eq!((first["paymentId"].clone(), first["paymentExternalKey"].clone()), (json!(payment), json!("r-7-pay")));
    assert!(first["effectiveDate"].as_str().unwrap().ends_with('Z'));
    assert_eq!(last["amount"], json!(5.5));
    let default_key = last["transactionExternalKey"].as_str().unwrap();
    assert!(default_key.parse::<Uuid>().is_ok(), "the key defaults to a new UUID: {default_key}");
    assert_ne!(last["transactionExternalKey"], last["transactionId"]);
    assert_ne!(first["transactionId"], last["transactionId"]);
}

#[tokio::test]
async fn a_refund_pushes_payment_and_invoice_payment_success_of_type_refund() {
    let kb = Kb::start().await;
    let receiver = Receiver::start(0).await;
    let path = format!("/1.0/kb/tenants/registerNotificationCallback?cb={}", receiver.url);
    assert_eq!(kb.post(&path).send().await.unwrap().status(), StatusCode::CREATED);
    let (account, invoice, payment) = paid_invoice(&kb, "r-8").await;
    refund(&kb, payment, json!({ "amount": 12.5, "transactionExternalKey": "r-8-a" })).await;

    let received =
        receiver.wait_until(|r| count(r, "PAYMENT_SUCCESS") == 2 && count(r, "INVOICE_PAYMENT_SUCCESS") == 2).await;
    let meta = |r: &killbill_support::Received| -> Value {
        serde_json::from_str(r.body["metaData"].as_str().unwrap()).unwrap()
    };
    let payment_event = received
        .iter()
        .find(|r| r.body["eventType"] == "PAYMENT_SUCCESS" && meta(r)["transactionType"] == "REFUND")
        .expect("a PAYMENT_SUCCESS for the REFUND");
    assert_eq!(
        (payment_event.body["objectType"].clone(), payment_event.body["objectId"].clone()),
        (json!("PAYMENT"), json!(payment))
    );
    assert_eq!(payment_event.body["accountId"], json!(account));
    let refund_meta = meta(payment_event);
    assert_eq!((refund_meta["amount"].clone(), refund_meta["status"].clone()), (json!(12.5), json!("SUCCESS")));
    let one = read(&kb, &format!("/1.0/kb/invoicePayments/{payment}")).await;
    assert_eq!(refund_meta["paymentTransactionId"], one["transactions"][1]["transactionId"]);

    let invoice_event = received
        .iter()
        .find(|r| r.body["eventType"] == "INVOICE_PAYMENT_SUCCESS" && meta(r)["invoicePaymentType"] == "REFUND")
        .expect("an INVOICE_PAYMENT_SUCCESS of type REFUND");
    assert_eq!(
        (invoice_event.body["objectType"].clone(), invoice_event.body["objectId"].clone()),
        (json!("INVOICE"), json!(invoice))
    );
    let invoice_meta = meta(invoice_event);
    assert_eq!((invoice_meta["paymentId"].clone(), invoice_meta["amount"].clone()), (json!(payment), json!(-12.5)));
    receiver.wait_until(|r| count(r, "INVOICE_ADJUSTMENT") == 1).await;
}

#[tokio::test]
async fn a_refund_dropped_after_processing_is_recorded_once_and_its_retry_answers_7030() {
    let kb = Kb::start().await;
    let (account, invoice, payment) = paid_invoice(&kb, "r-9").await;
    kb.server.set_faults(Faults { drop_after_processing_rate: 1.0, ..Faults::default() }).unwrap();
    let body = json!({ "amount": 40.0, "transactionExternalKey": "r-9-a" });
    let lost = kb.post(&format!("/1.0/kb/invoicePayments/{payment}/refunds")).json(&body).send().await;
    assert!(lost.is_err(), "the client sees a failure: {lost:?}");
    kb.server.set_faults(Faults::default()).unwrap();

    let retry = refund(&kb, payment, body).await;
    assert_kb_error(retry, StatusCode::BAD_REQUEST, Some(7030)).await;
    let one = read(&kb, &format!("/1.0/kb/invoicePayments/{payment}")).await;
    let refunds: Vec<&Value> =
        one["transactions"].as_array().unwrap().iter().filter(|t| t["transactionType"] == "REFUND").collect();
    assert_eq!(refunds.len(), 1);
    assert_eq!(
        (refunds[0]["transactionExternalKey"].clone(), refunds[0]["amount"].clone()),
        (json!("r-9-a"), json!(40.0))
    );
    assert_eq!(balances(&kb, account, invoice).await, (json!(40.0), json!(40.0)));
}

#[tokio::test]
async fn the_refund_route_and_its_body_are_kill_bills() {
    let text = std::fs::read_to_string(contract::spec_path()).unwrap();
    let spec: Value = serde_norway::from_str(&text).unwrap();
    let operation = &spec["paths"]["/1.0/kb/invoicePayments/{paymentId}/refunds"]["post"];
    assert_eq!(operation["operationId"], "createRefundWithAdjustments");
    let parameters = operation["parameters"].as_array().unwrap();
    let body = parameters.iter().find(|p| p["in"] == "body").unwrap();
    assert_eq!(body["schema"]["$ref"], "#/definitions/InvoicePaymentTransaction");
    let created_by = parameters.iter().find(|p| p["name"] == "X-Killbill-CreatedBy").unwrap();
    assert_eq!(created_by["required"], true);
    assert!(operation["responses"]["201"].is_object());
    for sent in [
        json!({ "amount": 30.0, "transactionExternalKey": "k", "currency": "USD", "isAdjusted": false }),
        json!({ "amount": 1.0 }),
    ] {
        assert_valid("InvoicePaymentTransaction", &sent);
    }
    assert!(contract::validate_definition("InvoicePaymentTransaction", &json!({ "amount": "x" })).is_err());

    let kb = Kb::start().await;
    let (_, _, payment) = paid_invoice(&kb, "r-10").await;
    let sent = json!({ "amount": 30.0, "transactionExternalKey": "k", "currency": "USD", "isAdjusted": false });
    assert_eq!(refund(&kb, payment, sent).await.status(), StatusCode::CREATED);
    let one = read(&kb, &format!("/1.0/kb/invoicePayments/{payment}")).await;
    assert_valid("InvoicePayment", &one);
    assert_valid("PaymentTransaction", &one["transactions"][1]);
}
