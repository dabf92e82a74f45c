//! Connection settings for Cocorico, read from the environment.
//!
//! Cocorico has no HTTP API: listings are read from its MySQL database
//! through a read-only account, and its images are served by its web server.
//! Price unit and currency are install parameters of Cocorico
//! (`cocorico.time_unit`, `cocorico.currency`), not columns, so they are set here.

use crate::domain::Currency;
use crate::server::secret::Secret;

/// What one unit of `listing.price` pays for (`cocorico.time_unit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceUnit {
    /// `time_unit: 1440`: per day (night).
    Day,
    /// `time_unit: 60`: per hour.
    Hour,
}

impl PriceUnit {
    /// Parses `day` or `hour`.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "day" => Some(Self::Day),
            "hour" => Some(Self::Hour),
            _ => None,
        }
    }

    /// The value of `listing.price_unit`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Hour => "hour",
        }
    }
}

/// One of Cocorico's characteristics as a setting names it: its id (`7` or
/// `#7`), or its name in any locale, case ignored ("Bedrooms", "Chambres").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CharacteristicRef {
    /// `listing_characteristic.id`.
    Id(i32),
    /// A name of the characteristic (`listing_characteristic_translation.name`).
    Name(String),
}

impl CharacteristicRef {
    /// An id when the text is one, else a name.
    pub fn parse(raw: &str) -> Self {
        let text = raw.trim();
        match text.strip_prefix('#').unwrap_or(text).parse::<i32>() {
            Ok(id) => Self::Id(id),
            Err(_) => Self::Name(text.to_owned()),
        }
    }

    /// Whether the characteristic `id`, named `name` in some locale, is this one.
    pub fn matches(&self, id: i32, name: &str) -> bool {
        match self {
            Self::Id(wanted) => *wanted == id,
            Self::Name(wanted) => wanted.to_lowercase() == name.trim().to_lowercase(),
        }
    }
}

/// Which Cocorico characteristics give a listing's bedrooms, bathrooms,
/// surface (m²) and capacity (guests): `COCORICO_CHARACTERISTIC_BEDROOMS`,
/// `_BATHROOMS`, `_SURFACE`, `_CAPACITY`. Cocorico's own demo fixtures only
/// have generic `Characteristic_1` to `_4`; the defaults are the names a
/// rental install gives them, as the sandbox's generated database does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharacteristicRefs {
    /// Number of bedrooms (default "Bedrooms").
    pub bedrooms: CharacteristicRef,
    /// Number of bathrooms (default "Bathrooms").
    pub bathrooms: CharacteristicRef,
    /// Surface in square metres (default "Surface").
    pub surface: CharacteristicRef,
    /// Guests it sleeps (default "Capacity").
    pub capacity: CharacteristicRef,
}

impl Default for CharacteristicRefs {
    fn default() -> Self {
        Self {
            bedrooms: CharacteristicRef::Name("Bedrooms".into()),
            bathrooms: CharacteristicRef::Name("Bathrooms".into()),
            surface: CharacteristicRef::Name("Surface".into()),
            capacity: CharacteristicRef::Name("Capacity".into()),
        }
    }
}

impl CharacteristicRefs {
    fn from_read(read: &dyn Fn(&str) -> Option<String>) -> Self {
        let defaults = Self::default();
        let pick = |name: &str, default: CharacteristicRef| {
            read(&format!("COCORICO_CHARACTERISTIC_{name}")).map_or(default, |v| CharacteristicRef::parse(&v))
        };
        Self {
            bedrooms: pick("BEDROOMS", defaults.bedrooms),
            bathrooms: pick("BATHROOMS", defaults.bathrooms),
            surface: pick("SURFACE", defaults.surface),
            capacity: pick("CAPACITY", defaults.capacity),
        }
    }
}

