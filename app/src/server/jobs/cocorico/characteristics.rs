//! A listing's bedrooms, bathrooms, surface and capacity from its Cocorico
//! characteristics. Cocorico stores a characteristic's value as a translated
//! name, so a number is read from it only when the name is one: "2", or
//! "45 m²" for a surface. No link, a link without a value, or a value such as
//! "NC", "2-3" or "Studio" is unknown (`None`), never 0.

use crate::server::adapters::cocorico::{CharacteristicRecord, CharacteristicRef, CharacteristicRefs};

/// What the characteristics say; `None` where they say nothing usable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts {
    /// Bedrooms, 0 (a studio) to 50.
    pub bedrooms: Option<i32>,
    /// Bathrooms, 0 to 50.
    pub bathrooms: Option<i32>,
    /// Surface in square metres, 1 to 100,000.
    pub area_m2: Option<i32>,
    /// Guests it sleeps, 1 to 1,000.
    pub capacity: Option<i32>,
}

/// Reads the facts named by `refs` from one listing's characteristic rows,
/// each value in the first of `locales` it exists in.
pub fn facts(records: &[CharacteristicRecord], refs: &CharacteristicRefs, locales: &[String]) -> Facts {
    let read = |wanted: &CharacteristicRef, range: std::ops::RangeInclusive<i32>, units: &[&str]| {
        let rows: Vec<&CharacteristicRecord> =
            records.iter().filter(|r| wanted.matches(r.characteristic_id, &r.name)).collect();
        let row =
            locales.iter().find_map(|locale| rows.iter().find(|r| r.locale == *locale)).or_else(|| rows.first())?;
        number(row.value.as_deref()?, units).filter(|n| range.contains(n))
    };
    Facts {
        bedrooms: read(&refs.bedrooms, 0..=50, &[]),
        bathrooms: read(&refs.bathrooms, 0..=50, &[]),
        area_m2: read(&refs.surface, 1..=100_000, &["m²", "m2", "sqm"]),
        capacity: read(&refs.capacity, 1..=1_000, &[]),
    }
}

/// The whole number a value's name is, optionally followed by one of `units`.
fn number(value: &str, units: &[&str]) -> Option<i32> {
    let value = value.trim();
    let digits = units.iter().find_map(|unit| value.strip_suffix(unit).map(str::trim_end)).unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: i32, locale: &str, name: &str, value: Option<&str>) -> CharacteristicRecord {
        CharacteristicRecord {
            listing_id: 1,
            characteristic_id: id,
            locale: locale.into(),
            name: name.into(),
            value: value.map(str::to_owned),
        }
    }

    fn locales() -> Vec<String> {
        vec!["en".into(), "fr".into()]
    }

    #[test]
    fn numbers_are_read_from_the_named_characteristics() {
        let rows = [
            record(5, "en", "Bedrooms", Some("2")),
            record(5, "fr", "Chambres", Some("2")),
            record(6, "fr", "Salles de bain", Some("1")),
            record(6, "en", "Bathrooms", Some("1")),
            record(7, "en", "Surface", Some("45 m²")),
            record(8, "en", "Capacity", Some("4")),
            record(2, "en", "Characteristic_2", Some("3")),
        ];
        let facts = facts(&rows, &CharacteristicRefs::default(), &locales());
        assert_eq!(facts, Facts { bedrooms: Some(2), bathrooms: Some(1), area_m2: Some(45), capacity: Some(4) });
    }

    #[test]
    fn absent_empty_and_malformed_values_are_unknown_never_zero() {
        let rows = [
            record(5, "en", "Bedrooms", Some("Studio")),
            record(6, "en", "Bathrooms", None),
            record(7, "en", "Surface", Some("2-3")),
        ];
        assert_eq!(facts(&rows, &CharacteristicRefs::default(), &locales()), Facts::default());
        assert_eq!(facts(&[], &CharacteristicRefs::default(), &locales()), Facts::default());
        for bad in ["", " ", "NC", "-1", "1.5", "2 bedrooms", "99999999999", "m²"] {
            assert_eq!(number(bad, &["m²"]), None, "{bad}");
        }
        assert_eq!(number(" 0 ", &[]), Some(0), "a studio has 0 bedrooms, which is known");
        let huge = [record(8, "en", "Capacity", Some("5000"))];
        assert_eq!(facts(&huge, &CharacteristicRefs::default(), &locales()).capacity, None);
    }

    #[test]
    fn a_characteristic_can_be_named_by_id_and_the_preferred_locale_wins() {
        let refs = CharacteristicRefs { bedrooms: CharacteristicRef::Id(2), ..CharacteristicRefs::default() };
        let rows = [record(2, "fr", "Caractéristique_2", Some("3")), record(2, "en", "Characteristic_2", Some("2"))];
        assert_eq!(facts(&rows, &refs, &locales()).bedrooms, Some(2));
        assert_eq!(facts(&rows, &refs, &["fr".into()]).bedrooms, Some(3));
    }
}
