//! The Condo emulator honours the shared contract: every example validates against Condo's
//! schema and gets a response of the example's shape; auth, limits and validation errors
//! come back in Condo's error shapes.

mod condo_support;

use condo_support::{Client, example, example_json, same_shape, start};
use sandbox::condo::schema::validate_operation;
use sandbox::condo::{Credentials, EXAMPLE_ORGANIZATION_ID};
use serde_json::{Value, json};

const EXAMPLE_OPERATIONS: [&str; 5] = [
    "auth.graphql",
    "tickets_changed_since.graphql",
    "tickets_count.graphql",
    "properties_changed_since.graphql",
    "webhook_subscription.graphql",
];

#[test]
fn every_example_operation_validates_against_the_schema() {
    for name in EXAMPLE_OPERATIONS {
        assert_eq!(validate_operation(&example(name)), Ok(()), "{name}");
    }
    let fields = example_json("webhook_subscription.variables.json")["data"]["fields"].as_str().unwrap().to_owned();
    assert_eq!(validate_operation(&format!("query {{ allTickets(first: 1) {fields} }}")), Ok(()));
}

#[test]
fn the_invalid_example_query_is_rejected_with_precise_messages() {
    let problems = validate_operation(&example("invalid_ticket_query.graphql")).unwrap_err();
    let all = problems.join("\n");
    assert!(all.contains("updated_since"), "{all}");
    assert!(all.contains("priorityLevel"), "{all}");
    assert!(all.contains("status"), "{all}");
    assert!(problems.iter().all(|p| p.split(':').next().unwrap().parse::<usize>().is_ok()), "{all}");
}

#[tokio::test]
async fn signing_in_by_phone_returns_a_token_shaped_like_the_example() {
    let condo = start().await;
    let client = Client::new(&condo);
    let credentials = Credentials::default();
    let mut variables = example_json("auth.variables.json");
    variables["password"] = json!(credentials.password);
    for operation in ["SignInStaffByPhone", "SignInServiceByEmail"] {
        let (status, body) = client.post(&example("auth.graphql"), variables.clone(), Some(operation)).await;
        assert_eq!(status, 200);
        same_shape(&example_json("auth.response.json"), &body, "$").unwrap();
        assert!(body["data"]["auth"]["token"].as_str().unwrap().contains('.'));
    }
}

#[tokio::test]
async fn who_am_i_and_sign_out_follow_the_session() {
    let condo = start().await;
    let client = Client::signed_in(&condo).await;
    let (_, me) = client.post(&example("auth.graphql"), json!({}), Some("WhoAmI")).await;
    assert_eq!(me["data"]["authenticatedUser"]["type"], "staff");
    assert_eq!(me["data"]["authenticatedUser"]["isAdmin"], false);
    let (_, out) = client.post(&example("auth.graphql"), json!({}), Some("SignOut")).await;
    assert_eq!(out["data"]["unauthenticateUser"]["success"], true);
    let (_, after) = client.post(&example("auth.graphql"), json!({}), Some("WhoAmI")).await;
    assert_eq!(after["data"]["authenticatedUser"], Value::Null);
}

#[tokio::test]
async fn the_keystone_email_mutation_signs_in_and_a_malformed_phone_is_refused() {
    let condo = start().await;
    let client = Client::new(&condo);
    let credentials = Credentials::default();
    let query = "mutation($e: String, $p: String) { authenticateUserWithPassword(email: $e, password: $p) { token item { type email } } }";
    let data = client.data("", query, json!({ "e": credentials.email, "p": credentials.password })).await;
    assert_eq!(data["authenticateUserWithPassword"]["item"], json!({ "type": "service", "email": credentials.email }));
    let variables = json!({ "phone": "not a phone", "password": credentials.password });
    let (_, body) = client.post(&example("auth.graphql"), variables, Some("SignInStaffByPhone")).await;
    assert_eq!(body["errors"][0]["extensions"]["type"], "WRONG_PHONE_FORMAT", "{body}");
}

fn assert_unauthenticated(body: &Value, field: &str) {
    let error = &body["errors"][0];
    assert_eq!(error["name"], "AuthenticationError", "{body}");
    assert_eq!(error["message"], "No or incorrect authentication credentials");
    assert_eq!(error["extensions"]["code"], "UNAUTHENTICATED");
    assert_eq!(error["path"], json!([field]));
    assert!(error["locations"][0]["line"].is_u64());
    assert_eq!(body["data"][field], Value::Null);
}

#[tokio::test]
async fn queries_without_a_token_get_condos_unauthenticated_error() {
    let condo = start().await;
    let client = Client::new(&condo);
    let variables = example_json("tickets_changed_since.variables.json");
    let (status, body) = client.post(&example("tickets_changed_since.graphql"), variables, None).await;
    assert_eq!(status, 200);
    assert_unauthenticated(&body, "tickets");
}

