//! Kill Bill's error answers: each variant is one situation the API reports, with the HTTP
//! status, `ErrorCode` and Java exception class the real server uses (`jaxrs/…/mappers`).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use uuid::Uuid;

use crate::killbill::money::AmountError;

const ACCOUNT_EXCEPTION: &str = "org.killbill.billing.account.api.AccountApiException";
const INVOICE_EXCEPTION: &str = "org.killbill.billing.invoice.api.InvoiceApiException";
const PAYMENT_EXCEPTION: &str = "org.killbill.billing.payment.api.PaymentApiException";
const TENANT_EXCEPTION: &str = "org.killbill.billing.tenant.api.TenantApiException";
const CUSTOM_FIELD_EXCEPTION: &str = "org.killbill.billing.util.api.CustomFieldApiException";

/// A failed Kill Bill call, as the server would report it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum KbError {
    /// 409, code 3000: the account external key is taken.
    #[error("Account already exists for key {0}")]
    AccountExists(String),
    /// 404, code 3002.
    #[error("Account does not exist for id {0}")]
    AccountNotFound(Uuid),
    /// 404, code 3003.
    #[error("Account does not exist for key {0}")]
    AccountKeyNotFound(String),
    /// 400, code 5.
    #[error("External key exceeded 255 characters")]
    ExternalKeyTooLong,
    /// 409, code 20000.
    #[error("Tenant already exists for key {0}")]
    TenantExists(String),
    /// 404, code 20003.
    #[error("Tenant does not exist for api key {0}")]
    TenantNotFound(String),
    /// 404, code 4006.
    #[error("No invoice could be found for id {0}.")]
    InvoiceNotFound(Uuid),
    /// 404, code 4018.
    #[error("No invoice could be found for number {0}.")]
    InvoiceNumberNotFound(u64),
    /// 400, code 4015: a negative (or missing) external charge amount.
    #[error("External charge amount {0} should be strictly positive")]
    ChargeAmountInvalid(String),
    /// 400, no code: `IllegalArgumentException` whose message is the item currency.
    #[error("{0}")]
    CurrencyMismatch(String),
    /// 400, code 4024.
    #[error("Cannot add credit or external charge for invoice id {0} because it is already in COMMITTED status")]
    InvoiceAlreadyCommitted(Uuid),
    /// 500, `IllegalStateException`: an item sent to a VOID invoice.
    #[error("Cannot add credit or external charge for invoice id {0} because it is in VOID status")]
    InvoiceIsVoid(Uuid),
    /// 400, code 4023: commit or void from a status that does not allow it.
    #[error("The invoice status {wanted} is invalid for invoice id {id}. Current status is {current}")]
    InvoiceInvalidStatus { wanted: String, id: Uuid, current: String },
    /// 400, code 4028.
    #[error("Invoice {0} can not be voided. Invoice is paid or partially paid.")]
    InvoicePaid(Uuid),
    /// 400, code 4031 `INVOICE_VOID_UPDATED`: a change to a VOID invoice (an item adjustment).
    #[error("Cannot modify a Voided invoice: id={0}")]
    InvoiceVoidUpdated(Uuid),
    /// 400, code 3 `CURRENCY_INVALID`: an adjustment in another currency than the invoice's.
    #[error("Invalid currency {given}, expected {expected}")]
    CurrencyInvalid { given: String, expected: String },
    /// 404, code 4011 `INVOICE_ITEM_NOT_FOUND`: no such item on the invoice.
    #[error("No invoice item could be found for id {0}.")]
    InvoiceItemNotFound(Uuid),
    /// 400, code 4010 `INVOICE_ITEM_ADJUSTMENT_AMOUNT_SHOULD_BE_POSITIVE`.
    #[error("Invoice adjustment amount {0} should be strictly positive")]
    AdjustmentNotPositive(String),
    /// 400, code 4020 `INVOICE_ITEM_ADJUSTMENT_AMOUNT_INVALID`: more than is left of the item.
    #[error("Invoice adjustment amount {amount} should be lower than {left}")]
    AdjustmentTooLarge { amount: String, left: String },
    /// 400, code 7199: more than the invoice balance.
    #[error("Plugin exception Invalid amount '{amount}' for invoice '{invoice}': invoice balance is = '{balance}'")]
    PaymentTooLarge { amount: String, invoice: Uuid, balance: String },
    /// 400, code 7032: a new PURCHASE on an already successful payment.
    #[error("Invalid payment transition PURCHASE from state PURCHASE_SUCCESS")]
    PaymentInvalidOperation,
    /// 400, code 7034: the payment external key belongs to another account.
    #[error("Payment {0} has a different account id")]
    PaymentOtherAccount(Uuid),
    /// 400, code 4906 `REFUND_AMOUNT_TOO_HIGH`: more than what is left to refund.
    #[error("Tried to refund {amount} of a {refundable} payment.")]
    RefundTooLarge { amount: String, refundable: String },
    /// 400, code 7030: a successful transaction already has this `transactionExternalKey`.
    #[error("Successful transaction with external key {0} already exists")]
    TransactionKeyExists(String),
    /// 400, code 7199: the invoice payment control plugin refuses a refund amount.
    #[error("Plugin exception {0}")]
    RefundRefused(&'static str),
    /// 404, code 7020.
    #[error("Payment {0} does not exist")]
    PaymentNotFound(String),
    /// 400, code 9000.
    #[error("The custom field {0} already exists")]
    CustomFieldExists(Uuid),
    /// 400, `IllegalArgumentException`: bad input (missing header, bad JSON, bad id).
    #[error("{0}")]
    BadRequest(String),
    /// 400, `NullPointerException`: a required query parameter is missing.
    #[error("{0}")]
    MissingParameter(String),
    /// 500: an amount that overflows the `numeric(15,9)` column.
    #[error("Data truncation: Out of range value for column 'amount' ({0})")]
    AmountOutOfRange(String),
    /// An error injected by the sandbox fault settings.
    #[error("{message}")]
    Injected { status: StatusCode, message: String },
}

