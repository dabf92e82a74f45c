//! Fake `user` rows: owners with the personal and bank data Cocorico keeps
//! (e-mail, phone, birthday, IBAN…), which an importer must never copy.
//!
//! Everything here is invented: names are drawn from common first and last
//! names, e-mail domains are the reserved `example.*` ones, British numbers come
//! from Ofcom's drama range, and IBANs only have valid check digits.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sqlx::types::chrono::{NaiveDate, NaiveDateTime};

use super::dataset::{Value, row};
use super::generate::shift;
use super::reference::{CITIES, COUNTRIES};
use super::slug::slugify;

/// Columns of `user` the generator fills: every column of the table.
#[rustfmt::skip]
pub(crate) const USER_COLUMNS: &[&str] = &[
    "id", "username", "username_canonical", "email", "email_canonical", "enabled", "salt",
    "password", "last_login", "confirmation_token", "password_requested_at", "roles",
    "person_type", "company_name", "last_name", "first_name", "phone_prefix", "phone", "birthday",
    "nationality", "country_of_residence", "profession", "iban", "bic", "bank_owner_name",
    "bank_owner_address", "annual_income", "phone_verified", "email_verified", "id_card_verified",
    "nb_bookings_offerer", "nb_bookings_asker", "fee_as_asker", "fee_as_offerer",
    "average_rating_as_asker", "average_rating_as_offerer", "mother_tongue", "answer_delay",
    "time_zone", "slug", "createdAt", "updatedAt",
];

#[rustfmt::skip]
const FIRST_NAMES: [&[&str]; 3] = [
    &["Camille", "Julien", "Léa", "Mathieu", "Chloé", "Nicolas", "Élodie", "Thomas", "Inès", "Hugo"],
    &["Oliver", "Amelia", "Harry", "Isla", "George", "Emily", "Jack", "Sophie", "Noah", "Grace"],
    &["Lukas", "Anna", "Jonas", "Lea", "Felix", "Marie", "Paul", "Sophie", "Jan", "Mia"],
];
#[rustfmt::skip]
const LAST_NAMES: [&[&str]; 3] = [
    &["Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Girard", "Rousseau", "Faure", "Mercier"],
    &["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Davies", "Evans", "Thomas"],
    &["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann"],
];
const COMPANY_SUFFIXES: [&str; 3] = ["Immobilier SARL", "Lettings Ltd", "Wohnen GmbH"];
const PROFESSIONS: [&str; 6] = ["Architect", "Teacher", "Nurse", "Engineer", "Photographer", "Retired"];
const TIME_ZONES: [&str; 3] = ["Europe/Paris", "Europe/London", "Europe/Berlin"];
const LANGUAGES: [&str; 3] = ["fr", "en", "de"];
const PHONE_PREFIXES: [&str; 3] = ["+33", "+44", "+49"];

/// One `user` row for the account `id`, created at `created_at`; `index`
/// makes its e-mail address unique.
pub(crate) fn user_row(
    rng: &mut ChaCha8Rng,
    index: usize,
    id: i64,
    created_at: NaiveDateTime,
    enabled: bool,
) -> Vec<Value> {
    let country = rng.random_range(0..COUNTRIES.len());
    let first = pick(rng, FIRST_NAMES[country]);
    let last = pick(rng, LAST_NAMES[country]);
    let domain = pick(rng, &["example.com", "example.org", "example.net"]);
    let email = format!("{}.{}.{index}@{domain}", slugify(first), slugify(last));
    let updated_at = shift(created_at, rng.random_range(0..400) * 86_400);
    let mut values = row![id, email.as_str(), email.as_str(), email.as_str(), email, enabled];
    let last_login = rng.random_bool(0.8).then_some(updated_at);
    values.extend(row![
        random_token(rng, 43),
        random_token(rng, 88),
        last_login,
        None::<String>,
        None::<NaiveDateTime>,
        "a:0:{}",
    ]);
    values.extend(person_columns(rng, country, first, last));
    values.extend(bank_columns(rng, country, first, last));
    values.extend(activity_columns(rng, country));
    values.extend(row![format!("{}-{id}", slugify(first)), created_at, updated_at]);
    values
}

/// `person_type` to `profession`.
fn person_columns(rng: &mut ChaCha8Rng, country: usize, first: &str, last: &str) -> Vec<Value> {
    let company = rng.random_bool(0.1).then(|| format!("{last} {}", COMPANY_SUFFIXES[country]));
    let person_type = if company.is_some() { 2 } else { 1 };
    let code = COUNTRIES[country].code;
    row![
        person_type,
        company,
        last,
        first,
        PHONE_PREFIXES[country],
        phone(rng, country),
        birthday(rng),
        code,
        code,
        pick(rng, &PROFESSIONS),
    ]
}

