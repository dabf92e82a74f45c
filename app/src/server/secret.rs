//! [`Secret`]: a value that must never be printed (passwords, API secrets,
//! connection strings with credentials). The one wrapper for all of them.

use std::fmt;

/// A secret value whose `Debug` and `Display` print `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The clear value, for the one place that uses it (a request header, a connection).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_never_printed() {
        let secret = Secret::new("mysql://ro:hunter2@db/cocorico");
        assert_eq!(format!("{secret:?} {secret}"), "Secret(***) ***");
        assert_eq!(secret.expose(), "mysql://ro:hunter2@db/cocorico");
    }
}
