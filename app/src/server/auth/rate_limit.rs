//! Slowing down password guessing: failed logins are counted per account
//! and per client address over a sliding window; past the limit, attempts
//! get 429 with the time to wait. Counts live in this process (each replica
//! limits on its own).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failure limits and their window.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Failed logins allowed per account (email) within the window.
    pub per_account: usize,
    /// Failed logins allowed per client address within the window.
    pub per_address: usize,
    /// How far back failures count.
    pub window: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self { per_account: 5, per_address: 20, window: Duration::from_secs(15 * 60) }
    }
}

/// Failed attempts by key (`account:<email>` or `addr:<ip>`).
#[derive(Debug, Default)]
pub struct LoginLimiter {
    limits: Limits,
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl LoginLimiter {
    /// A limiter with these limits.
    pub fn new(limits: Limits) -> Self {
        Self { limits, failures: Mutex::default() }
    }

    /// `Err(seconds to wait)` when the account or the address is over its limit.
    pub fn check(&self, account: &str, address: &str) -> Result<(), u64> {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let mut wait = 0;
        for (key, limit) in
            [(account_key(account), self.limits.per_account), (format!("addr:{address}"), self.limits.per_address)]
        {
            let times = map.entry(key).or_default();
            times.retain(|t| now.duration_since(*t) < self.limits.window);
            if times.len() >= limit {
                let oldest = times.first().copied().unwrap_or(now);
                wait = wait.max((self.limits.window - now.duration_since(oldest)).as_secs().max(1));
            }
        }
        if wait > 0 { Err(wait) } else { Ok(()) }
    }

    /// Records a failed attempt.
    pub fn record_failure(&self, account: &str, address: &str) {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(account_key(account)).or_default().push(now);
        map.entry(format!("addr:{address}")).or_default().push(now);
    }

    /// Forgets an account's failures after a successful login.
    pub fn record_success(&self, account: &str) {
        self.failures.lock().unwrap_or_else(|e| e.into_inner()).remove(&account_key(account));
    }
}

fn account_key(account: &str) -> String {
    format!("account:{}", account.trim().to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_blocked_after_its_limit_and_freed_by_a_success() {
        let limiter = LoginLimiter::new(Limits { per_account: 3, per_address: 100, window: Duration::from_secs(60) });
        for _ in 0..3 {
            assert!(limiter.check("A@x.test", "1.2.3.4").is_ok());
            limiter.record_failure("a@x.test", "1.2.3.4");
        }
        let wait = limiter.check("a@x.test", "5.6.7.8").unwrap_err();
        assert!((1..=60).contains(&wait));
        assert!(limiter.check("b@x.test", "1.2.3.4").is_ok(), "other accounts are not blocked");
        limiter.record_success("a@x.test");
        assert!(limiter.check("a@x.test", "1.2.3.4").is_ok());
    }

    #[test]
    fn an_address_is_blocked_across_accounts() {
        let limiter = LoginLimiter::new(Limits { per_account: 100, per_address: 4, window: Duration::from_secs(60) });
        for i in 0..4 {
            limiter.record_failure(&format!("user{i}@x.test"), "9.9.9.9");
        }
        assert!(limiter.check("new@x.test", "9.9.9.9").is_err());
        assert!(limiter.check("new@x.test", "8.8.8.8").is_ok());
    }
}
