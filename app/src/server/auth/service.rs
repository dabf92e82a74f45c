//! Login, refresh rotation and logout.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use uuid::Uuid;

use super::extractor::AuthUser;
use super::keys::KeyStore;
use super::rate_limit::LoginLimiter;
use super::{password, token};
use crate::domain::Role;
use crate::model::AppError;
use crate::server::error::internal;
use crate::server::store::{app_user, refresh_token};

/// Token lifetimes and names.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// `iss` of our tokens.
    pub issuer: String,
    /// `aud` of our tokens.
    pub audience: String,
    /// Access token lifetime in seconds.
    pub access_ttl_secs: i64,
    /// Refresh token lifetime in days.
    pub refresh_ttl_days: i64,
    /// Mark cookies `Secure` (the site is served over HTTPS).
    pub secure_cookies: bool,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            issuer: "marketplace".into(),
            audience: "marketplace".into(),
            access_ttl_secs: 15 * 60,
            refresh_ttl_days: 30,
            secure_cookies: false,
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

/// Keys, settings and the login limiter.
#[derive(Debug)]
pub struct AuthService {
    /// The keys that sign and verify access tokens.
    pub keys: KeyStore,
    /// Token lifetimes, names and cookie settings.
    pub settings: AuthSettings,
    /// Counts failed logins per account and address.
    pub limiter: LoginLimiter,
}

impl AuthService {
    /// A service over these keys and settings with the default login limits.
    pub fn new(keys: KeyStore, settings: AuthSettings) -> Self {
        Self { keys, settings, limiter: LoginLimiter::default() }
    }

    /// Checks e-mail and password (rate limited per account and address) and
    /// starts a new refresh-token family.
    pub async fn login(
        &self,
        pool: &PgPool,
        email: &str,
        password_text: &str,
        address: &str,
    ) -> Result<IssuedTokens, AppError> {
        self.limiter
            .check(email, address)
            .map_err(|retry_after_secs| AppError::TooManyRequests { retry_after_secs })?;
        let user = app_user::find_user_by_email(pool, email.trim()).await?;
        let stored = user.as_ref().and_then(|u| u.password_hash.clone());
        let valid = password::verify_password(password_text.to_owned(), stored).await;
        let Some(user) = user.filter(|_| valid) else {
            self.limiter.record_failure(email, address);
            return Err(AppError::Validation("the e-mail or the password is wrong".into()));
        };
        if user.disabled_at.is_some() {
            // Said only to someone who knows the password.
            return Err(AppError::Forbidden);
        }
        self.limiter.record_success(email);
        let role =
            Role::parse(&user.role).ok_or_else(|| internal(format!("user {} has role {}", user.id, user.role)))?;
        self.issue(pool, user.id, role, Uuid::new_v4()).await
    }

    /// Exchanges a refresh token for new tokens. A token that was already
    /// used revokes its whole family (someone replayed it).
    pub async fn refresh(&self, pool: &PgPool, presented: &str) -> Result<IssuedTokens, AppError> {
        let row =
            refresh_token::find_refresh_token(pool, &hash_token(presented)).await?.ok_or(AppError::Unauthorized)?;
        if row.revoked_at.is_some() || row.expires_at < chrono::Utc::now() {
            return Err(AppError::Unauthorized);
        }
        if row.used_at.is_some() || !refresh_token::mark_refresh_token_used(pool, row.id).await? {
            let revoked = refresh_token::revoke_family(pool, row.family_id).await?;
            tracing::warn!(family = %row.family_id, revoked, "refresh token reused; family revoked");
            return Err(AppError::Unauthorized);
        }
        let user = app_user::find_user(pool, row.user_id).await?.ok_or(AppError::Unauthorized)?;
        if user.disabled_at.is_some() {
            return Err(AppError::Unauthorized);
        }
        let role = Role::parse(&user.role).ok_or(AppError::Unauthorized)?;
        self.issue(pool, user.id, role, row.family_id).await
    }

    /// Revokes the family of a refresh token (unknown tokens are ignored).
    pub async fn logout(&self, pool: &PgPool, presented: &str) -> Result<(), AppError> {
        if let Some(row) = refresh_token::find_refresh_token(pool, &hash_token(presented)).await? {
            refresh_token::revoke_family(pool, row.family_id).await?;
        }
        Ok(())
    }

    /// Verifies an access token and returns who it is for.
    pub fn verify_access(&self, token_text: &str) -> Result<AuthUser, AppError> {
        let claims = token::verify(&self.keys, token_text, &self.settings.issuer, &self.settings.audience)
            .map_err(|_| AppError::Unauthorized)?;
        let user_id = Uuid::parse_str(&claims.sub).map_err(|_| AppError::Unauthorized)?;
        let tenant_id =
            claims.tenant_id.as_deref().map(Uuid::parse_str).transpose().map_err(|_| AppError::Unauthorized)?;
        Ok(AuthUser { user_id, role: claims.role, tenant_id })
    }

    async fn issue(&self, pool: &PgPool, user_id: Uuid, role: Role, family: Uuid) -> Result<IssuedTokens, AppError> {
        let s = &self.settings;
        let claims = token::claims_for(user_id, role, &s.issuer, &s.audience, s.access_ttl_secs);
        let access_token = token::sign(&self.keys, &claims).map_err(internal)?;
        let refresh = new_refresh_token();
        let expires_at = chrono::Utc::now() + chrono::Duration::days(s.refresh_ttl_days);
        refresh_token::insert_refresh_token(pool, Uuid::new_v4(), user_id, family, &hash_token(&refresh), expires_at)
            .await?;
        Ok(IssuedTokens { access_token, expires_in: s.access_ttl_secs, refresh_token: refresh, user_id, role })
    }
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
