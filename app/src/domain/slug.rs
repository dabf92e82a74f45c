//! Listing slugs: the readable, unique part of a listing's URL.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a string is not a valid slug.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    /// Empty or longer than 120 characters.
    #[error("a slug has 1 to 120 characters")]
    Length,
    /// Something other than lower-case letters, digits and single inner dashes.
    #[error("a slug has only a-z, 0-9 and single dashes between words")]
    Characters,
}

/// A validated slug such as `bright-two-bedroom-flat-in-lyon-3a`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ListingSlug(String);

impl ListingSlug {
    /// Accepts an existing slug as found in a URL.
    pub fn parse(raw: &str) -> Result<Self, SlugError> {
        if raw.is_empty() || raw.len() > 120 {
            return Err(SlugError::Length);
        }
        let valid_chars = raw.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !valid_chars || raw.starts_with('-') || raw.ends_with('-') || raw.contains("--") {
            return Err(SlugError::Characters);
        }
        Ok(Self(raw.to_owned()))
    }

    /// Makes a slug from free text (a title), keeping ASCII letters and digits.
    /// Accented Latin letters lose their accents; anything else separates words.
    pub fn from_title(title: &str, suffix: &str) -> Self {
        let mut out = String::new();
        for ch in title.chars().chain(" ".chars()).chain(suffix.chars()) {
            let folded = fold_accent(ch.to_ascii_lowercase());
            if folded.is_ascii_alphanumeric() {
                out.push(folded.to_ascii_lowercase());
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
            if out.len() >= 110 {
                break;
            }
        }
        let trimmed = out.trim_end_matches('-');
        let slug = if trimmed.is_empty() { "listing" } else { trimmed };
        Self(slug.to_owned())
    }

    /// The slug text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn fold_accent(ch: char) -> char {
    match ch {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' | 'À' | 'Á' | 'Â' | 'Ä' => 'a',
        'ç' | 'Ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'Î' | 'Ï' => 'i',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'Ô' | 'Ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'Û' | 'Ü' => 'u',
        'ñ' => 'n',
        'ß' => 's',
        other => other,
    }
}

impl TryFrom<String> for ListingSlug {
    type Error = SlugError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<ListingSlug> for String {
    fn from(value: ListingSlug) -> Self {
        value.0
    }
}

impl fmt::Display for ListingSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_slugs_are_accepted_as_is() {
        assert_eq!(ListingSlug::parse("flat-in-lyon-3a").unwrap().as_str(), "flat-in-lyon-3a");
    }

    #[test]
    fn malformed_slugs_are_rejected() {
        assert_eq!(ListingSlug::parse(""), Err(SlugError::Length));
        assert_eq!(ListingSlug::parse("Flat"), Err(SlugError::Characters));
        assert_eq!(ListingSlug::parse("-flat"), Err(SlugError::Characters));
        assert_eq!(ListingSlug::parse("a--b"), Err(SlugError::Characters));
        assert_eq!(ListingSlug::parse("../etc"), Err(SlugError::Characters));
        assert_eq!(ListingSlug::parse(&"a".repeat(121)), Err(SlugError::Length));
    }

    #[test]
    fn titles_become_ascii_slugs_with_a_suffix() {
        let slug = ListingSlug::from_title("Bel appartement à Lyon — 3 pièces!", "a1b2");
        assert_eq!(slug.as_str(), "bel-appartement-a-lyon-3-pieces-a1b2");
        assert!(ListingSlug::parse(slug.as_str()).is_ok());
    }

    #[test]
    fn a_title_without_letters_still_gives_a_valid_slug() {
        let slug = ListingSlug::from_title("★★★", "");
        assert_eq!(slug.as_str(), "listing");
    }
}
