//! Escaping for markup written as text (HTML, SVG, XML): the one place that
//! turns the characters with a meaning there into entities.

/// Appends `text` to `out` with `&`, `<`, `>`, `"` and `'` escaped, safe in
/// element content and in quoted attribute values.
pub fn push_escaped(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
        out.push_str(&rest[..at]);
        out.push_str(match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

/// `text` escaped as [`push_escaped`] does.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_character_with_a_meaning_in_markup_is_escaped_and_the_rest_kept() {
        assert_eq!(
            escape(r#"<a href="x">Tom & Jerry's</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
        );
        assert_eq!(escape("Appartement lumineux à Orléans · 2 pièces"), "Appartement lumineux à Orléans · 2 pièces");
        assert_eq!(escape(""), "");
        let mut out = "kept ".to_owned();
        push_escaped(&mut out, "&&");
        assert_eq!(out, "kept &amp;&amp;");
    }
}
