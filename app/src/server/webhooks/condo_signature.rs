//! Verifying Condo's ticket deliveries: the URL token (compared in constant
//! time) and, when a secret is configured (a signing relay in front of
//! Condo, which does not sign ticket webhooks), `X-Webhook-Signature`: the hex
//! HMAC-SHA256 of `<X-Webhook-Timestamp>.<raw body>`, with the timestamp
//! within 5 minutes of our clock.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// Whether the URL token is the configured one. Both are hashed first, so the comparison
/// takes the same time whatever the length or content of the guess.
pub fn token_matches(expected: &str, given: &str) -> bool {
    constant_time_eq(&Sha256::digest(expected.as_bytes()), &Sha256::digest(given.as_bytes()))
}

/// How far (either way) a signed delivery's `X-Webhook-Timestamp` may be from our clock.
pub const SIGNATURE_WINDOW_SECS: i64 = 300;

/// Why a signed delivery was refused (answered 401).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// `X-Webhook-Signature` or `X-Webhook-Timestamp` is missing or unreadable.
    #[error("the delivery must carry X-Webhook-Timestamp (Unix seconds) and X-Webhook-Signature")]
    Missing,
    /// The timestamp is more than [`SIGNATURE_WINDOW_SECS`] away from now: an old delivery replayed.
    #[error("the delivery's timestamp is more than 5 minutes from now")]
    OutsideWindow,
    /// The signature is not the HMAC of this timestamp and body under our secret.
    #[error("the signature does not match")]
    Mismatch,
}

/// Checks a signed delivery: `signature` must be the hex HMAC-SHA256 under `secret` of
/// `<timestamp>.<body>` (compared in constant time), and `timestamp` (Unix seconds) within
/// [`SIGNATURE_WINDOW_SECS`] of `now`, so a captured delivery cannot be replayed later.
pub fn verify_signature(
    secret: &str,
    body: &[u8],
    signature: Option<&str>,
    timestamp: Option<&str>,
    now: i64,
) -> Result<(), SignatureError> {
    let (Some(signature), Some(timestamp)) = (signature, timestamp) else { return Err(SignatureError::Missing) };
    let at: i64 = timestamp.trim().parse().map_err(|_| SignatureError::Missing)?;
    let given = decode_hex(signature.trim()).ok_or(SignatureError::Missing)?;
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else { return Err(SignatureError::Mismatch) };
    mac.update(format!("{at}.").as_bytes());
    mac.update(body);
    mac.verify_slice(&given).map_err(|_| SignatureError::Mismatch)?;
    if (now - at).abs() > SIGNATURE_WINDOW_SECS {
        return Err(SignatureError::OutsideWindow);
    }
    Ok(())
}

/// The hex HMAC-SHA256 of `message` under `secret`.
pub fn sign(secret: &str, message: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

/// The `X-Webhook-Signature` of a delivery sent at `timestamp`: [`sign`] of `<timestamp>.<body>`.
pub fn sign_delivery(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut message = format!("{timestamp}.").into_bytes();
    message.extend_from_slice(body);
    sign(secret, &message)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_signatures_are_checked_exactly() {
        assert!(token_matches("abcdefabcdefabcdefabcdef", "abcdefabcdefabcdefabcdef"));
        assert!(!token_matches("abcdefabcdefabcdefabcdef", "abcdefabcdefabcdefabcdeF"));
        assert!(!token_matches("abcdefabcdefabcdefabcdef", ""));
        let now = 1_800_000_000;
        let signature = sign_delivery("secret", now, b"[]");
        let check = |body: &[u8], sig: Option<&str>, at: Option<&str>, secret| {
            verify_signature(secret, body, sig, at, now + 10)
        };
        let at = now.to_string();
        assert_eq!(check(b"[]", Some(&signature), Some(&at), "secret"), Ok(()));
        assert_eq!(check(b"[]", Some(&signature.to_uppercase()), Some(&at), "secret"), Ok(()), "hex in either case");
        assert_eq!(check(b"[ ]", Some(&signature), Some(&at), "secret"), Err(SignatureError::Mismatch), "the raw body");
        assert_eq!(check(b"[]", Some(&signature), Some(&at), "other"), Err(SignatureError::Mismatch));
        let moved = (now + 1).to_string();
        assert_eq!(check(b"[]", Some(&signature), Some(&moved), "secret"), Err(SignatureError::Mismatch), "the time");
        assert_eq!(check(b"[]", Some("zz"), Some(&at), "secret"), Err(SignatureError::Missing));
        assert_eq!(check(b"[]", None, Some(&at), "secret"), Err(SignatureError::Missing));
        assert_eq!(check(b"[]", Some(&signature), None, "secret"), Err(SignatureError::Missing));
    }

    #[test]
    fn a_delivery_signed_long_ago_or_far_ahead_is_refused() {
        let sent = 1_800_000_000;
        let signature = sign_delivery("secret", sent, b"[]");
        let at = sent.to_string();
        for (now, expected) in [
            (sent + 299, Ok(())),
            (sent - 299, Ok(())),
            (sent + 301, Err(SignatureError::OutsideWindow)),
            (sent - 301, Err(SignatureError::OutsideWindow)),
        ] {
            assert_eq!(verify_signature("secret", b"[]", Some(&signature), Some(&at), now), expected, "{now}");
        }
    }

    #[test]
    fn hmac_matches_the_rfc_4231_test_vector() {
        let key = String::from_utf8(vec![0x0b; 20]).unwrap();
        assert_eq!(sign(&key, b"Hi There"), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    }
}
