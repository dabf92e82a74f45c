//! What the Marketplace's re-assert relies on, call by call, in the Kill Bill emulator as in
//! Kill Bill 0.24 (`DefaultInvoiceUserApi.insertItems`, `voidInvoice`, `DefaultInvoiceDao
//! .changeInvoiceStatus`): a COMMITTED invoice lowered by an item adjustment cannot be raised
//! in place (no new item, 4024; no negative adjustment, 4010); it can be voided while nothing
//! is paid on it (204, `INVOICE_ADJUSTMENT` pushed, its balance leaves the account's; a second
//! void 4023; paid, 4028) and issued again as a marked DRAFT then committed; an answer lost
//! after Kill Bill processed the void or the create leaves what a reader then finds.

mod killbill_support;

use killbill_support::{Kb, Receiver, assert_kb_error, assert_valid, assert_valid_array, count};
use reqwest::StatusCode;
use sandbox::killbill::{FaultKind, Faults};
use serde_json::{Value, json};
use uuid::Uuid;

async fn read(kb: &Kb, path: &str) -> Value {
    let response = kb.get(path).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.json().await.unwrap()
}

async fn balance(kb: &Kb, account: Uuid) -> Value {
    read(kb, &format!("/1.0/kb/accounts/{account}?accountWithBalance=true")).await["accountBalance"].clone()
}

/// A committed invoice of 100.00 + 20.00 whose first item was adjusted by 30.00, as in Kaui.
async fn lowered(kb: &Kb, key: &str) -> (Uuid, Uuid, Uuid) {
    let account = kb.create_account(key, "USD").await;
    let invoice = kb.charge(account, &[100.0, 20.0], true).await;
    let first = read(kb, &format!("/1.0/kb/invoices/{invoice}")).await["items"][0]["invoiceItemId"].clone();
    let adjust = json!({ "accountId": account, "invoiceItemId": first, "amount": 30, "currency": "USD" });
    let adjusted = kb.post(&format!("/1.0/kb/invoices/{invoice}")).json(&adjust).send().await.unwrap();
    assert_eq!(adjusted.status(), StatusCode::CREATED);
    (account, invoice, first.as_str().unwrap().parse().unwrap())
}

/// A DRAFT copy of the two lines, marked as the re-assert marks them.
async fn draft_copy(kb: &Kb, account: Uuid, marker: &str) -> reqwest::Response {
    let items: Vec<Value> = [100.0, 20.0]
        .iter()
        .enumerate()
        .map(|(line, amount)| {
            let details = json!({ "mktInvoiceId": "ours", "mktLineId": line + 1, "mktReassertId": marker });
            json!({ "accountId": account, "amount": amount, "currency": "USD", "description": "Rent",
                    "startDate": "2026-11-01", "endDate": "2026-11-30", "itemDetails": details.to_string() })
        })
        .collect();
    let path = format!("/1.0/kb/invoices/charges/{account}?autoCommit=false&requestedDate=2026-11-01");
    kb.post(&path).json(&items).send().await.unwrap()
}

#[tokio::test]
async fn a_lowered_committed_invoice_cannot_be_raised_in_place() {
    let kb = Kb::start().await;
    let (account, invoice, first) = lowered(&kb, "r-1").await;
    let onto = json!([{ "accountId": account, "invoiceId": invoice, "amount": 30, "currency": "USD" }]);
    let append = kb.post(&format!("/1.0/kb/invoices/charges/{account}")).json(&onto).send().await.unwrap();
    assert_kb_error(append, StatusCode::BAD_REQUEST, Some(4024)).await;
    let upwards = json!({ "accountId": account, "invoiceItemId": first, "amount": -30, "currency": "USD" });
    let raised = kb.post(&format!("/1.0/kb/invoices/{invoice}")).json(&upwards).send().await.unwrap();
    assert_kb_error(raised, StatusCode::BAD_REQUEST, Some(4010)).await;
    let copy = read(&kb, &format!("/1.0/kb/invoices/{invoice}")).await;
    assert_eq!((copy["amount"].clone(), copy["balance"].clone()), (json!(90.0), json!(90.0)), "unchanged");
    assert_eq!(balance(&kb, account).await, json!(90.0));
}

