//! Connection settings for Condo, read from the environment.

use anyhow::Context as _;
use std::fmt;
use std::time::Duration;

/// How to reach Condo. `None` from [`CondoSettings::from_lookup`] means "not configured".
#[derive(Clone, PartialEq, Eq)]
pub struct CondoSettings {
    /// `CONDO_URL`: the base URL; the GraphQL API is `POST {url}/admin/api`.
    pub url: String,
    /// `CONDO_IDENTITY`: the staff account's phone (`+…`) or the service account's e-mail.
    pub identity: String,
    /// `CONDO_PASSWORD`: never printed (`Debug` redacts it).
    pub password: String,
    /// `CONDO_ORGANIZATION_ID`: only import this organization's properties and tickets.
    pub organization_id: Option<String>,
    /// `CONDO_TIMEOUT_MS`: the timeout of one HTTP request (default 10,000 ms).
    pub timeout: Duration,
    /// `CONDO_RETRIES`: extra attempts after a timeout, a refused connection, a 5xx or a 429
    /// (default 2).
    pub retries: u32,
    /// `CONDO_CURSOR_OVERLAP_SECS`: how far before the stored watermark a run starts reading,
    /// to cover clock skew between Condo's servers (default 300 s).
    pub cursor_overlap: Duration,
    /// `CONDO_MAX_FILE_BYTES`: the largest ticket file whose bytes the import keeps (default
    /// 10 MiB); a larger one keeps its name, type and size only.
    pub max_file_bytes: u64,
}

impl CondoSettings {
    /// The default of [`Self::max_file_bytes`]: 10 MiB.
    pub const DEFAULT_MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

    /// Settings for `url` with the default timeout, retries and overlap.
    pub fn new(url: &str, identity: &str, password: &str) -> Self {
        Self {
            url: url.trim_end_matches('/').to_owned(),
            identity: identity.to_owned(),
            password: password.to_owned(),
            organization_id: None,
            timeout: Duration::from_millis(10_000),
            retries: 2,
            cursor_overlap: Duration::from_secs(300),
            max_file_bytes: Self::DEFAULT_MAX_FILE_BYTES,
        }
    }

    /// The GraphQL endpoint, `{url}/admin/api`.
    pub fn graphql_url(&self) -> String {
        format!("{}/admin/api", self.url)
    }

    /// Reads the settings through `lookup` (the environment, or a map in tests).
    /// Configured when `CONDO_URL`, `CONDO_IDENTITY` and `CONDO_PASSWORD` are all set.
    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> anyhow::Result<Option<Self>> {
        let get = |key: &str| lookup(key).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let (Some(url), Some(identity), Some(password)) =
            (get("CONDO_URL"), get("CONDO_IDENTITY"), get("CONDO_PASSWORD"))
        else {
            return Ok(None);
        };
        anyhow::ensure!(
            url.starts_with("http://") || url.starts_with("https://"),
            "CONDO_URL must start with http:// or https://"
        );
        let mut settings = Self::new(&url, &identity, &password);
        settings.organization_id = get("CONDO_ORGANIZATION_ID");
        if let Some(ms) = get("CONDO_TIMEOUT_MS") {
            settings.timeout = Duration::from_millis(ms.parse().context("CONDO_TIMEOUT_MS is not a number")?);
        }
        if let Some(retries) = get("CONDO_RETRIES") {
            settings.retries = retries.parse().context("CONDO_RETRIES is not a number")?;
        }
        if let Some(secs) = get("CONDO_CURSOR_OVERLAP_SECS") {
            settings.cursor_overlap =
                Duration::from_secs(secs.parse().context("CONDO_CURSOR_OVERLAP_SECS is not a number")?);
        }
        if let Some(bytes) = get("CONDO_MAX_FILE_BYTES") {
            settings.max_file_bytes = bytes.parse().context("CONDO_MAX_FILE_BYTES is not a number")?;
        }
        Ok(Some(settings))
    }
}

impl fmt::Debug for CondoSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CondoSettings")
            .field("url", &self.url)
            .field("identity", &self.identity)
            .field("password", &"[redacted]")
            .field("organization_id", &self.organization_id)
            .field("timeout", &self.timeout)
            .field("retries", &self.retries)
            .field("cursor_overlap", &self.cursor_overlap)
            .field("max_file_bytes", &self.max_file_bytes)
            .finish()
    }
}

/// How Condo's ticket webhooks reach us (`POST /api/webhooks/condo/{token}`). Condo does not
/// sign these deliveries, so the unguessable token in the URL authenticates them; with a
/// secret (a signing relay in front of Condo), `X-Webhook-Timestamp` and
/// `X-Webhook-Signature` (hex HMAC-SHA256 of `<timestamp>.<raw body>`, the timestamp within 5
/// minutes) are required as well.
#[derive(Clone, PartialEq, Eq)]
pub struct CondoWebhookSettings {
    /// `CONDO_WEBHOOK_TOKEN`: the URL token, at least [`Self::MIN_TOKEN_LEN`] characters.
    pub token: String,
    /// `CONDO_WEBHOOK_SECRET`: when set, every delivery must carry a valid signature.
    pub secret: Option<String>,
    /// `CONDO_WEBHOOK_ALLOW_UNSIGNED`: outside demo mode, the server starts with a token and
    /// no secret only when this says so.
    pub allow_unsigned: bool,
}

