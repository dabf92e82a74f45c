//! A ticket's file as we keep and serve it: a file name safe to store and to put in a
//! `Content-Disposition` header, a content type that is a real MIME type, and which types a
//! browser may show inline (raster images only: never HTML, SVG or anything that runs).

/// The longest file name kept (`maintenance_file.filename` allows 255 characters).
pub const MAX_FILE_NAME: usize = 255;

/// `raw` as a file name: its last path segment, without control characters, quotes or
/// backslashes, trimmed and at most [`MAX_FILE_NAME`] characters; `"file"` when nothing is left.
pub fn clean_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let kept: String = last.chars().filter(|c| !c.is_control() && !matches!(c, '"' | '\\' | '/')).collect();
    let trimmed = kept.trim().trim_start_matches('.').trim();
    let name: String = trimmed.chars().take(MAX_FILE_NAME).collect();
    if name.is_empty() { "file".to_owned() } else { name }
}

/// The ASCII form of a file name for the plain `filename="…"` parameter: anything but
/// letters, digits, `.`, `-`, `_` and spaces becomes `_`.
pub fn ascii_file_name(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') { c } else { '_' })
        .collect()
}

/// `raw` as a lower-case `type/subtype` MIME type (parameters dropped), or
/// `application/octet-stream` when it is not one.
pub fn clean_content_type(raw: Option<&str>) -> String {
    let essence = raw.unwrap_or_default().split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let token = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c));
    match essence.split_once('/') {
        Some((kind, sub)) if token(kind) && token(sub) => essence,
        _ => "application/octet-stream".to_owned(),
    }
}

/// Whether a browser may show this type inline (an `<img>` or the image itself).
pub fn is_inline_image(content_type: &str) -> bool {
    matches!(content_type, "image/jpeg" | "image/png" | "image/gif" | "image/webp" | "image/avif")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_paths_quotes_and_control_characters() {
        assert_eq!(clean_file_name("leak.png"), "leak.png");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("C:\\photos\\a\"b\r\n.jpg"), "ab.jpg");
        assert_eq!(clean_file_name("  "), "file");
        assert_eq!(clean_file_name(".htaccess"), "htaccess");
        assert_eq!(clean_file_name(&"x".repeat(300)).len(), MAX_FILE_NAME);
        assert_eq!(ascii_file_name("фото крана.jpg"), "____ _____.jpg");
    }

    #[test]
    fn content_types_are_real_mime_types_and_only_raster_images_show_inline() {
        assert_eq!(clean_content_type(Some("Image/PNG; charset=binary")), "image/png");
        assert_eq!(clean_content_type(Some("text/html\r\nX-Evil: 1")), "application/octet-stream");
        assert_eq!(clean_content_type(None), "application/octet-stream");
        assert!(is_inline_image("image/jpeg"));
        assert!(!is_inline_image("image/svg+xml") && !is_inline_image("text/html"));
    }
}
