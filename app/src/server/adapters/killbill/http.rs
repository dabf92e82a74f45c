//! [`KillBillClient`] over HTTP with reqwest: Basic auth plus the tenant
//! headers on every call, `X-Killbill-CreatedBy` on writes, timeouts, a user
//! agent, and every status mapped in one place ([`KillBillError::from_status`]).

use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::settings::KillBillSettings;
use super::wire::{
    Account, CustomField, Invoice, InvoicePayment, NewInvoiceItem, NewInvoicePayment, NewItemAdjustment, NewRefund,
    Payment,
};
use super::{AccountCreated, INVOICE_INVALID_STATUS, KbResult, KillBillClient, KillBillError, PaymentRecorded};
use crate::server::secret::Secret;

const USER_AGENT: &str = concat!("marketplace/", env!("CARGO_PKG_VERSION"), " (killbill-mirror)");
const CREATED_BY: &str = "marketplace-sync";

/// The Kill Bill REST client.
#[derive(Debug, Clone)]
pub struct HttpKillBillClient {
    http: reqwest::Client,
    base_url: String,
    username: String,
    password: Secret,
    api_key: String,
    api_secret: Secret,
}

impl HttpKillBillClient {
    /// A client with the settings' base URL, credentials and timeout.
    pub fn new(settings: &KillBillSettings) -> Result<Self, KillBillError> {
        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(std::time::Duration::from_secs(5)))
            .pool_max_idle_per_host(settings.concurrency.max(1) * 2)
            .build()
            .map_err(|e| KillBillError::from_transport(&e))?;
        Ok(Self {
            http,
            base_url: settings.base_url.clone(),
            username: settings.username.clone(),
            password: settings.password.clone(),
            api_key: settings.api_key.clone(),
            api_secret: settings.api_secret.clone(),
        })
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let is_write = method != Method::GET;
        let builder = self
            .http
            .request(method, format!("{}/1.0/kb{path}", self.base_url))
            .basic_auth(&self.username, Some(self.password.expose()))
            .header("X-Killbill-ApiKey", &self.api_key)
            .header("X-Killbill-ApiSecret", self.api_secret.expose())
            .header("Accept", "application/json");
        if is_write {
            builder.header("X-Killbill-CreatedBy", CREATED_BY).header("X-Killbill-Reason", "mirror")
        } else {
            builder
        }
    }

    async fn send(builder: RequestBuilder) -> KbResult<Response> {
        crate::server::request_id::propagate(builder).send().await.map_err(|e| KillBillError::from_transport(&e))
    }

    /// The response if its status is a success, else the classified error.
    async fn success(response: Response) -> KbResult<Response> {
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let retry_after = crate::server::adapters::retry::retry_after_of(response.headers());
        let body = response.text().await.unwrap_or_default();
        Err(KillBillError::from_response(status.as_u16(), retry_after, &body))
    }

    async fn json<T: DeserializeOwned>(response: Response) -> KbResult<T> {
        let bytes = response.bytes().await.map_err(|e| KillBillError::from_transport(&e))?;
        serde_json::from_slice(&bytes).map_err(|e| KillBillError::Unexpected(format!("body does not parse: {e}")))
    }

    /// `GET` of one object: `None` on 404.
    async fn get_optional<T: DeserializeOwned>(&self, builder: RequestBuilder) -> KbResult<Option<T>> {
        let response = Self::send(builder).await?;
        if response.status() == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        Self::json(Self::success(response).await?).await.map(Some)
    }
}

/// The id at the end of a `Location` header (`…/accounts/{id}`).
fn location_id(response: &Response) -> KbResult<Uuid> {
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| KillBillError::Unexpected("201 without a Location header".into()))?;
    location
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .and_then(|id| Uuid::parse_str(id).ok())
        .ok_or_else(|| KillBillError::Unexpected(format!("no id in Location `{location}`")))
}

