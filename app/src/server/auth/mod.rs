//! Identity: we are the only identity provider. RS256 access tokens signed
//! with our private key (the public keys are published as JWKS), rotating
//! refresh tokens, argon2 passwords, login rate limits, and the one extractor
//! every handler and server function uses.

pub mod client_address;
pub mod cookies;
pub mod extractor;
pub mod keys;
pub mod password;
pub mod rate_limit;
pub mod revoked;
pub mod service;
pub mod token;

pub use extractor::{AuthUser, current_user, require_user};
pub use keys::KeyStore;
pub use service::{AuthService, AuthSettings, IssuedTokens};
