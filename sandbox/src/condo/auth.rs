//! Sessions and sign-in: tokens, their expiry, and Condo's sign-in attempt limits.
//!
//! A token is sent as `Authorization: Bearer <token>` or as the `keystone.sid=s:<token>`
//! cookie. Tokens live until they are expired through the control API or their TTL passes.

use super::errors::FieldFailure;
use super::rng::SeededRng;
use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, COOKIE};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How long Condo counts sign-in attempts before the counter resets.
const ATTEMPT_WINDOW: Duration = Duration::from_secs(3600);

struct Session {
    user: u32,
    started: Instant,
}

struct Window {
    started: Instant,
    attempts: u32,
}

/// Live sessions and sign-in attempt counters.
pub struct Sessions {
    tokens: HashMap<String, Session>,
    attempts: HashMap<String, Window>,
    rng: SeededRng,
    ttl: Option<Duration>,
    limit: Option<u32>,
}

impl Sessions {
    /// An empty session store; `limit` is the allowed sign-in attempts per window and key.
    pub fn new(seed: u64, ttl: Option<Duration>, limit: Option<u32>) -> Self {
        Self { tokens: HashMap::new(), attempts: HashMap::new(), rng: SeededRng::new(seed, 11), ttl, limit }
    }

    /// The user signed in with `token`, if the session exists and has not expired.
    pub fn user(&mut self, token: &str) -> Option<u32> {
        let session = self.tokens.get(token)?;
        if self.ttl.is_some_and(|ttl| session.started.elapsed() > ttl) {
            self.tokens.remove(token);
            return None;
        }
        Some(session.user)
    }

    /// Starts a session for `user` and returns its token (`<session id>.<signature>`).
    pub fn start(&mut self, user: u32) -> String {
        let token = format!("{}.{}", self.rng.alphanumeric(32), self.rng.alphanumeric(43));
        self.tokens.insert(token.clone(), Session { user, started: Instant::now() });
        token
    }

    /// Ends the session of `token`, if any.
    pub fn end(&mut self, token: &str) {
        self.tokens.remove(token);
    }

    /// Ends every session; returns how many there were.
    pub fn expire_all(&mut self) -> usize {
        let count = self.tokens.len();
        self.tokens.clear();
        count
    }

    /// Counts one sign-in attempt for each key (IP, phone, email) and refuses it over the limit.
    pub fn throttle(&mut self, keys: &[String]) -> Result<(), FieldFailure> {
        let Some(limit) = self.limit else { return Ok(()) };
        let now = Instant::now();
        let mut wait = None;
        for key in keys {
            let window = self.attempts.entry(key.clone()).or_insert(Window { started: now, attempts: 0 });
            if now.duration_since(window.started) > ATTEMPT_WINDOW {
                *window = Window { started: now, attempts: 0 };
            }
            window.attempts += 1;
            if window.attempts > limit {
                let left = ATTEMPT_WINDOW.saturating_sub(now.duration_since(window.started));
                wait = Some(left.as_secs().div_ceil(60).max(1) as i64);
            }
        }
        wait.map_or(Ok(()), |minutes| Err(FieldFailure::TooManyRequests { minutes }))
    }
}

/// The session token of a request: the bearer token, else the `keystone.sid` cookie.
pub fn request_token(headers: &HeaderMap) -> Option<String> {
    let bearer = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(|t| t.trim().to_owned());
    bearer.or_else(|| {
        let cookies = headers.get_all(COOKIE).iter().filter_map(|v| v.to_str().ok());
        cookies.flat_map(|v| v.split(';')).find_map(|pair| {
            let value = pair.trim().strip_prefix("keystone.sid=")?;
            let value = value.replace("%3A", ":").replace("%3a", ":");
            value.strip_prefix("s:").map(str::to_owned)
        })
    })
}

/// Normalizes a phone number to `+<digits>` like Condo, or `None` if it is not one.
pub fn normalize_phone(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    let allowed = trimmed.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c));
    (allowed && trimmed.starts_with('+') && (10..=15).contains(&digits.len())).then(|| format!("+{digits}"))
}

#[cfg(test)]
mod tests {
    use super::{Sessions, normalize_phone, request_token};
    use axum::http::{HeaderMap, HeaderValue};

    #[test]
    fn phones_are_normalized_and_junk_is_refused() {
        assert_eq!(normalize_phone("+1 (555) 010-0999").as_deref(), Some("+15550100999"));
        assert_eq!(normalize_phone("5550100999"), None);
        assert_eq!(normalize_phone("+1555abc0999"), None);
    }

    #[test]
    fn the_keystone_cookie_works_like_a_bearer_token() {
        let mut headers = HeaderMap::new();
        headers.insert("cookie", HeaderValue::from_static("a=b; keystone.sid=s%3Aabc.def"));
        assert_eq!(request_token(&headers).as_deref(), Some("abc.def"));
    }

    #[test]
    fn the_eleventh_attempt_in_an_hour_is_refused() {
        let mut sessions = Sessions::new(1, None, Some(10));
        let keys = ["ip:127.0.0.1".to_owned()];
        assert!((0..10).all(|_| sessions.throttle(&keys).is_ok()));
        assert!(sessions.throttle(&keys).is_err());
    }

    #[test]
    fn expired_sessions_no_longer_authenticate() {
        let mut sessions = Sessions::new(1, None, None);
        let token = sessions.start(0);
        assert_eq!(sessions.user(&token), Some(0));
        sessions.expire_all();
        assert_eq!(sessions.user(&token), None);
    }
}