#[tokio::test]
async fn the_lowered_copy_is_voided_and_issued_again_and_the_account_holds_the_full_figure() {
    let kb = Kb::start().await;
    let receiver = Receiver::start(0).await;
    let path = format!("/1.0/kb/tenants/registerNotificationCallback?cb={}", receiver.url);
    assert_eq!(kb.post(&path).send().await.unwrap().status(), StatusCode::CREATED);
    let (account, invoice, _) = lowered(&kb, "r-2").await;

    let void = kb.put(&format!("/1.0/kb/invoices/{invoice}/voidInvoice")).send().await.unwrap();
    assert_eq!(void.status(), StatusCode::NO_CONTENT);
    let voided = read(&kb, &format!("/1.0/kb/invoices/{invoice}")).await;
    assert_valid("Invoice", &voided);
    assert_eq!((voided["status"].clone(), voided["balance"].clone()), (json!("VOID"), json!(0.0)));
    assert_eq!(balance(&kb, account).await, json!(0.0), "a VOID invoice's balance leaves the account's");
    let received = receiver.wait_until(|r| count(r, "INVOICE_ADJUSTMENT") == 2).await;
    let on_void = received.iter().filter(|r| r.body["eventType"] == "INVOICE_ADJUSTMENT").nth(1).unwrap();
    assert_eq!(on_void.body["objectId"], json!(invoice), "the void is announced as an adjustment");
    let again = kb.put(&format!("/1.0/kb/invoices/{invoice}/voidInvoice")).send().await.unwrap();
    assert_kb_error(again, StatusCode::BAD_REQUEST, Some(4023)).await;

    let created = draft_copy(&kb, account, "res-1").await;
    assert_eq!(created.status(), StatusCode::OK);
    let items: Value = created.json().await.unwrap();
    assert_valid_array("InvoiceItem", &items);
    let copy: Uuid = items[0]["invoiceId"].as_str().unwrap().parse().unwrap();
    let list = |query: &str| format!("/1.0/kb/accounts/{account}/invoices?includeInvoiceComponents=true{query}");
    let standing = read(&kb, &list("")).await;
    assert_valid_array("Invoice", &standing);
    let ids: Vec<&Value> = standing.as_array().unwrap().iter().map(|i| &i["invoiceId"]).collect();
    assert_eq!(ids, [&json!(copy)], "the VOID copy is left out unless asked for");
    assert_eq!(standing[0]["status"], "DRAFT");
    let details: Value = serde_json::from_str(standing[0]["items"][1]["itemDetails"].as_str().unwrap()).unwrap();
    assert_eq!(details, json!({ "mktInvoiceId": "ours", "mktLineId": 2, "mktReassertId": "res-1" }), "verbatim");
    assert_eq!(read(&kb, &list("&includeVoidedInvoices=true")).await.as_array().unwrap().len(), 2);

    let commit = kb.put(&format!("/1.0/kb/invoices/{copy}/commitInvoice")).send().await.unwrap();
    assert_eq!(commit.status(), StatusCode::NO_CONTENT);
    let committed = read(&kb, &format!("/1.0/kb/invoices/{copy}")).await;
    assert_eq!((committed["amount"].clone(), committed["balance"].clone()), (json!(120.0), json!(120.0)));
    assert_eq!(balance(&kb, account).await, json!(120.0), "the account holds the full figure again");
    receiver
        .wait_until(|r| {
            r.iter().any(|x| x.body["eventType"] == "INVOICE_CREATION" && x.body["objectId"] == json!(copy))
        })
        .await;
    let twice = kb.put(&format!("/1.0/kb/invoices/{copy}/commitInvoice")).send().await.unwrap();
    assert_kb_error(twice, StatusCode::BAD_REQUEST, Some(4023)).await;
}

#[tokio::test]
async fn a_copy_with_something_paid_on_it_cannot_be_voided() {
    let kb = Kb::start().await;
    let (account, invoice, _) = lowered(&kb, "r-3").await;
    assert_eq!(kb.pay(invoice, account, Some(10.0), Some("r-3-pay")).await.status(), StatusCode::CREATED);
    let void = kb.put(&format!("/1.0/kb/invoices/{invoice}/voidInvoice")).send().await.unwrap();
    assert_kb_error(void, StatusCode::BAD_REQUEST, Some(4028)).await;
    let copy = read(&kb, &format!("/1.0/kb/invoices/{invoice}")).await;
    assert_eq!((copy["status"].clone(), copy["balance"].clone()), (json!("COMMITTED"), json!(80.0)));
}

#[tokio::test]
async fn answers_lost_after_the_void_and_the_create_leave_what_a_reader_finds() {
    let kb = Kb::start().await;
    let (account, invoice, _) = lowered(&kb, "r-4").await;
    let drop_next =
        || Faults { fail_nth_request: Some(1), fail_nth_kind: FaultKind::DropAfterProcessing, ..Faults::default() };
    kb.server.set_faults(drop_next()).unwrap();
    assert!(kb.put(&format!("/1.0/kb/invoices/{invoice}/voidInvoice")).send().await.is_err(), "answer lost");
    kb.server.set_faults(Faults::default()).unwrap();
    assert_eq!(read(&kb, &format!("/1.0/kb/invoices/{invoice}")).await["status"], "VOID", "the void went through");

    kb.server.set_faults(drop_next()).unwrap();
    let items: Vec<Value> = vec![json!({ "accountId": account, "amount": 120, "currency": "USD",
                                         "itemDetails": "{\"mktReassertId\":\"res-2\"}" })];
    let lost = kb.post(&format!("/1.0/kb/invoices/charges/{account}")).json(&items).send().await;
    assert!(lost.is_err(), "answer lost");
    kb.server.set_faults(Faults::default()).unwrap();
    let standing = read(&kb, &format!("/1.0/kb/accounts/{account}/invoices?includeInvoiceComponents=true")).await;
    let found: Vec<&Value> = standing.as_array().unwrap().iter().filter(|i| i["status"] == "DRAFT").collect();
    assert_eq!(found.len(), 1, "one DRAFT, found by its marker");
    assert_eq!(found[0]["items"][0]["itemDetails"], "{\"mktReassertId\":\"res-2\"}");
    assert_eq!(kb.server.stats().faults.drops, 2);
}