impl CondoWebhookSettings {
    /// The shortest token accepted: short ones could be guessed.
    pub const MIN_TOKEN_LEN: usize = 24;

    /// Reads the settings through `lookup`; `None` (webhooks refused) without a token.
    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> anyhow::Result<Option<Self>> {
        let get = |key: &str| lookup(key).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let Some(token) = get("CONDO_WEBHOOK_TOKEN") else {
            anyhow::ensure!(
                get("CONDO_WEBHOOK_SECRET").is_none(),
                "CONDO_WEBHOOK_SECRET is set but CONDO_WEBHOOK_TOKEN is not"
            );
            return Ok(None);
        };
        anyhow::ensure!(
            token.len() >= Self::MIN_TOKEN_LEN
                && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "CONDO_WEBHOOK_TOKEN must be at least {} letters, digits, `-` or `_` (e.g. `openssl rand -hex 24`)",
            Self::MIN_TOKEN_LEN
        );
        let allow_unsigned = match get("CONDO_WEBHOOK_ALLOW_UNSIGNED").as_deref().map(str::to_ascii_lowercase) {
            None => false,
            Some(v) if ["1", "true", "yes", "on"].contains(&v.as_str()) => true,
            Some(v) if ["0", "false", "no", "off"].contains(&v.as_str()) => false,
            Some(v) => anyhow::bail!("CONDO_WEBHOOK_ALLOW_UNSIGNED must be true or false, not `{v}`"),
        };
        Ok(Some(Self { token, secret: get("CONDO_WEBHOOK_SECRET"), allow_unsigned }))
    }
}

impl fmt::Debug for CondoWebhookSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CondoWebhookSettings")
            .field("token", &"[redacted]")
            .field("secret", &self.secret.as_ref().map(|_| "[redacted]"))
            .field("allow_unsigned", &self.allow_unsigned)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn read(vars: &[(&str, &str)]) -> anyhow::Result<Option<CondoSettings>> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        CondoSettings::from_lookup(&|k| map.get(k).cloned())
    }

    const BASE: [(&str, &str); 3] =
        [("CONDO_URL", "http://127.0.0.1:4006/"), ("CONDO_IDENTITY", "+15550100999"), ("CONDO_PASSWORD", "hunter2")];

    #[test]
    fn condo_is_configured_only_with_url_identity_and_password() {
        assert!(read(&BASE[..2]).unwrap().is_none());
        let settings = read(&BASE).unwrap().unwrap();
        assert_eq!(settings.graphql_url(), "http://127.0.0.1:4006/admin/api");
        assert_eq!(settings.timeout, Duration::from_secs(10));
        assert_eq!(settings.organization_id, None);
    }

    #[test]
    fn optional_variables_are_read_and_bad_numbers_refused() {
        let mut vars = BASE.to_vec();
        assert_eq!(read(&vars).unwrap().unwrap().max_file_bytes, 10 * 1024 * 1024);
        vars.extend([("CONDO_ORGANIZATION_ID", "org-1"), ("CONDO_TIMEOUT_MS", "250"), ("CONDO_RETRIES", "0")]);
        vars.push(("CONDO_MAX_FILE_BYTES", "2048"));
        let settings = read(&vars).unwrap().unwrap();
        assert_eq!(
            (settings.organization_id.as_deref(), settings.timeout, settings.retries, settings.max_file_bytes),
            (Some("org-1"), Duration::from_millis(250), 0, 2048)
        );
        vars.push(("CONDO_CURSOR_OVERLAP_SECS", "soon"));
        assert!(read(&vars).is_err());
    }

    #[test]
    fn the_password_never_appears_in_debug_output() {
        let settings = read(&BASE).unwrap().unwrap();
        let printed = format!("{settings:?}");
        assert!(!printed.contains("hunter2") && printed.contains("[redacted]"), "{printed}");
    }

    #[test]
    fn webhook_settings_need_a_long_token_and_are_never_printed() {
        assert_eq!(read_webhook(&[]).unwrap(), None);
        assert!(read_webhook(&[("CONDO_WEBHOOK_TOKEN", "short")]).is_err());
        assert!(read_webhook(&[("CONDO_WEBHOOK_SECRET", "s3cret-value")]).is_err(), "a secret without a token");
        let token = "0123456789abcdef0123456789abcdef";
        let settings =
            read_webhook(&[("CONDO_WEBHOOK_TOKEN", token), ("CONDO_WEBHOOK_SECRET", "s3cret-value")]).unwrap().unwrap();
        assert_eq!((settings.token.as_str(), settings.secret.as_deref()), (token, Some("s3cret-value")));
        let printed = format!("{settings:?}");
        assert!(!printed.contains(token) && !printed.contains("s3cret"), "{printed}");
    }

    fn read_webhook(vars: &[(&str, &str)]) -> anyhow::Result<Option<CondoWebhookSettings>> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        CondoWebhookSettings::from_lookup(&|k| map.get(k).cloned())
    }
}