/// `phone_verified` to `time_zone`.
fn activity_columns(rng: &mut ChaCha8Rng, country: usize) -> Vec<Value> {
    let verified = [rng.random_bool(0.7), rng.random_bool(0.9), rng.random_bool(0.3)];
    let bookings = [rng.random_range(0..40i32), rng.random_range(0..10i32)];
    let rating = rng.random_bool(0.6).then(|| rng.random_range(3..=5i32));
    let answer_delay = rng.random_bool(0.7).then(|| rng.random_range(1..48i32));
    let mut values: Vec<Value> = verified.into_iter().map(Value::from).collect();
    values.extend(bookings.map(Value::from));
    values.extend(row![None::<i32>, None::<i32>, None::<i32>, rating]);
    values.extend(row![LANGUAGES[country], answer_delay, TIME_ZONES[country]]);
    values
}

fn pick<'a>(rng: &mut ChaCha8Rng, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

/// `iban`, `bic`, `bank_owner_name`, `bank_owner_address`, `annual_income`.
fn bank_columns(rng: &mut ChaCha8Rng, country: usize, first: &str, last: &str) -> Vec<Value> {
    if rng.random_bool(0.25) {
        return row![None::<String>, None::<String>, None::<String>, None::<String>, None::<String>];
    }
    let city = CITIES.iter().find(|city| city.country == country).expect("a city per country");
    let (number, street, zip) = (rng.random_range(1..120), pick(rng, city.streets), pick(rng, city.zips));
    let address = match country {
        0 => format!("{number} {street}, {zip} {}", city.name[0]),
        1 => format!("{number} {street}, {} {zip}", city.name[0]),
        _ => format!("{street} {number}, {zip} {}", city.name[0]),
    };
    let income = format!("{}.00", rng.random_range(18..150) * 1000);
    let code = COUNTRIES[country].code;
    row![iban(rng, country), format!("SBOX{code}PPXXX"), format!("{first} {last}"), address, income]
}

/// A phone number without its prefix, as stored in `user.phone`.
fn phone(rng: &mut ChaCha8Rng, country: usize) -> String {
    match country {
        0 => format!("6{:08}", rng.random_range(0..100_000_000)),
        1 => format!("7700900{:03}", rng.random_range(0..1000)),
        _ => format!("1570{:07}", rng.random_range(0..10_000_000)),
    }
}

fn birthday(rng: &mut ChaCha8Rng) -> NaiveDate {
    let start = NaiveDate::from_ymd_opt(1950, 1, 1).and_then(|day| day.and_hms_opt(12, 0, 0)).expect("valid date");
    shift(start, rng.random_range(0..18_000) * 86_400).date()
}

fn random_token(rng: &mut ChaCha8Rng, len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    (0..len).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

/// A fake IBAN of the owner's country whose check digits are valid.
fn iban(rng: &mut ChaCha8Rng, country: usize) -> String {
    let digits = |rng: &mut ChaCha8Rng, count: usize| -> String {
        (0..count).map(|_| char::from(b'0' + rng.random_range(0..10u8))).collect()
    };
    let bban = match country {
        0 => digits(rng, 23),
        1 => format!("SBOX{}", digits(rng, 14)),
        _ => digits(rng, 18),
    };
    with_check_digits(COUNTRIES[country].code, &bban)
}

/// `country + check digits + bban`, the check digits per ISO 13616 (mod 97).
pub(crate) fn with_check_digits(country: &str, bban: &str) -> String {
    let rearranged = format!("{bban}{country}00");
    let remainder = rearranged.chars().fold(0u32, |acc, c| {
        let value = c.to_digit(36).expect("alphanumeric IBAN");
        if value < 10 { (acc * 10 + value) % 97 } else { (acc * 100 + value) % 97 }
    });
    format!("{country}{:02}{bban}", 98 - remainder)
}

#[cfg(test)]
mod tests {
    use super::with_check_digits;

    #[test]
    fn iban_check_digits_match_the_published_examples() {
        assert_eq!(with_check_digits("GB", "WEST12345698765432"), "GB82WEST12345698765432");
        assert_eq!(with_check_digits("DE", "370400440532013000"), "DE89370400440532013000");
        assert_eq!(with_check_digits("FR", "20041010050500013M02606"), "FR1420041010050500013M02606");
    }
}
