//! A search result card: photo, title, price with its unit, place, source.

use leptos::prelude::*;

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

/// The badge telling where a listing comes from.
#[component]
pub fn SourceBadge(
    /// Where the listing comes from: `cocorico` for an imported one, anything else for ours.
    #[prop(into)]
    source: String,
) -> impl IntoView {
    let (label, class) = match source.as_str() {
        "cocorico" => ("Cocorico", "source-badge source-badge-cocorico"),
        _ => ("Marketplace", "source-badge source-badge-local"),
    };
    view! {
        <span class=class data-testid="source-badge">
            <span class="sr-only">"Listed on "</span>{label}
        </span>
    }
}

/// One listing in a result grid. The link is a plain `<a>` (the router
/// follows it in place once hydrated): cards are rendered inside the
/// results' suspense, where the router's `<A>` adds only an `aria-current`
/// that a card link never needs.
#[component]
pub fn ListingCard(
    /// The listing to show.
    listing: ListingSummary,
) -> impl IntoView {
    let ListingSummary { slug, title, city, price, price_unit, bedrooms, property_type, source, photo } = listing;
    let href = format!("/properties/{slug}");
    // Unknown bedrooms are left out; a studio's 0 bedrooms are its type already.
    let bedrooms = match bedrooms {
        None => None,
        Some(0) if property_type == "studio" => None,
        Some(0) => Some("Studio".to_owned()),
        Some(1) => Some("1 bedroom".to_owned()),
        Some(n) => Some(format!("{n} bedrooms")),
    };
    let mut facts = city;
    for fact in bedrooms.iter().map(String::as_str).chain([type_label(&property_type)]) {
        facts.push_str(" · ");
        facts.push_str(fact);
    }
    view! {
        <li class="listing-card">
            <a href=href>
                {match photo {
                    Some(p) => view! { <img src=p.url alt=p.alt loading="lazy" class="listing-card-photo" /> }.into_any(),
                    None => view! { <div class="listing-card-no-photo">"No photo"</div> }.into_any(),
                }}
                <div class="space-y-1 p-4">
                    <div class="flex items-start justify-between gap-2">
                        <h2 class="font-semibold leading-snug text-slate-900">{title}</h2>
                        <SourceBadge source />
                    </div>
                    <p class="text-sm text-slate-600">{facts}</p>
                    <p class="text-lg font-semibold text-emerald-800">
                        {price.to_string()}
                        <span class="ml-1 text-sm font-normal text-slate-500">{price_unit_label(&price_unit)}</span>
                    </p>
                </div>
            </a>
        </li>
    }
}
