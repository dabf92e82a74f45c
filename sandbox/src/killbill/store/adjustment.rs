//! Invoice item adjustments (`InvoiceResource.adjustInvoiceItem`): an `ITEM_ADJ` item that
//! takes part or all of an item back, lowering the invoice's amount and balance. The checks
//! and their order are Kill Bill 0.24's (`DefaultInvoiceUserApi.insertInvoiceItemAdjustment`,
//! `InvoiceApiHelper.createAdjustmentItem`, `InvoiceDaoHelper.computeItemAdjustments`).

use chrono::NaiveDate;
use uuid::Uuid;

use super::model::{Invoice, InvoiceItem, InvoiceStatus, ItemKind, ItemLabels};
use super::{Counters, TenantData};
use crate::killbill::error::{KbError, KbResult};
use crate::killbill::money::{self, AmountError, Currency};
use crate::killbill::notify::Event;

/// Kill Bill compares the requested amount with what is left of the item as stored
/// (`numeric(15,9)`), before the new item is rounded to the currency's minor units.
const STORED_DIGITS: u32 = 9;

/// Body of `POST /1.0/kb/invoices/{invoiceId}` (an `InvoiceItem`).
#[derive(Debug, Clone)]
pub struct NewAdjustment {
    /// `invoiceItemId`: the item to adjust.
    pub item_id: Uuid,
    /// The positive amount to take off, as decimal text; `None` takes all that is left.
    pub amount: Option<String>,
    /// When sent, must be the invoice's currency.
    pub currency: Option<Currency>,
    /// `description` of the new item.
    pub description: Option<String>,
    /// `itemDetails` of the new item.
    pub item_details: Option<String>,
}

impl TenantData {
    /// Adds an `ITEM_ADJ` item dated `requested` to the invoice. Returns the new item's id, or
    /// `None` when no amount was sent and nothing is left of the item (Kill Bill then answers
    /// 404 without a body), and the events to push: `INVOICE_ADJUSTMENT` for a COMMITTED
    /// invoice, nothing for a DRAFT one (Kill Bill announces a draft only when it is committed).
    pub fn adjust_invoice_item(
        &mut self,
        counters: &mut Counters,
        invoice_id: Uuid,
        input: NewAdjustment,
        requested: NaiveDate,
    ) -> KbResult<(Option<Uuid>, Vec<Event>)> {
        if let Some(text) = &input.amount {
            // Checked before the invoice is read, as Kill Bill does.
            if stored_units(text)? <= 0 {
                return Err(KbError::AdjustmentNotPositive(text.clone()));
            }
        }
        let invoice = self.invoice(invoice_id)?;
        let Some((target, amount_minor)) = self.adjustable_amount(invoice, &input)? else {
            return Ok((None, Vec::new()));
        };
        let item = adjustment_item(counters.new_id(), target, amount_minor, input, requested);
        let (item_id, account_id, status) = (item.id, invoice.account_id, invoice.status);
        self.invoices.get_mut(invoice_id).expect("read above").items.push(item);
        let events = match status {
            InvoiceStatus::Committed => vec![Event::invoice(Event::INVOICE_ADJUSTMENT, account_id, invoice_id)],
            InvoiceStatus::Draft | InvoiceStatus::Void => Vec::new(),
        };
        Ok((Some(item_id), events))
    }

