//! Shared set-up for the Condo import tests: an emulator on port 0, our properties linked to
//! its properties, and a sync context pointing at it.
#![allow(dead_code)]

use app::server::adapters::condo::CondoSettings;
use app::server::jobs::{SyncContext, SyncSettings};
use app::server::store::app_user::{NewUser, insert_user_if_absent};
use app::server::store::condo_import::link_condo_property;
use app::server::store::external_ref::LinkOutcome;
use app::server::store::property::{NewProperty, insert_property_if_absent};
use sandbox::condo::{CondoConfig, Credentials, RunningCondo, TicketInfo};
use sqlx::PgPool;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;
use uuid::Uuid;

/// Starts an emulator with the default data set (12 properties, 400 tickets).
pub async fn start_condo() -> RunningCondo {
    sandbox::condo::spawn(CondoConfig::default()).await.expect("the Condo emulator starts")
}

/// Our id for the property that mirrors a Condo property.
pub fn local_property_id(condo_id: Uuid) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, condo_id.as_bytes())
}

/// Creates a landlord and one property per Condo property, and links those `keep` allows.
/// Returns Condo property id → our property id for the linked ones.
pub async fn create_and_link(pool: &PgPool, condo: &RunningCondo, keep: impl Fn(usize) -> bool) -> HashMap<Uuid, Uuid> {
    let landlord = Uuid::from_u128(1);
    let user = NewUser {
        id: landlord,
        email: "landlord@example.com".into(),
        display_name: "Landlord".into(),
        role: "landlord".into(),
        password_hash: None,
        phone: None,
    };
    insert_user_if_absent(pool, &user).await.unwrap();
    let mut links = HashMap::new();
    for (i, p) in condo.handle().summary().properties.iter().enumerate() {
        let local = local_property_id(p.id);
        let property = NewProperty {
            id: local,
            landlord_id: landlord,
            name: p.name.clone(),
            address_line: p.address.clone(),
            city: "Example City".into(),
            postal_code: "00000".into(),
            country: "US".into(),
            latitude: None,
            longitude: None,
        };
        insert_property_if_absent(pool, &property).await.unwrap();
        if keep(i) {
            assert_eq!(link_condo_property(pool, local, &p.id.to_string()).await.unwrap(), LinkOutcome::Created);
            links.insert(p.id, local);
        }
    }
    links
}

/// Settings for the emulator's staff account, without cursor overlap and with no retries
/// unless the test says otherwise.
pub fn settings(condo: &RunningCondo) -> CondoSettings {
    let credentials = Credentials::default();
    let mut settings = CondoSettings::new(&condo.base_url(), &credentials.phone, &credentials.password);
    settings.cursor_overlap = Duration::ZERO;
    settings.retries = 0;
    settings.timeout = Duration::from_secs(5);
    settings
}

/// A sync context with `settings` and a fresh journal folder.
pub fn context(pool: &PgPool, settings: CondoSettings) -> SyncContext {
    let log_dir = std::env::temp_dir().join(format!("condo-import-{}", Uuid::new_v4()));
    let settings = SyncSettings { condo: Some(settings), log_dir, ..SyncSettings::default() };
    SyncContext::new(pool.clone(), settings).expect("the clients build")
}

/// The journal lines of a context, parsed.
pub fn journal(ctx: &SyncContext) -> Vec<serde_json::Value> {
    let path: PathBuf = ctx.settings.log_dir.join("condo.log");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// Ticket pages the emulator served so far.
pub fn ticket_pages(condo: &RunningCondo) -> u64 {
    condo.handle().stats().pages_by_field.get("allTickets").copied().unwrap_or(0)
}

/// Every emulator ticket in (`updatedAt`, `number`) order, the order of the import.
pub fn tickets_in_import_order(condo: &RunningCondo) -> Vec<TicketInfo> {
    let mut tickets = condo.handle().tickets();
    tickets.sort_by(|a, b| (a.updated_at.as_str(), a.number).cmp(&(b.updated_at.as_str(), b.number)));
    tickets
}
