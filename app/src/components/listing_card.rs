//! A search result card: photo, title, price with its unit, place, source.

use leptos::prelude::*;
use std::fmt::Write;

use crate::domain::markup::push_escaped;
use crate::model::listing::ListingSummary;

/// "/ month", "/ night"… for a price unit (`day` is a night's stay).
pub fn price_unit_label(unit: &str) -> &'static str {
    match unit {
        "month" => "/ month",
        "week" => "/ week",
        "day" => "/ night",
        "hour" => "/ hour",
        _ => "",
    }
}

/// A property type as a visitor reads it.
pub fn type_label(property_type: &str) -> &'static str {
    match property_type {
        "apartment" => "Apartment",
        "house" => "House",
        "studio" => "Studio",
        "room" => "Room",
        "loft" => "Loft",
        _ => "Other",
    }
}

/// The badge's words and classes for a listing's source: `cocorico` for an
/// imported one, anything else for ours.
fn badge(source: &str) -> (&'static str, &'static str) {
    match source {
        "cocorico" => ("Cocorico", "source-badge source-badge-cocorico"),
        _ => ("Marketplace", "source-badge source-badge-local"),
    }
}

/// The badge telling where a listing comes from.
#[component]
pub fn SourceBadge(
    /// Where the listing comes from: `cocorico` for an imported one, anything else for ours.
    #[prop(into)]
    source: String,
) -> impl IntoView {
    let (label, class) = badge(&source);
    view! {
        <span class=class data-testid="source-badge">
            <span class="sr-only">"Listed on "</span>{label}
        </span>
    }
}

/// The cards of a result grid, as the `<li>` items of its list.
///
/// They are written as text, not as views: a card has nothing reactive
/// (its link is a plain `<a>`, which the router follows in place once
/// hydrated), and as a view each card cost a component, an owner and a
/// small allocation per attribute and text for markup that never changes
/// once sent. The grid puts them in with `inner_html`, which hydration
/// leaves as the server wrote it.
pub fn cards_html(listings: &[ListingSummary]) -> String {
    let mut out = String::with_capacity(listings.len() * 900);
    for listing in listings {
        push_card(&mut out, listing);
    }
    out
}

fn push_card(out: &mut String, listing: &ListingSummary) {
    let ListingSummary { slug, title, city, price, price_unit, bedrooms, property_type, source, photo } = listing;
    out.push_str(r#"<li class="listing-card"><a href="/properties/"#);
    push_escaped(out, slug.as_str());
    out.push_str(r#"">"#);
    match photo {
        Some(p) => {
            out.push_str(r#"<img src=""#);
            push_escaped(out, &p.url);
            out.push_str(r#"" alt=""#);
            push_escaped(out, &p.alt);
            out.push_str(r#"" loading="lazy" class="listing-card-photo">"#);
        }
        None => out.push_str(r#"<div class="listing-card-no-photo">No photo</div>"#),
    }
    out.push_str(r#"<div class="space-y-1 p-4"><div class="flex items-start justify-between gap-2"><h2 class="font-semibold leading-snug text-slate-900">"#);
    push_escaped(out, title);
    let (label, class) = badge(source);
    let _ = write!(
        out,
        r#"</h2><span class="{class}" data-testid="source-badge"><span class="sr-only">Listed on </span>{label}</span></div><p class="text-sm text-slate-600">"#
    );
    push_escaped(out, city);
    // Unknown bedrooms are left out. No bedroom makes an apartment a studio;
    // a studio, a room or a loft without one is said by its type already.
    match bedrooms {
        None => {}
        Some(0) if property_type == "apartment" => out.push_str(" · Studio"),
        Some(0) => {}
        Some(1) => out.push_str(" · 1 bedroom"),
        Some(n) => {
            let _ = write!(out, " · {n} bedrooms");
        }
    }
    out.push_str(" · ");
    out.push_str(type_label(property_type));
    out.push_str(r#"</p><p class="text-lg font-semibold text-emerald-800">"#);
    push_escaped(out, &price.to_string());
    let _ = write!(
        out,
        r#"<span class="ml-1 text-sm font-normal text-slate-500">{}</span></p></div></a></li>"#,
        price_unit_label(price_unit)
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ListingSlug, Money};
    use crate::model::listing::Photo;

    fn listing(title: &str, bedrooms: Option<i32>, property_type: &str) -> ListingSummary {
        ListingSummary {
            slug: ListingSlug::parse("lyon-t2-abc123").unwrap(),
            title: title.to_owned(),
            city: "Lyon".to_owned(),
            price: Money::from_parts(95_000, "EUR").unwrap(),
            price_unit: "month".to_owned(),
            bedrooms,
            property_type: property_type.to_owned(),
            source: "cocorico".to_owned(),
            photo: Some(Photo { url: "/photos/a.jpg".to_owned(), alt: "Living room \"south\"".to_owned() }),
        }
    }

    #[test]
    fn a_card_says_what_is_known_and_escapes_what_it_was_given() {
        let html = cards_html(&[listing("<script>alert(1)</script> & co", Some(2), "apartment")]);
        assert!(html.starts_with(r#"<li class="listing-card"><a href="/properties/lyon-t2-abc123">"#), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</h2>"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains(r#"alt="Living room &quot;south&quot;""#), "{html}");
        assert!(html.contains(">Lyon · 2 bedrooms · Apartment</p>"), "{html}");
        assert!(html.contains(r#"<span class="sr-only">Listed on </span>Cocorico</span>"#), "{html}");
        assert!(html.contains("/ month</span>"), "{html}");
        assert!(html.ends_with("</a></li>"), "{html}");
    }

    #[test]
    fn unknown_bedrooms_are_left_out_and_no_bedroom_is_said_once() {
        let unknown = cards_html(&[listing("A", None, "apartment")]);
        assert!(unknown.contains(">Lyon · Apartment</p>"), "{unknown}");
        let studio = cards_html(&[listing("B", Some(0), "studio")]);
        assert!(studio.contains(">Lyon · Studio</p>"), "{studio}");
        let room = cards_html(&[listing("R", Some(0), "room")]);
        assert!(room.contains(">Lyon · Room</p>"), "a room is not also a studio: {room}");
        let two = cards_html(&[listing("C", Some(1), "house"), listing("D", Some(0), "apartment")]);
        assert_eq!(two.matches("<li ").count(), 2);
        assert!(two.contains("Lyon · 1 bedroom · House") && two.contains("Lyon · Studio · Apartment"), "{two}");
    }
}
