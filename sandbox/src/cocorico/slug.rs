//! Slugs as KnpLabs' Sluggable behaviour writes them (`listing-one-1565694498`).

/// Knp Sluggable's form: ASCII-folded, lower case, words joined by `-`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.to_lowercase().chars() {
        let folded = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
            'æ' => "ae",
            'ç' => "c",
            'è' | 'é' | 'ê' | 'ë' => "e",
            'ì' | 'í' | 'î' | 'ï' => "i",
            'ñ' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => "o",
            'œ' => "oe",
            'ù' | 'ú' | 'û' | 'ü' => "u",
            'ý' | 'ÿ' => "y",
            'ß' => "ss",
            c if c.is_ascii_alphanumeric() => {
                slug.push(c);
                continue;
            }
            _ => "-",
        };
        slug.push_str(folded);
    }
    slug.split('-').filter(|part| !part.is_empty()).collect::<Vec<_>>().join("-")
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn slugs_fold_accents_and_join_words_with_dashes() {
        assert_eq!(slugify("Listing One 1565694498"), "listing-one-1565694498");
        assert_eq!(slugify("Île-de-France"), "ile-de-france");
        assert_eq!(slugify("Gemütliche Wohnung, Weißenburger Straße ☀️"), "gemutliche-wohnung-weissenburger-strasse");
        assert_eq!(slugify("  <script>alert(1)</script> "), "script-alert-1-script");
    }
}
