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

/// How to reach Cocorico. `None` from [`CocoricoSettings::from_lookup`] means "not configured".
#[derive(Debug, Clone)]
pub struct CocoricoSettings {
    /// `COCORICO_DATABASE_URL`: `mysql://user:password@host:port/database` of the read-only account.
    pub database_url: Secret,
    /// `COCORICO_BASE_URL`: the site's public root, for image URLs, without a trailing `/`.
    pub base_url: String,
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
        assert!(settings(&[("COCORICO_DATABASE_URL", "postgres://x"), BASE]).is_err());
    }
}
