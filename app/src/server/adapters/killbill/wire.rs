//! Kill Bill's JSON shapes (`kbswagger.yaml` definitions), only the fields
//! the mirror sends or reads. Amounts are sent as exact JSON numbers built
//! from minor units, never through floats.

#![expect(
    missing_docs,
    reason = "wire types carry the upstream contract's fields under its names (see shared/contracts/)"
)]

use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;
use uuid::Uuid;

/// An exact decimal amount such as `1250.00`, written as a JSON number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amount(String);

impl Amount {
    /// The amount of `minor` units of a currency with `exponent` decimals.
    pub fn from_minor(minor: i64, exponent: u32) -> Self {
        let sign = if minor < 0 { "-" } else { "" };
        let abs = minor.unsigned_abs();
        if exponent == 0 {
            return Self(format!("{sign}{abs}"));
        }
        let scale = 10u64.pow(exponent);
        Self(format!("{sign}{}.{:0width$}", abs / scale, abs % scale, width = exponent as usize))
    }

    /// The decimal text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let raw = serde_json::value::RawValue::from_string(self.0.clone()).map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

/// Converts a decimal amount read from Kill Bill to minor units, exactly
/// (a JSON number or string; `None` when it has more decimals than the currency).
pub fn minor_units(value: &Value, exponent: u32) -> Option<i64> {
    let text = match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => return None,
    };
    let (negative, digits) = text.strip_prefix('-').map_or((false, text.as_str()), |d| (true, d));
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let frac = frac.trim_end_matches('0');
    if frac.len() > exponent as usize {
        return None;
    }
    let scaled = format!("{int}{frac:0<width$}", width = exponent as usize);
    let n: i64 = scaled.parse().ok()?;
    Some(if negative { -n } else { n })
}

/// `Account`: the fields the mirror sends on create and reads back.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<Uuid>,
    pub external_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub currency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    #[serde(skip_serializing)]
    pub account_balance: Option<Value>,
}

/// `InvoiceItem` as sent for an external charge.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewInvoiceItem {
    /// Required by the spec but ignored by the server (it makes its own); we send our line's id.
    pub invoice_item_id: Uuid,
    pub account_id: Uuid,
    pub amount: Amount,
    pub currency: String,
    pub description: String,
    pub start_date: chrono::NaiveDate,
    pub end_date: chrono::NaiveDate,
    /// The marker of the local invoice and line, as a JSON string.
    pub item_details: String,
}

/// `InvoiceItem` as read back.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceItem {
    #[serde(default)]
    pub invoice_item_id: Option<Uuid>,
    pub invoice_id: Option<Uuid>,
    /// `EXTERNAL_CHARGE`, `ITEM_ADJ`, …
    #[serde(default)]
    pub item_type: Option<String>,
    /// For an `ITEM_ADJ`: the item it takes part of back.
    #[serde(default)]
    pub linked_invoice_item_id: Option<Uuid>,
    pub item_details: Option<String>,
    pub amount: Option<Value>,
}

/// `InvoiceItem` as sent to adjust an item (`POST /invoices/{invoiceId}`):
/// Kill Bill adds an `ITEM_ADJ` item of minus `amount`, linked to
/// `invoiceItemId`, with our `description` and `itemDetails`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewItemAdjustment {
    pub account_id: Uuid,
    /// The item adjusted (here the server does read it).
    pub invoice_item_id: Uuid,
    /// Positive: what is taken off the item.
    pub amount: Amount,
    pub currency: String,
    pub description: String,
    /// The marker of the credit note and line ([`credit_note_details`]).
    pub item_details: String,
}

/// `Invoice` with its items (`includeInvoiceComponents=true`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Invoice {
    pub invoice_id: Uuid,
    pub status: Option<String>,
    pub amount: Option<Value>,
    pub balance: Option<Value>,
    #[serde(default)]
    pub items: Vec<InvoiceItem>,
}

/// `CustomField`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomField {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object_type: Option<String>,
    pub name: String,
    pub value: String,
}

