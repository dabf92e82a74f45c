//! Contract tests of the Kill Bill emulator: external invoice payments, custom fields,
//! pagination and serialized writes. Bodies are checked against kbswagger.yaml.

mod killbill_support;

use killbill_support::{Kb, assert_kb_error, assert_valid, assert_valid_array, id_from_location};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn external_payments_answer_204_201_and_400_like_kill_bill() {
    let kb = Kb::start().await;
    let account = kb.create_account("payer-1", "USD").await;
    let invoice = kb.charge(account, &[100.0], false).await;
    let draft = kb.pay(invoice, account, Some(10.0), Some("pay-0")).await;
    assert_eq!(draft.status(), StatusCode::NO_CONTENT, "a DRAFT invoice has nothing to pay");
    kb.put(&format!("/1.0/kb/invoices/{invoice}/commitInvoice")).send().await.unwrap();

    let too_much = kb.pay(invoice, account, Some(100.01), Some("pay-1")).await;
    assert_kb_error(too_much, StatusCode::BAD_REQUEST, Some(7199)).await;
    let partial = kb.pay(invoice, account, Some(40.0), Some("pay-1")).await;
    assert_eq!(partial.status(), StatusCode::CREATED);
    let location = partial.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with(&kb.url("/1.0/kb/invoicePayments/")), "{location}");
    let payment_id = id_from_location(&partial);
    assert_eq!(partial.text().await.unwrap(), "");

    let same_key = kb.pay(invoice, account, Some(1.0), Some("pay-1")).await;
    assert_kb_error(same_key, StatusCode::BAD_REQUEST, Some(7032)).await;
    let rest = kb.pay(invoice, account, None, Some("pay-2")).await;
    assert_eq!(rest.status(), StatusCode::CREATED, "no amount pays the balance");
    let paid_up = kb.pay(invoice, account, Some(1.0), Some("pay-3")).await;
    assert_eq!(paid_up.status(), StatusCode::NO_CONTENT);

    let one: Value =
        kb.get(&format!("/1.0/kb/invoicePayments/{payment_id}")).send().await.unwrap().json().await.unwrap();
    assert_valid("InvoicePayment", &one);
    assert_eq!((one["targetInvoiceId"].clone(), one["purchasedAmount"].clone()), (json!(invoice), json!(40.0)));
    let list: Value =
        kb.get(&format!("/1.0/kb/invoices/{invoice}/payments")).send().await.unwrap().json().await.unwrap();
    assert_valid_array("InvoicePayment", &list);
    assert_eq!(list.as_array().unwrap().len(), 2);
    let void = kb.put(&format!("/1.0/kb/invoices/{invoice}/voidInvoice")).send().await.unwrap();
    assert_kb_error(void, StatusCode::BAD_REQUEST, Some(4028)).await;
    let inv: Value = kb.get(&format!("/1.0/kb/invoices/{invoice}")).send().await.unwrap().json().await.unwrap();
    assert_eq!(inv["balance"], json!(0.0));
}

#[tokio::test]
async fn payments_are_found_by_external_key_and_unknown_keys_answer_404_code_7020() {
    let kb = Kb::start().await;
    let account = kb.create_account("payer-2", "USD").await;
    let invoice = kb.charge(account, &[25.0], true).await;
    assert_eq!(kb.pay(invoice, account, Some(25.0), Some("mkt-pay-1")).await.status(), StatusCode::CREATED);

    let found = kb.get("/1.0/kb/payments?externalKey=mkt-pay-1").send().await.unwrap();
    assert_eq!(found.status(), StatusCode::OK);
    let payment: Value = found.json().await.unwrap();
    assert_valid("Payment", &payment);
    assert_eq!(payment["transactions"][0]["status"], "SUCCESS");
    assert_eq!(payment["transactions"][0]["transactionType"], "PURCHASE");
    let missing = kb.get("/1.0/kb/payments?externalKey=nope").send().await.unwrap();
    assert_kb_error(missing, StatusCode::NOT_FOUND, Some(7020)).await;

    let by_account: Value =
        kb.get(&format!("/1.0/kb/accounts/{account}/invoicePayments")).send().await.unwrap().json().await.unwrap();
    assert_valid_array("InvoicePayment", &by_account);
    let payments: Value =
        kb.get(&format!("/1.0/kb/accounts/{account}/payments")).send().await.unwrap().json().await.unwrap();
    assert_valid_array("Payment", &payments);
}

