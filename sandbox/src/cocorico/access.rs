//! Credentials: a [`Secret`] that never prints, and the read-only account the
//! importer connects with.

use std::fmt;

use rand::Rng;
use sqlx::MySqlConnection;

/// A password or credential-bearing URL. `Debug` and `Display` print `***`;
/// read it with [`Secret::expose`] only where it is needed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// A random 32-character alphanumeric password.
    pub fn random() -> Self {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let mut rng = rand::rng();
        Secret((0..32).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect())
    }

    /// The secret value.
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

/// The read-only account: SELECT on one database, from any host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOnlyAccess {
    /// MariaDB user name (the account is `'user'@'%'`).
    pub user: String,
    /// Its password.
    pub password: Secret,
    /// Server host, as in the admin URL.
    pub host: String,
    /// Server port.
    pub port: u16,
    /// The only database it may read.
    pub database: String,
}

impl ReadOnlyAccess {
    /// `mysql://user:password@host:port/database`, password percent-encoded.
    pub fn url(&self) -> Secret {
        let password = percent_encode(self.password.expose());
        Secret(format!("mysql://{}:{password}@{}:{}/{}", self.user, self.host, self.port, self.database))
    }

    /// The same URL with the password replaced by `***`, fit for logs.
    pub fn redacted_url(&self) -> String {
        format!("mysql://{}:***@{}:{}/{}", self.user, self.host, self.port, self.database)
    }

    /// Creates the account afresh (any other grant it had is dropped) with
    /// SELECT on its database, by running `infra/cocorico/readonly_user.sql`.
    pub(crate) async fn create(&self, admin: &mut MySqlConnection) -> anyhow::Result<()> {
        check_identifier("read-only user", &self.user)?;
        check_identifier("database", &self.database)?;
        sqlx::query("SET @ro_user = ?, @ro_database = ?, @ro_password = ?")
            .bind(&self.user)
            .bind(&self.database)
            .bind(self.password.expose())
            .execute(&mut *admin)
            .await?;
        sqlx::raw_sql(super::READONLY_USER_SQL).execute(&mut *admin).await?;
        Ok(())
    }
}

/// Drops the account `user`@`%` if it exists.
pub(crate) async fn drop_user(admin: &mut MySqlConnection, user: &str) -> anyhow::Result<()> {
    check_identifier("read-only user", user)?;
    let sql = format!("DROP USER IF EXISTS '{user}'@'%'");
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(admin).await?;
    Ok(())
}

/// Accepts database and user names made of ASCII letters, digits and `_`
/// (at most 64), the only ones this module writes into SQL text.
pub(crate) fn check_identifier(what: &str, name: &str) -> anyhow::Result<()> {
    let valid =
        !name.is_empty() && name.len() <= 64 && name.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'_');
    anyhow::ensure!(valid, "{what} name {name:?} must be 1 to 64 ASCII letters, digits or underscores");
    Ok(())
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::{ReadOnlyAccess, Secret, check_identifier};

    fn access(password: &str) -> ReadOnlyAccess {
        ReadOnlyAccess {
            user: "cocorico_ro".into(),
            password: Secret::new(password),
            host: "127.0.0.1".into(),
            port: 3306,
            database: "cocorico".into(),
        }
    }

    #[test]
    fn secrets_never_show_in_debug_or_display_output() {
        let access = access("hunter2");
        assert!(!format!("{access:?} {} {}", access.password, access.url()).contains("hunter2"));
        assert_eq!(access.redacted_url(), "mysql://cocorico_ro:***@127.0.0.1:3306/cocorico");
    }

    #[test]
    fn the_url_percent_encodes_the_password() {
        let url = access("p@ss:w/rd é'%").url();
        assert_eq!(url.expose(), "mysql://cocorico_ro:p%40ss%3Aw%2Frd%20%C3%A9%27%25@127.0.0.1:3306/cocorico");
    }

    #[test]
    fn identifiers_with_quotes_or_spaces_are_refused() {
        assert!(check_identifier("database", "cocorico_test_1").is_ok());
        for bad in ["", "co`rico", "a b", "x'--", &"a".repeat(65)] {
            assert!(check_identifier("database", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn random_passwords_are_long_and_differ() {
        let (first, second) = (Secret::random(), Secret::random());
        assert_eq!(first.expose().len(), 32);
        assert_ne!(first, second);
    }
}