impl KillBillClient for HttpKillBillClient {
    /// <https://docs.killbill.io/latest/userguide_deployment.html> (health checks): outside `/1.0/kb`, no auth.
    async fn healthcheck(&self) -> KbResult<()> {
        let builder = self.http.get(format!("{}/1.0/healthcheck", self.base_url));
        Self::success(Self::send(builder).await?).await.map(drop)
    }

    /// <https://killbill.github.io/slate/account.html#retrieve-an-account-by-its-external-key>
    async fn account_by_external_key(&self, key: &str) -> KbResult<Option<Account>> {
        self.get_optional(self.request(Method::GET, "/accounts").query(&[("externalKey", key)])).await
    }

    /// <https://killbill.github.io/slate/account.html#create-an-account>
    async fn create_account(&self, account: &Account) -> KbResult<AccountCreated> {
        let response = Self::send(self.request(Method::POST, "/accounts").json(account)).await?;
        if response.status() == StatusCode::CONFLICT {
            return Ok(AccountCreated::AlreadyExists);
        }
        let response = Self::success(response).await?;
        location_id(&response).map(AccountCreated::Created)
    }

    /// <https://killbill.github.io/slate/invoice.html#create-external-charge-s> (answers 200 with the items).
    async fn create_draft_charges(
        &self,
        account_id: Uuid,
        requested_date: chrono::NaiveDate,
        items: &[NewInvoiceItem],
    ) -> KbResult<Uuid> {
        let date = requested_date.to_string();
        let builder = self
            .request(Method::POST, &format!("/invoices/charges/{account_id}"))
            .query(&[("autoCommit", "false"), ("requestedDate", date.as_str())])
            .json(items);
        let created: Vec<super::wire::InvoiceItem> =
            Self::json(Self::success(Self::send(builder).await?).await?).await?;
        created
            .iter()
            .find_map(|item| item.invoice_id)
            .ok_or_else(|| KillBillError::Unexpected("external charges answered without an invoiceId".into()))
    }

    /// <https://killbill.github.io/slate/invoice.html#add-custom-fields-to-invoice>
    async fn add_invoice_custom_fields(&self, invoice_id: Uuid, fields: &[CustomField]) -> KbResult<()> {
        let builder = self.request(Method::POST, &format!("/invoices/{invoice_id}/customFields")).json(fields);
        Self::success(Self::send(builder).await?).await.map(drop)
    }

    /// <https://killbill.github.io/slate/custom-field.html#search-custom-fields-by-type-name-and-optional-value>
    async fn search_invoice_custom_fields(&self, name: &str, value: &str) -> KbResult<Vec<CustomField>> {
        let builder = self.request(Method::GET, "/customFields/search").query(&[
            ("objectType", "INVOICE"),
            ("fieldName", name),
            ("fieldValue", value),
        ]);
        Self::json(Self::success(Self::send(builder).await?).await?).await
    }

    /// <https://killbill.github.io/slate/invoice.html#commit-an-invoice>
    async fn commit_invoice(&self, invoice_id: Uuid) -> KbResult<()> {
        let builder = self.request(Method::PUT, &format!("/invoices/{invoice_id}/commitInvoice"));
        match Self::success(Self::send(builder).await?).await {
            Ok(_) => Ok(()),
            Err(err) if err.code() == Some(INVOICE_INVALID_STATUS) => Ok(()),
            Err(err) => Err(err),
        }
    }

    /// <https://killbill.github.io/slate/invoice.html#void-an-invoice>
    async fn void_invoice(&self, invoice_id: Uuid) -> KbResult<()> {
        let builder = self.request(Method::PUT, &format!("/invoices/{invoice_id}/voidInvoice"));
        Self::success(Self::send(builder).await?).await.map(drop)
    }

    /// <https://killbill.github.io/slate/invoice.html#adjust-an-invoice-item> (`adjustInvoiceItem`):
    /// 201 with the invoice's `Location` and no body.
    async fn adjust_invoice_item(&self, invoice_id: Uuid, adjustment: &NewItemAdjustment) -> KbResult<()> {
        let builder = self.request(Method::POST, &format!("/invoices/{invoice_id}")).json(adjustment);
        Self::success(Self::send(builder).await?).await.map(drop)
    }

