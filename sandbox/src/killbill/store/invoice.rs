//! External charges, invoice commit and void (`InvoiceResource`, `DefaultInvoiceUserApi`).

use chrono::NaiveDate;
use uuid::Uuid;

use super::model::{Audit, Invoice, InvoiceItem, InvoiceStatus, ItemKind, ItemLabels};
use super::{Counters, TenantData};
use crate::killbill::error::{KbError, KbResult};
use crate::killbill::money::{self, Currency};
use crate::killbill::notify::Event;

/// One item of `POST /1.0/kb/invoices/charges/{accountId}`.
#[derive(Debug, Clone, Default)]
pub struct NewCharge {
    /// An existing DRAFT invoice to append to; `None` puts the item on the new invoice.
    pub invoice_id: Option<Uuid>,
    /// The amount as decimal text, as sent.
    pub amount: Option<String>,
    /// The item currency, if sent (must equal the account's).
    pub currency: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub labels: ItemLabels,
}

/// Where the items of one request go.
struct ChargeRequest<'a> {
    account_id: Uuid,
    currency: Currency,
    requested: NaiveDate,
    auto_commit: bool,
    audit: &'a Audit,
}

impl TenantData {
    /// Adds external charges: items without an `invoiceId` all go on one new invoice, DRAFT
    /// unless `auto_commit`. Returns the created items and the events to push.
    pub fn add_external_charges(
        &mut self,
        counters: &mut Counters,
        account_id: Uuid,
        charges: Vec<NewCharge>,
        requested: NaiveDate,
        auto_commit: bool,
        audit: &Audit,
    ) -> KbResult<(Vec<InvoiceItem>, Vec<Event>)> {
        let account = self.account(account_id)?;
        let currency = checked_currency(account.currency, &charges)?;
        let request = ChargeRequest { account_id, currency, requested, auto_commit, audit };
        let amounts = self.validate_charges(&charges, currency)?;
        let mut new_invoice: Option<Invoice> = None;
        let mut created = Vec::new();
        for (charge, amount_minor) in charges.into_iter().zip(amounts) {
            let invoice_id = match charge.invoice_id {
                Some(id) => id,
                None => new_invoice.get_or_insert_with(|| request.new_invoice(counters)).id,
            };
            let item = request.item(counters.new_id(), invoice_id, amount_minor, charge);
            match new_invoice.as_mut().filter(|inv| inv.id == invoice_id) {
                Some(invoice) => invoice.items.push(item.clone()),
                None => self.invoices.get_mut(invoice_id).expect("validated").items.push(item.clone()),
            }
            created.push(item);
        }
        let mut events = Vec::new();
        if let Some(invoice) = new_invoice {
            let invoice_id = invoice.id;
            self.invoices.insert(invoice_id, invoice);
            if auto_commit {
                events = self.commit_events(invoice_id);
            }
        }
        Ok((created, events))
    }

    /// Checks amounts and target invoices of every item before anything is written.
    fn validate_charges(&self, charges: &[NewCharge], currency: Currency) -> KbResult<Vec<i64>> {
        charges
            .iter()
            .map(|charge| {
                let text = charge.amount.clone().unwrap_or_else(|| "null".to_string());
                let minor = charge
                    .amount
                    .as_deref()
                    .map(|a| money::parse_minor(a, currency.exponent()))
                    .transpose()?
                    .filter(|m| *m >= 0)
                    .ok_or(KbError::ChargeAmountInvalid(text))?;
                if let Some(invoice_id) = charge.invoice_id {
                    self.check_draft(invoice_id)?;
                }
                Ok(minor)
            })
            .collect()
    }

    /// An existing invoice can take new items only while it is DRAFT.
    fn check_draft(&self, invoice_id: Uuid) -> KbResult<()> {
        match self.invoice(invoice_id)?.status {
            InvoiceStatus::Draft => Ok(()),
            InvoiceStatus::Committed => Err(KbError::InvoiceAlreadyCommitted(invoice_id)),
            InvoiceStatus::Void => Err(KbError::InvoiceIsVoid(invoice_id)),
        }
    }

