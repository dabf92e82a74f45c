//! External invoice payments (`createInstantPayment` with `externalPayment=true`, run through
//! the invoice payment control plugin and the payment state machine).

use uuid::Uuid;

use super::model::{Audit, Payment};
use super::{Counters, TenantData};
use crate::killbill::error::{KbError, KbResult};
use crate::killbill::money;
use crate::killbill::notify::Event;

/// Body of `POST /1.0/kb/invoices/{invoiceId}/payments`.
#[derive(Debug, Clone)]
pub struct NewPayment {
    /// `accountId`: required, must be the invoice's account.
    pub account_id: Uuid,
    /// `purchasedAmount` as decimal text; `None` pays the whole balance.
    pub amount: Option<String>,
    /// `paymentExternalKey`; defaults to the payment id.
    pub external_key: Option<String>,
}

impl TenantData {
    /// Records an external payment. `Ok(None)` means "nothing to pay" (204): the invoice is
    /// DRAFT, VOID or already paid.
    pub fn pay_invoice(
        &mut self,
        counters: &mut Counters,
        invoice_id: Uuid,
        input: NewPayment,
        audit: &Audit,
    ) -> KbResult<Option<(Uuid, Vec<Event>)>> {
        let account = self.account(input.account_id)?;
        let currency = self.invoice(invoice_id)?.currency;
        if self.invoice(invoice_id)?.account_id != account.id {
            return Err(KbError::AccountNotFound(input.account_id));
        }
        let balance = self.invoice_balance_minor(invoice_id);
        let Some(amount_minor) = payable_amount(input.amount.as_deref(), balance, currency.exponent(), invoice_id)?
        else {
            return Ok(None);
        };
        if let Some(key) = &input.external_key {
            self.check_payment_key(key, account.id)?;
        }
        let payment_method_id = self.external_payment_method(counters, input.account_id);
        let id = counters.new_id();
        let payment = Payment {
            id,
            number: counters.next_payment(),
            account_id: input.account_id,
            invoice_id,
            external_key: input.external_key.unwrap_or_else(|| id.to_string()),
            transaction_id: counters.new_id(),
            amount_minor,
            currency,
            payment_method_id,
            audit: audit.clone(),
            refunds: Vec::new(),
        };
        let events = vec![Event::payment_success(&payment), Event::invoice_payment_success(&payment)];
        self.payment_keys.insert(payment.external_key.clone(), id);
        self.payments.insert(id, payment);
        Ok(Some((id, events)))
    }

    /// The payment with `id`, or 404 code 7020.
    pub fn payment(&self, id: Uuid) -> KbResult<&Payment> {
        self.payments.get(id).ok_or_else(|| KbError::PaymentNotFound(id.to_string()))
    }

    /// The payment with `external_key`, or 404 code 7020.
    pub fn payment_by_key(&self, external_key: &str) -> KbResult<&Payment> {
        self.payment_keys
            .get(external_key)
            .and_then(|id| self.payments.get(*id))
            .ok_or_else(|| KbError::PaymentNotFound(external_key.to_string()))
    }

    /// A key already used by a successful payment: 7034 if it is another account's, 7032 else.
    fn check_payment_key(&self, key: &str, account_id: Uuid) -> KbResult<()> {
        match self.payment_by_key(key) {
            Ok(existing) if existing.account_id != account_id => Err(KbError::PaymentOtherAccount(existing.id)),
            Ok(_) => Err(KbError::PaymentInvalidOperation),
            Err(_) => Ok(()),
        }
    }

    /// The account's `__EXTERNAL_PAYMENT__` method, created on first use (never the default).
    fn external_payment_method(&mut self, counters: &mut Counters, account_id: Uuid) -> Uuid {
        let account = self.accounts.get_mut(account_id).expect("checked account");
        *account.external_payment_method.get_or_insert_with(|| counters.new_id())
    }
}

/// The invoice payment control plugin: nothing to pay when the balance is not positive, 7199
/// when asked for more than the balance, the whole balance when no amount is given.
fn payable_amount(amount: Option<&str>, balance: i64, exponent: u32, invoice_id: Uuid) -> KbResult<Option<i64>> {
    if balance <= 0 {
        return Ok(None);
    }
    let Some(text) = amount else {
        return Ok(Some(balance));
    };
    let requested = money::parse_minor(text, exponent)?;
    if requested > balance {
        return Err(KbError::PaymentTooLarge {
            amount: text.to_string(),
            invoice: invoice_id,
            balance: money::format_minor(balance, exponent),
        });
    }
    if requested < 0 {
        return Err(KbError::BadRequest(format!("Invalid parameter amount: {text}")));
    }
    Ok((requested > 0).then_some(requested))
}
