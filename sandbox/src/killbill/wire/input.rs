//! Request bodies, read the way Kill Bill's Jackson mapper reads them: unknown fields are
//! ignored and amounts may be JSON numbers or strings.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use uuid::Uuid;

use crate::killbill::error::{KbError, KbResult};
use crate::killbill::money::Currency;
use crate::killbill::store::model::{AccountFields, ItemLabels};
use crate::killbill::store::{NewAccount, NewAdjustment, NewCharge, NewPayment, NewRefund};

/// `Tenant` body of `POST /1.0/kb/tenants`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantInput {
    pub api_key: Option<String>,
    pub api_secret: Option<String>,
    pub external_key: Option<String>,
}

/// `Account` body of `POST /1.0/kb/accounts`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountInput {
    external_key: Option<String>,
    currency: Option<String>,
    time_zone: Option<String>,
    reference_time: Option<DateTime<Utc>>,
    bill_cycle_day_local: Option<i32>,
    is_migrated: Option<bool>,
    is_payment_delegated_to_parent: Option<bool>,
    #[serde(flatten)]
    fields: AccountFields,
}

impl AccountInput {
    /// Checks the currency against the spec's enum.
    pub fn into_new_account(self) -> KbResult<NewAccount> {
        let currency = self.currency.as_deref().map(parse_currency).transpose()?;
        Ok(NewAccount {
            external_key: self.external_key,
            currency,
            time_zone: self.time_zone,
            reference_time: self.reference_time,
            bill_cycle_day: self.bill_cycle_day_local,
            is_migrated: self.is_migrated,
            is_payment_delegated_to_parent: self.is_payment_delegated_to_parent,
            fields: self.fields,
        })
    }
}

/// One `InvoiceItem` of `POST /1.0/kb/invoices/charges/{accountId}`. `invoiceItemId`,
/// `accountId` and `itemType` are ignored, like the server does.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceItemInput {
    invoice_id: Option<Uuid>,
    amount: Option<serde_json::Value>,
    currency: Option<String>,
    start_date: Option<NaiveDate>,
    end_date: Option<NaiveDate>,
    #[serde(flatten)]
    labels: ItemLabels,
}

impl InvoiceItemInput {
    /// The charge as the store takes it.
    pub fn into_charge(self) -> KbResult<NewCharge> {
        Ok(NewCharge {
            invoice_id: self.invoice_id,
            amount: self.amount.map(amount_text).transpose()?.flatten(),
            currency: self.currency,
            start_date: self.start_date,
            end_date: self.end_date,
            labels: self.labels,
        })
    }
}

/// `InvoiceItem` body of `POST /1.0/kb/invoices/{invoiceId}` (an item adjustment). Other
/// fields (`invoiceId`, `itemType`, dates, names) are ignored, like the server does.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdjustmentInput {
    account_id: Option<Uuid>,
    invoice_item_id: Option<Uuid>,
    amount: Option<serde_json::Value>,
    currency: Option<String>,
    description: Option<String>,
    item_details: Option<String>,
}

impl AdjustmentInput {
    /// Reads the body (`null` or absent is refused) and checks what `adjustInvoiceItem`
    /// requires; returns the body's `accountId` (whose lock the call takes) and the adjustment.
    pub fn parse(bytes: &[u8]) -> KbResult<(Uuid, NewAdjustment)> {
        let input: Option<Self> = if bytes.iter().all(u8::is_ascii_whitespace) { None } else { parse_body(bytes)? };
        let input = input.ok_or_else(|| KbError::BadRequest("InvoiceItemJson body should be specified".to_string()))?;
        let account_id = input
            .account_id
            .ok_or_else(|| KbError::BadRequest("InvoiceItemJson accountId needs to be set".to_string()))?;
        let item_id = input
            .invoice_item_id
            .ok_or_else(|| KbError::BadRequest("InvoiceItemJson invoiceItemId needs to be set".to_string()))?;
        let adjustment = NewAdjustment {
            item_id,
            amount: input.amount.map(amount_text).transpose()?.flatten(),
            currency: input.currency.as_deref().map(parse_currency).transpose()?,
            description: input.description,
            item_details: input.item_details,
        };
        Ok((account_id, adjustment))
    }
}

/// `InvoicePayment` body of `POST /1.0/kb/invoices/{invoiceId}/payments`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoicePaymentInput {
    account_id: Option<Uuid>,
    purchased_amount: Option<serde_json::Value>,
    payment_external_key: Option<String>,
    payment_method_id: Option<Uuid>,
}

impl InvoicePaymentInput {
    /// Checks the fields `createInstantPayment` requires for an external payment.
    pub fn into_payment(self) -> KbResult<NewPayment> {
        let account_id = self
            .account_id
            .ok_or_else(|| KbError::BadRequest("InvoicePaymentJson accountId needs to be set".to_string()))?;
        if self.payment_method_id.is_some() {
            return Err(KbError::BadRequest(
                "InvoicePaymentJson should not contain a paymentMethodId when this is an external payment".to_string(),
            ));
        }
        Ok(NewPayment {
            account_id,
            amount: self.purchased_amount.map(amount_text).transpose()?.flatten(),
            external_key: self.payment_external_key,
        })
    }
}

/// `InvoicePaymentTransaction` body of `POST /1.0/kb/invoicePayments/{paymentId}/refunds`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundInput {
    amount: Option<serde_json::Value>,
    currency: Option<String>,
    transaction_external_key: Option<String>,
    is_adjusted: Option<bool>,
}

impl RefundInput {
    /// The refund as the store takes it. Only `isAdjusted=false` (no invoice item
    /// adjustment) is emulated; `true` is refused with 400 rather than silently ignored. A
    /// `currency` must be one of the spec's, and is then ignored: Kill Bill refunds in the
    /// account currency (`InvoicePaymentResource.createRefundWithAdjustments`).
    pub fn into_refund(self) -> KbResult<NewRefund> {
        if self.is_adjusted == Some(true) {
            return Err(KbError::BadRequest(
                "Only refunds without invoice item adjustment (isAdjusted=false) are emulated".to_string(),
            ));
        }
        if self.transaction_external_key.as_ref().is_some_and(|k| k.len() > 255) {
            return Err(KbError::ExternalKeyTooLong);
        }
        self.currency.as_deref().map(parse_currency).transpose()?;
        Ok(NewRefund {
            amount: self.amount.map(amount_text).transpose()?.flatten(),
            external_key: self.transaction_external_key,
        })
    }
}

/// One `CustomField` of `POST …/customFields`.
#[derive(Debug, Deserialize)]
pub struct CustomFieldInput {
    /// Field name.
    pub name: Option<String>,
    /// Field value.
    pub value: Option<String>,
}

/// Parses a body, mapping any error to Kill Bill's 400.
pub fn parse_body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> KbResult<T> {
    serde_json::from_slice(bytes).map_err(|e| KbError::BadRequest(format!("Unable to parse the JSON body: {e}")))
}

/// A currency of the spec's enum, or 400.
pub fn parse_currency(code: &str) -> KbResult<Currency> {
    Currency::parse(code).ok_or_else(|| {
        KbError::BadRequest(format!("No enum constant org.killbill.billing.catalog.api.Currency.{code}"))
    })
}

/// A `BigDecimal` field: a JSON number or a string holding one; `null` is absent.
fn amount_text(value: serde_json::Value) -> KbResult<Option<String>> {
    match value {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::Number(n) => Ok(Some(n.to_string())),
        serde_json::Value::String(s) => Ok(Some(s)),
        other => Err(KbError::BadRequest(format!("Invalid amount {other}"))),
    }
}
