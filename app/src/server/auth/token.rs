//! Access tokens: RS256 JWTs with `iss`, `aud`, `sub`, `role`, `tenant_id`,
//! `iat`, `nbf`, `exp`, `jti` and a `kid` header. Verification pins the
//! algorithm, the issuer, the audience and the expiry (with a small leeway).

use jsonwebtoken::{Algorithm, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::keys::KeyStore;
use crate::domain::Role;

/// Seconds of clock skew tolerated on `exp` and `nbf`.
pub const LEEWAY_SECS: u64 = 30;

/// The claims we issue and accept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Issuer: who minted the token (ours is checked on verify).
    pub iss: String,
    /// Audience: who the token is for (ours is checked on verify).
    pub aud: String,
    /// The user's id.
    pub sub: String,
    /// The user's role.
    pub role: Role,
    /// For tenants: the id other services (Kill Bill's `externalKey`) know them by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    /// Issued at, in seconds since the Unix epoch.
    pub iat: i64,
    /// Not valid before, in seconds since the Unix epoch.
    pub nbf: i64,
    /// Expires at, in seconds since the Unix epoch.
    pub exp: i64,
    /// The token's unique id (a random UUID).
    pub jti: String,
    /// The session (sign-in) that issued it: when the session is revoked,
    /// its access tokens are refused before they expire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
}

/// Why a token was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    /// The header names no `kid`, or one we never issued.
    #[error("unknown signing key")]
    UnknownKey,
    /// Bad signature, algorithm, issuer, audience, expiry or shape.
    #[error("invalid token: {0}")]
    Invalid(String),
}

/// Signs claims with the current key.
pub fn sign(keys: &KeyStore, claims: &Claims) -> Result<String, jsonwebtoken::errors::Error> {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(keys.signing_kid().to_owned());
    jsonwebtoken::encode(&header, claims, keys.encoding_key())
}

/// Builds the claims of a fresh token for a user's session.
pub fn claims_for(user_id: Uuid, role: Role, session: Uuid, issuer: &str, audience: &str, ttl_secs: i64) -> Claims {
    let now = chrono::Utc::now().timestamp();
    Claims {
        iss: issuer.to_owned(),
        aud: audience.to_owned(),
        sub: user_id.to_string(),
        role,
        tenant_id: (role == Role::Tenant).then(|| user_id.to_string()),
        iat: now,
        nbf: now,
        exp: now + ttl_secs,
        jti: Uuid::new_v4().to_string(),
        sid: Some(session.to_string()),
    }
}

/// Verifies a token: RS256 only, one of our keys, our issuer and audience, not expired, not early.
pub fn verify(keys: &KeyStore, token: &str, issuer: &str, audience: &str) -> Result<Claims, TokenError> {
    let header = jsonwebtoken::decode_header(token).map_err(|e| TokenError::Invalid(e.to_string()))?;
    if header.alg != Algorithm::RS256 {
        return Err(TokenError::Invalid(format!("algorithm {:?} is not accepted", header.alg)));
    }
    let key = header.kid.as_deref().and_then(|kid| keys.decoding_key(kid)).ok_or(TokenError::UnknownKey)?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.leeway = LEEWAY_SECS;
    validation.validate_nbf = true;
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[audience]);
    validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
    jsonwebtoken::decode::<Claims>(token, key, &validation)
        .map(|data| data.claims)
        .map_err(|e| TokenError::Invalid(e.to_string()))
}
