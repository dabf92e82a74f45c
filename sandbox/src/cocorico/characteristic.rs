//! Listing characteristics, as Cocorico stores them: a characteristic (in a
//! group, of a type) is linked to a listing with one of its type's values,
//! and characteristic, group and value names exist only per locale. The value
//! is a translated *name*, not a number: an install that records bedrooms
//! makes "2" a value of a "number" type, and nothing stops an admin from
//! adding "Studio" or "NC" to it, or a link from having no value at all.
//!
//! The reference rows are Cocorico's demo fixtures (`Characteristic_1` to
//! `_4` with the "Yes/No", "Quantity" and "Custom_1" types) plus what a
//! rental install adds: "Bedrooms", "Bathrooms", "Surface" and "Capacity".

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::catalog::LOCALES;
use super::dataset::{Table, row};
use super::text::{Facts, Kind};

/// The English names of the rental characteristics, in id order (5 to 8).
pub const PROPERTY_CHARACTERISTICS: [&str; 4] = ["Bedrooms", "Bathrooms", "Surface", "Capacity"];

/// How complete a listing's rental characteristics are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completeness {
    /// All four, each with a whole-number value.
    Complete,
    /// Some or all of the four are not linked.
    Partial,
    /// At least one is linked without a value, or with a value that is not a number.
    Malformed,
}

/// `(en, fr)` names of the types: the demo's three, then the rental ones.
const TYPES: [&str; 5] = ["Yes/No", "Quantity", "Custom_1", "Number", "Surface"];
const GROUPS: [[&str; 2]; 3] = [["Group_1", "Groupe_1"], ["Group_2", "Groupe_2"], ["Property", "Logement"]];
/// `(names, group, type)` of every characteristic, ids from 1.
const CHARACTERISTICS: [([&str; 2], i64, i64); 8] = [
    (["Characteristic_1", "Caractéristique_1"], 1, 1),
    (["Characteristic_2", "Caractéristique_2"], 1, 2),
    (["Characteristic_3", "Caractéristique_3"], 2, 3),
    (["Characteristic_4", "Caractéristique_4"], 2, 3),
    (["Bedrooms", "Chambres"], 3, 4),
    (["Bathrooms", "Salles de bain"], 3, 4),
    (["Surface", "Surface"], 3, 5),
    (["Capacity", "Capacité"], 3, 4),
];
/// The demo fixture's values: `(type, en, fr)`.
const DEMO_VALUES: [(i64, &str, &str); 7] = [
    (1, "Yes", "Oui"),
    (1, "No", "Non"),
    (2, "1", "1"),
    (2, "2", "2"),
    (2, "3", "3"),
    (3, "Custom value 1", "Valeur personnalisée 1"),
    (3, "Custom value 2", "Valeur personnalisée 2"),
];

/// The characteristic tables being filled; values are added as listings need them.
pub(crate) struct CharacteristicTables {
    value: Table,
    value_translation: Table,
    link: Table,
    values: Vec<(i64, String)>,
    /// Listings per [`Completeness`]: complete, partial, malformed.
    pub counts: [usize; 3],
}

impl CharacteristicTables {
    /// The demo's values, no links yet.
    pub fn new() -> Self {
        let mut tables = CharacteristicTables {
            value: Table::new("listing_characteristic_value", &["id", "listing_characteristic_type_id", "position"]),
            value_translation: Table::new(
                "listing_characteristic_value_translation",
                &["id", "translatable_id", "name", "locale"],
            ),
            link: Table::new(
                "listing_listing_characteristic",
                &["id", "listing_id", "listing_characteristic_id", "listing_characteristic_value_id"],
            ),
            values: Vec::new(),
            counts: [0; 3],
        };
        for (kind, en, fr) in DEMO_VALUES {
            tables.value_id(kind, [en, fr]);
        }
        tables
    }

    /// The id of the value named `names` of type `kind`, added if new.
    fn value_id(&mut self, kind: i64, names: [&str; 2]) -> i64 {
        if let Some(index) = self.values.iter().position(|(k, name)| *k == kind && name == names[0]) {
            return index as i64 + 1;
        }
        let id = self.values.len() as i64 + 1;
        let position = self.values.iter().filter(|(k, _)| *k == kind).count() as i64 + 1;
        self.values.push((kind, names[0].to_owned()));
        self.value.push(row![id, kind, position]);
        for (name, locale) in names.into_iter().zip(LOCALES) {
            let translation_id = self.value_translation.rows.len() as i64 + 1;
            self.value_translation.push(row![translation_id, id, name, locale]);
        }
        id
    }

