//! The fixed vocabulary of the demo: cities, streets, names, photos, texts.

/// A city the demo has properties in.
pub struct City {
    pub name: &'static str,
    pub postal_code: &'static str,
    pub country: &'static str,
    pub latitude: f64,
    pub longitude: f64,
    pub currency: &'static str,
    /// Monthly rent per square metre, in minor units.
    pub rent_per_m2: i64,
}

pub const CITIES: [City; 5] = [
    City {
        name: "Lyon",
        postal_code: "69003",
        country: "FR",
        latitude: 45.7578,
        longitude: 4.8320,
        currency: "EUR",
        rent_per_m2: 1_650,
    },
    City {
        name: "Paris",
        postal_code: "75011",
        country: "FR",
        latitude: 48.8589,
        longitude: 2.3797,
        currency: "EUR",
        rent_per_m2: 3_100,
    },
    City {
        name: "Bordeaux",
        postal_code: "33000",
        country: "FR",
        latitude: 44.8378,
        longitude: -0.5792,
        currency: "EUR",
        rent_per_m2: 1_500,
    },
    City {
        name: "Lille",
        postal_code: "59000",
        country: "FR",
        latitude: 50.6292,
        longitude: 3.0573,
        currency: "EUR",
        rent_per_m2: 1_400,
    },
    City {
        name: "Nantes",
        postal_code: "44000",
        country: "FR",
        latitude: 47.2184,
        longitude: -1.5536,
        currency: "EUR",
        rent_per_m2: 1_450,
    },
];

pub const LANDLORDS: [&str; 3] = ["Camille Durand", "Hugo Lefebvre", "Inès Moreau"];
pub const TENANT_COUNT: usize = 50;
pub const PROPERTY_COUNT: usize = 15;
pub const LISTING_COUNT: usize = 40;

const FIRST: [&str; 10] = ["Léa", "Lucas", "Chloé", "Nathan", "Manon", "Jules", "Emma", "Louis", "Sarah", "Adam"];
const LAST: [&str; 10] =
    ["Bernard", "Petit", "Robert", "Richard", "Dubois", "Laurent", "Simon", "Michel", "Garcia", "Roux"];

/// The n-th tenant's name (50 distinct names).
pub fn tenant_name(n: usize) -> String {
    format!("{} {}", FIRST[n % FIRST.len()], LAST[(n / FIRST.len() + n) % LAST.len()])
}

/// Where a building stands.
#[derive(Clone, Copy)]
pub struct Street {
    pub number: u32,
    pub name: &'static str,
    pub building: &'static str,
}

const STREETS: [[&str; 3]; 5] = [
    ["Rue Paul Bert", "Cours Gambetta", "Rue Garibaldi"],
    ["Rue Oberkampf", "Boulevard Voltaire", "Rue de la Roquette"],
    ["Cours Victor Hugo", "Rue Sainte-Catherine", "Quai des Chartrons"],
    ["Rue Nationale", "Boulevard de la Liberté", "Rue Solférino"],
    ["Rue Crébillon", "Quai de la Fosse", "Boulevard Guist'hau"],
];
const BUILDINGS: [&str; 3] = ["Résidence Les Tilleuls", "Le Carré", "Les Terrasses"];

/// The k-th building street of a city.
pub fn street(city: usize, k: usize) -> Street {
    Street {
        number: 3 + u32::try_from(city * 17 + k * 29).unwrap_or(0) % 120,
        name: STREETS[city][k % 3],
        building: BUILDINGS[k % 3],
    }
}

/// How a tenant pays a given month's invoice.
#[derive(Clone, Copy, Debug)]
pub enum Payer {
    /// Pays in full before the due date (the current month may still be open).
    OnTime,
    /// Pays in two instalments.
    Split,
    /// Pays about 60 % and owes the rest.
    Partial,
    /// Has not paid.
    Late,
}

/// Tenants 0–35 pay on time, 36–41 in two parts, 42–45 owe part of their
/// last two invoices and 46–49 have not paid their last three.
pub fn payer_behaviour(tenant: usize, month: u32) -> Payer {
    match tenant {
        36..=41 => Payer::Split,
        42..=45 if month >= 10 => Payer::Partial,
        46..=49 if month >= 9 => Payer::Late,
        _ => Payer::OnTime,
    }
}

pub const PHOTOS: [(&str, &str); 12] = [
    ("living-room-1.svg", "Bright living room with a sofa and tall windows"),
    ("kitchen-1.svg", "Fitted kitchen with a breakfast bar"),
    ("bedroom-1.svg", "Bedroom with a double bed and wardrobe"),
    ("facade-1.svg", "Stone facade with wrought-iron balconies"),
    ("bathroom-1.svg", "Bathroom with walk-in shower"),
    ("living-room-2.svg", "Open-plan living area with wooden floors"),
    ("balcony-1.svg", "Balcony overlooking the street"),
    ("bedroom-2.svg", "Second bedroom with a desk"),
    ("kitchen-2.svg", "Kitchen with a window over the sink"),
    ("facade-2.svg", "Modern building entrance with a garden"),
    ("living-room-3.svg", "Living room with a fireplace"),
    ("courtyard-1.svg", "Quiet inner courtyard with trees"),
];

/// The kind of home a unit is advertised as.
pub fn property_type(bedrooms: i32, i: usize) -> &'static str {
    match (bedrooms, i % 5) {
        (0, _) => "studio",
        (3.., 0) => "house",
        (_, 4) => "loft",
        _ => "apartment",
    }
}

/// A listing headline.
pub fn listing_title(kind: &str, bedrooms: i32, city: &str, street: &str, i: usize) -> String {
    let adjective = ["Bright", "Quiet", "Renovated", "Spacious", "Charming", "Modern"][i % 6];
    match kind {
        "studio" => format!("{adjective} studio near {street}, {city}"),
        "house" => format!("{adjective} {bedrooms}-bedroom house in {city}"),
        "loft" => format!("{adjective} loft with {bedrooms} bedroom{} in {city}", if bedrooms == 1 { "" } else { "s" }),
        _ => format!("{adjective} {bedrooms}-bedroom flat on {street}, {city}"),
    }
}

/// A few honest sentences about the home.
pub fn listing_description(kind: &str, bedrooms: i32, area_m2: i32, city: &str, street: &str, i: usize) -> String {
    let features = ["double glazing", "a cellar", "a lift", "a bike room", "fibre internet", "a shared garden"];
    format!(
        "A {area_m2} m² {kind} on {street} in {city}, with {bedrooms} bedroom(s), {} and {}.\n\n\
         Shops, schools and public transport are a few minutes away on foot. \
         Charges cover heating, water and the upkeep of common areas. \
         Visits are possible on weekdays; the lease is unfurnished and runs for three years.",
        features[i % features.len()],
        features[(i + 2) % features.len()],
    )
}