/// `InvoicePayment` as sent for an external payment.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewInvoicePayment {
    pub account_id: Uuid,
    pub purchased_amount: Amount,
    pub payment_external_key: String,
}

/// `Payment`, with the status of its transactions.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    pub payment_id: Uuid,
    pub account_id: Option<Uuid>,
    pub payment_external_key: Option<String>,
    #[serde(default)]
    pub transactions: Vec<PaymentTransaction>,
}

impl Payment {
    /// Whether one of its transactions succeeded.
    pub fn succeeded(&self) -> bool {
        self.transactions.iter().any(|t| t.status.as_deref() == Some("SUCCESS"))
    }
}

/// `InvoicePayment` as read back: a payment with the invoice it was applied to.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoicePayment {
    pub payment_id: Uuid,
    pub target_invoice_id: Option<Uuid>,
    pub payment_external_key: Option<String>,
    pub purchased_amount: Option<Value>,
    pub refunded_amount: Option<Value>,
    pub currency: Option<String>,
    #[serde(default)]
    pub transactions: Vec<PaymentTransaction>,
}

impl InvoicePayment {
    /// Whether one of its transactions succeeded.
    pub fn succeeded(&self) -> bool {
        self.transactions.iter().any(|t| t.status.as_deref() == Some("SUCCESS"))
    }
}

/// `PaymentTransaction`: its kind, key, amount and status.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentTransaction {
    pub transaction_id: Option<Uuid>,
    pub transaction_type: Option<String>,
    pub transaction_external_key: Option<String>,
    pub status: Option<String>,
    pub amount: Option<Value>,
}

/// `InvoicePaymentTransaction` as sent to refund a payment (no invoice
/// adjustment: the invoice's balance rises by the refund, as ours does).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewRefund {
    pub amount: Amount,
    pub currency: String,
    pub transaction_external_key: String,
    pub is_adjusted: bool,
}

impl InvoicePayment {
    /// The id of its successful refund transaction keyed `key`, if any.
    pub fn refund_keyed(&self, key: &str) -> Option<Uuid> {
        self.transactions
            .iter()
            .find(|t| {
                t.transaction_type.as_deref() == Some("REFUND")
                    && t.transaction_external_key.as_deref() == Some(key)
                    && t.status.as_deref() == Some("SUCCESS")
            })
            .and_then(|t| t.transaction_id)
    }
}

/// The `transactionExternalKey` of our refund `id`: what a run looks for
/// before sending a refund again.
pub fn refund_transaction_key(id: Uuid) -> String {
    format!("mkt-refund-{id}")
}

/// Kill Bill's error body (`BillingExceptionJson`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    pub code: Option<i64>,
    pub message: Option<String>,
}

/// Name of the invoice custom field holding our invoice id.
pub const MARKER_FIELD: &str = "mkt_invoice_id";

/// The `itemDetails` of an invoice item we send: our invoice id and line, so
/// the invoice is found again even when its custom field was never written.
pub fn item_details(invoice_id: Uuid, line: i32) -> String {
    serde_json::json!({ "mktInvoiceId": invoice_id, "mktLineId": line }).to_string()
}

/// The `itemDetails` of the adjustment of one part of a credit note: the
/// note's id and the line it takes back, so a run that lost the answer finds
/// the adjustment again instead of sending it twice.
pub fn credit_note_details(credit_note_id: Uuid, line: i32) -> String {
    serde_json::json!({ "mktCreditNoteId": credit_note_id, "mktLineId": line }).to_string()
}

/// Whether an item's `itemDetails` carries `key` = `id` and `mktLineId` = `line`.
fn marks(item: &InvoiceItem, key: &str, id: Uuid, line: i32) -> bool {
    let details = item.item_details.as_deref().unwrap_or_default();
    serde_json::from_str::<Value>(details).is_ok_and(|v| {
        v.get(key).and_then(Value::as_str) == Some(id.to_string().as_str())
            && v.get("mktLineId").and_then(Value::as_i64) == Some(i64::from(line))
    })
}

