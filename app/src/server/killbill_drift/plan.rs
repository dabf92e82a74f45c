//! What each way out does exactly, worked out from our invoice's lines and
//! Kill Bill's copy as read: the credit note that records Kill Bill's own
//! adjustments (accept), and what Kill Bill is sent to hold our figure again
//! (re-assert). Pure: errors say in words why it cannot be done.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::markers::{line_of_item, made_in_killbill};
use crate::server::adapters::killbill::wire::{Invoice, minor_units};

/// One of our invoice's lines with what credit notes took back of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OurLine {
    pub position: i32,
    pub description: String,
    pub amount_minor: i64,
    pub credited_minor: i64,
}

impl OurLine {
    /// What is left of the line after the notes.
    pub fn net(&self) -> i64 {
        self.amount_minor - self.credited_minor
    }
}

/// Kill Bill's own adjustments, as one credit note of ours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// Kill Bill's ids of the adjustments, in the invoice's order.
    pub adjustments: Vec<Uuid>,
    /// `(line, amount)`: what the note takes back of each line.
    pub parts: Vec<(i32, i64)>,
    /// Their sum.
    pub total: i64,
}

/// The adjustments made in Kill Bill itself on its copy of our invoice
/// `invoice_id` and not accepted yet, each on the line whose item it adjusts.
pub fn accepted(
    kb: &Invoice,
    invoice_id: Uuid,
    already: &[String],
    exponent: u32,
    lines: &[OurLine],
) -> Result<Accepted, String> {
    let mut found = Accepted { adjustments: Vec::new(), parts: Vec::new(), total: 0 };
    for item in kb.items.iter().filter(|i| made_in_killbill(i)) {
        let Some(id) = item.invoice_item_id else { continue };
        if already.contains(&id.to_string()) {
            continue;
        }
        let taken = item.amount.as_ref().and_then(|a| minor_units(a, exponent)).map(|a| -a).filter(|a| *a > 0);
        let Some(taken) = taken else {
            return Err(format!("Kill Bill's adjustment {id} has no amount this currency can hold"));
        };
        let line = item.linked_invoice_item_id.and_then(|linked| line_of_item(kb, invoice_id, linked));
        let Some(line) = line else {
            return Err(format!("Kill Bill's adjustment {id} is not on one of the invoice's lines"));
        };
        found.adjustments.push(id);
        found.total += taken;
        match found.parts.iter_mut().find(|(l, _)| *l == line) {
            Some((_, sum)) => *sum += taken,
            None => found.parts.push((line, taken)),
        }
    }
    found.parts.sort_unstable();
    for (line, taken) in &found.parts {
        let left = lines.iter().find(|l| l.position == *line).map_or(0, OurLine::net);
        if *taken > left {
            return Err(format!("Kill Bill took {taken} off line {line}, which has only {left} left here"));
        }
    }
    Ok(found)
}

/// What a re-assert sends, kept with it (`killbill_drift_resolution.plan`)
/// so an interrupted one is finished exactly as planned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "way", rename_all = "snake_case")]
pub enum Plan {
    /// Kill Bill's copy is lower: void it and issue our invoice again there.
    Reissue {
        /// Kill Bill's account.
        account_id: Uuid,
        /// Kill Bill's copy to void.
        void: Uuid,
        /// The date the new copy is requested for (our invoice's issue date).
        requested_date: NaiveDate,
        /// Its service period.
        period: (NaiveDate, NaiveDate),
        /// Our lines, each net of credit notes.
        lines: Vec<PlannedLine>,
    },
    /// Kill Bill's copy is higher: adjust its items down by the excess.
    AdjustDown {
        /// Kill Bill's account.
        account_id: Uuid,
        /// Kill Bill's copy.
        invoice: Uuid,
        /// One adjustment per line.
        parts: Vec<PlannedPart>,
    },
}

/// A line as re-issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedLine {
    pub position: i32,
    pub description: String,
    pub amount_minor: i64,
}

/// An adjustment down of Kill Bill's item of one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedPart {
    pub line: i32,
    pub item_id: Uuid,
    pub amount_minor: i64,
}

/// Our lines net of notes; they must add up to our figure, and Kill Bill
/// takes no negative charge.
pub fn reissue_lines(lines: &[OurLine], ours: i64) -> Result<Vec<PlannedLine>, String> {
    if let Some(line) = lines.iter().find(|l| l.net() < 0) {
        return Err(format!("line {} is negative, which Kill Bill takes on no invoice", line.position));
    }
    let sum: i64 = lines.iter().map(OurLine::net).sum();
    if lines.is_empty() || sum != ours {
        return Err(format!("the invoice's lines add up to {sum}, not to its figure {ours}"));
    }
    Ok(lines
        .iter()
        .map(|l| PlannedLine { position: l.position, description: l.description.clone(), amount_minor: l.net() })
        .collect())
}