    /// `PUT …/commitInvoice`: DRAFT → COMMITTED (400 code 4023 from any other status).
    pub fn commit_invoice(&mut self, invoice_id: Uuid) -> KbResult<Vec<Event>> {
        self.change_status(invoice_id, InvoiceStatus::Committed)?;
        Ok(self.commit_events(invoice_id))
    }

    /// `PUT …/voidInvoice`: only while nothing is paid net of refunds (400 code 4028 otherwise).
    pub fn void_invoice(&mut self, invoice_id: Uuid) -> KbResult<Vec<Event>> {
        let invoice = self.invoice(invoice_id)?;
        let account_id = invoice.account_id;
        if self.paid_minor(invoice_id) != 0 {
            return Err(KbError::InvoicePaid(invoice_id));
        }
        self.change_status(invoice_id, InvoiceStatus::Void)?;
        Ok(vec![Event::invoice(Event::INVOICE_ADJUSTMENT, account_id, invoice_id)])
    }

    fn change_status(&mut self, invoice_id: Uuid, wanted: InvoiceStatus) -> KbResult<()> {
        let invoice = self.invoices.get_mut(invoice_id).ok_or(KbError::InvoiceNotFound(invoice_id))?;
        if invoice.status == wanted || invoice.status == InvoiceStatus::Void {
            return Err(KbError::InvoiceInvalidStatus {
                wanted: wanted.as_str().to_string(),
                id: invoice_id,
                current: invoice.status.as_str().to_string(),
            });
        }
        invoice.status = wanted;
        Ok(())
    }

    /// `INVOICE_CREATION`, then the `INVOICE_PAYMENT_FAILED` Kill Bill sends when it finds no
    /// default payment method to collect a positive balance with.
    fn commit_events(&self, invoice_id: Uuid) -> Vec<Event> {
        let invoice = self.invoices.get(invoice_id).expect("committed invoice exists");
        let mut events = vec![Event::invoice(Event::INVOICE_CREATION, invoice.account_id, invoice_id)];
        let balance = self.invoice_balance_minor(invoice_id);
        if balance > 0 {
            events.push(Event::invoice_payment_failed(invoice, balance));
        }
        events
    }

    /// Sum of the payments recorded against the invoice net of their refunds, in minor units.
    pub fn paid_minor(&self, invoice_id: Uuid) -> i64 {
        self.payments.iter().filter(|p| p.invoice_id == invoice_id).map(|p| p.net_minor()).sum()
    }

    /// Charged minus paid plus refunded for a COMMITTED invoice; 0 for DRAFT and VOID ones.
    pub fn invoice_balance_minor(&self, invoice_id: Uuid) -> i64 {
        match self.invoices.get(invoice_id) {
            Some(inv) if inv.status == InvoiceStatus::Committed => inv.charged_minor() - self.paid_minor(invoice_id),
            _ => 0,
        }
    }
}

impl ChargeRequest<'_> {
    fn new_invoice(&self, counters: &mut Counters) -> Invoice {
        Invoice {
            id: counters.new_id(),
            account_id: self.account_id,
            number: counters.next_invoice(),
            status: if self.auto_commit { InvoiceStatus::Committed } else { InvoiceStatus::Draft },
            currency: self.currency,
            invoice_date: self.audit.at.date_naive(),
            target_date: self.requested,
            items: Vec::new(),
            audit: self.audit.clone(),
        }
    }

    fn item(&self, id: Uuid, invoice_id: Uuid, amount_minor: i64, charge: NewCharge) -> InvoiceItem {
        InvoiceItem {
            id,
            invoice_id,
            account_id: self.account_id,
            kind: ItemKind::ExternalCharge,
            amount_minor,
            start_date: charge.start_date.unwrap_or(self.requested),
            end_date: charge.end_date,
            labels: charge.labels,
        }
    }
}

/// Every item currency must equal the account currency (`IllegalArgumentException(currency)`).
fn checked_currency(account: Option<Currency>, charges: &[NewCharge]) -> KbResult<Currency> {
    for code in charges.iter().filter_map(|c| c.currency.as_deref()) {
        if account.map(Currency::code) != Some(code) {
            return Err(KbError::CurrencyMismatch(code.to_string()));
        }
    }
    account.ok_or_else(|| KbError::BadRequest("Account has no currency".to_string()))
}
