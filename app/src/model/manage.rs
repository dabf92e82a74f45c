//! The back office's places, leases and invoices as the JSON API and the
//! pages exchange them. Amounts are in minor units, dates `YYYY-MM-DD`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The id of what a request created (201).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Created {
    /// Our id of the new record.
    pub id: Uuid,
}

/// A property or unit archived or brought back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Archived {
    /// The property or unit.
    pub id: Uuid,
    /// When it was archived; `None` once brought back.
    pub archived_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Our public listings of its units taken off the portal (archiving)
    /// or published again (bringing back).
    pub listings: Vec<Uuid>,
}

/// `POST /api/manage/properties`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPropertyRequest {
    /// Its name, as people call it.
    pub name: String,
    /// Street and number.
    pub address_line: String,
    /// City.
    pub city: String,
    /// Postal code.
    pub postal_code: String,
    /// ISO 3166 country code (`FR`).
    pub country: String,
    /// Its landlord (admins must say; a landlord's own by default).
    pub landlord_id: Option<Uuid>,
}

/// `PUT /api/manage/properties/{id}`: what a property's owner may change
/// (every field, as it should read now).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PropertyEditRequest {
    /// Its name, as people call it.
    pub name: String,
    /// Street and number.
    pub address_line: String,
    /// City.
    pub city: String,
    /// Postal code.
    pub postal_code: String,
    /// ISO 3166 country code (`FR`).
    pub country: String,
}

/// `POST /api/manage/properties/{id}/units`, and `PUT /api/manage/units/{id}`
/// (a unit as it should read now).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUnitRequest {
    /// Its label within the property ("3A").
    pub label: String,
    /// Bedrooms (default 0).
    pub bedrooms: Option<i32>,
    /// Building or staircase.
    pub section: Option<String>,
    /// Floor.
    pub floor: Option<String>,
}

/// `POST /api/manage/leases`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewLeaseRequest {
    /// The unit let.
    pub unit_id: Uuid,
    /// The tenant (a tenant account).
    pub tenant_id: Uuid,
    /// The first day, `YYYY-MM-DD`.
    pub start_on: String,
    /// The move-out day, included (open-ended without it).
    pub end_on: Option<String>,
    /// Monthly rent in minor units.
    pub rent_minor: i64,
    /// ISO 4217 currency code.
    pub currency: String,
    /// The day of the month rent falls due, 1 to 28 (default 1).
    pub due_day: Option<i16>,
    /// The deposit, in minor units (default 0).
    pub deposit_minor: Option<i64>,
}

/// `POST /api/manage/leases/{id}/end`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndLeaseRequest {
    /// The move-out day, `YYYY-MM-DD` (included).
    pub end_on: String,
}

/// A lease in the back office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseRecord {
    /// Our id.
    pub id: Uuid,
    /// The unit let, and its label.
    pub unit_id: Uuid,
    /// The unit's label.
    pub unit_label: String,
    /// The unit's property.
    pub property_id: Uuid,
    /// Its name.
    pub property_name: String,
    /// The tenant.
    pub tenant_id: Uuid,
    /// Their name.
    pub tenant_name: String,
    /// The first day.
    pub start_on: NaiveDate,
    /// The move-out day (included).
    pub end_on: Option<NaiveDate>,
    /// Monthly rent in minor units.
    pub rent_minor: i64,
    /// The deposit in minor units.
    pub deposit_minor: i64,
    /// ISO 4217 currency.
    pub currency: String,
    /// The day of the month rent falls due.
    pub due_day: i16,
    /// Rent changes, by day: each rent holds from its day until the next.
    #[serde(default)]
    pub rent_changes: Vec<RentStep>,
    /// The last day invoiced (the end of the last month billed), if any:
    /// days up to it keep their rent.
    #[serde(default)]
    pub invoiced_through: Option<NaiveDate>,
    /// Recurring charges billed with the rent every month.
    #[serde(default)]
    pub charges: Vec<LeaseChargeItem>,
}

/// A recurring charge of a lease (parking, service charges), billed with the
/// rent each month and pro-rated like it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseChargeItem {
    /// Our id of the charge.
    pub id: Uuid,
    /// What it is, as the invoice line says.
    pub description: String,
    /// Monthly amount in minor units.
    pub amount_minor: i64,
}

