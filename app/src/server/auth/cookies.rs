//! The browser session: two `HttpOnly`, `SameSite=Lax` cookies (`Secure`
//! over HTTPS) holding the access token and the refresh token.

use super::service::{AuthSettings, IssuedTokens};

/// Cookie with the access token.
pub const ACCESS_COOKIE: &str = "mkt_access";
/// Cookie with the refresh token.
pub const REFRESH_COOKIE: &str = "mkt_refresh";

/// The value of cookie `name` in a `Cookie` header.
pub fn read_cookie<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').filter_map(|pair| pair.trim().split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| v)
}

fn cookie(name: &str, value: &str, max_age: i64, settings: &AuthSettings) -> String {
    let secure = if settings.secure_cookies { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

/// `Set-Cookie` values that start (or continue) a browser session.
pub fn session_cookies(tokens: &IssuedTokens, settings: &AuthSettings) -> [String; 2] {
    [
        cookie(ACCESS_COOKIE, &tokens.access_token, tokens.expires_in, settings),
        cookie(REFRESH_COOKIE, &tokens.refresh_token, settings.refresh_ttl_days * 86_400, settings),
    ]
}

/// `Set-Cookie` values that end the session.
pub fn clear_cookies(settings: &AuthSettings) -> [String; 2] {
    [cookie(ACCESS_COOKIE, "", 0, settings), cookie(REFRESH_COOKIE, "", 0, settings)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_read_by_name() {
        let header = "a=1; mkt_access=tok.en.sig; other=x";
        assert_eq!(read_cookie(header, ACCESS_COOKIE), Some("tok.en.sig"));
        assert_eq!(read_cookie(header, REFRESH_COOKIE), None);
    }

    #[test]
    fn session_cookies_are_http_only_lax_and_secure_over_https() {
        let tokens = IssuedTokens {
            access_token: "a".into(),
            expires_in: 900,
            refresh_token: "r".into(),
            user_id: uuid::Uuid::nil(),
            role: crate::domain::Role::Tenant,
        };
        let plain = session_cookies(&tokens, &AuthSettings::default());
        assert!(plain[0].contains("HttpOnly") && plain[0].contains("SameSite=Lax") && !plain[0].contains("Secure"));
        let https = session_cookies(&tokens, &AuthSettings { secure_cookies: true, ..AuthSettings::default() });
        assert!(https.iter().all(|c| c.ends_with("; Secure")));
    }
}