/// The JSON body of every Kill Bill error (`BillingExceptionJson`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    class_name: &'static str,
    code: Option<u32>,
    message: String,
    cause_class_name: Option<&'static str>,
    cause_message: Option<String>,
    stack_trace: Vec<serde_json::Value>,
}

impl KbError {
    /// HTTP status, Kill Bill `ErrorCode` and Java class of this error.
    fn parts(&self) -> (StatusCode, Option<u32>, &'static str) {
        use StatusCode as S;
        match self {
            Self::AccountExists(_) => (S::CONFLICT, Some(3000), ACCOUNT_EXCEPTION),
            Self::AccountNotFound(_) => (S::NOT_FOUND, Some(3002), ACCOUNT_EXCEPTION),
            Self::AccountKeyNotFound(_) => (S::NOT_FOUND, Some(3003), ACCOUNT_EXCEPTION),
            Self::ExternalKeyTooLong => (S::BAD_REQUEST, Some(5), ACCOUNT_EXCEPTION),
            Self::TenantExists(_) => (S::CONFLICT, Some(20000), TENANT_EXCEPTION),
            Self::TenantNotFound(_) => (S::NOT_FOUND, Some(20003), TENANT_EXCEPTION),
            Self::InvoiceNotFound(_) => (S::NOT_FOUND, Some(4006), INVOICE_EXCEPTION),
            Self::InvoiceNumberNotFound(_) => (S::NOT_FOUND, Some(4018), INVOICE_EXCEPTION),
            Self::ChargeAmountInvalid(_) => (S::BAD_REQUEST, Some(4015), INVOICE_EXCEPTION),
            Self::CurrencyMismatch(_) | Self::BadRequest(_) => {
                (S::BAD_REQUEST, None, "java.lang.IllegalArgumentException")
            }
            Self::InvoiceAlreadyCommitted(_) => (S::BAD_REQUEST, Some(4024), INVOICE_EXCEPTION),
            Self::InvoiceIsVoid(_) => (S::INTERNAL_SERVER_ERROR, None, "java.lang.IllegalStateException"),
            Self::InvoiceInvalidStatus { .. } => (S::BAD_REQUEST, Some(4023), INVOICE_EXCEPTION),
            Self::InvoicePaid(_) => (S::BAD_REQUEST, Some(4028), INVOICE_EXCEPTION),
            Self::InvoiceVoidUpdated(_) => (S::BAD_REQUEST, Some(4031), INVOICE_EXCEPTION),
            Self::CurrencyInvalid { .. } => (S::BAD_REQUEST, Some(3), INVOICE_EXCEPTION),
            Self::InvoiceItemNotFound(_) => (S::NOT_FOUND, Some(4011), INVOICE_EXCEPTION),
            Self::AdjustmentNotPositive(_) => (S::BAD_REQUEST, Some(4010), INVOICE_EXCEPTION),
            Self::AdjustmentTooLarge { .. } => (S::BAD_REQUEST, Some(4020), INVOICE_EXCEPTION),
            Self::PaymentTooLarge { .. } => (S::BAD_REQUEST, Some(7199), PAYMENT_EXCEPTION),
            Self::PaymentInvalidOperation => (S::BAD_REQUEST, Some(7032), PAYMENT_EXCEPTION),
            Self::PaymentOtherAccount(_) => (S::BAD_REQUEST, Some(7034), PAYMENT_EXCEPTION),
            Self::RefundTooLarge { .. } => (S::BAD_REQUEST, Some(4906), INVOICE_EXCEPTION),
            Self::TransactionKeyExists(_) => (S::BAD_REQUEST, Some(7030), PAYMENT_EXCEPTION),
            Self::RefundRefused(_) => (S::BAD_REQUEST, Some(7199), PAYMENT_EXCEPTION),
            Self::PaymentNotFound(_) => (S::NOT_FOUND, Some(7020), PAYMENT_EXCEPTION),
            Self::CustomFieldExists(_) => (S::BAD_REQUEST, Some(9000), CUSTOM_FIELD_EXCEPTION),
            Self::MissingParameter(_) => (S::BAD_REQUEST, None, "java.lang.NullPointerException"),
            Self::AmountOutOfRange(_) => {
                (S::INTERNAL_SERVER_ERROR, None, "org.skife.jdbi.v2.exceptions.UnableToExecuteStatementException")
            }
            Self::Injected { status, .. } => (*status, None, "java.lang.RuntimeException"),
        }
    }

    /// The error body Kill Bill would send.
    pub fn body(&self) -> ErrorBody {
        let (_, code, class_name) = self.parts();
        ErrorBody {
            class_name,
            code,
            message: self.to_string(),
            cause_class_name: None,
            cause_message: None,
            stack_trace: Vec::new(),
        }
    }

    /// The HTTP status Kill Bill answers with.
    pub fn status(&self) -> StatusCode {
        self.parts().0
    }
}

impl IntoResponse for KbError {
    fn into_response(self) -> Response {
        (self.status(), axum::Json(self.body())).into_response()
    }
}

impl From<AmountError> for KbError {
    fn from(error: AmountError) -> Self {
        match error {
            AmountError::Invalid(text) => Self::BadRequest(format!("Invalid amount {text}")),
            AmountError::OutOfRange(text) => Self::AmountOutOfRange(text),
        }
    }
}

/// Result of a Kill Bill handler.
pub type KbResult<T> = Result<T, KbError>;