    /// The amount to take off the item, in minor units, after Kill Bill's checks in their
    /// order: VOID invoice (4031), currency (3), item on this invoice (4011), amount above
    /// what is left (4020). Returns the item and the amount, or `None` when no amount was
    /// sent and nothing is left.
    fn adjustable_amount<'a>(
        &self,
        invoice: &'a Invoice,
        input: &NewAdjustment,
    ) -> KbResult<Option<(&'a InvoiceItem, i64)>> {
        if invoice.status == InvoiceStatus::Void {
            return Err(KbError::InvoiceVoidUpdated(invoice.id));
        }
        let currency = invoice.currency;
        if let Some(given) = input.currency.filter(|c| *c != currency) {
            return Err(KbError::CurrencyInvalid {
                given: given.code().to_string(),
                expected: currency.code().to_string(),
            });
        }
        let target =
            invoice.items.iter().find(|i| i.id == input.item_id).ok_or(KbError::InvoiceItemNotFound(input.item_id))?;
        let left = left_to_adjust(invoice, target);
        let exponent = currency.exponent();
        let amount_minor = match &input.amount {
            None if left <= 0 => return Ok(None),
            None => left,
            Some(text) => {
                let left_stored = left * 10i64.pow(STORED_DIGITS - exponent);
                if stored_units(text)? > left_stored {
                    // Kill Bill names what is left as read from its column (`30.000000000`),
                    // or `BigDecimal.ZERO` (`0`) when nothing is.
                    let left =
                        if left == 0 { "0".to_string() } else { money::format_minor(left_stored, STORED_DIGITS) };
                    return Err(KbError::AdjustmentTooLarge { amount: text.clone(), left });
                }
                money::parse_minor(text, exponent)?
            }
        };
        self.check_no_credit(invoice, amount_minor)?;
        Ok(Some((target, amount_minor)))
    }

    /// On a COMMITTED invoice, Kill Bill turns a balance taken below zero into account credit
    /// (a `CBA_ADJ` item and `accountCBA`), which the emulator does not keep: such an
    /// adjustment is refused as not emulated rather than answered with wrong balances.
    fn check_no_credit(&self, invoice: &Invoice, amount_minor: i64) -> KbResult<()> {
        if invoice.status == InvoiceStatus::Committed && self.invoice_balance_minor(invoice.id) < amount_minor {
            return Err(KbError::BadRequest(
                "Adjustments beyond the invoice balance are not emulated: Kill Bill would turn the excess into account credit (CBA)"
                    .to_string(),
            ));
        }
        Ok(())
    }
}

/// What is left to adjust of `target`: its amount less the adjustments already linked to it,
/// never below zero (so an `ITEM_ADJ` item itself has nothing left, and any amount asked of
/// it is refused with 4020, as in Kill Bill).
fn left_to_adjust(invoice: &Invoice, target: &InvoiceItem) -> i64 {
    let adjusted: i64 = invoice
        .items
        .iter()
        .filter(|i| i.kind == ItemKind::ItemAdj && i.labels.linked_invoice_item_id == Some(target.id))
        .map(|i| -i.amount_minor)
        .sum();
    (target.amount_minor - adjusted).max(0)
}

/// The `ITEM_ADJ` item (`createAdjustmentItem`): the negated amount, linked to the target,
/// with its catalog names, the request's description and details, dated `requested`.
fn adjustment_item(
    id: Uuid,
    target: &InvoiceItem,
    amount_minor: i64,
    input: NewAdjustment,
    requested: NaiveDate,
) -> InvoiceItem {
    let from = &target.labels;
    InvoiceItem {
        id,
        invoice_id: target.invoice_id,
        account_id: target.account_id,
        kind: ItemKind::ItemAdj,
        amount_minor: -amount_minor,
        start_date: requested,
        end_date: Some(requested),
        labels: ItemLabels {
            linked_invoice_item_id: Some(target.id),
            product_name: from.product_name.clone(),
            plan_name: from.plan_name.clone(),
            phase_name: from.phase_name.clone(),
            usage_name: from.usage_name.clone(),
            description: input.description,
            item_details: input.item_details,
            ..ItemLabels::default()
        },
    }
}

/// The amount at Kill Bill's stored precision. An amount too large for the column still
/// compares like Kill Bill's `BigDecimal` (above anything left, or not positive).
fn stored_units(text: &str) -> KbResult<i64> {
    match money::parse_minor(text, STORED_DIGITS) {
        Ok(units) => Ok(units),
        Err(AmountError::OutOfRange(_)) if text.trim_start().starts_with('-') => Ok(i64::MIN),
        Err(AmountError::OutOfRange(_)) => Ok(i64::MAX),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_compared_at_nine_decimals_and_huge_ones_by_their_sign() {
        assert_eq!(stored_units("30.004"), Ok(30_004_000_000));
        assert_eq!(stored_units("1e7"), Ok(i64::MAX));
        assert_eq!(stored_units("-1e7"), Ok(i64::MIN));
        assert!(stored_units("ten").is_err());
    }
}