#[tokio::test]
async fn a_payment_key_of_another_account_answers_400_code_7034() {
    let kb = Kb::start().await;
    let first = kb.create_account("payer-3", "USD").await;
    let second = kb.create_account("payer-4", "USD").await;
    let first_invoice = kb.charge(first, &[5.0], true).await;
    let second_invoice = kb.charge(second, &[5.0], true).await;
    assert_eq!(kb.pay(first_invoice, first, None, Some("shared")).await.status(), StatusCode::CREATED);
    let reused = kb.pay(second_invoice, second, None, Some("shared")).await;
    assert_kb_error(reused, StatusCode::BAD_REQUEST, Some(7034)).await;
    let wrong_account = kb.pay(second_invoice, first, None, None).await;
    assert_kb_error(wrong_account, StatusCode::NOT_FOUND, Some(3002)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_payments_on_one_invoice_never_overpay() {
    let kb = Kb::start().await;
    let account = kb.create_account("payer-5", "USD").await;
    let invoice = kb.charge(account, &[100.0], true).await;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..20 {
        let body =
            json!({ "accountId": account, "purchasedAmount": 10.0, "paymentExternalKey": format!("concurrent-{i}") });
        let request = kb.post(&format!("/1.0/kb/invoices/{invoice}/payments?externalPayment=true")).json(&body);
        tasks.spawn(async move { request.send().await.unwrap().status() });
    }
    let statuses = tasks.join_all().await;
    let created = statuses.iter().filter(|s| **s == StatusCode::CREATED).count();
    let nothing = statuses.iter().filter(|s| **s == StatusCode::NO_CONTENT).count();
    assert_eq!((created, nothing), (10, 10), "{statuses:?}");
    let summary = kb.server.summary();
    let totals = summary.account("payer-5").unwrap();
    assert_eq!((totals.paid_minor, totals.balance_minor, totals.payments), (10_000, 0, 10));
}

#[tokio::test]
async fn custom_fields_are_created_listed_and_found_by_name_and_value() {
    let kb = Kb::start().await;
    let account = kb.create_account("fields-1", "USD").await;
    let invoice = kb.charge(account, &[9.0], false).await;
    let other = kb.charge(account, &[9.0], false).await;
    for (id, marker) in [(invoice, "inv_01"), (other, "inv_02")] {
        let body = json!([{ "name": "mkt_invoice_id", "value": marker }]);
        let response = kb.post(&format!("/1.0/kb/invoices/{id}/customFields")).json(&body).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let location = response.headers()["location"].to_str().unwrap().to_string();
        assert_eq!(location, kb.url(&format!("/1.0/kb/invoices/{id}/customFields")));
    }
    let duplicate = kb
        .post(&format!("/1.0/kb/invoices/{invoice}/customFields"))
        .json(&json!([{ "name": "mkt_invoice_id", "value": "inv_01" }]))
        .send()
        .await;
    assert_kb_error(duplicate.unwrap(), StatusCode::BAD_REQUEST, Some(9000)).await;

    let listed: Value =
        kb.get(&format!("/1.0/kb/invoices/{invoice}/customFields")).send().await.unwrap().json().await.unwrap();
    assert_valid_array("CustomField", &listed);
    let found = kb
        .get("/1.0/kb/customFields/search?objectType=INVOICE&fieldName=mkt_invoice_id&fieldValue=inv_02")
        .send()
        .await
        .unwrap();
    assert_eq!(found.headers()["x-killbill-pagination-totalnbrecords"], "1");
    let found: Value = found.json().await.unwrap();
    assert_valid_array("CustomField", &found);
    assert_eq!((found[0]["objectId"].clone(), found[0]["objectType"].clone()), (json!(other), json!("INVOICE")));
    let by_name: Value = kb
        .get("/1.0/kb/customFields/search?objectType=INVOICE&fieldName=mkt_invoice_id")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(by_name.as_array().unwrap().len(), 2);
    let no_type = kb.get("/1.0/kb/customFields/search?fieldName=mkt_invoice_id").send().await.unwrap();
    assert_kb_error(no_type, StatusCode::BAD_REQUEST, None).await;
}

#[tokio::test]
async fn paginated_lists_carry_kill_bills_pagination_headers() {
    let kb = Kb::start().await;
    for key in ["page-1", "page-2", "page-3"] {
        kb.create_account(key, "EUR").await;
    }
    let first = kb.get("/1.0/kb/accounts/pagination?offset=0&limit=2").send().await.unwrap();
    let headers = first.headers().clone();
    assert_eq!(headers["x-killbill-pagination-currentoffset"], "0");
    assert_eq!(headers["x-killbill-pagination-nextoffset"], "2");
    assert_eq!(headers["x-killbill-pagination-totalnbrecords"], "3");
    assert_eq!(headers["x-killbill-pagination-maxnbrecords"], "3");
    assert_eq!(headers["x-killbill-pagination-nextpageuri"], "/1.0/kb/accounts/pagination?offset=2&limit=2");
    let page: Value = first.json().await.unwrap();
    assert_valid_array("Account", &page);
    assert_eq!(page.as_array().unwrap().len(), 2);

    let last = kb.get("/1.0/kb/accounts/pagination?offset=2&limit=2").send().await.unwrap();
    assert!(!last.headers().contains_key("x-killbill-pagination-nextoffset"));
    assert!(!last.headers().contains_key("x-killbill-pagination-nextpageuri"));
    let page: Value = last.json().await.unwrap();
    assert_eq!(page[0]["externalKey"], "page-3");
    let search: Value = kb.get("/1.0/kb/accounts/search/page-2").send().await.unwrap().json().await.unwrap();
    assert_eq!(search.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn paginated_invoices_are_always_shallow() {
    let kb = Kb::start().await;
    let account = kb.create_account("page-inv", "USD").await;
    kb.charge(account, &[12.0], true).await;
    let response = kb.get(&format!("/1.0/kb/accounts/{account}/invoices/pagination")).send().await.unwrap();
    assert_eq!(response.headers()["x-killbill-pagination-totalnbrecords"], "1");
    let page: Value = response.json().await.unwrap();
    assert_valid_array("Invoice", &page);
    assert_eq!((page[0]["amount"].clone(), page[0]["items"].clone()), (json!(0.0), json!([])));
    let all: Value = kb.get("/1.0/kb/invoices/pagination").send().await.unwrap().json().await.unwrap();
    assert_valid_array("Invoice", &all);
    let by_number: Value = kb
        .get(&format!("/1.0/kb/invoices/byNumber/{}", page[0]["invoiceNumber"].as_str().unwrap()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(by_number["amount"], json!(12.0));
}
