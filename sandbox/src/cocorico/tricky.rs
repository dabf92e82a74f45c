//! The listings generated to trip an importer up: markup in titles and
//! descriptions, missing translations or images, placeholders, unicode, contact
//! details, a disabled owner, a maximal title and a `createdAt` tie.

/// One tricky case; the first listings of every data set are these, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tricky {
    ScriptTitle,
    HtmlDescription,
    NoImages,
    MissingEn,
    Unicode,
    PlaceholderImages,
    ContactInDescription,
    DisabledOwner,
    LongestTitle,
    SameCreatedAt,
}

impl Tricky {
    /// Every case, in listing order.
    pub const ALL: [Tricky; 10] = [
        Tricky::ScriptTitle,
        Tricky::HtmlDescription,
        Tricky::NoImages,
        Tricky::MissingEn,
        Tricky::Unicode,
        Tricky::PlaceholderImages,
        Tricky::ContactInDescription,
        Tricky::DisabledOwner,
        Tricky::LongestTitle,
        Tricky::SameCreatedAt,
    ];

    /// Which of `en`, `fr` the listing is translated into, if forced.
    pub fn locales(self) -> Option<[bool; 2]> {
        match self {
            Tricky::MissingEn => Some([false, true]),
            Tricky::ScriptTitle | Tricky::HtmlDescription | Tricky::Unicode | Tricky::LongestTitle => {
                Some([true, true])
            }
            _ => None,
        }
    }

    /// The image names, if forced.
    pub fn image_names(self) -> Option<Vec<String>> {
        match self {
            Tricky::NoImages => Some(Vec::new()),
            Tricky::PlaceholderImages => Some(vec![PLACEHOLDER_IMAGE.to_owned(), PLACEHOLDER_IMAGE.to_owned()]),
            _ => None,
        }
    }

    /// Rewrites the generated `(title, description)` of `locale` (0 = `en`, 1 = `fr`).
    pub fn rewrite(self, locale: usize, title: &mut String, description: &mut String) {
        let texts = match self {
            Tricky::ScriptTitle if locale == 0 => (Some("Studio <script>alert(1)</script>"), None),
            Tricky::HtmlDescription => (None, Some(HTML_DESCRIPTIONS[locale])),
            Tricky::Unicode => (Some(UNICODE_TITLES[locale]), Some(UNICODE_DESCRIPTIONS[locale])),
            Tricky::LongestTitle => (Some(LONGEST_TITLES[locale]), None),
            Tricky::ContactInDescription => {
                description.push_str(CONTACT_LINES[locale]);
                (None, None)
            }
            _ => (None, None),
        };
        if let Some(new_title) = texts.0 {
            *title = new_title.to_owned();
        }
        if let Some(new_description) = texts.1 {
            *description = new_description.to_owned();
        }
    }
}

/// Cocorico's `ListingImage::IMAGE_DEFAULT` placeholder file name.
pub(crate) const PLACEHOLDER_IMAGE: &str = "default-listing.png";

const HTML_DESCRIPTIONS: [&str; 2] = [
    "<p>Bright <strong>two-room</strong> flat.</p>\n<ul><li>Balcony</li><li>Lift</li></ul>\n\
     <img src=\"x\" onerror=\"alert(1)\"><a href=\"javascript:alert(2)\">Book now</a>",
    "<p>Appartement <em>lumineux</em> de deux pièces.</p><br/>\
     <iframe src=\"https://example.com/\"></iframe><b>Réservez vite&nbsp;!</b>",
];

const UNICODE_TITLES: [&str; 2] =
    ["Cosy flat ☀️ near the Spree — Kreuzberg 🏠", "Appartement « cosy » près de la Spree ☀️"];

const UNICODE_DESCRIPTIONS: [&str; 2] = [
    "Gemütliche Altbauwohnung in der Weißenburger Straße: naïve décor, a 日本語 guidebook, \
     bikes 🚲 and beds 🛏️ for four. Greeting on the door: שלום / Привет.",
    "Logement plein de charme : œuvres d'art, cuisine équipée, Kaffee für Frühaufsteher ☕ \
     et un mot d'accueil en 中文.",
];

/// Exactly 50 characters: the `VARCHAR(50)` maximum.
pub(crate) const LONGEST_TITLES: [&str; 2] =
    ["Marie's \"Le Nid\" – a quiet & bright 2-bed flat #12", "L'appartement « Le Nid » de Marie – calme & clair."];

const CONTACT_LINES: [&str; 2] = [
    "\n\nText me on +33 6 12 34 56 78 or write to host.contact@example.com to book directly.",
    "\n\nAppelez-moi au 06 12 34 56 78 ou écrivez à hote.contact@example.org.",
];

#[cfg(test)]
mod tests {
    use super::{LONGEST_TITLES, Tricky};

    #[test]
    fn the_longest_titles_are_exactly_fifty_characters() {
        for title in LONGEST_TITLES {
            assert_eq!(title.chars().count(), 50, "{title}");
        }
    }

    #[test]
    fn only_the_english_script_title_is_rewritten() {
        let (mut title, mut description) = ("Studio".to_owned(), "Text".to_owned());
        Tricky::ScriptTitle.rewrite(1, &mut title, &mut description);
        assert_eq!(title, "Studio");
        Tricky::ScriptTitle.rewrite(0, &mut title, &mut description);
        assert_eq!(title, "Studio <script>alert(1)</script>");
    }
}
