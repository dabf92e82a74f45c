//! Condo's GraphQL schema contract: loaded once, used to validate every operation.
//!
//! The schema file is `shared/contracts/condo/schema.graphql` (3 MB), parsed and validated
//! with `apollo-compiler` the first time it is needed and cached for the process.

use anyhow::Context as _;
use apollo_compiler::executable::ExecutableDocument;
use apollo_compiler::validation::{DiagnosticList, Valid};
use apollo_compiler::{Schema, schema::ExtendedType};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// The path of `schema.graphql` in the shared contracts, next to this project's checkout.
pub fn default_schema_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/contracts/condo/schema.graphql")
}

/// Validates one GraphQL document (operations and fragments) against Condo's schema.
///
/// Returns one message per problem (graphql-js wording where known), each prefixed with
/// `line:column`.
/// Usable by adapter tests to check the project's own `.graphql` files.
pub fn validate_operation(query: &str) -> Result<(), Vec<String>> {
    let schema = load(&default_schema_path()).map_err(|e| vec![format!("{e:#}")])?;
    schema.validate_operation(query)
}

/// A parsed and validated Condo schema plus facts the executor needs.
pub struct CondoSchema {
    schema: Valid<Schema>,
    list_types: HashSet<String>,
}

/// One problem found while parsing or validating an operation.
#[derive(Debug, Clone)]
pub struct Problem {
    /// The message in graphql-js wording where known (what Apollo Server would send).
    pub message: String,
    /// `apollo-compiler`'s own wording.
    pub detail: String,
    /// 1-based line and column of the problem, if known.
    pub location: Option<(usize, usize)>,
    /// True for syntax errors (`GRAPHQL_PARSE_FAILED`), false for validation errors.
    pub syntax: bool,
}

impl CondoSchema {
    /// The validated schema.
    pub fn schema(&self) -> &Valid<Schema> {
        &self.schema
    }

    /// Whether `type_name` is a Keystone list (it has an `all…` query), so its objects count
    /// towards the per-request object limit.
    pub fn is_list_type(&self, type_name: &str) -> bool {
        self.list_types.contains(type_name)
    }

    /// Parses and validates `query`, returning the executable document or its problems.
    pub fn parse(&self, query: &str) -> Result<Valid<ExecutableDocument>, Vec<Problem>> {
        ExecutableDocument::parse_and_validate(&self.schema, query, "operation.graphql")
            .map_err(|with_errors| problems(&with_errors.errors))
    }

    /// Like [`validate_operation`], against this schema.
    pub fn validate_operation(&self, query: &str) -> Result<(), Vec<String>> {
        self.parse(query).map(drop).map_err(|problems| {
            problems
                .into_iter()
                .map(|p| match p.location {
                    Some((line, column)) => format!("{line}:{column}: {}", p.message),
                    None => p.message,
                })
                .collect()
        })
    }
}

fn problems(errors: &DiagnosticList) -> Vec<Problem> {
    errors
        .iter()
        .map(|diagnostic| {
            let detail = diagnostic.error.to_string();
            let syntax = detail.starts_with("syntax error");
            let message = if syntax {
                detail.replacen("syntax error", "Syntax Error", 1)
            } else {
                diagnostic.unstable_to_json_compat().message
            };
            let location = diagnostic.line_column_range().map(|r| (r.start.line, r.start.column));
            Problem { message, detail, location, syntax }
        })
        .collect()
}

/// Loads the schema at `path`, parsing it only the first time per process.
pub fn load(path: &Path) -> anyhow::Result<Arc<CondoSchema>> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Arc<CondoSchema>>>> = OnceLock::new();
    let key = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let mut cache = CACHE.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    if let Some(schema) = cache.get(&key) {
        return Ok(schema.clone());
    }
    let schema = Arc::new(parse_file(path)?);
    cache.insert(key, schema.clone());
    Ok(schema)
}

fn parse_file(path: &Path) -> anyhow::Result<CondoSchema> {
    let source = std::fs::read_to_string(path).with_context(|| {
        format!("cannot read Condo's schema at {} (pass --schema PATH to point at schema.graphql)", path.display())
    })?;
    let schema = Schema::parse_and_validate(source, path)
        .map_err(|e| anyhow::anyhow!("{} is not a valid GraphQL schema: {}", path.display(), e.errors))?;
    let list_types = list_types(&schema);
    Ok(CondoSchema { schema, list_types })
}

/// Types returned by `Query.all…` fields: Keystone lists.
fn list_types(schema: &Schema) -> HashSet<String> {
    let Some(ExtendedType::Object(query)) = schema.types.get("Query") else {
        return HashSet::new();
    };
    query
        .fields
        .iter()
        .filter(|(name, field)| name.starts_with("all") && field.ty.is_list())
        .map(|(_, field)| field.ty.inner_named_type().to_string())
        .collect()
}
