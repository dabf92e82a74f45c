//! Where a keyset page starts in the (`updatedAt`, `number`) ticket index.
//!
//! Only an optimization: the full `where` is still applied to every scanned row, so a
//! bound that is too low costs time, never correctness.

use super::filter::{Filter, Op};
use crate::condo::data::time::{self, Millis};

/// The first (`updatedAt`, `number`) key a ticket matching `filter` can have, if the filter
/// bounds it: `updatedAt_gt/_gte` and the keyset `OR` form. Used to start an index scan.
pub fn start(filter: &Filter) -> Option<(Millis, i64)> {
    match filter {
        Filter::All(parts) => {
            let own = parts.iter().filter_map(start).max();
            own.into_iter().chain(tie_break_start(parts)).max()
        }
        Filter::Any(parts) if !parts.is_empty() => {
            parts.iter().map(start).collect::<Option<Vec<_>>>()?.into_iter().min()
        }
        Filter::Cmp { field, op, negate: false, insensitive: false, value } if field == "updatedAt" => {
            let ms = time::parse_millis(value.as_str()?)?;
            match op {
                Op::Gt => Some((ms + 1, i64::MIN)),
                Op::Gte | Op::Eq => Some((ms, i64::MIN)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `{updatedAt: T, number_gt: N}` starts at (T, N + 1).
fn tie_break_start(parts: &[Filter]) -> Option<(Millis, i64)> {
    let at = parts.iter().find_map(|p| match p {
        Filter::Cmp { field, op: Op::Eq, negate: false, value, .. } if field == "updatedAt" => {
            time::parse_millis(value.as_str()?)
        }
        _ => None,
    })?;
    let number = parts.iter().find_map(|p| match p {
        Filter::Cmp { field, op: Op::Gt, value, .. } if field == "number" => value.as_i64().map(|n| n + 1),
        Filter::Cmp { field, op: Op::Gte, value, .. } if field == "number" => value.as_i64(),
        _ => None,
    })?;
    Some((at, number))
}

#[cfg(test)]
mod tests {
    use super::start;
    use crate::condo::data::time::parse_millis;
    use crate::condo::exec::filter::parse;
    use serde_json::json;

    #[test]
    fn the_keyset_or_form_starts_after_the_last_row_of_the_previous_page() {
        let t = "2026-08-20T09:14:03.530Z";
        let filter = parse(&json!({ "OR": [{ "updatedAt_gt": t }, { "updatedAt": t, "number_gt": 18342 }] })).unwrap();
        assert_eq!(start(&filter), Some((parse_millis(t).unwrap(), 18343)));
    }

    #[test]
    fn an_unbounded_branch_of_an_or_disables_the_index_start() {
        let filter = parse(&json!({ "OR": [{ "updatedAt_gt": "2026-08-20T00:00:00Z" }, { "number": 5 }] })).unwrap();
        assert_eq!(start(&filter), None);
    }

    #[test]
    fn updated_at_gt_starts_just_after_that_instant() {
        let filter =
            parse(&json!({ "updatedAt_gt": "2026-08-20T00:00:00.000Z", "organization": { "id": "x" } })).unwrap();
        assert_eq!(start(&filter), Some((parse_millis("2026-08-20T00:00:00.001Z").unwrap(), i64::MIN)));
    }
}
