//! Generated `BuildingMap` JSON: sections → floors → units, plus an optional parking section.
//!
//! Labels follow Condo's builder: flats are numbered through the building ("1", "2", …) or,
//! in single-section houses, by floor and letter ("3A"); ground-floor shops are "C1", "C2"…;
//! parking places are "P-1", "P-2"…. Ids are builder counters and are not unit identities.

use super::model::{SectionKind, Unit};
use crate::condo::rng::SeededRng;
use serde_json::{Value, json};

/// A generated map with its flattened units and Condo's computed counters.
pub struct BuiltMap {
    /// The `map` JSON.
    pub json: Value,
    /// Every unit, in map order.
    pub units: Vec<Unit>,
    /// Flats in residential sections (`unitsCount`).
    pub units_count: i64,
    /// Parking units plus non-flat units in sections (`uninhabitedUnitsCount`).
    pub uninhabited_units_count: i64,
}

/// The random choices that shape one building.
struct Shape {
    sections: usize,
    floors: i64,
    per_floor: usize,
    lettered: bool,
    shops: bool,
    parking: usize,
}

impl Shape {
    fn random(rng: &mut SeededRng) -> Self {
        let lettered = rng.chance(0.2);
        Self {
            sections: if lettered { 1 } else { 1 + rng.below(3) },
            floors: rng.range(3, 13),
            per_floor: 2 + rng.below(5),
            lettered,
            shops: rng.chance(0.25),
            parking: if rng.chance(0.4) { 5 + rng.below(16) } else { 0 },
        }
    }
}

/// Builds a random building map.
pub fn build(rng: &mut SeededRng) -> BuiltMap {
    let shape = Shape::random(rng);
    let mut counters = Counters::default();
    let mut units = Vec::new();
    let sections: Vec<Value> =
        (1..=shape.sections).map(|s| section_json(&shape, s, &mut counters, &mut units)).collect();
    let parking: Vec<Value> =
        if shape.parking > 0 { vec![parking_json(shape.parking, &mut counters.ids, &mut units)] } else { Vec::new() };
    let units_count =
        units.iter().filter(|u| u.section_kind == SectionKind::Section && u.unit_type == "flat").count() as i64;
    BuiltMap {
        json: json!({ "dv": 1, "type": "building", "sections": sections, "parking": parking }),
        uninhabited_units_count: units.len() as i64 - units_count,
        units_count,
        units,
    }
}

/// Running numbers shared by all sections of one map.
#[derive(Default)]
struct Counters {
    ids: u32,
    flats: usize,
    shops: usize,
}

fn next_id(ids: &mut u32) -> String {
    *ids += 1;
    ids.to_string()
}

/// One residential section; floors are listed top floor first, as the builder does.
fn section_json(shape: &Shape, section: usize, counters: &mut Counters, units: &mut Vec<Unit>) -> Value {
    let section_name = section.to_string();
    let mut floors: Vec<(i64, Vec<Unit>)> = Vec::new();
    for floor in 1..=shape.floors {
        let floor_units = (0..shape.per_floor)
            .map(|slot| {
                let (label, unit_type) = unit_label(shape, floor, slot, counters);
                Unit {
                    section_kind: SectionKind::Section,
                    section_name: section_name.clone(),
                    floor_name: floor.to_string(),
                    label,
                    unit_type,
                }
            })
            .collect();
        floors.push((floor, floor_units));
    }
    let section_id = next_id(&mut counters.ids);
    let floors_json: Vec<Value> = floors
        .into_iter()
        .rev()
        .map(|(floor, floor_units)| floor_json(floor, floor_units, &mut counters.ids, units))
        .collect();
    json!({ "id": section_id, "type": "section", "index": section, "name": section_name, "floors": floors_json })
}

fn unit_label(shape: &Shape, floor: i64, slot: usize, counters: &mut Counters) -> (String, &'static str) {
    if shape.shops && floor == 1 {
        counters.shops += 1;
        return (format!("C{}", counters.shops), "commercial");
    }
    if shape.lettered {
        let letter = (b'A' + slot as u8) as char;
        return (format!("{floor}{letter}"), "flat");
    }
    counters.flats += 1;
    (counters.flats.to_string(), "flat")
}

fn floor_json(floor: i64, floor_units: Vec<Unit>, ids: &mut u32, units: &mut Vec<Unit>) -> Value {
    let floor_id = next_id(ids);
    let units_json: Vec<Value> = floor_units
        .iter()
        .map(|u| json!({ "id": next_id(ids), "type": "unit", "unitType": u.unit_type, "name": null, "label": u.label }))
        .collect();
    units.extend(floor_units);
    json!({ "id": floor_id, "type": "floor", "index": floor, "name": floor.to_string(), "units": units_json })
}

/// The single underground parking section, on floor -1.
fn parking_json(places: usize, ids: &mut u32, units: &mut Vec<Unit>) -> Value {
    let section_id = next_id(ids);
    let floor_id = next_id(ids);
    let mut units_json = Vec::with_capacity(places);
    for place in 1..=places {
        let label = format!("P-{place}");
        units_json
            .push(json!({ "id": next_id(ids), "type": "unit", "unitType": "parking", "name": null, "label": label }));
        units.push(Unit {
            section_kind: SectionKind::Parking,
            section_name: "P".to_owned(),
            floor_name: "-1".to_owned(),
            label,
            unit_type: "parking",
        });
    }
    let floor = json!({ "id": floor_id, "type": "floor", "index": -1, "name": "-1", "units": units_json });
    json!({ "id": section_id, "type": "section", "index": 1, "name": "P", "floors": [floor] })
}

#[cfg(test)]
mod tests {
    use super::build;
    use crate::condo::rng::SeededRng;
    use std::collections::HashSet;

    #[test]
    fn every_flattened_unit_appears_in_the_json_map() {
        let mut rng = SeededRng::new(3, 0);
        for _ in 0..20 {
            let map = build(&mut rng);
            let text = map.json.to_string();
            assert!(map.units.iter().all(|u| text.contains(&format!("\"label\":\"{}\"", u.label))));
            let counted = map.units_count + map.uninhabited_units_count;
            assert_eq!(counted, map.units.len() as i64);
        }
    }

    #[test]
    fn labels_are_unique_within_a_section_kind() {
        let mut rng = SeededRng::new(4, 0);
        for _ in 0..20 {
            let map = build(&mut rng);
            let keys: HashSet<_> = map.units.iter().map(|u| (u.section_kind, u.label.clone())).collect();
            assert_eq!(keys.len(), map.units.len());
        }
    }
}
