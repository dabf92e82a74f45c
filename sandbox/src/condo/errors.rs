//! Condo's error shapes, as its Apollo Server and error formatter put them on the wire.
//!
//! Field errors (auth, limits, access, sign-in) arrive with HTTP 200 next to `data`;
//! request errors (syntax, validation, size limits) arrive without `data` and with a 4xx/5xx.

use super::rng::random_uuid;
use serde_json::{Value, json};

/// The per-request object limit (`maxTotalResults`) and per-list `first` limit (`maxResults`).
pub const MAX_RESULTS: usize = 1000;
/// The query text limit, in UTF-16 code units (JavaScript `string.length`).
pub const MAX_QUERY_LENGTH: usize = 8 * 1024;
/// The variables size limit, in bytes of JSON.
pub const MAX_VARIABLES_SIZE: usize = 512 * 1024;

const AUTH_MESSAGE: &str = "No or incorrect authentication credentials";
const LIMITS_MESSAGE: &str = "Your request exceeded server limits";

/// An error raised while resolving a field; it becomes one entry of `errors`.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldFailure {
    /// No session, or an expired or unknown token.
    Unauthenticated,
    /// `first` above the list limit (`maxResults`) or too many objects (`maxTotalResults`).
    LimitsExceeded {
        /// The Keystone list that hit the limit.
        list: String,
        /// `maxResults` or `maxTotalResults`.
        kind: &'static str,
    },
    /// The user may not read this row or field, or may not run this mutation.
    AccessDenied {
        /// `query` or `mutation`.
        operation: &'static str,
        /// The list, field or mutation that was denied.
        target: String,
    },
    /// Wrong phone, email or password.
    WrongCredentials {
        /// The sign-in mutation.
        mutation: &'static str,
        /// `Wrong phone or password` or `Wrong email or password`.
        message: &'static str,
    },
    /// The phone number could not be normalized.
    WrongPhoneFormat,
    /// Too many sign-in attempts in the current window.
    TooManyRequests {
        /// Minutes until the window resets.
        minutes: i64,
    },
    /// A valid field or argument the emulator does not model.
    NotEmulated(String),
    /// An argument value the emulator cannot use.
    BadInput(String),
    /// A `GQLError` thrown by a hook (such as the `dvAndSender` plugin); the value is its extensions.
    Gql(Value),
    /// Keystone's field validation failure (`isRequired` fields, field hooks) on `create<List>`.
    Validation {
        /// The mutation (`createTicket`).
        mutation: String,
        /// One message per problem.
        messages: Vec<String>,
    },
    /// An uploaded file over the size limit (graphql-upload's 413 error, surfaced by the resolver).
    UploadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
}

impl FieldFailure {
    /// The error entry for this failure at `path`, with the field's `locations`.
    pub fn to_json(&self, locations: Value, path: Value) -> Value {
        let mut entry = self.body();
        entry["locations"] = locations;
        entry["path"] = path;
        entry
    }

    fn body(&self) -> Value {
        match self {
            Self::Unauthenticated => json!({
                "message": AUTH_MESSAGE, "name": "AuthenticationError",
                "extensions": { "code": "UNAUTHENTICATED", "message": AUTH_MESSAGE },
            }),
            Self::LimitsExceeded { list, kind } => keystone_error(
                "LimitsExceededError",
                LIMITS_MESSAGE,
                json!({ "list": list, "type": kind, "limit": MAX_RESULTS }),
            ),
            Self::AccessDenied { operation, target } => keystone_error(
                "AccessDeniedError",
                "You do not have access to this resource",
                json!({ "type": operation, "target": target }),
            ),
            Self::WrongCredentials { .. } | Self::WrongPhoneFormat | Self::TooManyRequests { .. } => {
                self.sign_in_body()
            }
            Self::NotEmulated(what) => json!({
                "message": format!("{what} is not emulated by the Condo sandbox"), "name": "NotEmulatedError",
                "extensions": { "code": "INTERNAL_SERVER_ERROR" },
            }),
            Self::BadInput(message) => json!({
                "message": message, "name": "UserInputError", "extensions": { "code": "BAD_USER_INPUT" },
            }),
            Self::Gql(extensions) => gql_error(extensions.clone()),
            Self::Validation { mutation, messages } => keystone_error(
                "ValidationFailureError",
                "You attempted to perform an invalid mutation",
                json!({ "messages": messages, "mutation": mutation }),
            ),
            Self::UploadTooLarge { limit } => json!({
                "message": format!("File truncated as it exceeds the {limit} byte size limit."),
                "name": "PayloadTooLargeError", "extensions": { "code": "INTERNAL_SERVER_ERROR" },
            }),
        }
    }

