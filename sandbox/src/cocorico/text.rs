//! Listing texts in English and French: titles, descriptions, rules, and the
//! Knp-style slugs derived from them.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::reference::CityRef;

/// Maximum `listing_translation.title` length (`VARCHAR(50)`, validated 3..50).
pub(crate) const TITLE_MAX: usize = 50;

/// The kind of property a listing offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Flat,
    Studio,
    House,
    Room,
    Loft,
}

impl Kind {
    /// Draws a kind, flats being the most common.
    pub fn draw(rng: &mut ChaCha8Rng) -> Self {
        match rng.random_range(0..100) {
            0..=49 => Kind::Flat,
            50..=66 => Kind::Studio,
            67..=81 => Kind::House,
            82..=92 => Kind::Room,
            _ => Kind::Loft,
        }
    }

    /// Index of its leaf under the "Accommodation" category root.
    pub fn category(self) -> usize {
        match self {
            Kind::Flat => 0,
            Kind::House => 1,
            Kind::Studio => 2,
            Kind::Room => 3,
            Kind::Loft => 4,
        }
    }

    /// Nightly price relative to a one-bedroom flat, in percent.
    pub fn price_percent(self) -> i64 {
        match self {
            Kind::Flat => 100,
            Kind::Studio => 75,
            Kind::House => 170,
            Kind::Room => 45,
            Kind::Loft => 140,
        }
    }

    /// Draws a bedroom count for this kind.
    pub fn bedrooms(self, rng: &mut ChaCha8Rng) -> u32 {
        match self {
            Kind::Flat => rng.random_range(1..=3),
            Kind::House => rng.random_range(2..=5),
            Kind::Loft => rng.random_range(1..=2),
            Kind::Studio | Kind::Room => 1,
        }
    }

    fn nouns(self) -> [&'static str; 2] {
        match self {
            Kind::Flat => ["flat", "appartement"],
            Kind::Studio => ["studio", "studio"],
            Kind::House => ["house", "maison"],
            Kind::Room => ["room", "chambre"],
            Kind::Loft => ["loft", "loft"],
        }
    }

    fn feminine(self) -> bool {
        matches!(self, Kind::House | Kind::Room)
    }
}

/// Adjectives: English, French masculine, French feminine.
const ADJECTIVES: [[&str; 3]; 6] = [
    ["Bright", "lumineux", "lumineuse"],
    ["Charming", "charmant", "charmante"],
    ["Spacious", "spacieux", "spacieuse"],
    ["Quiet", "calme", "calme"],
    ["Renovated", "rénové", "rénovée"],
    ["Cosy", "cosy", "cosy"],
];

const AMENITIES: [[&str; 2]; 10] = [
    ["fibre Wi-Fi", "Wi-Fi fibre"],
    ["washing machine", "lave-linge"],
    ["dishwasher", "lave-vaisselle"],
    ["lift", "ascenseur"],
    ["air conditioning", "climatisation"],
    ["balcony", "balcon"],
    ["parking space", "place de parking"],
    ["smart TV", "télévision connectée"],
    ["coffee machine", "machine à café"],
    ["cot on request", "lit bébé sur demande"],
];

const CLOSINGS: [[&str; 2]; 4] = [
    ["Ideal for couples and business travellers.", "Idéal pour les couples et les voyageurs d'affaires."],
    ["Perfect for families.", "Parfait pour les familles."],
    ["Bed linen and towels are provided.", "Linge de lit et serviettes fournis."],
    ["Self check-in with a key box.", "Arrivée autonome avec boîte à clés."],
];

/// The words a listing's texts are built from, drawn once for both locales.
pub(crate) struct Facts<'a> {
    pub kind: Kind,
    pub city: &'a CityRef,
    pub district: &'a str,
    pub bedrooms: u32,
    pub adjective: usize,
    pub surface_m2: u32,
    pub floor: u32,
    pub amenities: Vec<usize>,
    pub walk_minutes: u32,
    pub closing: usize,
}

/// `(title, description)` in `en` (locale 0) or `fr` (locale 1).
pub(crate) fn texts(facts: &Facts, locale: usize) -> (String, String) {
    let title = fit_title(title(facts, locale), facts, locale);
    let description = if locale == 0 { english_description(facts) } else { french_description(facts) };
    (title, description)
}

fn title(facts: &Facts, locale: usize) -> String {
    let [adj_en, adj_m, adj_f] = ADJECTIVES[facts.adjective];
    let (district, n) = (facts.district, facts.bedrooms);
    let adj_fr = if facts.kind.feminine() { adj_f } else { adj_m };
    match (facts.kind, locale) {
        (Kind::Flat, 0) => format!("{adj_en} {n}-bedroom flat in {district}"),
        (Kind::Flat, _) => format!("Appartement {adj_fr} {n} ch. – {district}"),
        (Kind::Studio, 0) => format!("{adj_en} studio in {district}"),
        (Kind::Studio, _) => format!("Studio {adj_fr} à {district}"),
        (Kind::House, 0) => format!("{adj_en} {n}-bedroom house with garden"),
        (Kind::House, _) => format!("Maison {adj_fr} avec jardin, {n} ch."),
        (Kind::Room, 0) => format!("{adj_en} private room in {district}"),
        (Kind::Room, _) => format!("Chambre privée {adj_fr} à {district}"),
        (Kind::Loft, 0) => format!("{adj_en} loft with terrace, {district}"),
        (Kind::Loft, _) => format!("Loft {adj_fr} avec terrasse, {district}"),
    }
}

