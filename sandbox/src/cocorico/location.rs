//! Where a listing is: its `geo_coordinate` and `listing_location` rows, filled
//! the way Google's geocoder and Cocorico's listing form fill them.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::catalog::Catalog;
use super::dataset::{Value, row};
use super::listing::Plan;
use super::reference::{CITIES, COUNTRIES, CityRef};

/// `(geo_coordinate, listing_location)` rows, both with id `id`, for a place
/// near the centre of `CITIES[city_index]`.
pub(crate) fn rows(
    rng: &mut ChaCha8Rng,
    catalog: &Catalog,
    city_index: usize,
    id: i64,
    plan: &Plan,
) -> (Vec<Value>, Vec<Value>) {
    let city = &CITIES[city_index];
    let ids = catalog.cities[city_index];
    let number = match rng.random_range(0..20) {
        0 if city.country == 0 => format!("{} bis", rng.random_range(1..150)),
        _ => rng.random_range(1..150).to_string(),
    };
    let route = city.streets[rng.random_range(0..city.streets.len())];
    let zip = city.zips[rng.random_range(0..city.zips.len())];
    let lat = city.lat + rng.random_range(-0.035..0.035);
    let lng = city.lng + rng.random_range(-0.035..0.035) / city.lat.to_radians().cos();
    let address = formatted_address(city, &number, route, zip);
    let coordinate = row![
        id,
        ids.country,
        ids.area,
        ids.department,
        ids.city,
        decimal7(lat),
        decimal7(lng),
        zip,
        route,
        number.as_str(),
        address,
        plan.created_at,
        plan.created_at,
    ];
    let country = COUNTRIES[city.country].code;
    let location = row![id, plan.id, id, country, city.name[0], zip, route, number];
    (coordinate, location)
}

/// A city index, drawn by [`CityRef::weight`].
pub(crate) fn draw_city(rng: &mut ChaCha8Rng) -> usize {
    let total: u32 = CITIES.iter().map(|city| city.weight).sum();
    let mut ticket = rng.random_range(0..total);
    for (index, city) in CITIES.iter().enumerate() {
        if ticket < city.weight {
            return index;
        }
        ticket -= city.weight;
    }
    CITIES.len() - 1
}

/// Google's `formatted_address`, in the country's usual order.
fn formatted_address(city: &CityRef, number: &str, route: &str, zip: &str) -> String {
    let (name, suffix) = (city.name[0], COUNTRIES[city.country].address_suffix);
    match city.country {
        0 => format!("{number} {route}, {zip} {name}, {suffix}"),
        1 => format!("{number} {route}, {name} {zip}, {suffix}"),
        _ => format!("{route} {number}, {zip} {name}, {suffix}"),
    }
}

/// Degrees as `DECIMAL(11,7)` text.
fn decimal7(degrees: f64) -> String {
    format!("{degrees:.7}")
}