/// How to reach Cocorico. `None` from [`CocoricoSettings::from_lookup`] means "not configured".
#[derive(Debug, Clone)]
pub struct CocoricoSettings {
    /// `COCORICO_DATABASE_URL`: `mysql://user:password@host:port/database` of the read-only account.
    pub database_url: Secret,
    /// `COCORICO_BASE_URL`: the site's public root, for image URLs, without a trailing `/`.
    pub base_url: String,
    /// `COCORICO_SITE_URL`: the site's public root for links back to each
    /// listing's page on Cocorico, without a trailing `/` (default: `COCORICO_BASE_URL`).
    pub site_url: String,
    /// Which characteristics mean bedrooms, bathrooms, surface and capacity.
    pub characteristics: CharacteristicRefs,
    /// `COCORICO_LOCALES`: translation locales by preference (default `en,fr`).
    pub locales: Vec<String>,
    /// `COCORICO_PRICE_UNIT`: `day` (default) or `hour`.
    pub price_unit: PriceUnit,
    /// `COCORICO_CURRENCY`: the platform currency (default `EUR`).
    pub currency: Currency,
    /// `COCORICO_STATEMENT_TIMEOUT`: the longest one query may run on
    /// Cocorico's database before the server stops it (default `60s`).
    pub statement_timeout: std::time::Duration,
}

impl CocoricoSettings {
    /// Reads the settings through `lookup` (the environment, or a map in tests).
    /// Cocorico is configured when `COCORICO_DATABASE_URL` is set.
    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> anyhow::Result<Option<Self>> {
        let read = |name: &str| lookup(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let Some(database_url) = read("COCORICO_DATABASE_URL") else {
            return Ok(None);
        };
        anyhow::ensure!(
            database_url.starts_with("mysql://") || database_url.starts_with("mariadb://"),
            "COCORICO_DATABASE_URL must be a mysql:// URL"
        );
        let base_url = read("COCORICO_BASE_URL")
            .ok_or_else(|| anyhow::anyhow!("COCORICO_BASE_URL is required when COCORICO_DATABASE_URL is set"))?;
        anyhow::ensure!(
            base_url.starts_with("http://") || base_url.starts_with("https://"),
            "COCORICO_BASE_URL must start with http:// or https://"
        );
        let site_url = read("COCORICO_SITE_URL").unwrap_or_else(|| base_url.clone());
        anyhow::ensure!(
            site_url.starts_with("http://") || site_url.starts_with("https://"),
            "COCORICO_SITE_URL must start with http:// or https://"
        );
        let locales = parse_locales(read("COCORICO_LOCALES").as_deref().unwrap_or("en,fr"))?;
        let unit = read("COCORICO_PRICE_UNIT").unwrap_or_else(|| "day".into());
        let price_unit = PriceUnit::parse(&unit)
            .ok_or_else(|| anyhow::anyhow!("COCORICO_PRICE_UNIT must be `day` or `hour`, not `{unit}`"))?;
        let currency = Currency::parse(&read("COCORICO_CURRENCY").unwrap_or_else(|| "EUR".into()))
            .map_err(|e| anyhow::anyhow!("COCORICO_CURRENCY: {e}"))?;
        let statement_timeout = crate::server::scheduler::schedule::parse_duration(
            &read("COCORICO_STATEMENT_TIMEOUT").unwrap_or("60s".into()),
        )
        .ok()
        .filter(|d| d.as_millis() >= 1)
        .ok_or_else(|| anyhow::anyhow!("COCORICO_STATEMENT_TIMEOUT is not a duration such as 60s"))?;
        Ok(Some(Self {
            database_url: Secret::new(database_url),
            statement_timeout,
            base_url: base_url.trim_end_matches('/').to_owned(),
            site_url: site_url.trim_end_matches('/').to_owned(),
            characteristics: CharacteristicRefs::from_read(&read),
            locales,
            price_unit,
            currency,
        }))
    }
}

/// `en,fr` → `["en", "fr"]`; refuses an empty list or odd characters.
fn parse_locales(raw: &str) -> anyhow::Result<Vec<String>> {
    let locales: Vec<String> = raw.split(',').map(|l| l.trim().to_owned()).filter(|l| !l.is_empty()).collect();
    anyhow::ensure!(!locales.is_empty(), "COCORICO_LOCALES must name at least one locale");
    for locale in &locales {
        anyhow::ensure!(
            locale.len() <= 10 && locale.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'),
            "COCORICO_LOCALES: `{locale}` is not a locale code"
        );
    }
    Ok(locales)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> anyhow::Result<Option<CocoricoSettings>> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
        CocoricoSettings::from_lookup(&|name| map.get(name).cloned())
    }

