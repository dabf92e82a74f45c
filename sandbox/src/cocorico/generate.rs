//! The seeded generator: the same options always give the same [`Dataset`].

use std::collections::{BTreeMap, HashSet};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sqlx::types::chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use super::catalog::{self, Catalog};
use super::dataset::{CharacteristicCounts, Dataset, DatasetSummary, ListingStatus, Table, TimeUnit, TrickyListings};
use super::listing::{ListingTables, Plan};
use super::people::{USER_COLUMNS, user_row};
use super::tricky::Tricky;

/// Fewest listings a data set can have: the tricky ones plus one per status.
pub const MIN_LISTINGS: usize = Tricky::ALL.len() + ListingStatus::ALL.len();

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenerateOptions {
    /// Number of listings, at least [`MIN_LISTINGS`].
    pub listings: usize,
    /// RNG seed; equal seeds give equal data sets.
    pub seed: u64,
    /// The unit prices and durations are expressed in.
    pub time_unit: TimeUnit,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions { listings: 120, seed: 42, time_unit: TimeUnit::Day }
    }
}

/// First and last instant of the data set (Cocorico v0.1.0 to 0.15.1's tip).
pub(crate) fn window() -> (NaiveDateTime, NaiveDateTime) {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).and_then(|date| date.and_hms_opt(0, 0, 0));
    (day(2016, 3, 23).expect("valid date"), day(2021, 2, 9).expect("valid date"))
}

/// A random instant in `[start, end)`.
pub(crate) fn instant_between(rng: &mut ChaCha8Rng, start: NaiveDateTime, end: NaiveDateTime) -> NaiveDateTime {
    let seconds = (end - start).num_seconds().max(1);
    shift(start, rng.random_range(0..seconds))
}

/// `instant` moved by `seconds` (negative: earlier).
pub(crate) fn shift(instant: NaiveDateTime, seconds: i64) -> NaiveDateTime {
    let moved = DateTime::<Utc>::from_timestamp(instant.and_utc().timestamp() + seconds, 0);
    moved.expect("instant within chrono's range").naive_utc()
}

/// Generates a data set. Fails if fewer than [`MIN_LISTINGS`] are asked for.
pub fn generate(options: &GenerateOptions) -> anyhow::Result<Dataset> {
    anyhow::ensure!(
        options.listings >= MIN_LISTINGS,
        "at least {MIN_LISTINGS} listings are needed to cover every status and tricky case"
    );
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let catalog = catalog::build();
    let owner_count = (options.listings / 3).max(3);
    let user_ids = unique_ids(&mut rng, owner_count + options.listings / 20);
    let listing_ids = unique_ids(&mut rng, options.listings);
    let mut listings = ListingTables::new(options.time_unit);
    let mut owner_since = vec![None; user_ids.len()];
    let mut first_created = None;
    for (index, &id) in listing_ids.iter().enumerate() {
        let plan = plan(&mut rng, index, id, owner_count, first_created);
        first_created.get_or_insert(plan.created_at);
        let since: &mut Option<NaiveDateTime> = &mut owner_since[plan.owner];
        *since = Some(since.map_or(plan.created_at, |known| known.min(plan.created_at)));
        listings.add(&mut rng, &catalog, &plan, user_ids[plan.owner]);
    }
    let users = users(&mut rng, &user_ids, &owner_since);
    Ok(assemble(catalog, users, listings, &listing_ids))
}

/// `count` distinct ids drawn like Cocorico's `CustomIdGenerator`.
fn unique_ids(rng: &mut ChaCha8Rng, count: usize) -> Vec<i64> {
    let mut seen = HashSet::with_capacity(count);
    let mut ids = Vec::with_capacity(count);
    while ids.len() < count {
        let id = rng.random_range(10_000..=2_147_483_640i64);
        if seen.insert(id) {
            ids.push(id);
        }
    }
    ids
}

