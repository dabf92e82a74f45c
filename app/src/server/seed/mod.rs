//! `marketplace seed demo`: a realistic, deterministic demo data set.
//!
//! Every id is derived from a name (UUID v5), every random choice comes from
//! a fixed-seed generator, and every insert skips rows that exist, so running
//! the seed twice changes nothing. Dates are laid out relative to an anchor
//! month (the current one unless given), so the invoices look current.

mod catalog;
pub mod condo;
mod rng;

use anyhow::Context;
use chrono::{Datelike, Days, NaiveDate, TimeZone, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::server::store::{app_user, invoice, lease, listing, payment, property, unit};
use catalog::{CITIES, PHOTOS, Street};
use rng::Rng;

/// Namespace of every demo id.
const NAMESPACE: Uuid = Uuid::from_u128(0x6d6b_745f_6465_6d6f_0000_0000_0000_0001);

/// What the seed wrote (zero everywhere on a second run).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SeedReport {
    /// Users inserted (admins, landlords and tenants).
    pub users: u32,
    /// Properties inserted.
    pub properties: u32,
    /// Units inserted.
    pub units: u32,
    /// Leases inserted.
    pub leases: u32,
    /// Invoices inserted.
    pub invoices: u32,
    /// Payments inserted.
    pub payments: u32,
    /// Listings inserted.
    pub listings: u32,
}

/// The stable id of a named demo object.
pub fn demo_id(name: &str) -> Uuid {
    Uuid::new_v5(&NAMESPACE, name.as_bytes())
}

/// The accounts that can sign in to the demo, one per role.
pub const DEMO_LOGINS: [&str; 3] = ["admin@marketplace.test", "landlord1@marketplace.test", "tenant1@marketplace.test"];

/// Seeds the demo data, laid out around `anchor` (any day of the anchor
/// month). With `password`, the [`DEMO_LOGINS`] accounts get it (only when
/// they have none yet).
pub async fn seed_demo(pool: &PgPool, anchor: NaiveDate, password: Option<&str>) -> anyhow::Result<SeedReport> {
    let anchor = anchor.with_day(1).context("anchor month")?;
    let mut tx = pool.begin().await?;
    let mut report = SeedReport::default();
    let mut rng = Rng::new(20_261_126);
    seed_people(&mut tx, &mut report).await?;
    let units = seed_buildings(&mut tx, &mut rng, &mut report).await?;
    seed_tenancies(&mut tx, &mut rng, &units, anchor, &mut report).await?;
    seed_listings(&mut tx, &mut rng, &units, anchor, &mut report).await?;
    if let Some(password) = password {
        let hash = crate::server::auth::password::hash_password(password.to_owned()).await?;
        for email in DEMO_LOGINS {
            app_user::set_password_if_unset(&mut *tx, demo_id(email), &hash).await?;
        }
    }
    tx.commit().await?;
    Ok(report)
}

async fn seed_people(tx: &mut sqlx::PgConnection, report: &mut SeedReport) -> anyhow::Result<()> {
    let mut people = vec![("admin", "Alex Martin".to_owned(), "admin@marketplace.test".to_owned())];
    for (i, name) in catalog::LANDLORDS.iter().enumerate() {
        people.push(("landlord", (*name).to_owned(), format!("landlord{}@marketplace.test", i + 1)));
    }
    for i in 0..catalog::TENANT_COUNT {
        people.push(("tenant", catalog::tenant_name(i), format!("tenant{}@marketplace.test", i + 1)));
    }
    for (role, display_name, email) in people {
        let user = app_user::NewUser {
            id: demo_id(&email),
            email,
            display_name,
            role: role.to_owned(),
            password_hash: None,
            phone: None,
        };
        report.users += u32::from(app_user::insert_user_if_absent(&mut *tx, &user).await?);
    }
    Ok(())
}

/// A unit made by the seed, with what the later steps need to know.
struct SeededUnit {
    id: Uuid,
    key: String,
    city: usize,
    street: Street,
    label: String,
    bedrooms: i32,
    area_m2: i32,
    rent_minor: i64,
}

