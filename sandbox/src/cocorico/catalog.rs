//! Reference tables built from [`super::reference`]: the geo hierarchy
//! (`geo_country` … `geo_city` with translations) and the category nested set.

use super::dataset::{Table, Value, row};
use super::reference::{CATEGORY_TREE, CITIES, COUNTRIES};
use super::slug::slugify;

/// The locales every reference name is translated into.
pub(crate) const LOCALES: [&str; 2] = ["en", "fr"];

/// Geo ids of one city of [`CITIES`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct CityIds {
    pub country: i64,
    pub area: i64,
    pub department: i64,
    pub city: i64,
}

/// The reference tables and the ids listings point at.
pub(crate) struct Catalog {
    /// Geo and category tables, in foreign-key order.
    pub tables: Vec<Table>,
    /// Geo ids, parallel to [`CITIES`].
    pub cities: Vec<CityIds>,
    /// `listing_category.id` of each child, per root: `leaves[root][child]`.
    pub leaves: Vec<Vec<i64>>,
}

/// A translatable reference table being filled: parents plus `*_translation`.
struct Translated {
    main: Table,
    translation: Table,
    keys: Vec<(String, Vec<Value>)>,
}

const TRANSLATION_COLUMNS: &[&str] = &["id", "translatable_id", "name", "slug", "locale"];

impl Translated {
    fn new(main: &'static str, translation: &'static str, columns: &'static [&'static str]) -> Self {
        Translated {
            main: Table::new(main, columns),
            translation: Table::new(translation, TRANSLATION_COLUMNS),
            keys: Vec::new(),
        }
    }

    /// The id of the row named `names` with the other `columns` (parent ids or
    /// code), inserting it if new.
    fn id_of(&mut self, names: [&str; 2], columns: Vec<Value>) -> i64 {
        let key = (names[0].to_owned(), columns);
        if let Some(index) = self.keys.iter().position(|known| *known == key) {
            return index as i64 + 1;
        }
        let id = self.keys.len() as i64 + 1;
        let mut values = row![id];
        values.extend(key.1.iter().cloned());
        self.main.push(values);
        self.keys.push(key);
        for (name, locale) in names.into_iter().zip(LOCALES) {
            let translation_id = self.translation.rows.len() as i64 + 1;
            self.translation.push(row![translation_id, id, name, slugify(name), locale]);
        }
        id
    }
}

/// Builds the reference tables.
pub(crate) fn build() -> Catalog {
    let (geo, cities) = geo();
    let (category, category_translation, leaves) = categories();
    let mut tables = geo;
    tables.push(category);
    tables.push(category_translation);
    Catalog { tables, cities, leaves }
}

/// The `geo_*` tables with their translations, and the ids of every city.
fn geo() -> (Vec<Table>, Vec<CityIds>) {
    let mut countries = Translated::new("geo_country", "geo_country_translation", &["id", "code"]);
    let mut areas = Translated::new("geo_area", "geo_area_translation", &["id", "country_id"]);
    let mut departments =
        Translated::new("geo_department", "geo_department_translation", &["id", "country_id", "area_id"]);
    let mut cities =
        Translated::new("geo_city", "geo_city_translation", &["id", "country_id", "area_id", "department_id"]);
    let mut ids = Vec::with_capacity(CITIES.len());
    for city in &CITIES {
        let country_ref = &COUNTRIES[city.country];
        let country = countries.id_of(country_ref.name, row![country_ref.code]);
        let area = areas.id_of(city.area, row![country]);
        let department = departments.id_of(city.department, row![country, area]);
        let city = cities.id_of(city.name, row![country, area, department]);
        ids.push(CityIds { country, area, department, city });
    }
    let tables = [countries, areas, departments, cities]
        .into_iter()
        .flat_map(|translated| [translated.main, translated.translation])
        .collect();
    (tables, ids)
}

/// `listing_category` as a nested set (ids in pre-order, one tree per root)
/// and its translations.
fn categories() -> (Table, Table, Vec<Vec<i64>>) {
    let mut category = Table::new("listing_category", &["id", "parent_id", "lft", "lvl", "rgt", "root"]);
    let mut translation = Table::new("listing_category_translation", TRANSLATION_COLUMNS);
    let mut leaves = Vec::new();
    let mut add = |id: i64, names: [&str; 2]| {
        for (name, locale) in names.into_iter().zip(LOCALES) {
            let translation_id = translation.rows.len() as i64 + 1;
            translation.push(row![translation_id, id, name, slugify(name), locale]);
        }
    };
    let mut next_id = 1;
    for root in &CATEGORY_TREE {
        let root_id = next_id;
        let children = root.children.len() as i64;
        category.push(row![root_id, None::<i64>, 1, 0, 2 * children + 2, root_id]);
        add(root_id, root.name);
        let mut ids = Vec::new();
        for (index, names) in root.children.iter().enumerate() {
            let id = root_id + 1 + index as i64;
            let lft = 2 * index as i64 + 2;
            category.push(row![id, root_id, lft, 1, lft + 1, root_id]);
            add(id, *names);
            ids.push(id);
        }
        leaves.push(ids);
        next_id = root_id + children + 1;
    }
    (category, translation, leaves)
}
