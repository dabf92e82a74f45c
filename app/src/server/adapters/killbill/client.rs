//! The calls the mirror makes, as a trait so the sync can be driven by any
//! client (the HTTP one against Kill Bill or its emulator).

use std::future::Future;
use uuid::Uuid;

use super::error::KillBillError;
use super::wire::{Account, CustomField, Invoice, InvoicePayment, NewInvoiceItem, NewInvoicePayment, Payment};

/// The result of a Kill Bill call.
pub type KbResult<T> = Result<T, KillBillError>;

/// How an account create ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountCreated {
    /// `201`: the new account's id (from `Location`).
    Created(Uuid),
    /// `409`: the external key is taken (an earlier attempt got there); read it again.
    AlreadyExists,
}

/// How an external payment ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentRecorded {
    /// `201`: the payment's id (from `Location`).
    Recorded(Uuid),
    /// `204`: the invoice had nothing to pay (DRAFT, or balance already 0).
    NothingToPay,
}

/// The Kill Bill calls of the invoice and payment mirror.
pub trait KillBillClient: Send + Sync {
    /// `GET /1.0/healthcheck`: whether Kill Bill is up.
    fn healthcheck(&self) -> impl Future<Output = KbResult<()>> + Send;
    /// The account with this external key, if any.
    fn account_by_external_key(&self, key: &str) -> impl Future<Output = KbResult<Option<Account>>> + Send;
    /// Creates an account.
    fn create_account(&self, account: &Account) -> impl Future<Output = KbResult<AccountCreated>> + Send;
    /// Puts the items on one new DRAFT invoice and returns its id.
    fn create_draft_charges(
        &self,
        account_id: Uuid,
        requested_date: chrono::NaiveDate,
        items: &[NewInvoiceItem],
    ) -> impl Future<Output = KbResult<Uuid>> + Send;
    /// Adds custom fields to an invoice.
    fn add_invoice_custom_fields(
        &self,
        invoice_id: Uuid,
        fields: &[CustomField],
    ) -> impl Future<Output = KbResult<()>> + Send;
    /// Invoice custom fields with this name and value.
    fn search_invoice_custom_fields(
        &self,
        name: &str,
        value: &str,
    ) -> impl Future<Output = KbResult<Vec<CustomField>>> + Send;
    /// Commits a DRAFT invoice; an invoice already committed counts as done.
    fn commit_invoice(&self, invoice_id: Uuid) -> impl Future<Output = KbResult<()>> + Send;
    /// Every invoice of an account with its items and amounts.
    fn account_invoices(&self, account_id: Uuid) -> impl Future<Output = KbResult<Vec<Invoice>>> + Send;
    /// The payment with this external key, if any.
    fn payment_by_external_key(&self, key: &str) -> impl Future<Output = KbResult<Option<Payment>>> + Send;
    /// Records a payment collected outside Kill Bill against an invoice.
    fn create_external_payment(
        &self,
        invoice_id: Uuid,
        payment: &NewInvoicePayment,
    ) -> impl Future<Output = KbResult<PaymentRecorded>> + Send;
    /// The account with its balance (`accountBalance`).
    fn account_with_balance(&self, account_id: Uuid) -> impl Future<Output = KbResult<Account>> + Send;
    /// Every payment of an account, each with the invoice it paid.
    fn account_invoice_payments(&self, account_id: Uuid) -> impl Future<Output = KbResult<Vec<InvoicePayment>>> + Send;
    /// Registers the tenant's push-notification callback (one URL per tenant; replaces the previous one).
    fn register_callback(&self, url: &str) -> impl Future<Output = KbResult<()>> + Send;
}