/// Keeps a title within [`TITLE_MAX`] characters, falling back to a shorter form.
fn fit_title(title: String, facts: &Facts, locale: usize) -> String {
    if title.chars().count() <= TITLE_MAX {
        return title;
    }
    let noun = facts.kind.nouns()[locale];
    let short = format!("{}{} – {}", noun[..1].to_uppercase(), &noun[1..], facts.city.name[locale]);
    short.chars().take(TITLE_MAX).collect()
}

fn amenity_list(facts: &Facts, locale: usize) -> String {
    let names: Vec<&str> = facts.amenities.iter().map(|&index| AMENITIES[index][locale]).collect();
    names.join(", ")
}

fn english_description(facts: &Facts) -> String {
    let [adj, _, _] = ADJECTIVES[facts.adjective];
    let transport = match facts.city.country {
        0 => "the metro",
        1 => "the nearest station",
        _ => "the U-Bahn",
    };
    let floor = match (facts.kind, facts.floor) {
        (Kind::House, _) => " with a garden".to_owned(),
        (_, 0) => " on the ground floor".to_owned(),
        (_, floor) => format!(" on floor {floor}"),
    };
    let bedrooms = match facts.bedrooms {
        1 => "One bedroom".to_owned(),
        count => format!("{count} bedrooms"),
    };
    format!(
        "{adj} {} of {} m²{floor}, in the heart of {}, {}.\n\n\
         {bedrooms}, a fitted kitchen and a bathroom. Amenities: {}.\n\n\
         {} minutes' walk to {transport}, shops and restaurants. {}",
        facts.kind.nouns()[0],
        facts.surface_m2,
        facts.district,
        facts.city.name[0],
        amenity_list(facts, 0),
        facts.walk_minutes,
        CLOSINGS[facts.closing][0],
    )
}

fn french_description(facts: &Facts) -> String {
    let [_, adj_m, adj_f] = ADJECTIVES[facts.adjective];
    let (article, adj) = if facts.kind.feminine() { ("Une", adj_f) } else { ("Un", adj_m) };
    let transport = match facts.city.country {
        0 => "du métro",
        1 => "de la gare la plus proche",
        _ => "du U-Bahn",
    };
    let floor = match (facts.kind, facts.floor) {
        (Kind::House, _) => " avec jardin".to_owned(),
        (_, 0) => " en rez-de-chaussée".to_owned(),
        (_, 1) => " au 1er étage".to_owned(),
        (_, floor) => format!(" au {floor}e étage"),
    };
    let bedrooms = match facts.bedrooms {
        1 => "Une chambre".to_owned(),
        count => format!("{count} chambres"),
    };
    format!(
        "{article} {} {adj} de {} m²{floor}, au cœur de {}, {}.\n\n\
         {bedrooms}, une cuisine équipée et une salle de bains. Équipements : {}.\n\n\
         À {} minutes à pied {transport}, des commerces et des restaurants. {}",
        facts.kind.nouns()[1],
        facts.surface_m2,
        facts.district,
        facts.city.name[1],
        amenity_list(facts, 1),
        facts.walk_minutes,
        CLOSINGS[facts.closing][1],
    )
}

/// House rules in `locale` (0 = `en`, 1 = `fr`), or `None` as often left empty.
pub(crate) fn rules(rng: &mut ChaCha8Rng, locale: usize) -> Option<String> {
    if rng.random_bool(0.4) {
        return None;
    }
    let rules = [
        "No smoking.\nNo parties or events.\nCheck-in after 3 pm, check-out before 11 am.",
        "Non-fumeur.\nPas de fêtes ni d'événements.\nArrivée après 15 h, départ avant 11 h.",
    ];
    Some(rules[locale].to_owned())
}

/// Draws the amenity indexes of a listing (3 to 5, distinct, in order).
pub(crate) fn draw_amenities(rng: &mut ChaCha8Rng) -> Vec<usize> {
    let wanted = rng.random_range(3..=5);
    let mut chosen: Vec<usize> = Vec::with_capacity(wanted);
    while chosen.len() < wanted {
        let index = rng.random_range(0..AMENITIES.len());
        if !chosen.contains(&index) {
            chosen.push(index);
        }
    }
    chosen.sort_unstable();
    chosen
}

/// Number of adjectives and closings to draw indexes from.
pub(crate) const ADJECTIVE_COUNT: usize = ADJECTIVES.len();
/// See [`ADJECTIVE_COUNT`].
pub(crate) const CLOSING_COUNT: usize = CLOSINGS.len();
