//! What a tenant's maintenance request and a comment must be: lengths, photo count, size and
//! kind (sniffed from the bytes, never taken from the name or the declared type).

/// The longest description, in characters (Condo's ticket keeps the text whole, with our
/// visiting hours and marker added).
pub const MAX_DESCRIPTION_CHARS: usize = 5_000;
/// The longest visiting hours text.
pub const MAX_VISITING_HOURS_CHARS: usize = 200;
/// The longest comment.
pub const MAX_COMMENT_CHARS: usize = 2_000;
/// Photos per request at most.
pub const MAX_PHOTOS: usize = 5;
/// The largest photo, in bytes (8 MiB).
pub const MAX_PHOTO_BYTES: usize = 8 * 1024 * 1024;

/// An image kind we accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    /// JPEG.
    Jpeg,
    /// PNG.
    Png,
    /// WebP.
    Webp,
}

impl ImageKind {
    /// The kind of `bytes`, read from their signature; `None` when they are none of ours.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else {
            None
        }
    }

    /// The media type.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
        }
    }

    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Webp => "webp",
        }
    }
}

/// Checks one photo (`index` from 1, `name` as sent) and returns its kind, or the refusal.
pub fn check_photo(index: usize, name: &str, bytes: &[u8]) -> Result<ImageKind, String> {
    let label = if name.trim().is_empty() { format!("photo {index}") } else { format!("photo {index} ({name})") };
    if bytes.is_empty() {
        return Err(format!("{label} is empty"));
    }
    if bytes.len() > MAX_PHOTO_BYTES {
        let mib = bytes.len() as f64 / (1024.0 * 1024.0);
        return Err(format!("{label} is {mib:.1} MiB; a photo may be at most {} MiB", MAX_PHOTO_BYTES / (1024 * 1024)));
    }
    ImageKind::sniff(bytes).ok_or_else(|| format!("{label} is not a JPEG, PNG or WebP image"))
}

/// A trimmed, non-empty text of at most `max` characters, or the refusal naming `field`.
pub fn required_text(field: &str, raw: &str, max: usize) -> Result<String, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(format!("{field}: required"));
    }
    let length = text.chars().count();
    if length > max {
        return Err(format!("{field}: {length} characters long; at most {max} are allowed"));
    }
    Ok(text.to_owned())
}

/// The title of a request: its first non-empty line, at most 120 characters.
pub fn title_of(description: &str) -> String {
    let line = description.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("Maintenance request");
    let mut title: String = line.chars().take(120).collect();
    if line.chars().count() > 120 {
        title.push('…');
    }
    title
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photos_are_known_by_their_bytes_not_their_names() {
        assert_eq!(check_photo(1, "a.jpg", &[0xFF, 0xD8, 0xFF, 0xE0, 0]), Ok(ImageKind::Jpeg));
        assert_eq!(check_photo(1, "", b"\x89PNG\r\n\x1a\nrest"), Ok(ImageKind::Png));
        assert_eq!(check_photo(2, "x", b"RIFF\0\0\0\0WEBPVP8 "), Ok(ImageKind::Webp));
        assert_eq!(
            check_photo(3, "leak.jpg", b"%PDF-1.7"),
            Err("photo 3 (leak.jpg) is not a JPEG, PNG or WebP image".into())
        );
        assert_eq!(check_photo(1, "", b""), Err("photo 1 is empty".into()));
        let big = vec![0xFF; MAX_PHOTO_BYTES + 1];
        assert!(check_photo(1, "big.jpg", &big).unwrap_err().contains("at most 8 MiB"));
    }

    #[test]
    fn texts_are_trimmed_and_bounded() {
        assert_eq!(required_text("description", "  Leak  ", 10), Ok("Leak".into()));
        assert_eq!(required_text("description", "   ", 10), Err("description: required".into()));
        assert!(required_text("description", &"é".repeat(11), 10).unwrap_err().contains("11 characters"));
        assert_eq!(title_of("\n  Tap leaks\nsince Monday"), "Tap leaks");
        assert_eq!(title_of(&"a".repeat(130)).chars().count(), 121);
    }
}