async fn seed_buildings(
    tx: &mut sqlx::PgConnection,
    rng: &mut Rng,
    report: &mut SeedReport,
) -> anyhow::Result<Vec<SeededUnit>> {
    let mut units = Vec::new();
    for p in 0..catalog::PROPERTY_COUNT {
        let city = p % CITIES.len();
        let street = catalog::street(city, p / CITIES.len());
        let key = format!("property-{p}");
        let c = &CITIES[city];
        let record = property::NewProperty {
            id: demo_id(&key),
            landlord_id: demo_id(&format!("landlord{}@marketplace.test", p % catalog::LANDLORDS.len() + 1)),
            name: format!("{} {}", street.building, c.name),
            address_line: format!("{} {}", street.number, street.name),
            city: c.name.to_owned(),
            postal_code: c.postal_code.to_owned(),
            country: c.country.to_owned(),
            latitude: Some(c.latitude + rng.offset(0.02)),
            longitude: Some(c.longitude + rng.offset(0.03)),
        };
        report.properties += u32::from(property::insert_property_if_absent(&mut *tx, &record).await?);
        for u in 0..(5 + rng.below(4)) {
            let floor = u / 2 + 1;
            let label = format!("{floor}{}", ['A', 'B'][u % 2]);
            let bedrooms = i32::try_from(rng.below(4)).unwrap_or(1);
            let area_m2 = 22 + bedrooms * 17 + i32::try_from(rng.below(15)).unwrap_or(0);
            let rent_minor = (c.rent_per_m2 * i64::from(area_m2) / 500) * 500;
            let seeded = SeededUnit {
                id: demo_id(&format!("{key}/unit-{label}")),
                key: format!("{key}/{label}"),
                city,
                street,
                label,
                bedrooms,
                area_m2,
                rent_minor,
            };
            let upsert = unit::upsert_unit(&mut *tx, &new_unit(&seeded, record.id, floor)).await?;
            report.units += u32::from(upsert.written);
            units.push(SeededUnit { id: upsert.id, ..seeded });
        }
    }
    Ok(units)
}

fn new_unit(u: &SeededUnit, property_id: Uuid, floor: usize) -> unit::NewUnit {
    unit::NewUnit {
        id: u.id,
        property_id,
        label: u.label.clone(),
        section: Some("Main".to_owned()),
        floor: Some(floor.to_string()),
        bedrooms: u.bedrooms,
        bathrooms: 1 + u.bedrooms / 3,
        area_m2: Some(u.area_m2),
        rent_minor: Some(u.rent_minor),
        currency: Some(CITIES[u.city].currency.to_owned()),
    }
}

