//! The generated data set: plain rows per table, in foreign-key order, plus a
//! summary the tests compare the database against.

use std::collections::BTreeMap;

use sqlx::types::chrono::{NaiveDate, NaiveDateTime};

/// `listing.status`, from `BaseListing` (listing-enums.json). Only
/// [`ListingStatus::Published`] is public, i.e. approved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ListingStatus {
    /// 1, `STATUS_NEW`: created, never published.
    New,
    /// 2, `STATUS_PUBLISHED`: approved and live; the only one to import.
    Published,
    /// 3, `STATUS_INVALIDATED`: rejected by an admin.
    Invalidated,
    /// 4, `STATUS_SUSPENDED`: paused by its owner.
    Suspended,
    /// 5, `STATUS_DELETED`: soft-deleted; the row stays.
    Deleted,
    /// 6, `STATUS_TO_VALIDATE`: waiting for an admin.
    ToValidate,
}

impl ListingStatus {
    /// All six statuses, in code order.
    pub const ALL: [ListingStatus; 6] =
        [Self::New, Self::Published, Self::Invalidated, Self::Suspended, Self::Deleted, Self::ToValidate];

    /// The `SMALLINT` stored in `listing.status`.
    pub fn code(self) -> i16 {
        match self {
            Self::New => 1,
            Self::Published => 2,
            Self::Invalidated => 3,
            Self::Suspended => 4,
            Self::Deleted => 5,
            Self::ToValidate => 6,
        }
    }

    /// The status stored as `code`, if it is one of the six.
    pub fn from_code(code: i16) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.code() == code)
    }
}

/// What one unit of `listing.price`, `min_duration` and `max_duration` means:
/// the install's `cocorico.time_unit`, which is not stored in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    /// `time_unit: 60`, Cocorico's default: prices per hour.
    Hour,
    /// `time_unit: 1440`: prices per day (night), as a rental platform sets it.
    Day,
}

impl TimeUnit {
    /// The `cocorico.time_unit` parameter value, in minutes.
    pub fn minutes(self) -> u32 {
        match self {
            Self::Hour => 60,
            Self::Day => 1440,
        }
    }
}

/// One column value of a generated row.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// SQL `NULL`.
    Null,
    /// Any integer column, booleans as 0/1 and whole-cent prices included.
    Int(i64),
    /// Strings, and decimals written out exactly (`"48.8697174"`).
    Text(String),
    /// `DATETIME`, UTC without zone as Cocorico writes it.
    DateTime(NaiveDateTime),
    /// `DATE`.
    Date(NaiveDate),
}

macro_rules! value_from_int {
    ($($ty:ty),*) => {$(
        impl From<$ty> for Value {
            fn from(value: $ty) -> Self {
                Value::Int(i64::from(value))
            }
        }
    )*};
}
value_from_int!(i16, i32, i64, u8, u16, u32, bool);

impl From<&str> for Value {
    fn from(value: &str) -> Self {
        Value::Text(value.to_owned())
    }
}

impl From<String> for Value {
    fn from(value: String) -> Self {
        Value::Text(value)
    }
}

impl From<NaiveDateTime> for Value {
    fn from(value: NaiveDateTime) -> Self {
        Value::DateTime(value)
    }
}

impl From<NaiveDate> for Value {
    fn from(value: NaiveDate) -> Self {
        Value::Date(value)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(value: Option<T>) -> Self {
        value.map_or(Value::Null, Into::into)
    }
}

/// Builds a `Vec<Value>` from anything convertible into [`Value`].
macro_rules! row {
    ($($value:expr),* $(,)?) => { vec![$($crate::cocorico::Value::from($value)),*] };
}
pub(crate) use row;

/// The rows of one table, with the columns they fill.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Table name, unquoted (`user` is quoted when used).
    pub name: &'static str,
    /// Column names, in the order of every row's values.
    pub columns: &'static [&'static str],
    /// The rows.
    pub rows: Vec<Vec<Value>>,
}

impl Table {
    /// An empty table.
    pub fn new(name: &'static str, columns: &'static [&'static str]) -> Self {
        Table { name, columns, rows: Vec::new() }
    }

    /// Appends a row; its length must match the columns.
    pub fn push(&mut self, row: Vec<Value>) {
        assert_eq!(row.len(), self.columns.len(), "row width of table {}", self.name);
        self.rows.push(row);
    }
}

/// Ids of the listings generated to trip an importer up. All are published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrickyListings {
    /// The English title contains `<script>alert(1)</script>`.
    pub script_title: i64,
    /// The descriptions contain HTML markup, including an `onerror` handler.
    pub html_description: i64,
    /// No `listing_image` row at all.
    pub no_images: i64,
    /// Only a `fr` translation: nothing in the default locale `en`.
    pub missing_en: i64,
    /// Titles and descriptions with accents, `ß`, CJK and four-byte emoji.
    pub unicode: i64,
    /// Two images named `default-listing.png`, Cocorico's placeholder.
    pub placeholder_images: i64,
    /// The description gives an e-mail address and a phone number.
    pub contact_in_description: i64,
    /// The owner's account is disabled (`user.enabled = 0`).
    pub disabled_owner: i64,
    /// A 50-character title (the column maximum) with quotes and an apostrophe.
    pub longest_title: i64,
    /// Created in the same second as `script_title`, to exercise tie-breaking.
    pub same_created_at: i64,
}

/// Listings by how complete their "Bedrooms", "Bathrooms", "Surface" and
/// "Capacity" characteristics are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CharacteristicCounts {
    /// All four linked, each with a whole-number value ("2", "45 m²").
    pub complete: usize,
    /// Some or all of the four not linked.
    pub partial: usize,
    /// One linked without a value, or with one that is not a number ("NC", "2-3", "Studio").
    pub malformed: usize,
}

/// Counts of a generated data set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetSummary {
    /// Number of `listing` rows.
    pub listings: usize,
    /// Listings per `status` code; every code 1..=6 is present.
    pub by_status: BTreeMap<i16, usize>,
    /// Listings translated in both `en` and `fr`.
    pub both_locales: usize,
    /// Listings translated in `en` only.
    pub en_only: usize,
    /// Listings translated in `fr` only.
    pub fr_only: usize,
    /// Number of `listing_image` rows.
    pub images: usize,
    /// Number of `user` rows (owners and accounts without listings).
    pub users: usize,
    /// Number of `listing_category` rows.
    pub categories: usize,
    /// The time unit prices are expressed in.
    pub time_unit: TimeUnit,
    /// Listings by how complete their rental characteristics are.
    pub characteristics: CharacteristicCounts,
    /// The tricky rows.
    pub tricky: TrickyListings,
}

impl DatasetSummary {
    /// Number of listings with status `status`.
    pub fn count(&self, status: ListingStatus) -> usize {
        self.by_status.get(&status.code()).copied().unwrap_or(0)
    }
}

/// A generated data set, ready to insert table by table in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// Tables in an order that satisfies the foreign keys.
    pub tables: Vec<Table>,
    /// What the tables hold.
    pub summary: DatasetSummary,
}

impl Dataset {
    /// The table named `name`, if generated.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|table| table.name == name)
    }
}