/// The adjustments that take `excess` off Kill Bill's copy: first from the
/// lines that hold more there than here, then from any line with something
/// left there, each within what is left of its item.
pub fn adjust_down(
    kb: &Invoice,
    invoice_id: Uuid,
    lines: &[OurLine],
    exponent: u32,
    excess: i64,
) -> Result<Vec<PlannedPart>, String> {
    let mut left_there = Vec::new();
    for line in lines {
        let item = kb
            .item_of_line(invoice_id, line.position)
            .ok_or_else(|| format!("Kill Bill's copy has no item for line {}", line.position))?;
        let amount = |i: &crate::server::adapters::killbill::wire::InvoiceItem| {
            i.amount.as_ref().and_then(|a| minor_units(a, exponent)).unwrap_or(0)
        };
        let own = kb.items.iter().find(|i| i.invoice_item_id == Some(item)).map_or(0, amount);
        let adjusted: i64 = kb.items.iter().filter(|i| i.linked_invoice_item_id == Some(item)).map(amount).sum();
        left_there.push((line.position, item, own + adjusted, line.net()));
    }
    let mut parts: Vec<PlannedPart> = Vec::new();
    let mut rest = excess;
    let more_there = left_there.iter().map(|(_, _, there, here)| (there - here).max(0));
    let room = left_there.iter().map(|(_, _, there, _)| (*there).max(0));
    for (round, caps) in [more_there.collect::<Vec<_>>(), room.collect()].into_iter().enumerate() {
        for ((line, item, _, _), cap) in left_there.iter().zip(caps) {
            let taken: i64 = parts.iter().filter(|p| p.line == *line).map(|p| p.amount_minor).sum();
            let take = (cap - if round == 0 { 0 } else { taken }).min(rest).max(0);
            if take == 0 {
                continue;
            }
            rest -= take;
            match parts.iter_mut().find(|p| p.line == *line) {
                Some(p) => p.amount_minor += take,
                None => parts.push(PlannedPart { line: *line, item_id: *item, amount_minor: take }),
            }
        }
    }
    if rest > 0 || excess <= 0 {
        return Err(format!("Kill Bill's copy has less than {excess} left on its items to take off"));
    }
    parts.sort_by_key(|p| p.line);
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::adapters::killbill::wire::{InvoiceItem, credit_note_details, item_details};
    use serde_json::json;

    const OURS: Uuid = Uuid::from_u128(1);

    fn line(position: i32, amount_minor: i64, credited_minor: i64) -> OurLine {
        OurLine { position, description: format!("line {position}"), amount_minor, credited_minor }
    }

    fn item(id: u128, kind: &str, amount: f64, linked: Option<u128>, details: Option<String>) -> InvoiceItem {
        InvoiceItem {
            invoice_item_id: Some(Uuid::from_u128(id)),
            item_type: Some(kind.into()),
            linked_invoice_item_id: linked.map(Uuid::from_u128),
            item_details: details,
            amount: Some(json!(amount)),
            ..InvoiceItem::default()
        }
    }

    /// Lines of 900.00 and 100.00; 50.00 of line 1 taken back by our note;
    /// Kaui took 20.00 off line 1 and 5.00 off line 2.
    fn copy() -> Invoice {
        let items = vec![
            item(10, "EXTERNAL_CHARGE", 900.0, None, Some(item_details(OURS, 1))),
            item(11, "EXTERNAL_CHARGE", 100.0, None, Some(item_details(OURS, 2))),
            item(12, "ITEM_ADJ", -50.0, Some(10), Some(credit_note_details(Uuid::from_u128(5), 1))),
            item(13, "ITEM_ADJ", -20.0, Some(10), None),
            item(14, "ITEM_ADJ", -5.0, Some(11), None),
        ];
        Invoice { invoice_id: Uuid::from_u128(9), status: Some("COMMITTED".into()), amount: None, balance: None, items }
    }

    fn ours() -> Vec<OurLine> {
        vec![line(1, 90_000, 5_000), line(2, 10_000, 0)]
    }

    #[test]
    fn kill_bills_own_adjustments_become_one_note_line_by_line() {
        let found = accepted(&copy(), OURS, &[], 2, &ours()).unwrap();
        assert_eq!(found.parts, vec![(1, 2_000), (2, 500)]);
        assert_eq!(found.total, 2_500);
        assert_eq!(found.adjustments, vec![Uuid::from_u128(13), Uuid::from_u128(14)]);
        let again = accepted(&copy(), OURS, &[Uuid::from_u128(13).to_string()], 2, &ours()).unwrap();
        assert_eq!((again.parts, again.total), (vec![(2, 500)], 500), "an accepted one is never counted again");
        let short = [line(1, 90_000, 89_000), line(2, 10_000, 0)];
        assert!(accepted(&copy(), OURS, &[], 2, &short).unwrap_err().contains("only 1000 left"));
    }

    #[test]
    fn a_reissue_carries_our_lines_net_of_notes() {
        let lines = reissue_lines(&ours(), 95_000).unwrap();
        assert_eq!(lines.iter().map(|l| l.amount_minor).collect::<Vec<_>>(), vec![85_000, 10_000]);
        assert!(reissue_lines(&ours(), 96_000).is_err(), "lines must add up to our figure");
        assert!(reissue_lines(&[line(1, -5, 0)], -5).unwrap_err().contains("negative"));
    }

    #[test]
    fn an_excess_is_taken_first_where_kill_bill_holds_more() {
        // There: line 1 holds 830.00, line 2 95.00. Here: 850.00 and 80.00.
        let here = [line(1, 90_000, 5_000), line(2, 10_000, 2_000)];
        let parts = adjust_down(&copy(), OURS, &here, 2, 1_500).unwrap();
        assert_eq!(parts, vec![PlannedPart { line: 2, item_id: Uuid::from_u128(11), amount_minor: 1_500 }]);
        let more = adjust_down(&copy(), OURS, &here, 2, 2_000).unwrap();
        let amounts: Vec<_> = more.iter().map(|p| (p.line, p.amount_minor)).collect();
        assert_eq!(amounts, vec![(1, 500), (2, 1_500)], "then wherever something is left there");
        assert!(adjust_down(&copy(), OURS, &here, 2, 92_600).is_err(), "never more than the items hold");
    }
}
