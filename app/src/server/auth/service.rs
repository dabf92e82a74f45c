//! Sessions: login, refresh rotation, logout, and the check of access tokens.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

use super::client_address::TrustedProxies;
use super::extractor::AuthUser;
use super::keys::KeyStore;
use super::rate_limit::{LoginLimiter, MAX_EMAIL_LEN};
use super::revoked::RevokedSessions;
use super::{password, token};
use crate::domain::Role;
use crate::model::AppError;
use crate::server::error::internal;
use crate::server::store::{app_user, refresh_token, session_family};

/// Token lifetimes and names.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// `iss` of our tokens.
    pub issuer: String,
    /// `aud` of our tokens.
    pub audience: String,
    /// Access token lifetime in seconds.
    pub access_ttl_secs: i64,
    /// Refresh token lifetime in days (each refresh starts it again, up to
    /// the session's end).
    pub refresh_ttl_days: i64,
    /// `MARKETPLACE_SESSION_MAX_AGE`: how long a sign-in lasts at most,
    /// however often it is refreshed.
    pub session_max_age: Duration,
    /// How long after a refresh token is used a parallel refresh with it
    /// (the same browser's other requests) is given the same new token
    /// instead of being taken for a replay.
    pub refresh_grace: Duration,
    /// Mark cookies `Secure` (the site is served over HTTPS).
    pub secure_cookies: bool,
    /// `MARKETPLACE_TRUSTED_PROXIES`: the proxies whose `X-Forwarded-For`
    /// names the client.
    pub trusted_proxies: TrustedProxies,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            issuer: "marketplace".into(),
            audience: "marketplace".into(),
            access_ttl_secs: 15 * 60,
            refresh_ttl_days: 30,
            session_max_age: Duration::from_secs(30 * 86_400),
            refresh_grace: Duration::from_secs(10),
            secure_cookies: false,
            trusted_proxies: TrustedProxies::default(),
        }
    }
}

/// What a successful login or refresh hands out.
#[derive(Debug, Clone)]
pub struct IssuedTokens {
    /// The signed access token (a JWT).
    pub access_token: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// The opaque refresh token (only its hash is stored).
    pub refresh_token: String,
    /// Our id of the user the tokens are for.
    pub user_id: Uuid,
    /// The user's role.
    pub role: Role,
}

/// Keys, settings, the login limiter and the revoked sessions.
#[derive(Debug)]
pub struct AuthService {
    /// The keys that sign and verify access tokens.
    pub keys: KeyStore,
    /// Token lifetimes, names and cookie settings.
    pub settings: AuthSettings,
    /// Counts login attempts per account and address.
    pub limiter: LoginLimiter,
    /// Sessions whose access tokens are refused before they expire.
    pub revoked: Arc<RevokedSessions>,
}

impl AuthService {
    /// A service over these keys and settings with the default login limits.
    pub fn new(keys: KeyStore, settings: AuthSettings) -> Self {
        let horizon = Duration::from_secs(settings.access_ttl_secs.unsigned_abs() + 2 * token::LEEWAY_SECS);
        Self { keys, settings, limiter: LoginLimiter::default(), revoked: Arc::new(RevokedSessions::new(horizon)) }
    }

    /// Checks e-mail and password and starts a session. The attempt is
    /// counted against the account and the address before the password is
    /// hashed; past a limit it is refused unhashed.
    pub async fn login(
        &self,
        pool: &PgPool,
        email: &str,
        password_text: &str,
        address: &str,
    ) -> Result<IssuedTokens, AppError> {
        let wrong = || AppError::Validation("the e-mail or the password is wrong".into());
        let email = email.trim();
        if email.is_empty() || email.len() > MAX_EMAIL_LEN {
            return Err(wrong());
        }
        let reservation = self.limiter.reserve(pool, email, address).await?;
        let user = app_user::find_user_by_email(pool, email).await?;
        let stored = user.as_ref().and_then(|u| u.password_hash.clone());
        let valid = password::verify_password(password_text.to_owned(), stored).await;
        let Some(user) = user.filter(|_| valid) else { return Err(wrong()) };
        if user.disabled_at.is_some() {
            // Said only to someone who knows the password.
            return Err(AppError::Forbidden);
        }
        self.limiter.succeeded(pool, reservation).await?;
        let role =
            Role::parse(&user.role).ok_or_else(|| internal(format!("user {} has role {}", user.id, user.role)))?;
        let mut tx = pool.begin().await?;
        let session = session_family::insert_session(&mut *tx, Uuid::new_v4(), user.id).await?;
        let refresh = new_refresh_token();
        let expires_at = self.refresh_expiry(session.started_at);
        refresh_token::insert_refresh_token(
            &mut *tx,
            Uuid::new_v4(),
            user.id,
            session.id,
            None,
            &hash_token(&refresh),
            expires_at,
        )
        .await?;
        tx.commit().await?;
        self.tokens(user.id, role, session.id, refresh)
    }

