//! Keystone `where` filters: parsing `…WhereInput` values and matching rows against them.
//!
//! Supported: `AND`, `OR`, equality, `_not`, `_lt/_lte/_gt/_gte`, `_in/_not_in`, the string
//! operators with their `_i` (case-insensitive) forms, `_is_null`, and relation filters such as
//! `organization: { id: … }`. To-many filters (`_some`, `_every`, `_none`) are not emulated.

use crate::condo::data::Store;
use crate::condo::data::catalog::Locale;
use crate::condo::data::fields::{Field, Rec, Scalar};
use crate::condo::data::time;
use crate::condo::errors::FieldFailure;
use serde_json::Value;
use std::cmp::Ordering;

/// A comparison operator taken from a `where` key suffix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `field`.
    Eq,
    /// `field_not`.
    Not,
    /// `field_lt`.
    Lt,
    /// `field_lte`.
    Lte,
    /// `field_gt`.
    Gt,
    /// `field_gte`.
    Gte,
    /// `field_in`.
    In,
    /// `field_not_in`.
    NotIn,
    /// `field_contains`.
    Contains,
    /// `field_starts_with`.
    StartsWith,
    /// `field_ends_with`.
    EndsWith,
}

/// A parsed `where` value.
#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    /// Every part must match (an object's keys, or `AND`).
    All(Vec<Filter>),
    /// Some part must match (`OR`).
    Any(Vec<Filter>),
    /// A scalar comparison; `negate` flips string operators (`_not_contains`), `insensitive` is `_i`.
    Cmp { field: String, op: Op, negate: bool, insensitive: bool, value: Value },
    /// A filter on a related row (`organization: { id: … }`).
    Rel { field: String, inner: Box<Filter> },
    /// `field_is_null: true|false`.
    IsNull { field: String, null: bool },
}

const SUFFIXES: [(&str, Op, bool, bool); 21] = [
    ("_not_starts_with_i", Op::StartsWith, true, true),
    ("_not_ends_with_i", Op::EndsWith, true, true),
    ("_not_contains_i", Op::Contains, true, true),
    ("_starts_with_i", Op::StartsWith, false, true),
    ("_not_starts_with", Op::StartsWith, true, false),
    ("_ends_with_i", Op::EndsWith, false, true),
    ("_not_ends_with", Op::EndsWith, true, false),
    ("_contains_i", Op::Contains, false, true),
    ("_not_contains", Op::Contains, true, false),
    ("_starts_with", Op::StartsWith, false, false),
    ("_ends_with", Op::EndsWith, false, false),
    ("_contains", Op::Contains, false, false),
    ("_not_in", Op::NotIn, false, false),
    ("_not_i", Op::Not, false, true),
    ("_not", Op::Not, false, false),
    ("_lte", Op::Lte, false, false),
    ("_gte", Op::Gte, false, false),
    ("_lt", Op::Lt, false, false),
    ("_gt", Op::Gt, false, false),
    ("_in", Op::In, false, false),
    ("_i", Op::Eq, false, true),
];

/// Parses a `where` argument (`null` matches everything).
pub fn parse(value: &Value) -> Result<Filter, FieldFailure> {
    let object = match value {
        Value::Null => return Ok(Filter::All(Vec::new())),
        Value::Object(object) => object,
        other => return Err(FieldFailure::BadInput(format!("where must be an object, got {other}"))),
    };
    let mut parts = Vec::with_capacity(object.len());
    for (key, value) in object {
        parts.push(parse_key(key, value)?);
    }
    Ok(Filter::All(parts))
}

fn parse_list(value: &Value) -> Result<Vec<Filter>, FieldFailure> {
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items.iter().map(parse).collect(),
        other => Ok(vec![parse(other)?]),
    }
}

fn parse_key(key: &str, value: &Value) -> Result<Filter, FieldFailure> {
    match key {
        "AND" => return Ok(Filter::All(parse_list(value)?)),
        "OR" => return Ok(Filter::Any(parse_list(value)?)),
        _ => {}
    }
    if let Some(field) = key.strip_suffix("_is_null") {
        let null = value.as_bool().unwrap_or(true);
        return Ok(Filter::IsNull { field: field.to_owned(), null });
    }
    if ["_some", "_every", "_none"].iter().any(|s| key.ends_with(s)) {
        return Err(FieldFailure::NotEmulated(format!("The to-many filter `{key}`")));
    }
    if value.is_object() {
        return Ok(Filter::Rel { field: key.to_owned(), inner: Box::new(parse(value)?) });
    }
    let (field, op, negate, insensitive) = SUFFIXES
        .iter()
        .find_map(|(suffix, op, negate, ci)| {
            key.strip_suffix(suffix).filter(|f| !f.is_empty()).map(|f| (f, *op, *negate, *ci))
        })
        .unwrap_or((key, Op::Eq, false, false));
    Ok(Filter::Cmp { field: field.to_owned(), op, negate, insensitive, value: value.clone() })
}

/// Whether any key of a `where` value (at any depth) is a `deletedAt…` condition.
pub fn mentions_deleted_at(value: &Value) -> bool {
    match value {
        Value::Object(object) => {
            object.iter().any(|(k, v)| k == "deletedAt" || k.starts_with("deletedAt_") || mentions_deleted_at(v))
        }
        Value::Array(items) => items.iter().any(mentions_deleted_at),
        _ => false,
    }
}

/// Evaluates filters against rows of the store.
pub struct Matcher<'a> {
    /// The rows.
    pub store: &'a Store,
    /// Locale of localized names (filters on `name` see the localized value).
    pub locale: Locale,
}