async fn seed_tenancies(
    tx: &mut sqlx::PgConnection,
    rng: &mut Rng,
    units: &[SeededUnit],
    anchor: NaiveDate,
    report: &mut SeedReport,
) -> anyhow::Result<()> {
    for (t, u) in units.iter().take(catalog::TENANT_COUNT).enumerate() {
        let tenant_id = demo_id(&format!("tenant{}@marketplace.test", t + 1));
        let starts_on = anchor - chrono::Months::new(12 + u32::try_from(rng.below(12)).unwrap_or(0));
        let currency = CITIES[u.city].currency.to_owned();
        let l = lease::NewLease {
            id: demo_id(&format!("lease/{}", u.key)),
            unit_id: u.id,
            tenant_id,
            starts_on,
            ends_on: None,
            rent_minor: u.rent_minor,
            deposit_minor: u.rent_minor * 2,
            currency: currency.clone(),
            due_day: 5,
        };
        report.leases += u32::from(lease::insert_lease_if_absent(&mut *tx, &l).await?);
        for m in 0..12u32 {
            let period_start = anchor - chrono::Months::new(11 - m);
            let behaviour = catalog::payer_behaviour(t, m);
            seed_invoice(tx, rng, &l, u, t, period_start, behaviour, anchor, report).await?;
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn seed_invoice(
    tx: &mut sqlx::PgConnection,
    rng: &mut Rng,
    l: &lease::NewLease,
    u: &SeededUnit,
    tenant_index: usize,
    period_start: NaiveDate,
    behaviour: catalog::Payer,
    anchor: NaiveDate,
    report: &mut SeedReport,
) -> anyhow::Result<()> {
    let number = format!("INV-{}-{:03}", period_start.format("%Y%m"), tenant_index + 1);
    let service = 4_000 + i64::from(u.bedrooms) * 1_500;
    let mut lines = vec![
        invoice::NewInvoiceLine {
            description: format!("Rent {} — unit {}", period_start.format("%B %Y"), u.label),
            quantity: 1,
            unit_amount_minor: u.rent_minor,
        },
        invoice::NewInvoiceLine { description: "Service charges".to_owned(), quantity: 1, unit_amount_minor: service },
    ];
    if tenant_index.is_multiple_of(4) {
        lines.push(invoice::NewInvoiceLine {
            description: "Parking space".to_owned(),
            quantity: 1,
            unit_amount_minor: 7_500,
        });
    }
    let inv = invoice::NewInvoice {
        id: demo_id(&format!("invoice/{number}")),
        number: number.clone(),
        lease_id: l.id,
        tenant_id: l.tenant_id,
        period_start,
        period_end: period_start + chrono::Months::new(1) - Days::new(1),
        issued_on: period_start - Days::new(5),
        due_on: period_start + Days::new(4),
        currency: l.currency.clone(),
        lines,
    };
    report.invoices += u32::from(invoice::insert_invoice_if_absent(&mut *tx, &inv).await?);
    let total = inv.total_minor();
    let is_current = period_start == anchor;
    let amounts: Vec<i64> = match behaviour {
        catalog::Payer::OnTime if is_current => vec![],
        catalog::Payer::OnTime => vec![total],
        catalog::Payer::Split => vec![total / 2, total - total / 2],
        catalog::Payer::Partial => vec![(total * 6 / 10 / 100) * 100],
        catalog::Payer::Late => vec![],
    };
    for (k, amount) in amounts.into_iter().enumerate() {
        let day = u64::try_from(rng.below(6) + k * 8).unwrap_or(0);
        let received = inv.issued_on + Days::new(day);
        let p = payment::NewPayment {
            id: demo_id(&format!("payment/{number}/{k}")),
            invoice_id: inv.id,
            tenant_id: l.tenant_id,
            amount_minor: amount,
            currency: l.currency.clone(),
            received_at: Utc.from_utc_datetime(&received.and_hms_opt(10, 30, 0).unwrap_or_default()),
            method: ["bank_transfer", "direct_debit", "card"][tenant_index % 3].to_owned(),
            reference: format!("DEMO-{number}-{}", k + 1),
        };
        report.payments += u32::from(payment::insert_payment_if_absent(&mut *tx, &p).await?);
    }
    Ok(())
}

async fn seed_listings(
    tx: &mut sqlx::PgConnection,
    rng: &mut Rng,
    units: &[SeededUnit],
    anchor: NaiveDate,
    report: &mut SeedReport,
) -> anyhow::Result<()> {
    for (i, u) in units.iter().skip(catalog::TENANT_COUNT).take(catalog::LISTING_COUNT).enumerate() {
        let c = &CITIES[u.city];
        let kind = catalog::property_type(u.bedrooms, i);
        let title = catalog::listing_title(kind, u.bedrooms, c.name, u.street.name, i);
        let photos = (0..3 + rng.below(3))
            .map(|k| {
                let (file, alt) = PHOTOS[(i * 3 + k) % PHOTOS.len()];
                listing::StoredPhoto { url: format!("/photos/{file}"), alt: alt.to_owned() }
            })
            .collect();
        let record = listing::NewListing {
            id: demo_id(&format!("listing/{}", u.key)),
            source: "local".to_owned(),
            external_id: None,
            slug: crate::domain::ListingSlug::from_title(&title, &u.label.to_lowercase()).to_string(),
            unit_id: Some(u.id),
            description: catalog::listing_description(kind, u.bedrooms, u.area_m2, c.name, u.street.name, i),
            title,
            property_type: kind.to_owned(),
            bedrooms: u.bedrooms,
            bathrooms: 1 + u.bedrooms / 3,
            area_m2: Some(u.area_m2),
            address_line: format!("{} {}", u.street.number, u.street.name),
            city: c.name.to_owned(),
            postal_code: c.postal_code.to_owned(),
            country: c.country.to_owned(),
            latitude: Some(c.latitude + rng.offset(0.02)),
            longitude: Some(c.longitude + rng.offset(0.03)),
            price_minor: u.rent_minor,
            currency: c.currency.to_owned(),
            price_unit: "month".to_owned(),
            available_from: Some(anchor + chrono::Months::new(u32::try_from(rng.below(3)).unwrap_or(0))),
            photos,
            categories: vec![kind.to_owned()],
            published: true,
        };
        report.listings += u32::from(listing::insert_listing_if_absent(&mut *tx, &record).await?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchor() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 15).unwrap()
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn the_demo_has_the_promised_shape(pool: PgPool) {
        let report = seed_demo(&pool, anchor(), Some("demo password")).await.unwrap();
        assert_eq!(report.users, 54, "an admin, 3 landlords and 50 tenants");
        assert_eq!(report.properties, 15);
        assert!((80..=120).contains(&report.units), "{} units", report.units);
        assert_eq!(report.leases, 50);
        assert_eq!(report.invoices, 600, "12 months for 50 leases");
        assert_eq!(report.listings, 40);
        let statuses: Vec<(bool, bool, bool)> = sqlx::query_as(
            "SELECT paid >= total_minor, paid > 0 AND paid < total_minor, paid = 0 AND due_on < '2026-11-15'
             FROM (SELECT i.total_minor, i.due_on, COALESCE(sum(p.amount_minor), 0) AS paid
                   FROM invoice i LEFT JOIN payment p ON p.invoice_id = i.id GROUP BY i.id) t",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert!(statuses.iter().any(|s| s.0), "some paid");
        assert!(statuses.iter().any(|s| s.1), "some partly paid");
        assert!(statuses.iter().any(|s| s.2), "some overdue");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn seeding_twice_changes_nothing(pool: PgPool) {
        seed_demo(&pool, anchor(), Some("demo password")).await.unwrap();
        let snapshot = "SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM (
            SELECT id::text, updated_at::text FROM app_user UNION ALL SELECT id::text, updated_at::text FROM invoice
            UNION ALL SELECT id::text, updated_at::text FROM payment UNION ALL SELECT id::text, updated_at::text FROM listing
            UNION ALL SELECT id::text, updated_at::text FROM unit) t";
        let before: String = sqlx::query_scalar(snapshot).fetch_one(&pool).await.unwrap();
        let second = seed_demo(&pool, anchor(), Some("demo password")).await.unwrap();
        assert_eq!(second, SeedReport::default());
        let after: String = sqlx::query_scalar(snapshot).fetch_one(&pool).await.unwrap();
        assert_eq!(before, after);
    }
}