#[tokio::test]
async fn an_expired_token_is_refused_until_the_client_signs_in_again() {
    let condo = start().await;
    let mut client = Client::signed_in(&condo).await;
    let query = "query { meta: _allTicketsMeta { count } }";
    assert!(client.data("", query, json!({})).await["meta"]["count"].as_u64().unwrap() > 0);
    assert_eq!(condo.handle().expire_tokens(), 1);
    let (status, body) = client.post(query, json!({}), None).await;
    assert_eq!(status, 200);
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{body}");
    assert_eq!(body["errors"][0]["path"], json!(["meta", "count"]));
    client.sign_in().await;
    assert!(client.data("", query, json!({})).await["meta"]["count"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_the_eleventh_attempt_is_throttled() {
    let condo = start().await;
    let client = Client::new(&condo);
    let variables = json!({ "phone": Credentials::default().phone, "password": "wrong" });
    let (_, body) = client.post(&example("auth.graphql"), variables.clone(), Some("SignInStaffByPhone")).await;
    assert_eq!(body["errors"][0]["extensions"]["type"], "WRONG_CREDENTIALS", "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(body["data"]["auth"], Value::Null);
    for _ in 0..9 {
        client.post(&example("auth.graphql"), variables.clone(), Some("SignInStaffByPhone")).await;
    }
    let (_, body) = client.post(&example("auth.graphql"), variables, Some("SignInStaffByPhone")).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "TOO_MANY_REQUESTS", "{body}");
    assert_eq!(condo.handle().stats().failed_sign_ins, 11);
}

#[tokio::test]
async fn the_tickets_example_returns_rows_shaped_like_the_example_response() {
    let condo = start().await;
    let client = Client::signed_in(&condo).await;
    let variables = example_json("tickets_changed_since.variables.json");
    let (status, body) =
        client.post_to("?deleted=true", &example("tickets_changed_since.graphql"), variables, None).await;
    assert_eq!(status, 200);
    let tickets = body["data"]["tickets"].as_array().unwrap();
    assert!(!tickets.is_empty(), "the example organization has recent tickets");
    same_shape(&example_json("tickets_changed_since.response.json"), &body, "$").unwrap();
    assert!(tickets.iter().all(|t| t["organization"]["id"] == json!(EXAMPLE_ORGANIZATION_ID.to_string())));
    let next = example_json("tickets_changed_since.next_page.variables.json");
    let (_, page) = client.post(&example("tickets_changed_since.graphql"), next, None).await;
    same_shape(&example_json("tickets_changed_since.response.json"), &page, "$").unwrap();
}

#[tokio::test]
async fn the_count_example_counts_what_the_list_returns() {
    let condo = start().await;
    let client = Client::signed_in(&condo).await;
    let variables = example_json("tickets_count.variables.json");
    let (_, body) = client.post(&example("tickets_count.graphql"), variables.clone(), None).await;
    same_shape(&example_json("tickets_count.response.json"), &body, "$").unwrap();
    let list = client
        .data("", "query($where: TicketWhereInput) { allTickets(where: $where, first: 1000) { id } }", variables)
        .await;
    assert_eq!(body["data"]["meta"]["count"].as_u64().unwrap() as usize, list["allTickets"].as_array().unwrap().len());
}

#[tokio::test]
async fn the_properties_example_returns_maps_shaped_like_the_example_response() {
    let condo = start().await;
    let client = Client::signed_in(&condo).await;
    let variables = example_json("properties_changed_since.variables.json");
    let (_, body) =
        client.post_to("?deleted=true", &example("properties_changed_since.graphql"), variables, None).await;
    let properties = body["data"]["properties"].as_array().unwrap();
    assert!(!properties.is_empty(), "{body}");
    same_shape(&example_json("properties_changed_since.response.json"), &body, "$").unwrap();
    let sections = properties[0]["map"]["sections"].as_array().unwrap();
    assert!(sections[0]["floors"][0]["units"][0]["label"].is_string());
}

#[tokio::test]
async fn only_selected_fields_come_back_with_aliases_typename_and_fragments() {
    let condo = start().await;
    let client = Client::signed_in(&condo).await;
    let query = "query { list: allTickets(first: 2, sortBy: [number_ASC]) { __typename num: number ...S } }
                 fragment S on Ticket { status { type } }";
    let data = client.data("", query, json!({})).await;
    let first = &data["list"][0];
    let mut keys: Vec<_> = first.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["__typename", "num", "status"]);
    assert_eq!(first["__typename"], "Ticket");
    assert_eq!(first["status"].as_object().unwrap().len(), 1);
    assert!(data["list"][1]["num"].as_i64() > first["num"].as_i64());
}

#[tokio::test]
async fn status_names_follow_the_request_locale() {
    let condo = start().await;
    let client = Client::signed_in(&condo).await;
    let query = "query { allTicketStatuses(sortBy: [type_ASC]) { type name } }";
    let english = client.data("", query, json!({})).await;
    let (_, russian) = client.post_to("?locale=ru", query, json!({}), None).await;
    let find = |v: &Value, kind: &str| {
        v["data"]["allTicketStatuses"]
            .as_array()
            .or(v["allTicketStatuses"].as_array())
            .unwrap()
            .iter()
            .find(|s| s["type"] == kind)
            .unwrap()["name"]
            .clone()
    };
    assert_eq!(find(&english, "processing"), "In progress");
    assert_eq!(find(&russian, "processing"), "В работе");
}

#[tokio::test]
async fn first_above_1000_gets_condos_limits_exceeded_error() {
    let condo = start().await;
    let client = Client::signed_in(&condo).await;
    let (status, body) = client.post("query { tickets: allTickets(first: 1001) { id } }", json!({}), None).await;
    assert_eq!(status, 200);
    let error = &body["errors"][0];
    assert_eq!(error["name"], "LimitsExceededError", "{body}");
    assert_eq!(error["message"], "Your request exceeded server limits");
    assert_eq!(error["data"], json!({ "list": "Ticket", "type": "maxResults", "limit": 1000 }));
    assert_eq!(body["data"]["tickets"], Value::Null);
}

#[tokio::test]
async fn more_than_1000_objects_in_one_response_get_limits_exceeded() {
    let condo = start().await;
    let client = Client::signed_in(&condo).await;
    let query = "query { allTickets(first: 400) { id status { id } organization { id } property { id } } }";
    let (status, body) = client.post(query, json!({}), None).await;
    assert_eq!(status, 200);
    let errors = body["errors"].as_array().unwrap_or_else(|| panic!("no errors in a 1,600-object answer"));
    assert!(errors.iter().all(|e| e["data"]["type"] == "maxTotalResults" && e["name"] == "LimitsExceededError"));
    assert!(errors[0]["path"].as_array().unwrap().len() == 3, "{}", errors[0]);
    let small =
        client.data("", "query { allTickets(first: 300) { id status { id } organization { id } } }", json!({})).await;
    assert_eq!(small["allTickets"].as_array().unwrap().len(), 300);
}

#[tokio::test]
async fn a_query_longer_than_8192_characters_is_refused_before_execution() {
    let condo = start().await;
    let client = Client::signed_in(&condo).await;
    let query = format!("query {{ allTickets(first: 1) {{ id }} }}{}", " ".repeat(8200));
    let (status, body) = client.post(&query, json!({}), None).await;
    assert_eq!(status, 500, "{body}");
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["code"], "PAYLOAD_TOO_LARGE");
    assert_eq!(error["extensions"]["type"], "ROOT_QUERY_LENGTH_EXCEEDED");
    assert_eq!(error["extensions"]["messageInterpolation"]["queryLength"], query.len());
    assert!(body.get("data").is_none());
    let fits = format!("query {{ allTickets(first: 1) {{ id }} }}{}", " ".repeat(8000));
    assert_eq!(client.post(&fits, json!({}), None).await.0, 200);
}

#[tokio::test]
async fn a_schema_invalid_operation_gets_validation_errors_with_status_400() {
    let condo = start().await;
    let client = Client::signed_in(&condo).await;
    let (status, body) = client.post(&example("invalid_ticket_query.graphql"), json!({}), None).await;
    assert_eq!(status, 400);
    let errors = body["errors"].as_array().unwrap();
    assert!(errors.len() >= 3, "{body}");
    assert!(errors.iter().all(|e| e["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED" && e["locations"].is_array()));
    assert!(body.get("data").is_none());
    let (status, body) = client.post("query { allTickets(first: 1) { id }", json!({}), None).await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["extensions"]["code"], "GRAPHQL_PARSE_FAILED", "{body}");
}

#[tokio::test]
async fn a_valid_field_the_emulator_does_not_model_gets_a_clear_error() {
    let condo = start().await;
    let client = Client::signed_in(&condo).await;
    let (status, body) = client
        .post("query { allTickets(first: 1) { id reviewValue } allBillingReceipts(first: 1) { id } }", json!({}), None)
        .await;
    assert_eq!(status, 200);
    let messages: Vec<&str> =
        body["errors"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap()).collect();
    assert!(messages.iter().any(|m| m.contains("Ticket.reviewValue") && m.contains("not emulated")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("allBillingReceipts")), "{messages:?}");
    assert!(body["data"]["allTickets"][0]["id"].is_string());
}

#[tokio::test]
async fn the_webhook_subscription_example_is_refused_for_an_integration_account() {
    let condo = start().await;
    let client = Client::signed_in(&condo).await;
    let variables = example_json("webhook_subscription.variables.json");
    let (status, body) =
        client.post(&example("webhook_subscription.graphql"), variables, Some("CreateTicketWebhook")).await;
    assert_eq!(status, 200);
    assert_eq!(body["errors"][0]["name"], "AccessDeniedError", "{body}");
    assert_eq!(body["errors"][0]["data"], json!({ "type": "mutation", "target": "createWebhook" }));
    assert_eq!(body["data"]["webhook"], Value::Null);
}

#[tokio::test]
async fn a_missing_variable_is_a_request_error() {
    let condo = start().await;
    let client = Client::signed_in(&condo).await;
    let (status, body) = client.post(&example("tickets_changed_since.graphql"), json!({ "first": 5 }), None).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("where"), "{body}");
}
