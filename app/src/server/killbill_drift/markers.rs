//! The markers a re-assert leaves in Kill Bill's `itemDetails`, so an
//! interrupted one finds what it already sent instead of sending it again,
//! and the tell of an adjustment made in Kill Bill itself (one that carries
//! none of our markers).

use serde_json::Value;
use uuid::Uuid;

use crate::server::adapters::killbill::wire::{Invoice, InvoiceItem, item_details};

/// Marks an item as sent by the re-assert `resolution`.
const REASSERT: &str = "mktReassertId";
/// Marks an adjustment as one of our credit notes'.
const CREDIT_NOTE: &str = "mktCreditNoteId";
/// Marks an item as a line of one of our invoices.
const INVOICE: &str = "mktInvoiceId";

fn details(item: &InvoiceItem) -> Option<Value> {
    serde_json::from_str(item.item_details.as_deref()?).ok()
}

fn is_adjustment(item: &InvoiceItem) -> bool {
    item.item_type.as_deref() == Some("ITEM_ADJ")
}

/// The `itemDetails` of line `line` of our invoice as re-issued by `resolution`:
/// the mirror's marker of the line (so the line is found as before) and the
/// re-assert's.
pub fn reissue_details(invoice_id: Uuid, line: i32, resolution: Uuid) -> String {
    let mut v: Value = serde_json::from_str(&item_details(invoice_id, line)).unwrap_or_default();
    v[REASSERT] = Value::String(resolution.to_string());
    v.to_string()
}

/// The `itemDetails` of the adjustment of line `line` sent by `resolution`.
pub fn adjustment_details(resolution: Uuid, line: i32) -> String {
    serde_json::json!({ REASSERT: resolution, "mktLineId": line }).to_string()
}

/// Whether an item was sent by `resolution` (for line `line`, when given).
fn sent_by(item: &InvoiceItem, resolution: Uuid, line: Option<i32>) -> bool {
    details(item).is_some_and(|v| {
        v.get(REASSERT).and_then(Value::as_str) == Some(resolution.to_string().as_str())
            && line.is_none_or(|l| v.get("mktLineId").and_then(Value::as_i64) == Some(i64::from(l)))
    })
}

/// The adjustment `resolution` made on line `line`, if Kill Bill holds it.
pub fn adjustment_sent(invoice: &Invoice, resolution: Uuid, line: i32) -> Option<Uuid> {
    invoice.items.iter().filter(|i| is_adjustment(i)).find(|i| sent_by(i, resolution, Some(line)))?.invoice_item_id
}

/// The invoice `resolution` re-issued (DRAFT or COMMITTED), if Kill Bill holds it.
pub fn reissued(invoices: &[Invoice], resolution: Uuid) -> Option<&Invoice> {
    invoices
        .iter()
        .filter(|i| i.status.as_deref() != Some("VOID"))
        .find(|i| i.items.iter().any(|item| sent_by(item, resolution, None)))
}

/// Whether an adjustment was made in Kill Bill itself: it carries neither a
/// credit note's marker nor a re-assert's.
pub fn made_in_killbill(item: &InvoiceItem) -> bool {
    is_adjustment(item) && details(item).is_none_or(|v| v.get(CREDIT_NOTE).is_none() && v.get(REASSERT).is_none())
}

/// The line of our invoice `invoice_id` that Kill Bill's item `item_id` is, by its marker.
pub fn line_of_item(invoice: &Invoice, invoice_id: Uuid, item_id: Uuid) -> Option<i32> {
    let item = invoice.items.iter().find(|i| i.invoice_item_id == Some(item_id) && !is_adjustment(i))?;
    let v = details(item)?;
    if v.get(INVOICE).and_then(Value::as_str) != Some(invoice_id.to_string().as_str()) {
        return None;
    }
    v.get("mktLineId").and_then(Value::as_i64).and_then(|l| i32::try_from(l).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::adapters::killbill::wire::credit_note_details;

    fn item(id: u128, kind: &str, details: Option<String>) -> InvoiceItem {
        InvoiceItem {
            invoice_item_id: Some(Uuid::from_u128(id)),
            item_type: Some(kind.into()),
            item_details: details,
            ..InvoiceItem::default()
        }
    }

    #[test]
    fn our_markers_tell_our_adjustments_from_kill_bills_own() {
        let (ours, note, resolution) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let invoice = Invoice {
            invoice_id: Uuid::from_u128(9),
            status: Some("COMMITTED".into()),
            amount: None,
            balance: None,
            items: vec![
                item(10, "EXTERNAL_CHARGE", Some(item_details(ours, 1))),
                item(11, "ITEM_ADJ", Some(credit_note_details(note, 1))),
                item(12, "ITEM_ADJ", Some(adjustment_details(resolution, 1))),
                item(13, "ITEM_ADJ", None),
                item(14, "ITEM_ADJ", Some("not json".into())),
            ],
        };
        let own: Vec<_> = invoice.items.iter().filter(|i| made_in_killbill(i)).map(|i| i.invoice_item_id).collect();
        assert_eq!(own, vec![Some(Uuid::from_u128(13)), Some(Uuid::from_u128(14))]);
        assert_eq!(adjustment_sent(&invoice, resolution, 1), Some(Uuid::from_u128(12)));
        assert_eq!(adjustment_sent(&invoice, resolution, 2), None);
        assert_eq!(line_of_item(&invoice, ours, Uuid::from_u128(10)), Some(1));
        assert_eq!(line_of_item(&invoice, note, Uuid::from_u128(10)), None, "another invoice's line");
        assert_eq!(line_of_item(&invoice, ours, Uuid::from_u128(11)), None, "an adjustment is no line");
    }

    #[test]
    fn a_reissued_line_keeps_the_mirrors_marker_and_names_its_resolution() {
        let (ours, resolution) = (Uuid::from_u128(1), Uuid::from_u128(3));
        let mut reissue = Invoice {
            invoice_id: Uuid::from_u128(20),
            status: Some("DRAFT".into()),
            amount: None,
            balance: None,
            items: vec![item(21, "EXTERNAL_CHARGE", Some(reissue_details(ours, 2, resolution)))],
        };
        assert_eq!(reissue.item_of_line(ours, 2), Some(Uuid::from_u128(21)), "found as the mirror finds lines");
        let all = [reissue.clone()];
        assert_eq!(reissued(&all, resolution).map(|i| i.invoice_id), Some(Uuid::from_u128(20)));
        assert!(reissued(&all, Uuid::from_u128(4)).is_none());
        reissue.status = Some("VOID".into());
        assert!(reissued(&[reissue], resolution).is_none(), "a void copy is not it");
    }
}