    /// Exchanges a refresh token for new tokens, in one transaction holding
    /// the session, so refreshes and revocations of one session take turns.
    /// A token used again within the grace window, while its successor is
    /// unused, gets that successor again (a page's parallel requests); used
    /// again later, it revokes the whole session (someone replayed it).
    pub async fn refresh(&self, pool: &PgPool, presented: &str) -> Result<IssuedTokens, AppError> {
        let hash = hash_token(presented);
        let mut tx = pool.begin().await?;
        let family = refresh_token::find_refresh_token(&mut *tx, &hash).await?.ok_or(AppError::Unauthorized)?.family_id;
        let session = session_family::lock_session(&mut *tx, family).await?.ok_or(AppError::Unauthorized)?;
        // Read again now that the session is held: a parallel refresh may have used it.
        let row = refresh_token::find_refresh_token(&mut *tx, &hash).await?.ok_or(AppError::Unauthorized)?;
        let now = Utc::now();
        let ended = session.started_at + chrono_duration(self.settings.session_max_age) < now;
        if session.revoked_at.is_some() || row.revoked_at.is_some() || row.expires_at < now || ended {
            return Err(AppError::Unauthorized);
        }
        let user = app_user::find_user(&mut *tx, row.user_id).await?.ok_or(AppError::Unauthorized)?;
        let role = Role::parse(&user.role).filter(|_| user.disabled_at.is_none()).ok_or(AppError::Unauthorized)?;
        let successor = self.successor(presented);
        if let Some(used_at) = row.used_at {
            let child = refresh_token::find_child(&mut *tx, row.id).await?;
            let parallel = now - used_at <= chrono_duration(self.settings.refresh_grace)
                && child.is_some_and(|c| {
                    c.used_at.is_none() && c.revoked_at.is_none() && c.token_hash == hash_token(&successor)
                });
            if parallel {
                tx.commit().await?;
                return self.tokens(user.id, role, session.id, successor);
            }
            session_family::revoke_session(&mut *tx, session.id).await?;
            tx.commit().await?;
            self.revoked.add(session.id);
            tracing::warn!(session = %session.id, "refresh token reused; session revoked");
            return Err(AppError::Unauthorized);
        }
        refresh_token::mark_refresh_token_used(&mut *tx, row.id).await?;
        refresh_token::insert_refresh_token(
            &mut *tx,
            Uuid::new_v4(),
            user.id,
            session.id,
            Some(row.id),
            &hash_token(&successor),
            self.refresh_expiry(session.started_at),
        )
        .await?;
        tx.commit().await?;
        self.tokens(user.id, role, session.id, successor)
    }

    /// Ends the session of a refresh token (unknown tokens are ignored).
    pub async fn logout(&self, pool: &PgPool, presented: &str) -> Result<(), AppError> {
        if let Some(row) = refresh_token::find_refresh_token(pool, &hash_token(presented)).await? {
            self.end_session(pool, row.family_id).await?;
        }
        Ok(())
    }

    /// Ends the session an access token belongs to (a token that does not
    /// verify, or names no session, is ignored).
    pub async fn logout_access(&self, pool: &PgPool, access_token: &str) -> Result<(), AppError> {
        let Ok(claims) = token::verify(&self.keys, access_token, &self.settings.issuer, &self.settings.audience) else {
            return Ok(());
        };
        if let Some(session) = claims.sid.as_deref().and_then(|s| Uuid::parse_str(s).ok()) {
            self.end_session(pool, session).await?;
        }
        Ok(())
    }

    async fn end_session(&self, pool: &PgPool, session: Uuid) -> Result<(), AppError> {
        session_family::revoke_session(pool, session).await?;
        self.revoked.add(session);
        Ok(())
    }

    /// Verifies an access token and returns who it is for; a token of a
    /// revoked session is refused.
    pub fn verify_access(&self, token_text: &str) -> Result<AuthUser, AppError> {
        let claims = token::verify(&self.keys, token_text, &self.settings.issuer, &self.settings.audience)
            .map_err(|_| AppError::Unauthorized)?;
        if let Some(sid) = claims.sid.as_deref() {
            let session = Uuid::parse_str(sid).map_err(|_| AppError::Unauthorized)?;
            if self.revoked.contains(session) {
                return Err(AppError::Unauthorized);
            }
        }
        let user_id = Uuid::parse_str(&claims.sub).map_err(|_| AppError::Unauthorized)?;
        let tenant_id =
            claims.tenant_id.as_deref().map(Uuid::parse_str).transpose().map_err(|_| AppError::Unauthorized)?;
        Ok(AuthUser { user_id, role: claims.role, tenant_id })
    }

    /// A new access token beside this refresh token.
    fn tokens(&self, user_id: Uuid, role: Role, session: Uuid, refresh: String) -> Result<IssuedTokens, AppError> {
        let s = &self.settings;
        let claims = token::claims_for(user_id, role, session, &s.issuer, &s.audience, s.access_ttl_secs);
        let access_token = token::sign(&self.keys, &claims).map_err(internal)?;
        Ok(IssuedTokens { access_token, expires_in: s.access_ttl_secs, refresh_token: refresh, user_id, role })
    }

    /// When a refresh token issued now expires: its own lifetime, but never
    /// past the session's end.
    fn refresh_expiry(&self, started_at: DateTime<Utc>) -> DateTime<Utc> {
        let own = Utc::now() + chrono::Duration::days(self.settings.refresh_ttl_days);
        own.min(started_at + chrono_duration(self.settings.session_max_age))
    }

    /// The token that replaces `presented`: derived from it with our secret,
    /// so a parallel refresh can be handed the same one (only its hash is
    /// stored), and nobody without the secret can compute it.
    fn successor(&self, presented: &str) -> String {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(self.keys.session_secret()).expect("HMAC takes a key of any length");
        mac.update(presented.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }
}

fn chrono_duration(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// 256 random bits, URL-safe.
fn new_refresh_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Refresh tokens are stored as their SHA-256, never as themselves.
fn hash_token(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}