    /// Sign-in failures: `GQLError`s whose extensions carry the error declaration.
    fn sign_in_body(&self) -> Value {
        match self {
            Self::WrongCredentials { mutation, message } => gql_error(json!({
                "mutation": mutation, "code": "BAD_USER_INPUT", "type": "WRONG_CREDENTIALS", "message": message,
                "messageForUser": message,
                "messageForUserTemplateKey": format!("api.user.{mutation}.WRONG_CREDENTIALS"),
            })),
            Self::WrongPhoneFormat => gql_error(json!({
                "mutation": "authenticateUserWithPhoneAndPassword", "variable": ["data", "phone"],
                "code": "BAD_USER_INPUT", "type": "WRONG_PHONE_FORMAT",
                "message": "Wrong format of provided phone number", "correctExample": "+79991234567",
                "messageForUser": "Wrong format of provided phone number",
                "messageForUserTemplateKey": "api.common.WRONG_PHONE_FORMAT",
            })),
            Self::TooManyRequests { minutes } => gql_error(json!({
                "code": "TOO_MANY_REQUESTS", "type": "TOO_MANY_REQUESTS",
                "message": format!("You have to wait {minutes} min. to be able to send request again"),
                "messageInterpolation": { "minutesRemaining": minutes },
            })),
            _ => Value::Null,
        }
    }
}

/// A Keystone 5 `apollo-errors` error, as Condo's formatter renders it.
fn keystone_error(name: &str, message: &str, data: Value) -> Value {
    json!({ "message": message, "name": name, "extensions": { "code": "INTERNAL_SERVER_ERROR" }, "data": data })
}

/// A `GQLError` thrown inside a resolver: the extensions carry its fields.
fn gql_error(extensions: Value) -> Value {
    json!({ "message": extensions["message"], "name": "GQLError", "extensions": extensions })
}

/// The `dvAndSender` plugin's checks on `create<List>` input: `dv` must be 1 and `sender` a
/// `{dv: 1, fingerprint}` whose fingerprint is 5 to 42 characters of Condo's allowed set.
pub fn check_dv_and_sender(mutation: &str, data: &Value) -> Result<(), FieldFailure> {
    if data.get("dv").and_then(Value::as_i64) != Some(1) {
        return Err(FieldFailure::Gql(json!({
            "mutation": mutation, "variable": ["data", "dv"], "code": "BAD_USER_INPUT",
            "type": "DV_VERSION_MISMATCH", "message": "Wrong value for data version number",
        })));
    }
    let sender = data.get("sender").unwrap_or(&Value::Null);
    let mut problems = Vec::new();
    match sender.get("fingerprint").and_then(Value::as_str) {
        None => problems.push("fingerprint: ['Fingerprint can\'t be blank']".to_owned()),
        Some(f) if !(5..=42).contains(&f.chars().count()) || !f.chars().all(fingerprint_char) => {
            problems.push("fingerprint: ['Fingerprint is invalid']".to_owned())
        }
        Some(_) => {}
    }
    if sender.get("dv").is_some_and(|dv| dv.as_i64() != Some(1)) {
        problems.push("dv: ['Dv must be equal to 1']".to_owned());
    }
    if problems.is_empty() {
        return Ok(());
    }
    let details = problems.join(", ");
    let template = "Invalid format of \"sender\" field value. {details}";
    Err(FieldFailure::Gql(json!({
        "mutation": mutation, "variable": ["data", "sender"], "code": "BAD_USER_INPUT", "type": "WRONG_FORMAT",
        "message": template.replace("{details}", &details), "messageTemplate": template,
        "messageInterpolation": { "details": details },
        "correctExample": "{ dv: 1, fingerprint: 'example-fingerprint-alphanumeric-value'}",
    })))
}

/// Condo's fingerprint pattern `[a-zA-Z0-9!#$%()*+-;=,:[\]/.?@^_`{|}~]` (`+-;` is a range).
fn fingerprint_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || ('+'..=';').contains(&c) || "!#$%()*=,:[]/?@^_`{|}~".contains(c)
}

/// A `GQLError` thrown by a request plugin before execution (query too long, variables too large).
pub fn payload_too_large(kind: &str, message: &str, interpolation: Value) -> Value {
    let key = format!("api.global.requestLimit.{kind}");
    json!({ "errors": [{
        "message": message, "name": "GQLError",
        "reqId": random_uuid().to_string(), "errId": format!("c{}", random_uuid().simple()),
        "extensions": {
            "code": "PAYLOAD_TOO_LARGE", "type": kind, "message": message, "messageForUser": message,
            "messageForUserTemplateKey": key, "messageInterpolation": interpolation,
        },
    }]})
}

/// A parse or validation failure as Apollo Server reports it (HTTP 400, no `data`).
pub fn invalid_document(problems: &[crate::condo::schema::Problem]) -> Value {
    let errors: Vec<Value> = problems
        .iter()
        .map(|p| {
            let (name, code) = if p.syntax {
                ("SyntaxError", "GRAPHQL_PARSE_FAILED")
            } else {
                ("ValidationError", "GRAPHQL_VALIDATION_FAILED")
            };
            let mut entry = json!({ "message": p.message, "name": name, "extensions": { "code": code } });
            if let Some((line, column)) = p.location {
                entry["locations"] = json!([{ "line": line, "column": column }]);
            }
            entry
        })
        .collect();
    json!({ "errors": errors })
}

/// A request error found before execution starts (operation choice, variable values).
pub fn bad_request(message: &str, locations: Value) -> Value {
    json!({ "errors": [{
        "message": message, "name": "UserInputError", "locations": locations,
        "extensions": { "code": "BAD_USER_INPUT" },
    }]})
}
