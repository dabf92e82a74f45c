//! Seeded generation of organizations, properties and people.
//!
//! The first organization, property and staff account reuse the ids of the shared contract
//! examples, so the example operations return rows when sent to the emulator as they are.

use super::map;
use super::model::{Organization, Property, User, UserKind};
use super::time::{DAY, MINUTE, Millis};
use crate::condo::config::Credentials;
use crate::condo::rng::SeededRng;
use uuid::Uuid;

/// The organization id used by the contract examples.
pub const EXAMPLE_ORGANIZATION_ID: Uuid = uuid::uuid!("3b7f0e2a-6c1d-4f55-9a8e-2d4c1b0f7e91");
/// The property id used by the contract examples.
pub const EXAMPLE_PROPERTY_ID: Uuid = uuid::uuid!("9d1e5f7a-2b3c-4d5e-8f90-a1b2c3d4e5f6");
/// The staff account id used by the contract examples.
pub const EXAMPLE_STAFF_USER_ID: Uuid = uuid::uuid!("0f0e0d0c-0b0a-4909-8807-060504030201");

const ORGANIZATION_NAMES: [&str; 8] = [
    "Example Property Management LLC",
    "Riverside Housing Co",
    "Northgate Estates",
    "Green Park Management",
    "Harbour View Homes",
    "Oak Street Residences",
    "Maple Court Services",
    "Sunrise Property Group",
];

const STREETS: [&str; 12] =
    ["Riverside", "Oak", "Maple", "Harbour", "Station", "Park", "Mill", "Church", "Bridge", "Garden", "Hill", "Lake"];

const BUILDING_KINDS: [&str; 4] = ["House", "Court", "Tower", "Residence"];

/// First names for residents and employees.
pub const FIRST_NAMES: [&str; 12] =
    ["Jane", "John", "Maria", "Ivan", "Olga", "Peter", "Anna", "Sergey", "Elena", "Carlos", "Lucia", "Tom"];

/// Last names for residents and employees.
pub const LAST_NAMES: [&str; 10] =
    ["Doe", "Smith", "Ivanova", "Petrov", "Garcia", "Brown", "Kuznetsova", "Lopez", "Miller", "Sokolov"];

const TRADES: [&str; 4] = ["Plumber", "Electrician", "Heating engineer", "Caretaker"];

/// Generates `count` organizations.
pub fn organizations(rng: &mut SeededRng, count: usize, anchor: Millis) -> Vec<Organization> {
    (0..count)
        .map(|i| {
            let base = ORGANIZATION_NAMES[i % ORGANIZATION_NAMES.len()];
            let round = i / ORGANIZATION_NAMES.len();
            let id = if i == 0 { EXAMPLE_ORGANIZATION_ID } else { rng.uuid() };
            let created_at = anchor - rng.range(700 * DAY, 1500 * DAY);
            Organization {
                id,
                name: if round == 0 { base.to_owned() } else { format!("{base} {}", round + 1) },
                tin: format!("77{:08}", rng.range(0, 100_000_000)),
                phone: format!("+1555020{:04}", i),
                created_at,
                updated_at: created_at + rng.range(DAY, 300 * DAY),
            }
        })
        .collect()
}

/// Generates `count` properties, dealt round-robin to the organizations.
pub fn properties(rng: &mut SeededRng, count: usize, organizations: usize, anchor: Millis) -> Vec<Property> {
    (0..count).map(|i| property(rng, i, organizations, anchor)).collect()
}

fn property(rng: &mut SeededRng, i: usize, organizations: usize, anchor: Millis) -> Property {
    let street = STREETS[i % STREETS.len()];
    let house = (i / STREETS.len()) * 10 + 1 + rng.below(9);
    let built = map::build(rng);
    let organization = (i % organizations.max(1)) as u32;
    let first_of_organization = i < organizations;
    let recent = rng.unit().powi(2) * (60 * DAY) as f64;
    let updated_at =
        if first_of_organization { anchor - (i as Millis + 1) * 17 * MINUTE } else { anchor - recent as Millis };
    let (id, name, address) = if i == 0 {
        (EXAMPLE_PROPERTY_ID, "Riverside House".to_owned(), "Example City, Riverside St, 12".to_owned())
    } else {
        let kind = BUILDING_KINDS[rng.below(BUILDING_KINDS.len())];
        (rng.uuid(), format!("{street} {kind}"), format!("Example City, {street} St, {house}"))
    };
    Property {
        id,
        organization,
        name,
        address,
        address_key: rng.uuid(),
        map: built.json,
        units: built.units,
        units_count: built.units_count,
        uninhabited_units_count: built.uninhabited_units_count,
        area: format!("{}.{:02}", 800 + rng.below(9000), rng.below(100)),
        year_of_construction: format!("{}-01-01", 1960 + rng.below(64)),
        created_at: anchor - rng.range(400 * DAY, 900 * DAY),
        updated_at,
        v: 1 + rng.range(0, 6),
    }
}

/// Employees of one organization, by role.
pub struct Staff {
    /// Dispatchers (ticket `assignee`).
    pub dispatchers: Vec<u32>,
    /// Tradespeople (ticket `executor`).
    pub executors: Vec<u32>,
}

/// Generates the two integration accounts followed by each organization's employees.
pub fn users(
    rng: &mut SeededRng,
    credentials: &Credentials,
    organizations: usize,
    anchor: Millis,
) -> (Vec<User>, Vec<Staff>) {
    let mut users = vec![
        account(EXAMPLE_STAFF_USER_ID, "Marketplace sync", UserKind::Staff, anchor),
        account(rng.uuid(), "Marketplace service", UserKind::Service, anchor),
    ];
    users[0].phone = Some(credentials.phone.clone());
    users[1].email = Some(credentials.email.clone());
    let mut staff = Vec::with_capacity(organizations);
    for _ in 0..organizations {
        let mut hire = |rng: &mut SeededRng, role: &str| {
            let name = format!("{role} {}", rng.pick(&LAST_NAMES));
            users.push(account(rng.uuid(), &name, UserKind::Staff, anchor - rng.range(DAY, 500 * DAY)));
            users.len() as u32 - 1
        };
        let dispatchers = (0..2).map(|_| hire(rng, "Dispatcher")).collect();
        let executors = TRADES.iter().map(|trade| hire(rng, trade)).collect();
        staff.push(Staff { dispatchers, executors });
    }
    (users, staff)
}

fn account(id: Uuid, name: &str, kind: UserKind, created_at: Millis) -> User {
    User { id, name: name.to_owned(), kind, phone: None, email: None, created_at }
}
