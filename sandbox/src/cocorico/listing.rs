//! Rows of one listing: its coordinate, location, `listing` row, translations,
//! images, category links and characteristics.

use std::collections::BTreeMap;

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sqlx::types::chrono::NaiveDateTime;

use super::catalog::{Catalog, LOCALES};
use super::characteristic::CharacteristicTables;
use super::dataset::{ListingStatus, Table, TimeUnit, Value, row};
use super::generate::{instant_between, shift, window};
use super::location;
use super::reference::CITIES;
use super::slug::slugify;
use super::text::{self, ADJECTIVE_COUNT, CLOSING_COUNT, Facts, Kind};
use super::tricky::Tricky;

/// What was decided about a listing before its rows are drawn.
pub(crate) struct Plan {
    pub id: i64,
    pub owner: usize,
    pub status: ListingStatus,
    pub created_at: NaiveDateTime,
    pub tricky: Option<Tricky>,
}

/// The listing-side tables being filled, with running counts.
pub(crate) struct ListingTables {
    pub time_unit: TimeUnit,
    pub by_status: BTreeMap<ListingStatus, usize>,
    /// Listings in both locales, `en` only, `fr` only.
    pub locale_counts: [usize; 3],
    pub image: Table,
    coordinate: Table,
    location: Table,
    listing: Table,
    translation: Table,
    category: Table,
    /// Characteristic reference rows, values and links.
    pub characteristics: CharacteristicTables,
}

#[rustfmt::skip]
const LISTING_COLUMNS: &[&str] = &[
    "id", "user_id", "location_id", "status", "type", "price", "certified", "min_duration",
    "max_duration", "cancellation_policy", "average_rating", "comment_count", "admin_notation",
    "availabilities_updated_at", "createdAt", "updatedAt",
];
#[rustfmt::skip]
const COORDINATE_COLUMNS: &[&str] = &[
    "id", "country_id", "area_id", "department_id", "city_id", "lat", "lng", "zip", "route",
    "street_number", "address", "createdAt", "updatedAt",
];
#[rustfmt::skip]
const LOCATION_COLUMNS: &[&str] =
    &["id", "listing_id", "coordinate_id", "country", "city", "zip", "route", "street_number"];
#[rustfmt::skip]
const TRANSLATION_COLUMNS: &[&str] =
    &["id", "translatable_id", "title", "description", "rules", "slug", "locale"];

impl ListingTables {
    /// Empty tables for prices in `time_unit`.
    pub fn new(time_unit: TimeUnit) -> Self {
        ListingTables {
            time_unit,
            by_status: BTreeMap::new(),
            locale_counts: [0; 3],
            image: Table::new("listing_image", &["id", "listing_id", "name", "position"]),
            coordinate: Table::new("geo_coordinate", COORDINATE_COLUMNS),
            location: Table::new("listing_location", LOCATION_COLUMNS),
            listing: Table::new("listing", LISTING_COLUMNS),
            translation: Table::new("listing_translation", TRANSLATION_COLUMNS),
            category: Table::new("listing_listing_category", &["id", "listing_id", "listing_category_id"]),
            characteristics: CharacteristicTables::new(),
        }
    }

    /// Draws and appends every row of the listing `plan`, owned by `user_id`.
    pub fn add(&mut self, rng: &mut ChaCha8Rng, catalog: &Catalog, plan: &Plan, user_id: i64) {
        let city_index = location::draw_city(rng);
        let city = &CITIES[city_index];
        let kind = Kind::draw(rng);
        let bedrooms = kind.bedrooms(rng);
        let facts = Facts {
            kind,
            city,
            district: city.districts[rng.random_range(0..city.districts.len())],
            bedrooms,
            adjective: rng.random_range(0..ADJECTIVE_COUNT),
            surface_m2: rng.random_range(18..40) + 22 * bedrooms,
            floor: rng.random_range(0..7),
            amenities: text::draw_amenities(rng),
            walk_minutes: rng.random_range(2..16),
            closing: rng.random_range(0..CLOSING_COUNT),
        };
        let location_id = self.add_location(rng, catalog, city_index, plan);
        self.add_listing(rng, plan, user_id, location_id, &facts);
        self.add_translations(rng, plan, &facts);
        self.add_images(rng, plan);
        let mut categories = vec![catalog.leaves[0][kind.category()]];
        if rng.random_bool(0.5) {
            let stays = &catalog.leaves[1];
            categories.push(stays[rng.random_range(0..stays.len())]);
        }
        for category in categories {
            let id = self.category.rows.len() as i64 + 1;
            self.category.push(row![id, plan.id, category]);
        }
        self.characteristics.add(plan.id, &facts);
        *self.by_status.entry(plan.status).or_default() += 1;
    }

    /// The tables in insertion order.
    pub fn into_tables(self) -> Vec<Table> {
        let mut tables =
            vec![self.coordinate, self.location, self.listing, self.translation, self.image, self.category];
        tables.extend(self.characteristics.into_tables());
        tables
    }

    /// Appends the `geo_coordinate` and `listing_location` rows; returns the location id.
    fn add_location(&mut self, rng: &mut ChaCha8Rng, catalog: &Catalog, city_index: usize, plan: &Plan) -> i64 {
        let id = self.location.rows.len() as i64 + 1;
        let (coordinate, location) = location::rows(rng, catalog, city_index, id, plan);
        self.coordinate.push(coordinate);
        self.location.push(location);
        id
    }