    /// <https://killbill.github.io/slate/invoice.html#retrieve-an-invoice-by-id>
    async fn invoice(&self, invoice_id: Uuid) -> KbResult<Option<Invoice>> {
        self.get_optional(self.request(Method::GET, &format!("/invoices/{invoice_id}"))).await
    }

    /// <https://killbill.github.io/slate/account.html#retrieve-account-invoices>
    async fn account_invoices(&self, account_id: Uuid) -> KbResult<Vec<Invoice>> {
        let builder = self
            .request(Method::GET, &format!("/accounts/{account_id}/invoices"))
            .query(&[("includeInvoiceComponents", "true")]);
        Self::json(Self::success(Self::send(builder).await?).await?).await
    }

    /// <https://killbill.github.io/slate/payment.html#retrieve-a-payment-by-external-key>
    async fn payment_by_external_key(&self, key: &str) -> KbResult<Option<Payment>> {
        self.get_optional(self.request(Method::GET, "/payments").query(&[("externalKey", key)])).await
    }

    /// <https://killbill.github.io/slate/invoice.html#trigger-a-payment-for-an-invoice> (`externalPayment=true`).
    async fn create_external_payment(
        &self,
        invoice_id: Uuid,
        payment: &NewInvoicePayment,
    ) -> KbResult<PaymentRecorded> {
        let builder = self
            .request(Method::POST, &format!("/invoices/{invoice_id}/payments"))
            .query(&[("externalPayment", "true")])
            .json(payment);
        let response = Self::success(Self::send(builder).await?).await?;
        if response.status() == StatusCode::NO_CONTENT {
            return Ok(PaymentRecorded::NothingToPay);
        }
        location_id(&response).map(PaymentRecorded::Recorded)
    }

    /// <https://killbill.github.io/slate/account.html#retrieve-an-account-by-its-id>
    async fn account_with_balance(&self, account_id: Uuid) -> KbResult<Account> {
        let builder =
            self.request(Method::GET, &format!("/accounts/{account_id}")).query(&[("accountWithBalance", "true")]);
        Self::json(Self::success(Self::send(builder).await?).await?).await
    }

    /// `updateAccount` (`PUT /1.0/kb/accounts/{accountId}`, `treatNullAsReset=false`): 204.
    async fn update_account(&self, account_id: Uuid, account: &Account) -> KbResult<()> {
        let builder = self.request(Method::PUT, &format!("/accounts/{account_id}")).json(account);
        Self::success(Self::send(builder).await?).await.map(drop)
    }

    /// `createRefundWithAdjustments` (`POST /1.0/kb/invoicePayments/{paymentId}/refunds`); 201 with no body needed.
    async fn refund_payment(&self, payment_id: Uuid, refund: &NewRefund) -> KbResult<()> {
        let builder = self.request(Method::POST, &format!("/invoicePayments/{payment_id}/refunds")).json(refund);
        Self::success(Self::send(builder).await?).await.map(drop)
    }

    /// `getInvoicePayment` (`GET /1.0/kb/invoicePayments/{paymentId}`), transactions included.
    async fn invoice_payment(&self, payment_id: Uuid) -> KbResult<Option<InvoicePayment>> {
        self.get_optional(self.request(Method::GET, &format!("/invoicePayments/{payment_id}"))).await
    }

    /// <https://killbill.github.io/slate/account.html#retrieve-account-invoice-payments>
    async fn account_invoice_payments(&self, account_id: Uuid) -> KbResult<Vec<InvoicePayment>> {
        let builder = self.request(Method::GET, &format!("/accounts/{account_id}/invoicePayments"));
        Self::json(Self::success(Self::send(builder).await?).await?).await
    }

    /// <https://killbill.github.io/slate/tenant.html#register-a-push-notification>
    async fn register_callback(&self, url: &str) -> KbResult<()> {
        let builder = self.request(Method::POST, "/tenants/registerNotificationCallback").query(&[("cb", url)]);
        Self::success(Self::send(builder).await?).await.map(drop)
    }
}
