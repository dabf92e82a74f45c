//! Connection settings for Kill Bill, read from the environment.

use crate::server::secret::Secret;
use anyhow::Context;
use std::time::Duration;

/// How to reach Kill Bill. `None` from [`KillBillSettings::from_lookup`] means "not configured".
#[derive(Debug, Clone)]
pub struct KillBillSettings {
    /// Base URL without the API prefix, e.g. `http://127.0.0.1:8080` (`KILLBILL_URL`).
    pub base_url: String,
    /// HTTP Basic user (`KILLBILL_USERNAME`, default `admin`).
    pub username: String,
    /// HTTP Basic password (`KILLBILL_PASSWORD`, default `password`).
    pub password: Secret,
    /// Tenant key, `X-Killbill-ApiKey` (`KILLBILL_API_KEY`).
    pub api_key: String,
    /// Tenant secret, `X-Killbill-ApiSecret` (`KILLBILL_API_SECRET`).
    pub api_secret: Secret,
    /// Timeout of one request (`KILLBILL_TIMEOUT_MS`, default 10 000).
    pub timeout: Duration,
    /// Accounts mirrored at the same time (`KILLBILL_CONCURRENCY`, default 8).
    pub concurrency: usize,
}

impl KillBillSettings {
    /// Reads the settings through `lookup` (the environment, or a map in tests).
    /// Configured when the URL, the API key and the API secret are all set.
    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> anyhow::Result<Option<Self>> {
        let get = |key: &str| lookup(key).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let (Some(base_url), Some(api_key), Some(api_secret)) =
            (get("KILLBILL_URL"), get("KILLBILL_API_KEY"), get("KILLBILL_API_SECRET"))
        else {
            return Ok(None);
        };
        let timeout_ms: u64 = parse_or(get("KILLBILL_TIMEOUT_MS"), 10_000, "KILLBILL_TIMEOUT_MS")?;
        let concurrency: usize = parse_or(get("KILLBILL_CONCURRENCY"), 8, "KILLBILL_CONCURRENCY")?;
        anyhow::ensure!(timeout_ms > 0, "KILLBILL_TIMEOUT_MS must be above 0");
        anyhow::ensure!(concurrency > 0, "KILLBILL_CONCURRENCY must be above 0");
        Ok(Some(Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            username: get("KILLBILL_USERNAME").unwrap_or_else(|| "admin".to_owned()),
            password: Secret::new(get("KILLBILL_PASSWORD").unwrap_or_else(|| "password".to_owned())),
            api_key,
            api_secret: Secret::new(api_secret),
            timeout: Duration::from_millis(timeout_ms),
            concurrency,
        }))
    }
}

fn parse_or<T: std::str::FromStr>(raw: Option<String>, default: T, name: &str) -> anyhow::Result<T>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    raw.map_or(Ok(default), |v| v.parse().with_context(|| format!("{name} is not a valid number: `{v}`")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn read(pairs: &[(&str, &str)]) -> anyhow::Result<Option<KillBillSettings>> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
        KillBillSettings::from_lookup(&|k| map.get(k).cloned())
    }

    #[test]
    fn kill_bill_is_configured_only_with_url_key_and_secret() {
        assert!(read(&[("KILLBILL_URL", "http://kb"), ("KILLBILL_API_KEY", "k")]).unwrap().is_none());
        let s = read(&[("KILLBILL_URL", "http://kb/"), ("KILLBILL_API_KEY", "k"), ("KILLBILL_API_SECRET", "s")])
            .unwrap()
            .unwrap();
        assert_eq!(s.base_url, "http://kb");
        assert_eq!(s.username, "admin");
        assert_eq!(s.concurrency, 8);
        assert_eq!(s.timeout, Duration::from_secs(10));
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let s = read(&[
            ("KILLBILL_URL", "http://kb"),
            ("KILLBILL_API_KEY", "k"),
            ("KILLBILL_API_SECRET", "topsecret"),
            ("KILLBILL_PASSWORD", "hunter2"),
        ])
        .unwrap()
        .unwrap();
        let shown = format!("{s:?}");
        assert!(!shown.contains("topsecret") && !shown.contains("hunter2"), "{shown}");
    }

    #[test]
    fn a_bad_number_is_reported_by_name() {
        let err = read(&[
            ("KILLBILL_URL", "http://kb"),
            ("KILLBILL_API_KEY", "k"),
            ("KILLBILL_API_SECRET", "s"),
            ("KILLBILL_CONCURRENCY", "many"),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("KILLBILL_CONCURRENCY"));
    }
}
