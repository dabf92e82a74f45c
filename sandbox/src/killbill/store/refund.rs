//! Refunds of external invoice payments (`InvoicePaymentResource.createRefundWithAdjustments`
//! with `isAdjusted=false`): a REFUND transaction on the payment, which hands the amount back
//! to the invoice balance.

use uuid::Uuid;

use super::model::{Audit, Refund};
use super::{Counters, TenantData};
use crate::killbill::error::{KbError, KbResult};
use crate::killbill::money;
use crate::killbill::notify::Event;

/// Body of `POST /1.0/kb/invoicePayments/{paymentId}/refunds` (`InvoicePaymentTransaction`).
#[derive(Debug, Clone)]
pub struct NewRefund {
    /// `amount` as decimal text (required).
    pub amount: Option<String>,
    /// `transactionExternalKey`; defaults to a new random UUID (not the transaction id).
    pub external_key: Option<String>,
}

impl TenantData {
    /// Records a successful REFUND on the payment and returns the events to push.
    pub fn refund_payment(
        &mut self,
        counters: &mut Counters,
        payment_id: Uuid,
        input: NewRefund,
        audit: &Audit,
    ) -> KbResult<Vec<Event>> {
        let payment = self.payment(payment_id)?;
        let exponent = payment.currency.exponent();
        let text = input
            .amount
            .ok_or_else(|| KbError::BadRequest("InvoicePaymentTransactionJson amount needs to be set".to_string()))?;
        let amount_minor = money::parse_minor(&text, exponent)?;
        if amount_minor <= 0 {
            // `InvoicePaymentControlPluginApi.computeRefundAmount`.
            return Err(KbError::RefundRefused("You need to specify a positive refund amount"));
        }
        // Kill Bill's invoice DAO refuses a refund above the payment amount with
        // REFUND_AMOUNT_TOO_HIGH (4906, `DefaultInvoiceDao.computePositiveRefundAmount`) and
        // leaves earlier refunds to the payment call; the emulator counts them here, so the
        // same code answers any refund above what is left (purchased − already refunded).
        let refundable = payment.net_minor();
        if amount_minor > refundable {
            return Err(KbError::RefundTooLarge {
                amount: text,
                refundable: money::format_minor(refundable, exponent),
            });
        }
        if let Some(key) = &input.external_key {
            self.check_transaction_key(key)?;
        }
        let transaction_id = counters.new_id();
        let refund = Refund {
            transaction_id,
            external_key: input.external_key.unwrap_or_else(|| counters.new_id().to_string()),
            amount_minor,
            audit: audit.clone(),
        };
        let payment =
            self.payments.get_mut(payment_id).ok_or_else(|| KbError::PaymentNotFound(payment_id.to_string()))?;
        let events = vec![
            Event::refund_success(payment, &refund),
            Event::invoice_refund_success(payment, &refund),
            Event::invoice(Event::INVOICE_ADJUSTMENT, payment.account_id, payment.invoice_id),
        ];
        payment.refunds.push(refund);
        Ok(events)
    }

    /// A `transactionExternalKey` already carried by a successful transaction: 400 code 7030
    /// (`PaymentProcessor.runSanityOnTransactionExternalKey`).
    fn check_transaction_key(&self, key: &str) -> KbResult<()> {
        if self.payments.iter().any(|p| p.transaction_keys().any(|k| k == key)) {
            return Err(KbError::TransactionKeyExists(key.to_string()));
        }
        Ok(())
    }
}
