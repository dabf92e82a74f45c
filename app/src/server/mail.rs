//! Outgoing mail (invitations, password resets). Sent over SMTP when
//! `MARKETPLACE_SMTP_URL` is set (`smtp://host:25`, `smtp://user:pass@host:587?tls=required`
//! for STARTTLS, `smtps://user:pass@host:465`); otherwise written as `.eml`
//! files to `MARKETPLACE_MAIL_DIR` (`logs/mail`), for the demo and the tests,
//! and the caller shows the link to whoever asked.

use anyhow::Context as _;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;

use super::secret::Secret;

/// Where mail goes, as configured.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// `MARKETPLACE_SMTP_URL` (`None`: write files).
    pub smtp_url: Option<Secret>,
    /// `MARKETPLACE_MAIL_FROM` (default `Marketplace <no-reply@marketplace.local>`).
    pub from: String,
    /// `MARKETPLACE_MAIL_DIR` (default `logs/mail`).
    pub dir: PathBuf,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            smtp_url: None,
            from: "Marketplace <no-reply@marketplace.local>".into(),
            dir: PathBuf::from("logs/mail"),
        }
    }
}

impl MailSettings {
    /// Reads the settings through `lookup`; unset or empty variables keep their default.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let get = |key: &str| lookup(key).filter(|v| !v.trim().is_empty());
        let defaults = Self::default();
        Self {
            smtp_url: get("MARKETPLACE_SMTP_URL").map(Secret::new),
            from: get("MARKETPLACE_MAIL_FROM").unwrap_or(defaults.from),
            dir: get("MARKETPLACE_MAIL_DIR").map_or(defaults.dir, PathBuf::from),
        }
    }
}

/// How a message left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Handed to the SMTP server, which accepted it.
    Sent,
    /// Written to this file (no SMTP server configured).
    Written(PathBuf),
}

/// The configured way out.
#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    way: Way,
}

#[derive(Clone)]
enum Way {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.way {
            Way::Smtp(_) => write!(f, "Mailer(smtp, from {})", self.from),
            Way::Files(dir) => write!(f, "Mailer(files in {}, from {})", dir.display(), self.from),
        }
    }
}

impl Mailer {
    /// The mailer the settings describe (the SMTP URL is checked, not dialled).
    pub fn new(settings: &MailSettings) -> anyhow::Result<Self> {
        let from: Mailbox =
            settings.from.parse().with_context(|| format!("MARKETPLACE_MAIL_FROM `{}`", settings.from))?;
        let way = match &settings.smtp_url {
            Some(url) => Way::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
                    .context("MARKETPLACE_SMTP_URL is not an SMTP URL")?
                    .timeout(Some(std::time::Duration::from_secs(15)))
                    .build(),
            ),
            None => Way::Files(settings.dir.clone()),
        };
        Ok(Self { from, way })
    }

    /// Whether mail is only written to files (the caller then shows links itself).
    pub fn writes_files(&self) -> bool {
        matches!(self.way, Way::Files(_))
    }

    /// Sends a plain-text message to one person.
    pub async fn send(&self, to: &str, subject: &str, body: &str) -> anyhow::Result<Delivery> {
        let to: Mailbox = to.parse().with_context(|| format!("`{to}` is not an address"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())
            .context("building the message")?;
        match &self.way {
            Way::Smtp(transport) => {
                transport.send(message).await.context("the SMTP server refused the message")?;
                Ok(Delivery::Sent)
            }
            Way::Files(dir) => {
                tokio::fs::create_dir_all(dir).await.with_context(|| format!("creating {}", dir.display()))?;
                let name = format!("{}-{}.eml", chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ"), uuid::Uuid::new_v4());
                let path = dir.join(name);
                tokio::fs::write(&path, message.formatted())
                    .await
                    .with_context(|| format!("writing {}", path.display()))?;
                Ok(Delivery::Written(path))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn without_a_server_mail_is_written_to_a_file() {
        let dir = std::env::temp_dir().join(format!("mkt-mail-{}", uuid::Uuid::new_v4()));
        let mailer = Mailer::new(&MailSettings { dir: dir.clone(), ..MailSettings::default() }).unwrap();
        assert!(mailer.writes_files());
        let Delivery::Written(path) =
            mailer.send("ada@example.test", "Welcome", "Set your password: https://x/y").await.unwrap()
        else {
            panic!("written expected");
        };
        let text = std::fs::read_to_string(path).unwrap();
        assert!(text.contains("To: ada@example.test") && text.contains("Subject: Welcome"), "{text}");
        assert!(text.contains("https://x/y"));
        assert!(mailer.send("not an address", "x", "y").await.is_err());
        let bad = MailSettings { smtp_url: Some(Secret::new("ftp://nowhere")), ..MailSettings::default() };
        assert!(Mailer::new(&bad).is_err(), "a URL that is not SMTP is refused at start");
    }
}