impl Invoice {
    /// Kill Bill's id of the item of our invoice `local_id`'s line `line`
    /// (found by its marker; adjustments excluded).
    pub fn item_of_line(&self, local_id: Uuid, line: i32) -> Option<Uuid> {
        self.items
            .iter()
            .filter(|i| i.item_type.as_deref() != Some("ITEM_ADJ"))
            .find(|i| marks(i, "mktInvoiceId", local_id, line))
            .and_then(|i| i.invoice_item_id)
    }

    /// Kill Bill's id of the `ITEM_ADJ` item made for line `line` of credit
    /// note `credit_note_id`, if it exists.
    pub fn adjustment_of(&self, credit_note_id: Uuid, line: i32) -> Option<Uuid> {
        self.items
            .iter()
            .filter(|i| i.item_type.as_deref() == Some("ITEM_ADJ"))
            .find(|i| marks(i, "mktCreditNoteId", credit_note_id, line))
            .and_then(|i| i.invoice_item_id)
    }
}

/// The non-void invoice one of whose items carries the marker of `local_id`.
pub fn find_by_item_marker(invoices: &[Invoice], local_id: Uuid) -> Option<Uuid> {
    let wanted = local_id.to_string();
    invoices.iter().filter(|i| i.status.as_deref() != Some("VOID")).find_map(|invoice| {
        let carries = invoice.items.iter().any(|item| {
            let details = item.item_details.as_deref().unwrap_or_default();
            serde_json::from_str::<Value>(details)
                .is_ok_and(|v| v.get("mktInvoiceId").and_then(|m| m.as_str()) == Some(wanted.as_str()))
        });
        carries.then_some(invoice.invoice_id)
    })
}

/// The deterministic `paymentExternalKey` of a local payment.
pub fn payment_external_key(payment_id: Uuid) -> String {
    format!("mkt-payment-{payment_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_exact_decimal_numbers_in_json() {
        let item = serde_json::to_string(&Amount::from_minor(123_456_789, 2)).unwrap();
        assert_eq!(item, "1234567.89");
        assert_eq!(Amount::from_minor(5, 2).as_str(), "0.05");
        assert_eq!(Amount::from_minor(1500, 0).as_str(), "1500");
        assert_eq!(Amount::from_minor(-1, 3).as_str(), "-0.001");
    }

    #[test]
    fn lines_and_credit_note_adjustments_are_found_by_their_markers() {
        let (ours, note) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let item = |id: u128, kind: &str, details: String| InvoiceItem {
            invoice_item_id: Some(Uuid::from_u128(id)),
            item_type: Some(kind.into()),
            item_details: Some(details),
            ..InvoiceItem::default()
        };
        let invoice = Invoice {
            invoice_id: Uuid::from_u128(9),
            status: Some("COMMITTED".into()),
            amount: None,
            balance: None,
            items: vec![
                item(10, "EXTERNAL_CHARGE", item_details(ours, 1)),
                item(11, "EXTERNAL_CHARGE", item_details(ours, 2)),
                item(12, "ITEM_ADJ", credit_note_details(note, 2)),
            ],
        };
        assert_eq!(invoice.item_of_line(ours, 2), Some(Uuid::from_u128(11)));
        assert_eq!(invoice.item_of_line(ours, 3), None);
        assert_eq!(invoice.item_of_line(note, 2), None, "an adjustment is not a line");
        assert_eq!(invoice.adjustment_of(note, 2), Some(Uuid::from_u128(12)));
        assert_eq!(invoice.adjustment_of(note, 1), None);
        assert_eq!(invoice.adjustment_of(ours, 2), None);
    }

    #[test]
    fn amounts_read_back_convert_to_minor_units_exactly() {
        assert_eq!(minor_units(&serde_json::json!(1200.5), 2), Some(120_050));
        assert_eq!(minor_units(&serde_json::json!("0.07"), 2), Some(7));
        assert_eq!(minor_units(&serde_json::json!(12), 0), Some(12));
        assert_eq!(minor_units(&serde_json::json!(0.001), 2), None);
    }
}
