//! Signing keys: RSA key pairs kept in a folder outside the repository (mode
//! 0600), the current one signing, every one verifying, all published as JWKS.

use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{DecodingKey, EncodingKey};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, RsaPublicKey};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const CURRENT_FILE: &str = "current";

/// One verifying key with what JWKS publishes about it.
#[derive(Clone)]
struct PublicEntry {
    decoding: DecodingKey,
    jwk: serde_json::Value,
    pem: String,
}

/// The keys in memory: the current signing key and every verifying key by `kid`.
#[derive(Clone)]
pub struct KeyStore {
    signing_kid: String,
    signing: EncodingKey,
    public: BTreeMap<String, PublicEntry>,
    /// A secret derived from the signing key (so every replica has the
    /// same): the successor of a refresh token is computed from it.
    session_secret: [u8; 32],
}

impl std::fmt::Debug for KeyStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyStore").field("signing_kid", &self.signing_kid).field("kids", &self.public.keys()).finish()
    }
}

impl KeyStore {
    /// Loads every `*.pem` private key of `dir`; `dir/current` names the signing one.
    pub fn load(dir: &Path) -> anyhow::Result<Self> {
        let current = std::fs::read_to_string(dir.join(CURRENT_FILE))
            .with_context(|| format!("no signing key in {} (run `marketplace keys generate`)", dir.display()))?;
        let current = current.trim().to_owned();
        let mut public = BTreeMap::new();
        let mut signing = None;
        let mut session_secret = [0u8; 32];
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.extension().is_none_or(|e| e != "pem") {
                continue;
            }
            let pem = std::fs::read_to_string(&path)?;
            let key = RsaPrivateKey::from_pkcs8_pem(&pem).with_context(|| format!("reading {}", path.display()))?;
            let (kid, entry) = public_entry(&RsaPublicKey::from(&key))?;
            if kid == current {
                signing = Some(EncodingKey::from_rsa_pem(pem.as_bytes())?);
                let mut derive = Sha256::new();
                derive.update(b"marketplace refresh-token successor v1\0");
                derive.update(pem.as_bytes());
                session_secret = derive.finalize().into();
            }
            public.insert(kid, entry);
        }
        let Some(signing) = signing else { bail!("the current key {current} is missing from {}", dir.display()) };
        Ok(Self { signing_kid: current, signing, public, session_secret })
    }

    /// The `kid` of the signing key.
    pub fn signing_kid(&self) -> &str {
        &self.signing_kid
    }

    /// The signing key.
    pub fn encoding_key(&self) -> &EncodingKey {
        &self.signing
    }

    /// The secret refresh-token successors are derived with.
    pub fn session_secret(&self) -> &[u8; 32] {
        &self.session_secret
    }

    /// The verifying key for a `kid`, if it is one of ours.
    pub fn decoding_key(&self, kid: &str) -> Option<&DecodingKey> {
        self.public.get(kid).map(|e| &e.decoding)
    }

    /// `{"keys": [...]}` for `/.well-known/jwks.json`.
    pub fn jwks(&self) -> serde_json::Value {
        serde_json::json!({ "keys": self.public.values().map(|e| e.jwk.clone()).collect::<Vec<_>>() })
    }

    /// The signing key's public half, PEM-encoded.
    pub fn current_public_pem(&self) -> &str {
        self.public.get(&self.signing_kid).map_or("", |e| e.pem.as_str())
    }
}

/// The `kid` of a public key: the first 16 hex digits of its DER's SHA-256.
fn public_entry(key: &RsaPublicKey) -> anyhow::Result<(String, PublicEntry)> {
    let der = key.to_public_key_der()?;
    let kid = Sha256::digest(der.as_bytes()).iter().take(8).map(|b| format!("{b:02x}")).collect::<String>();
    let pem = key.to_public_key_pem(LineEnding::LF)?;
    let jwk = serde_json::json!({
        "kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
        "n": URL_SAFE_NO_PAD.encode(key.n().to_bytes_be()),
        "e": URL_SAFE_NO_PAD.encode(key.e().to_bytes_be()),
    });
    let decoding = DecodingKey::from_rsa_pem(pem.as_bytes())?;
    Ok((kid, PublicEntry { decoding, jwk, pem }))
}

/// Creates a new key pair in `dir` and makes it the signing key; earlier keys
/// stay and keep verifying. Returns its `kid`.
pub fn add_signing_key(dir: &Path) -> anyhow::Result<String> {
    std::fs::create_dir_all(dir)?;
    restrict(dir, 0o700)?;
    let key = RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).context("generating an RSA key")?;
    let (kid, _) = public_entry(&RsaPublicKey::from(&key))?;
    let path: PathBuf = dir.join(format!("{kid}.pem"));
    let pem = key.to_pkcs8_pem(LineEnding::LF)?;
    write_private(&path, pem.as_bytes())?;
    std::fs::write(dir.join(CURRENT_FILE), &kid)?;
    Ok(kid)
}

/// Ensures `dir` has a signing key, creating one if it has none. Returns whether one was created.
pub fn ensure_signing_key(dir: &Path) -> anyhow::Result<bool> {
    if dir.join(CURRENT_FILE).exists() {
        return Ok(false);
    }
    add_signing_key(dir)?;
    Ok(true)
}

/// Writes the signing key's public half to `path` (e.g. `infra/keys/public.pem`).
pub fn write_public_pem(store: &KeyStore, path: &Path) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, store.current_public_pem())?;
    Ok(())
}

fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).with_context(|| format!("creating {}", path.display()))?;
    file.write_all(bytes)?;
    Ok(())
}

fn restrict(path: &Path, mode: u32) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_adds_a_signing_key_while_old_keys_still_verify() {
        let dir = std::env::temp_dir().join(format!("keys-{}", uuid::Uuid::new_v4()));
        assert!(ensure_signing_key(&dir).unwrap());
        assert!(!ensure_signing_key(&dir).unwrap(), "a second call keeps the key");
        let first = KeyStore::load(&dir).unwrap();
        let second_kid = add_signing_key(&dir).unwrap();
        let rotated = KeyStore::load(&dir).unwrap();
        assert_eq!(rotated.signing_kid(), second_kid);
        assert!(rotated.decoding_key(first.signing_kid()).is_some());
        assert_eq!(rotated.jwks()["keys"].as_array().unwrap().len(), 2);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join(format!("{second_kid}.pem"))).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_folder_without_keys_is_refused_with_a_hint() {
        let err = KeyStore::load(Path::new("/nonexistent/keys")).unwrap_err();
        assert!(err.to_string().contains("marketplace keys generate"));
    }
}