impl Matcher<'_> {
    /// Whether `rec` matches `filter`.
    pub fn matches(&self, rec: Rec, filter: &Filter) -> Result<bool, FieldFailure> {
        match filter {
            Filter::All(parts) => {
                for part in parts {
                    if !self.matches(rec, part)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            Filter::Any(parts) => {
                for part in parts {
                    if self.matches(rec, part)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Filter::Cmp { field, op, negate, insensitive, value } => {
                let scalar = self.scalar(rec, field)?;
                compare(&scalar, *op, *insensitive, value).map(|hit| hit != *negate)
            }
            Filter::Rel { field, inner } => match self.field(rec, field)? {
                Field::Relation(Some(target)) => self.matches(target, inner),
                Field::Relation(None) => Ok(false),
                _ => Err(FieldFailure::NotEmulated(format!("Filtering {}.{field} by an object", rec.type_name()))),
            },
            Filter::IsNull { field, null } => {
                let is_null = match self.field(rec, field)? {
                    Field::Relation(target) => target.is_none(),
                    Field::Scalar(scalar) => scalar == Scalar::Null,
                    Field::Object(_) => false,
                };
                Ok(is_null == *null)
            }
        }
    }

    fn field(&self, rec: Rec, name: &str) -> Result<Field<'_>, FieldFailure> {
        self.store
            .field(rec, name, self.locale)
            .ok_or_else(|| FieldFailure::NotEmulated(format!("The filter field `{}.{name}`", rec.type_name())))
    }

    fn scalar(&self, rec: Rec, name: &str) -> Result<Scalar, FieldFailure> {
        match self.field(rec, name)? {
            Field::Scalar(scalar) => Ok(scalar),
            _ => Err(FieldFailure::NotEmulated(format!("Comparing `{}.{name}` with a scalar", rec.type_name()))),
        }
    }
}

/// Applies one operator to a row's value and the filter's value.
fn compare(scalar: &Scalar, op: Op, insensitive: bool, value: &Value) -> Result<bool, FieldFailure> {
    let eq = |v: &Value| order(scalar, v, insensitive).map(|o| o == Some(Ordering::Equal));
    let is_null = *scalar == Scalar::Null;
    Ok(match op {
        Op::Eq if value.is_null() => is_null,
        Op::Not if value.is_null() => !is_null,
        Op::Eq => eq(value)?,
        Op::Not => is_null || !eq(value)?,
        Op::In | Op::NotIn => {
            let items = value.as_array().map(Vec::as_slice).unwrap_or_default();
            let mut found = false;
            for item in items {
                found |= if item.is_null() { is_null } else { eq(item)? };
            }
            found == (op == Op::In)
        }
        Op::Lt | Op::Lte | Op::Gt | Op::Gte => match order(scalar, value, insensitive)? {
            Some(o) => match op {
                Op::Lt => o == Ordering::Less,
                Op::Lte => o != Ordering::Greater,
                Op::Gt => o == Ordering::Greater,
                _ => o != Ordering::Less,
            },
            None => false,
        },
        Op::Contains | Op::StartsWith | Op::EndsWith => text_op(scalar, op, insensitive, value),
    })
}

fn text_op(scalar: &Scalar, op: Op, insensitive: bool, value: &Value) -> bool {
    let (Scalar::Text(have), Some(want)) = (scalar, value.as_str()) else {
        return false;
    };
    let fold = |s: &str| if insensitive { s.to_lowercase() } else { s.to_owned() };
    let (have, want) = (fold(have), fold(want));
    match op {
        Op::Contains => have.contains(&want),
        Op::StartsWith => have.starts_with(&want),
        _ => have.ends_with(&want),
    }
}

/// Orders a row's value against a filter value; `None` when either is null.
fn order(scalar: &Scalar, value: &Value, insensitive: bool) -> Result<Option<Ordering>, FieldFailure> {
    Ok(match (scalar, value) {
        (Scalar::Null, _) | (_, Value::Null) => None,
        (Scalar::Instant(ms), Value::String(text)) => {
            let nanos = time::parse_nanos(text).ok_or_else(|| {
                FieldFailure::BadInput(format!("invalid input syntax for type timestamp: \"{text}\""))
            })?;
            Some((i128::from(*ms) * 1_000_000).cmp(&nanos))
        }
        (Scalar::Int(i), Value::Number(n)) => (*i as f64).partial_cmp(&n.as_f64().unwrap_or(f64::NAN)),
        (Scalar::Bool(b), Value::Bool(v)) => Some(b.cmp(v)),
        (Scalar::Text(have), Value::String(want)) if insensitive => Some(have.to_lowercase().cmp(&want.to_lowercase())),
        (Scalar::Text(have), Value::String(want)) => Some(have.as_ref().cmp(want.as_str())),
        (Scalar::Text(have), Value::Number(n)) => Some(have.as_ref().cmp(n.to_string().as_str())),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::{Filter, Op, mentions_deleted_at, parse};
    use serde_json::json;

    #[test]
    fn deleted_at_conditions_are_found_at_any_depth() {
        assert!(mentions_deleted_at(&json!({ "OR": [{ "deletedAt_not": null }] })));
        assert!(!mentions_deleted_at(&json!({ "updatedAt_gt": "x" })));
    }

    #[test]
    fn key_suffixes_become_operators() {
        let filter = parse(&json!({ "name_not_contains_i": "x" })).unwrap();
        let expected =
            Filter::Cmp { field: "name".into(), op: Op::Contains, negate: true, insensitive: true, value: json!("x") };
        assert_eq!(filter, Filter::All(vec![expected]));
    }
}
