//! Per-request execution context: who is asking, what may be seen, and what was served.
//!
//! Resolvers report failures by index: the executor only carries a message, so the message
//! names an entry of `failures`, which is rendered in Condo's error shape afterwards.

use super::RequestMeta;
use super::list::ListQuery;
use crate::condo::auth::Sessions;
use crate::condo::config::Credentials;
use crate::condo::data::Store;
use crate::condo::data::model::UserKind;
use crate::condo::errors::{FieldFailure, MAX_RESULTS};
use crate::condo::schema::CondoSchema;
use crate::condo::state::{Shared, lock};
use apollo_compiler::resolvers::FieldError;
use apollo_compiler::response::GraphQLError;
use serde_json::{Value, json};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::sync::MutexGuard;

/// Marks executor error messages that refer to a recorded [`FieldFailure`].
const MARKER: &str = "\u{1}condo-failure:";

/// What one request served, merged into the run's counters afterwards.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// The executed operation's name.
    pub operation: Option<String>,
    /// Pages served per list field.
    pub pages: BTreeMap<String, u64>,
    /// Objects counted towards `maxTotalResults`.
    pub objects: u64,
    /// Successful sign-ins.
    pub sign_ins: u64,
    /// Refused sign-ins.
    pub failed_sign_ins: u64,
    /// `UNAUTHENTICATED` errors.
    pub unauthenticated: u64,
    /// `LimitsExceededError`s.
    pub limit_errors: u64,
    /// Refused before execution.
    pub rejected: bool,
}

/// The context every resolver of one request sees.
pub struct Ctx<'a> {
    /// The rows.
    pub store: &'a Store,
    /// The schema (to tell Keystone lists from JSON objects).
    pub schema: &'a CondoSchema,
    /// List queries with this request's visibility and locale.
    pub lists: ListQuery<'a>,
    /// The signed-in user.
    pub user: Option<u32>,
    /// The request's own facts (token, client address).
    pub meta: &'a RequestMeta,
    /// The accounts' credentials.
    pub credentials: &'a Credentials,
    sessions: &'a std::sync::Mutex<Sessions>,
    objects: Cell<usize>,
    failures: RefCell<Vec<FieldFailure>>,
    tally: RefCell<Tally>,
}

impl<'a> Ctx<'a> {
    /// A context for one request.
    pub fn new(shared: &'a Shared, store: &'a Store, meta: &'a RequestMeta, include_deleted: bool) -> Self {
        Self {
            store,
            schema: &shared.schema,
            lists: ListQuery {
                store,
                locale: meta.locale,
                include_deleted,
                resident: meta.user.filter(|&u| store.users[u as usize].kind == UserKind::Resident),
            },
            user: meta.user,
            meta,
            credentials: &shared.config.credentials,
            sessions: &shared.sessions,
            objects: Cell::new(0),
            failures: RefCell::new(Vec::new()),
            tally: RefCell::new(Tally::default()),
        }
    }

    /// Records `failure` and returns the executor error pointing at it.
    pub fn fail(&self, failure: FieldFailure) -> FieldError {
        {
            let mut tally = self.tally.borrow_mut();
            match failure {
                FieldFailure::Unauthenticated => tally.unauthenticated += 1,
                FieldFailure::LimitsExceeded { .. } => tally.limit_errors += 1,
                FieldFailure::WrongCredentials { .. } | FieldFailure::TooManyRequests { .. } => {
                    tally.failed_sign_ins += 1
                }
                _ => {}
            }
        }
        let mut failures = self.failures.borrow_mut();
        failures.push(failure);
        FieldError { message: format!("{MARKER}{}", failures.len() - 1) }
    }

    /// The signed-in user, or Condo's `UNAUTHENTICATED` error.
    pub fn require_user(&self) -> Result<u32, FieldError> {
        self.user.ok_or_else(|| self.fail(FieldFailure::Unauthenticated))
    }

    /// Counts `n` objects of `list` towards the request's `maxTotalResults`.
    pub fn take(&self, list: &str, n: usize) -> Result<(), FieldError> {
        let total = self.objects.get() + n;
        self.objects.set(total);
        self.tally.borrow_mut().objects += n as u64;
        if total > MAX_RESULTS {
            return Err(self.fail(FieldFailure::LimitsExceeded { list: list.to_owned(), kind: "maxTotalResults" }));
        }
        Ok(())
    }

    /// Counts one page served by list field `field`.
    pub fn served_page(&self, field: &str) {
        *self.tally.borrow_mut().pages.entry(field.to_owned()).or_default() += 1;
    }

    /// Counts one successful sign-in.
    pub fn signed_in(&self) {
        self.tally.borrow_mut().sign_ins += 1;
    }

    /// The session store, for sign-in and sign-out.
    pub fn sessions(&self) -> MutexGuard<'_, Sessions> {
        lock(self.sessions)
    }

    /// Renders one executor error: recorded failures in Condo's shape, others generically.
    pub fn render_error(&self, error: &GraphQLError) -> Value {
        let locations =
            json!(error.locations.iter().map(|l| json!({ "line": l.line, "column": l.column })).collect::<Vec<_>>());
        let path = serde_json::to_value(&error.path).unwrap_or_default();
        let recorded = error
            .message
            .split_once(MARKER)
            .and_then(|(_, index)| index.parse::<usize>().ok())
            .and_then(|index| self.failures.borrow().get(index).cloned());
        match recorded {
            Some(failure) => failure.to_json(locations, path),
            None => json!({
                "message": error.message, "name": "GraphQLError", "locations": locations, "path": path,
                "extensions": { "code": "INTERNAL_SERVER_ERROR" },
            }),
        }
    }

    /// The counters of this request.
    pub fn into_tally(self) -> Tally {
        self.tally.into_inner()
    }
}
