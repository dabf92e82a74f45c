//! Cocorico's free text made safe to store: descriptions become plain text
//! (markup removed, entities decoded, scripts dropped with their content),
//! and e-mail addresses and phone numbers are hidden, as Cocorico's own
//! `strip_private_info` filter does on its pages (a raw database read
//! bypasses it).

/// What replaces an e-mail address or a phone number.
pub const HIDDEN: &str = "[contact hidden]";

/// Elements dropped together with their content.
const DROPPED: [&str; 8] = ["script", "style", "iframe", "object", "embed", "noscript", "template", "svg"];

/// Elements that end a line.
const BLOCKS: [&str; 18] = [
    "p",
    "div",
    "br",
    "ul",
    "ol",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "section",
    "article",
    "blockquote",
    "hr",
];

/// Plain text of a description that may contain HTML.
pub fn description_text(raw: &str) -> String {
    tidy(&mask_contacts(&strip_tags(&decode_entities(raw))))
}

/// A title as one line of text. Cocorico titles are plain text typed by
/// owners, so they are kept verbatim (only whitespace is folded): what looks
/// like markup is shown as the characters it is, escaped by the pages.
pub fn title_text(raw: &str) -> String {
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Removes tags and comments; drops [`DROPPED`] elements with their content;
/// [`BLOCKS`] become line breaks. A `<` that does not open a tag stays.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let opens_tag = tail[1..].chars().next().is_some_and(|c| c.is_ascii_alphabetic() || "/!?".contains(c));
        if !opens_tag {
            out.push('<');
            rest = &tail[1..];
            continue;
        }
        if let Some(comment) = tail.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let end = tag_end(tail).unwrap_or(tail.len());
        let name = tag_name(&tail[1..end]);
        rest = tail.get(end + 1..).unwrap_or("");
        if DROPPED.contains(&name.as_str()) && !tail.starts_with("</") {
            rest = skip_element(rest, &name);
        } else if name == "li" {
            if !tail.starts_with("</") {
                out.push_str("\n- ");
            }
        } else if BLOCKS.contains(&name.as_str()) {
            out.push('\n');
        }
    }
    out.push_str(rest);
    out
}

/// Index of the `>` closing the tag at the start of `tail`, skipping quoted attribute values.
fn tag_end(tail: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in tail.char_indices().skip(1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

/// The lower-case element name of a tag's inside (`/p`, `img src=…`).
fn tag_name(inside: &str) -> String {
    inside
        .trim_start_matches('/')
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase()
}

/// The text after the closing tag of `name`, or nothing if it is never closed.
fn skip_element<'a>(rest: &'a str, name: &str) -> &'a str {
    let lower = rest.to_ascii_lowercase();
    match lower.find(&format!("</{name}")) {
        Some(close) => tag_end(&rest[close..]).map_or("", |end| &rest[close + end + 1..]),
        None => "",
    }
}

/// Decodes the usual named entities and every numeric one; unknown ones stay.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let decoded = tail.find(';').filter(|&end| end <= 10).and_then(|end| entity(&tail[1..end]).map(|c| (c, end)));
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &tail[end + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(code).filter(|c| !c.is_control() || c.is_whitespace());
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "eacute" => 'é',
        "egrave" => 'è',
        "agrave" => 'à',
        "ccedil" => 'ç',
        "euro" => '€',
        "laquo" => '«',
        "raquo" => '»',
        "rsquo" => '’',
        "lsquo" => '‘',
        "ldquo" => '“',
        "rdquo" => '”',
        "hellip" => '…',
        "mdash" => '—',
        "ndash" => '–',
        _ => return None,
    })
}