    const URL: (&str, &str) = ("COCORICO_DATABASE_URL", "mysql://ro:hunter2@127.0.0.1:3306/cocorico");
    const BASE: (&str, &str) = ("COCORICO_BASE_URL", "https://cocorico.example/");

    #[test]
    fn without_a_database_url_cocorico_is_not_configured() {
        assert!(settings(&[BASE]).unwrap().is_none());
    }

    #[test]
    fn defaults_are_english_then_french_per_day_in_euros() {
        let s = settings(&[URL, BASE]).unwrap().unwrap();
        assert_eq!(s.locales, ["en", "fr"]);
        assert_eq!(s.price_unit, PriceUnit::Day);
        assert_eq!(s.currency.as_str(), "EUR");
        assert_eq!(s.base_url, "https://cocorico.example");
        assert_eq!(s.site_url, "https://cocorico.example");
        assert_eq!(s.characteristics, CharacteristicRefs::default());
    }

    #[test]
    fn characteristics_are_named_by_id_or_name_and_the_site_can_differ() {
        let s = settings(&[
            URL,
            BASE,
            ("COCORICO_SITE_URL", "https://www.cocorico.example/"),
            ("COCORICO_CHARACTERISTIC_BEDROOMS", "#12"),
            ("COCORICO_CHARACTERISTIC_SURFACE", "Superficie"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(s.site_url, "https://www.cocorico.example");
        assert_eq!(s.characteristics.bedrooms, CharacteristicRef::Id(12));
        assert!(s.characteristics.surface.matches(3, " superficie "));
        assert!(!s.characteristics.surface.matches(3, "Surface"));
        assert!(s.characteristics.capacity.matches(9, "CAPACITY"), "the others keep their defaults");
        assert!(CharacteristicRef::parse("7").matches(7, "anything"));
    }

    #[test]
    fn the_database_url_never_shows_in_debug_output() {
        let s = settings(&[URL, BASE]).unwrap().unwrap();
        let printed = format!("{s:?} {}", s.database_url);
        assert!(!printed.contains("hunter2"), "{printed}");
        assert_eq!(s.database_url.expose(), URL.1);
    }

    #[test]
    fn locales_price_unit_and_currency_can_be_set() {
        let s = settings(&[
            URL,
            BASE,
            ("COCORICO_LOCALES", "fr, en"),
            ("COCORICO_PRICE_UNIT", "hour"),
            ("COCORICO_CURRENCY", "GBP"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(s.locales, ["fr", "en"]);
        assert_eq!(s.price_unit, PriceUnit::Hour);
        assert_eq!(s.currency.as_str(), "GBP");
    }

    #[test]
    fn bad_values_are_refused_in_plain_words() {
        assert!(settings(&[URL]).is_err(), "base URL is required");
        assert!(settings(&[URL, BASE, ("COCORICO_PRICE_UNIT", "month")]).is_err());
        assert!(settings(&[URL, BASE, ("COCORICO_CURRENCY", "euro")]).is_err());
        assert!(settings(&[URL, BASE, ("COCORICO_LOCALES", " , ")]).is_err());
        assert!(settings(&[URL, BASE, ("COCORICO_SITE_URL", "cocorico.example")]).is_err());
        assert!(settings(&[("COCORICO_DATABASE_URL", "postgres://x"), BASE]).is_err());
    }
}