/// Decides status, owner, creation time and tricky case of listing `index`.
fn plan(rng: &mut ChaCha8Rng, index: usize, id: i64, owners: usize, first: Option<NaiveDateTime>) -> Plan {
    let tricky = Tricky::ALL.get(index).copied();
    let status = match index.checked_sub(Tricky::ALL.len()) {
        None => ListingStatus::Published,
        Some(offset) => ListingStatus::ALL.get(offset).copied().unwrap_or_else(|| draw_status(rng)),
    };
    let owner = if tricky == Some(Tricky::DisabledOwner) { 0 } else { rng.random_range(1..owners) };
    let (start, end) = window();
    let drawn = instant_between(rng, start, end);
    let created_at = match (tricky, first) {
        (Some(Tricky::SameCreatedAt), Some(first)) => first,
        _ => drawn,
    };
    Plan { id, owner, status, created_at, tricky }
}

/// A status with the shares a live marketplace shows: mostly published.
fn draw_status(rng: &mut ChaCha8Rng) -> ListingStatus {
    match rng.random_range(0..100) {
        0..=64 => ListingStatus::Published,
        65..=69 => ListingStatus::New,
        70..=74 => ListingStatus::Invalidated,
        75..=82 => ListingStatus::Suspended,
        83..=89 => ListingStatus::Deleted,
        _ => ListingStatus::ToValidate,
    }
}

/// The `user` table. Owner 0 (the tricky one) is disabled; 3 % of the others too.
fn users(rng: &mut ChaCha8Rng, ids: &[i64], owner_since: &[Option<NaiveDateTime>]) -> Table {
    let (start, end) = window();
    let mut table = Table::new("user", USER_COLUMNS);
    for (index, (&id, since)) in ids.iter().zip(owner_since).enumerate() {
        let created_at = match since {
            Some(first_listing) => shift(*first_listing, -rng.random_range(300..90 * 86_400)),
            None => instant_between(rng, start, end),
        };
        let enabled = index != 0 && rng.random_bool(0.97);
        table.push(user_row(rng, index, id, created_at, enabled));
    }
    table
}

/// Orders the tables for insertion and computes the summary.
fn assemble(catalog: Catalog, users: Table, listings: ListingTables, ids: &[i64]) -> Dataset {
    let id_of = |case: Tricky| ids[Tricky::ALL.iter().position(|&known| known == case).unwrap_or(0)];
    let tricky = TrickyListings {
        script_title: id_of(Tricky::ScriptTitle),
        html_description: id_of(Tricky::HtmlDescription),
        no_images: id_of(Tricky::NoImages),
        missing_en: id_of(Tricky::MissingEn),
        unicode: id_of(Tricky::Unicode),
        placeholder_images: id_of(Tricky::PlaceholderImages),
        contact_in_description: id_of(Tricky::ContactInDescription),
        disabled_owner: id_of(Tricky::DisabledOwner),
        longest_title: id_of(Tricky::LongestTitle),
        same_created_at: id_of(Tricky::SameCreatedAt),
    };
    let [complete, partial, malformed] = listings.characteristics.counts;
    let summary = DatasetSummary {
        listings: ids.len(),
        by_status: listings.by_status.iter().map(|(status, count)| (status.code(), *count)).collect::<BTreeMap<_, _>>(),
        both_locales: listings.locale_counts[0],
        en_only: listings.locale_counts[1],
        fr_only: listings.locale_counts[2],
        images: listings.image.rows.len(),
        users: users.rows.len(),
        categories: catalog.tables.iter().find(|table| table.name == "listing_category").map_or(0, |t| t.rows.len()),
        time_unit: listings.time_unit,
        characteristics: CharacteristicCounts { complete, partial, malformed },
        tricky,
    };
    let mut tables = catalog.tables;
    tables.push(users);
    tables.extend(listings.into_tables());
    Dataset { tables, summary }
}