/// Hides e-mail addresses and phone numbers (8 or more digits in a row,
/// allowing spaces, dots, dashes, slashes and brackets between them).
pub fn mask_contacts(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if let Some(end) = email_at(&chars, i).or_else(|| phone_at(&chars, i)) {
            out.push_str(HIDDEN);
            i = end;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

fn is_local_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "._%+-".contains(c)
}

/// End of an e-mail address starting at `i`, if one does.
fn email_at(chars: &[char], i: usize) -> Option<usize> {
    if !is_local_char(chars[i]) || (i > 0 && is_local_char(chars[i - 1])) {
        return None;
    }
    let at = i + chars[i..].iter().take_while(|c| is_local_char(**c)).count();
    if chars.get(at) != Some(&'@') {
        return None;
    }
    let domain_len =
        chars[at + 1..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == '.' || **c == '-').count();
    let domain: String = chars[at + 1..at + 1 + domain_len].iter().collect();
    let domain = domain.trim_end_matches(['.', '-']);
    let valid = domain.split('.').count() >= 2 && domain.split('.').all(|part| !part.is_empty());
    valid.then_some(at + 1 + domain.chars().count())
}

/// End of a phone number starting at `i`, if one does.
fn phone_at(chars: &[char], i: usize) -> Option<usize> {
    let starts = chars[i] == '+' || chars[i] == '(' || chars[i].is_ascii_digit();
    if !starts || (i > 0 && chars[i - 1].is_alphanumeric()) {
        return None;
    }
    let (mut end, mut digits) = (i, 0);
    let mut j = i;
    while j < chars.len() && (chars[j].is_ascii_digit() || (j == i && chars[j] == '+') || " .-/()".contains(chars[j])) {
        if chars[j].is_ascii_digit() {
            digits += 1;
            end = j + 1;
        } else if chars[j] == ' ' && chars.get(j + 1) == Some(&' ') {
            break;
        }
        j += 1;
    }
    let followed_by_word = chars.get(end).is_some_and(|c| c.is_alphanumeric());
    (digits >= 8 && !followed_by_word).then_some(end)
}

/// Trims every line, collapses runs of spaces, keeps at most one empty line
/// in a row and drops control characters.
fn tidy(text: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for line in text.lines() {
        let clean: String = line.chars().filter(|c| !c.is_control() || *c == '\t').collect();
        let words: Vec<&str> = clean.split_whitespace().collect();
        let line = words.join(" ");
        if line.is_empty() && lines.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        lines.push(line);
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_removed_and_scripts_lose_their_content() {
        let raw = "<p>Bright <strong>two-room</strong> flat.</p>\n<ul><li>Balcony</li><li>Lift</li></ul>\n\
                   <img src=\"x\" onerror=\"alert(1)\"><a href=\"javascript:alert(2)\">Book now</a>\
                   <script>steal()</script><iframe src=\"https://example.com/\"></iframe>";
        let text = description_text(raw);
        assert_eq!(text, "Bright two-room flat.\n\n- Balcony\n- Lift\n\nBook now");
    }

    #[test]
    fn entities_are_decoded_and_encoded_markup_is_removed_too() {
        assert_eq!(
            description_text("R&eacute;servez vite&nbsp;! 3 &lt; 4 &amp; 5 > 2"),
            "Réservez vite ! 3 < 4 & 5 > 2"
        );
        assert_eq!(description_text("&lt;script&gt;alert(1)&lt;/script&gt;Hi"), "Hi");
        assert_eq!(description_text("Fish &amp;lt;3 &unknown; & co"), "Fish &lt;3 &unknown; & co");
    }

    #[test]
    fn a_lone_angle_bracket_is_text() {
        assert_eq!(description_text("a < b and c <3"), "a < b and c <3");
    }

    #[test]
    fn e_mail_addresses_and_phone_numbers_are_hidden() {
        let raw = "Text me on +33 6 12 34 56 78 or write to host.contact@example.com to book.\n\
                   Appelez-moi au 06 12 34 56 78 ou écrivez à hote.contact@example.org.";
        let text = description_text(raw);
        assert!(!text.contains("example.com") && !text.contains("56 78"), "{text}");
        assert_eq!(text.matches(HIDDEN).count(), 4, "{text}");
        assert!(text.ends_with(&format!("{HIDDEN}.")), "{text}");
    }

    #[test]
    fn postcodes_prices_and_years_are_not_mistaken_for_phones() {
        let text = "9 rue de la Lune, 75002 Paris. 1 200 € per month since 2019, floor 3, 45 m2.";
        assert_eq!(mask_contacts(text), text);
    }

    #[test]
    fn titles_keep_their_characters_and_lose_extra_whitespace() {
        assert_eq!(title_text("  Studio <script>alert(1)</script>\n "), "Studio <script>alert(1)</script>");
        assert_eq!(title_text("<b>Loft</b>\n<i>Lyon</i>  <3"), "<b>Loft</b> <i>Lyon</i> <3");
        assert_eq!(
            title_text("Cosy flat ☀️ near the Spree — Kreuzberg 🏠"),
            "Cosy flat ☀️ near the Spree — Kreuzberg 🏠"
        );
    }
}