    /// Appends the `listing` row.
    fn add_listing(&mut self, rng: &mut ChaCha8Rng, plan: &Plan, user_id: i64, location_id: i64, facts: &Facts) {
        let (_, end) = window();
        let updated_at = instant_between(rng, plan.created_at, end.min(shift(plan.created_at, 365 * 86_400)));
        let availabilities = rng.random_bool(0.5).then(|| instant_between(rng, plan.created_at, end));
        let certified = match rng.random_range(0..10) {
            0 => Some(true),
            1..=3 => Some(false),
            _ => None,
        };
        let (min, max) = durations(rng, self.time_unit);
        let policy: i16 = if rng.random_bool(0.7) { 1 } else { 2 };
        let price = price_cents(rng, facts, self.time_unit);
        let status = plan.status.code();
        let mut values = row![plan.id, user_id, location_id, status, None::<i16>, price];
        values.extend(row![certified, min, max, policy]);
        values.extend(reputation(rng));
        values.extend(row![availabilities, plan.created_at, updated_at]);
        self.listing.push(values);
    }

    /// Appends the `listing_translation` rows of the locales the listing has.
    fn add_translations(&mut self, rng: &mut ChaCha8Rng, plan: &Plan, facts: &Facts) {
        let locales = plan.tricky.and_then(Tricky::locales).unwrap_or_else(|| match rng.random_range(0..100) {
            0..=79 => [true, true],
            80..=91 => [true, false],
            _ => [false, true],
        });
        self.locale_counts[match locales {
            [true, true] => 0,
            [true, false] => 1,
            _ => 2,
        }] += 1;
        for (locale, code) in LOCALES.iter().enumerate().filter(|(locale, _)| locales[*locale]) {
            let (mut title, mut description) = text::texts(facts, locale);
            if let Some(tricky) = plan.tricky {
                tricky.rewrite(locale, &mut title, &mut description);
            }
            let id = self.translation.rows.len() as i64 + 1;
            let slug = slugify(&format!("{title} {}", plan.id));
            let rules = text::rules(rng, locale);
            self.translation.push(row![id, plan.id, title, description, rules, slug, *code]);
        }
    }

    /// Appends 1 to 6 `listing_image` rows, or the tricky case's.
    fn add_images(&mut self, rng: &mut ChaCha8Rng, plan: &Plan) {
        let names = plan.tricky.and_then(Tricky::image_names).unwrap_or_else(|| {
            let count = [1, 2, 3, 3, 4, 4, 5, 5, 6][rng.random_range(0..9)];
            (0..count).map(|_| image_name(rng)).collect()
        });
        for (position, name) in names.into_iter().enumerate() {
            let id = self.image.rows.len() as i64 + 1;
            self.image.push(row![id, plan.id, name, position as i16 + 1]);
        }
    }
}

/// `average_rating`, `comment_count` and `admin_notation` (0.0 to 9.9).
fn reputation(rng: &mut ChaCha8Rng) -> Vec<Value> {
    let comments: i32 = if rng.random_bool(0.5) { 0 } else { rng.random_range(1..=40) };
    let rating = (comments > 0).then(|| rng.random_range(3..=5i16));
    let notation = rng.random_bool(0.2).then(|| format!("{}.{}", rng.random_range(0..10), rng.random_range(0..10)));
    row![rating, comments, notation]
}

/// `listing.price`: whole cents per time unit, within Cocorico's default
/// bounds (`listing_price_min` 100, `listing_price_max` 100000).
fn price_cents(rng: &mut ChaCha8Rng, facts: &Facts, unit: TimeUnit) -> i64 {
    let bedrooms = i64::from(facts.bedrooms);
    let night = facts.city.night_cents * facts.kind.price_percent() / 100 * (75 + 25 * bedrooms) / 100;
    let night = night * rng.random_range(80..=125) / 100;
    let cents = match unit {
        TimeUnit::Day => night / 100 * 100,
        TimeUnit::Hour => night / 20 / 10 * 10,
    };
    cents.clamp(100, 100_000)
}

/// `(min_duration, max_duration)` in time units.
fn durations(rng: &mut ChaCha8Rng, unit: TimeUnit) -> (Option<i16>, Option<i16>) {
    let (mins, maxes): (&[i16], &[i16]) = match unit {
        TimeUnit::Day => (&[1, 1, 2, 2, 3, 7], &[14, 30, 60, 90]),
        TimeUnit::Hour => (&[1, 2, 4, 24], &[24, 72, 168, 720]),
    };
    let min = rng.random_bool(0.7).then(|| mins[rng.random_range(0..mins.len())]);
    let max = rng.random_bool(0.5).then(|| maxes[rng.random_range(0..maxes.len())]);
    (min, max)
}

/// An uploaded file name as Cocorico's `ImageNamer` makes it: `sha1(…).ext`.
fn image_name(rng: &mut ChaCha8Rng) -> String {
    let extension = match rng.random_range(0..20) {
        0..=16 => "jpg",
        17..=18 => "png",
        _ => "jpeg",
    };
    format!("{:016x}{:016x}{:08x}.{extension}", rng.random::<u64>(), rng.random::<u64>(), rng.random::<u32>())
}