/// `POST /api/manage/leases/{id}/charges`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargeRequest {
    /// What it is (1 to 200 characters), as the invoice line will say.
    pub description: String,
    /// Monthly amount in minor units (0 or more).
    pub amount_minor: i64,
}

/// A lease's monthly rent from a day on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RentStep {
    /// The first day at this rent.
    pub from_on: NaiveDate,
    /// Monthly rent in minor units.
    pub rent_minor: i64,
}

/// `POST /api/manage/leases/{id}/rent-changes`: the rent from a day on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RentChangeRequest {
    /// The first day at the new rent (`YYYY-MM-DD`), not yet invoiced.
    pub from_on: String,
    /// The new monthly rent in minor units.
    pub rent_minor: i64,
}

/// A rent change as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RentChanged {
    /// The lease.
    pub lease_id: Uuid,
    /// The first day at the new rent.
    pub from_on: NaiveDate,
    /// The new monthly rent in minor units.
    pub rent_minor: i64,
    /// The rent that day had before the change.
    pub was_minor: i64,
    /// The lease's currency.
    pub currency: String,
}

/// `GET /api/manage/leases` filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseQuery {
    /// One unit's leases.
    pub unit_id: Option<Uuid>,
    /// One tenant's leases.
    pub tenant_id: Option<Uuid>,
    /// Words in the property's name or city, the unit, the tenant's name or e-mail (any case).
    #[serde(default)]
    pub q: Option<String>,
    /// 1-based page of 50.
    pub page: Option<i64>,
}

/// `GET /api/manage/invoices` filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceQuery {
    /// One tenant's invoices.
    pub tenant_id: Option<Uuid>,
    /// One month, `YYYY-MM`.
    pub period: Option<String>,
    /// Words in the invoice number, the tenant's name or e-mail (any case).
    #[serde(default)]
    pub q: Option<String>,
    /// 1-based page of 50.
    pub page: Option<i64>,
}

/// An invoice in the back office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceItem {
    /// Our id.
    pub id: Uuid,
    /// Its number.
    pub number: String,
    /// The lease billed.
    pub lease_id: Uuid,
    /// The tenant.
    pub tenant_id: Uuid,
    /// Their name.
    pub tenant_name: String,
    /// The month billed, `YYYY-MM`.
    pub period: String,
    /// When it was issued.
    pub issued_on: NaiveDate,
    /// When it falls due.
    pub due_on: NaiveDate,
    /// ISO 4217 currency.
    pub currency: String,
    /// Its total in minor units.
    pub total_minor: i64,
    /// Taken back by credit notes.
    #[serde(default)]
    pub credited_minor: i64,
    /// Paid so far.
    pub paid_minor: i64,
    /// Left to pay: total - credited - paid (0 for a void invoice).
    pub outstanding_minor: i64,
    /// `open`, `partly_paid`, `paid` or `void`.
    pub state: String,
    /// The payments received against it, oldest first.
    #[serde(default)]
    pub payments: Vec<InvoicePaymentLine>,
    /// The credit notes issued against it, by number.
    #[serde(default)]
    pub credit_notes: Vec<InvoiceCreditLine>,
}

/// A credit note issued against an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceCreditLine {
    /// Our id of the note.
    pub id: Uuid,
    /// Its number (`CN-2026-000001`).
    pub number: String,
    /// The amount taken back, in minor units.
    pub amount_minor: i64,
    /// The day it was issued.
    pub issued_on: NaiveDate,
    /// Why.
    pub reason: String,
}

/// A payment received against an invoice, and what of it is refunded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoicePaymentLine {
    /// Our id of the payment (for a refund).
    pub id: Uuid,
    /// The amount received, in minor units.
    pub amount_minor: i64,
    /// What of it is given back, in minor units.
    pub refunded_minor: i64,
    /// The day it was received.
    pub received_on: NaiveDate,
    /// `bank_transfer`, `card`, `direct_debit` or `cash`.
    pub method: String,
    /// The bank's or the receipt's reference.
    pub reference: String,
}
