//! Checks JSON bodies against the Kill Bill contract, `kbswagger.yaml` (Swagger 2.0), read at
//! run time: its `definitions` become a JSON Schema (2020-12) validated with `jsonschema`.
//!
//! Two choices make the check useful against what the server really sends:
//! - Swagger 2.0 cannot say "nullable", while Kill Bill writes unset fields as `null`, so every
//!   property that is not `required` also accepts `null`.
//! - Objects are closed (`additionalProperties: false`), so a misspelt or invented field fails.
//!
//! The file is `$KILLBILL_SWAGGER` if set, else `<sandbox>/../../shared/contracts/killbill/kbswagger.yaml`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::{Map, Value, json};

/// Environment variable that overrides the location of `kbswagger.yaml`.
pub const SPEC_ENV: &str = "KILLBILL_SWAGGER";

/// Swagger keywords with no JSON Schema meaning.
const SWAGGER_ONLY: &[&str] = &["example", "xml", "discriminator", "readOnly", "externalDocs"];

struct Spec {
    definitions: Map<String, Value>,
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

/// Where the contract file is looked for.
pub fn spec_path() -> PathBuf {
    std::env::var_os(SPEC_ENV).map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/contracts/killbill/kbswagger.yaml")
    })
}

/// Names of every definition of the contract.
pub fn definition_names() -> Result<Vec<String>, String> {
    Ok(spec()?.definitions.keys().cloned().collect())
}

/// Validates `value` against the definition `def_name` (e.g. `"Account"`); on failure, one
/// message per violation, each naming the JSON pointer of the offending value.
pub fn validate_definition(def_name: &str, value: &Value) -> Result<(), Vec<String>> {
    validate(def_name, json!({ "$ref": format!("#/definitions/{def_name}") }), value)
}

/// Validates `value` as an array of `def_name` (the list endpoints).
pub fn validate_array_of(def_name: &str, value: &Value) -> Result<(), Vec<String>> {
    let schema = json!({ "type": "array", "items": { "$ref": format!("#/definitions/{def_name}") } });
    validate(&format!("[{def_name}]"), schema, value)
}

fn validate(cache_key: &str, root: Value, value: &Value) -> Result<(), Vec<String>> {
    let spec = spec().map_err(|e| vec![e])?;
    let validator = spec.validator(cache_key, root).map_err(|e| vec![e])?;
    let errors: Vec<String> = validator.iter_errors(value).map(|e| format!("{}: {e}", e.instance_path())).collect();
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

fn spec() -> Result<&'static Spec, String> {
    static SPEC: OnceLock<Result<Spec, String>> = OnceLock::new();
    SPEC.get_or_init(load).as_ref().map_err(Clone::clone)
}

fn load() -> Result<Spec, String> {
    let path = spec_path();
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "cannot read the Kill Bill contract at {} ({e}); set {SPEC_ENV} or check out shared/ beside the project",
            path.display()
        )
    })?;
    let yaml: Value =
        serde_norway::from_str(&text).map_err(|e| format!("{} is not valid YAML: {e}", path.display()))?;
    let definitions = yaml
        .get("definitions")
        .and_then(Value::as_object)
        .ok_or_else(|| format!("{} has no definitions", path.display()))?;
    let definitions = definitions.iter().map(|(name, schema)| (name.clone(), convert(schema))).collect();
    Ok(Spec { definitions, validators: Mutex::new(HashMap::new()) })
}

impl Spec {
    fn validator(&self, key: &str, mut root: Value) -> Result<Arc<jsonschema::Validator>, String> {
        let mut cache = self.validators.lock().expect("validator cache poisoned");
        if let Some(found) = cache.get(key) {
            return Ok(Arc::clone(found));
        }
        let name = key.trim_matches(['[', ']']);
        if !self.definitions.contains_key(name) {
            return Err(format!("kbswagger.yaml has no definition named {name}"));
        }
        root["definitions"] = Value::Object(self.definitions.clone());
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&root)
            .map_err(|e| format!("definition {name} does not compile: {e}"))?;
        let validator = Arc::new(validator);
        cache.insert(key.to_string(), Arc::clone(&validator));
        Ok(validator)
    }
}

/// Turns one Swagger schema object into JSON Schema (see the module notes).
fn convert(schema: &Value) -> Value {
    let Some(object) = schema.as_object() else {
        return schema.clone();
    };
    let mut out: Map<String, Value> = object
        .iter()
        .filter(|(k, _)| !SWAGGER_ONLY.contains(&k.as_str()) && !k.starts_with("x-"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if let Some(items) = object.get("items") {
        out.insert("items".to_string(), convert(items));
    }
    if let Some(properties) = object.get("properties").and_then(Value::as_object) {
        let required: Vec<&str> = object
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let converted = properties
            .iter()
            .map(|(name, prop)| {
                let prop = convert(prop);
                let prop = if required.contains(&name.as_str()) { prop } else { nullable(prop) };
                (name.clone(), prop)
            })
            .collect();
        out.insert("properties".to_string(), Value::Object(converted));
        out.entry("additionalProperties").or_insert(Value::Bool(false));
    }
    Value::Object(out)
}

fn nullable(schema: Value) -> Value {
    json!({ "anyOf": [{ "type": "null" }, schema] })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_properties_accept_null_and_objects_are_closed() {
        let swagger = json!({
            "type": "object",
            "required": ["id"],
            "properties": { "id": { "type": "string" }, "note": { "type": "string", "example": "x" } }
        });
        let converted = convert(&swagger);
        assert_eq!(converted["properties"]["id"], json!({ "type": "string" }));
        assert_eq!(converted["properties"]["note"], json!({ "anyOf": [{ "type": "null" }, { "type": "string" }] }));
        assert_eq!(converted["additionalProperties"], json!(false));
    }
}