    fn link(&mut self, listing: i64, characteristic: i64, value: Option<i64>) {
        let id = self.link.rows.len() as i64 + 1;
        self.link.push(row![id, listing, characteristic, value]);
    }

    /// Links the listing's characteristics, drawn from its own seed so the
    /// rest of the data set does not depend on them; returns how complete they are.
    pub fn add(&mut self, listing: i64, facts: &Facts) -> Completeness {
        let mut rng = ChaCha8Rng::seed_from_u64(listing as u64 ^ 0x00c0_c0a1_c0de);
        if rng.random_bool(0.3) {
            let yes_no = if rng.random_bool(0.5) { ["Yes", "Oui"] } else { ["No", "Non"] };
            let value = self.value_id(1, yes_no);
            self.link(listing, 1, Some(value));
        }
        let bedrooms = if facts.kind == Kind::Studio { 0 } else { facts.bedrooms };
        let numbers =
            [bedrooms, 1 + bedrooms / 3, facts.surface_m2, (2 * bedrooms).max(1) + u32::from(rng.random_bool(0.3))];
        let completeness = match rng.random_range(0..100) {
            0..=79 => Completeness::Complete,
            80..=91 => Completeness::Partial,
            _ => Completeness::Malformed,
        };
        let (skip, broken) = match completeness {
            Completeness::Complete => (usize::MAX, usize::MAX),
            Completeness::Partial => (rng.random_range(0..5), usize::MAX),
            Completeness::Malformed => (usize::MAX, rng.random_range(0..4)),
        };
        for (index, number) in numbers.into_iter().enumerate() {
            // `skip` 4 leaves every one of them out.
            if skip == index || skip == 4 {
                continue;
            }
            let (characteristic, kind) = (index as i64 + 5, CHARACTERISTICS[index + 4].2);
            let value = if broken == index {
                self.malformed(&mut rng, kind, bedrooms)
            } else {
                let name = if kind == 5 { format!("{number} m²") } else { number.to_string() };
                Some(self.value_id(kind, [&name, &name]))
            };
            self.link(listing, characteristic, value);
        }
        self.counts[completeness as usize] += 1;
        completeness
    }

    /// No value, or a value that is not a whole number.
    fn malformed(&mut self, rng: &mut ChaCha8Rng, kind: i64, bedrooms: u32) -> Option<i64> {
        match rng.random_range(0..3) {
            0 => None,
            1 if bedrooms == 0 => Some(self.value_id(kind, ["Studio", "Studio"])),
            1 => Some(self.value_id(kind, ["NC", "NC"])),
            _ => Some(self.value_id(kind, ["2-3", "2-3"])),
        }
    }

    /// The reference tables, then the values and the links, in foreign-key order.
    pub fn into_tables(self) -> Vec<Table> {
        let mut kinds = Table::new("listing_characteristic_type", &["id", "name"]);
        for (index, name) in TYPES.into_iter().enumerate() {
            kinds.push(row![index as i64 + 1, name]);
        }
        let mut groups = Table::new("listing_characteristic_group", &["id", "position"]);
        let mut group_names =
            Table::new("listing_characteristic_group_translation", &["id", "translatable_id", "name", "locale"]);
        for (index, names) in GROUPS.into_iter().enumerate() {
            let id = index as i64 + 1;
            groups.push(row![id, id]);
            for (name, locale) in names.into_iter().zip(LOCALES) {
                let translation_id = group_names.rows.len() as i64 + 1;
                group_names.push(row![translation_id, id, name, locale]);
            }
        }
        let mut characteristics = Table::new(
            "listing_characteristic",
            &["id", "listing_characteristic_type_id", "listing_characteristic_group_id", "position"],
        );
        let mut names = Table::new(
            "listing_characteristic_translation",
            &["id", "translatable_id", "name", "description", "locale"],
        );
        for (index, (pair, group, kind)) in CHARACTERISTICS.into_iter().enumerate() {
            let id = index as i64 + 1;
            characteristics.push(row![id, kind, group, id]);
            for (name, locale) in pair.into_iter().zip(LOCALES) {
                let translation_id = names.rows.len() as i64 + 1;
                names.push(row![translation_id, id, name, None::<String>, locale]);
            }
        }
        vec![kinds, groups, group_names, characteristics, names, self.value, self.value_translation, self.link]
    }
}
