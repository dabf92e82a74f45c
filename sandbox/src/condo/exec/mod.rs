//! Executing one GraphQL request: limits, schema validation, then field-by-field resolution.
//!
//! Resolution uses `apollo-compiler`'s executor over the emulator's rows, so selections,
//! aliases, fragments, `__typename`, variables and null propagation follow the GraphQL spec.

mod context;
pub mod create;
pub mod filter;
mod keyset;
pub mod list;
mod mutation;
mod objects;

use super::errors::{self, MAX_QUERY_LENGTH, MAX_VARIABLES_SIZE};
use super::state::{Shared, lock};
use apollo_compiler::executable::{ExecutableDocument, OperationType};
use apollo_compiler::request::coerce_variable_values;
use apollo_compiler::resolvers::Execution;
use apollo_compiler::response::{JsonMap, JsonValue};
use apollo_compiler::validation::Valid;
use context::Ctx;
use serde::Deserialize;
use serde_json::{Value, json};

pub use context::Tally;

/// The JSON body of a GraphQL request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GraphqlRequest {
    /// The document text.
    #[serde(default)]
    pub query: String,
    /// Variable values.
    #[serde(default)]
    pub variables: Option<serde_json::Map<String, Value>>,
    /// Which operation of the document to run.
    #[serde(default)]
    pub operation_name: Option<String>,
    /// Files of a multipart request; `variables` point at them with [`create::UPLOAD_MARKER`].
    #[serde(skip)]
    pub uploads: Vec<create::Upload>,
}

/// Facts about the HTTP request that change how the operation runs.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    /// The signed-in user, already looked up from the token.
    pub user: Option<u32>,
    /// The session token, for `unauthenticateUser`.
    pub token: Option<String>,
    /// `?deleted=…` was present and non-empty.
    pub deleted_param: bool,
    /// Locale of localized names.
    pub locale: super::data::catalog::Locale,
    /// The client address, for sign-in limits.
    pub client_ip: String,
    /// `http://<Host>`, the base of file URLs.
    pub base_url: String,
}

/// An HTTP status and JSON body.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// HTTP status.
    pub status: u16,
    /// JSON body.
    pub body: Value,
    /// What was served, for the counters.
    pub tally: Tally,
}

impl Outcome {
    fn rejected(status: u16, body: Value) -> Self {
        Self { status, body, tally: Tally { rejected: true, ..Tally::default() } }
    }
}

/// Runs one request against the emulator.
pub fn execute(shared: &Shared, request: &GraphqlRequest, meta: &RequestMeta) -> Outcome {
    if let Some(outcome) = check_size(request) {
        return outcome;
    }
    let document = match shared.schema.parse(&request.query) {
        Ok(document) => document,
        Err(problems) => return Outcome::rejected(400, errors::invalid_document(&problems)),
    };
    let variables: JsonMap = request.variables.clone().map(to_json_map).unwrap_or_default();
    match run(shared, &document, request, &variables, meta) {
        Ok(outcome) => outcome,
        Err(error) => {
            let locations = error.location().and_then(|l| l.line_column(&document.sources));
            let locations = locations.map_or(json!([]), |lc| json!([{ "line": lc.line, "column": lc.column }]));
            Outcome::rejected(400, errors::bad_request(&error.message().to_string(), locations))
        }
    }
}

/// Condo's request-limiting plugin: query text length and variables size.
fn check_size(request: &GraphqlRequest) -> Option<Outcome> {
    if request.query.trim().is_empty() {
        return Some(Outcome::rejected(400, errors::bad_request("Must provide query string.", json!([]))));
    }
    let length = request.query.encode_utf16().count();
    if length > MAX_QUERY_LENGTH {
        let message = format!(
            "GraphQL query length limit exceeded. Query size can not be more than {MAX_QUERY_LENGTH} characters"
        );
        let body = errors::payload_too_large("ROOT_QUERY_LENGTH_EXCEEDED", &message, json!({ "queryLength": length }));
        return Some(Outcome::rejected(500, body));
    }
    let size = request.variables.as_ref().map_or(0, |v| serde_json::to_vec(v).map_or(0, |b| b.len()));
    if size > MAX_VARIABLES_SIZE {
        let message = "Variables size limit exceeded. Consider using simpler filters or decreasing batch size";
        let body = errors::payload_too_large("VARIABLES_SIZE_EXCEEDED", message, json!({ "variablesSize": size }));
        return Some(Outcome::rejected(500, body));
    }
    None
}

fn run(
    shared: &Shared,
    document: &Valid<ExecutableDocument>,
    request: &GraphqlRequest,
    variables: &JsonMap,
    meta: &RequestMeta,
) -> Result<Outcome, apollo_compiler::request::RequestError> {
    let operation = document.operations.get(request.operation_name.as_deref())?;
    let coerced = coerce_variable_values(shared.schema.schema(), operation, variables)?;
    let where_variable = request.variables.as_ref().and_then(|v| v.get("where"));
    let include_deleted = meta.deleted_param || where_variable.is_some_and(filter::mentions_deleted_at);
    let created = match operation.operation_type {
        OperationType::Mutation => create::apply(shared, operation, &coerced, meta, &request.uploads),
        _ => create::Created::new(),
    };
    let store = shared.store();
    let ctx = Ctx::new(shared, &store, meta, include_deleted);
    let execution =
        Execution::new(shared.schema.schema(), document).operation(operation).coerced_variable_values(&coerced);
    let response = match operation.operation_type {
        OperationType::Mutation => execution.execute_sync(&mutation::MutationRoot { ctx: &ctx, created: &created })?,
        _ => execution.execute_sync(&objects::QueryRoot { ctx: &ctx })?,
    };
    let errors: Vec<Value> = response.errors.iter().map(|e| ctx.render_error(e)).collect();
    let mut body = json!({ "data": response.data.map(|d| serde_json::to_value(d).unwrap_or_default()) });
    if !errors.is_empty() {
        body["errors"] = Value::Array(errors);
    }
    let mut tally = ctx.into_tally();
    tally.operation = Some(operation.name.as_ref().map_or_else(|| "<anonymous>".to_owned(), |n| n.to_string()));
    Ok(Outcome { status: 200, body, tally })
}

/// Converts `serde_json` variables into the executor's JSON type.
fn to_json_map(map: serde_json::Map<String, Value>) -> JsonMap {
    map.into_iter().map(|(k, v)| (k.into(), JsonValue::from(v))).collect()
}

/// Records an outcome in the run's counters.
pub fn record(shared: &Shared, tally: &Tally) {
    let mut stats = lock(&shared.stats);
    if let Some(operation) = &tally.operation {
        *stats.operations.entry(operation.clone()).or_default() += 1;
    }
    for (field, pages) in &tally.pages {
        stats.pages_served += pages;
        *stats.pages_by_field.entry(field.clone()).or_default() += pages;
    }
    stats.objects_served += tally.objects;
    stats.sign_ins += tally.sign_ins;
    stats.failed_sign_ins += tally.failed_sign_ins;
    stats.unauthenticated += tally.unauthenticated;
    stats.limit_errors += tally.limit_errors;
    stats.rejected += u64::from(tally.rejected);
}
