//! A search result card: photo, title, price with its unit, place, source.

use leptos::prelude::*;

use crate::api::listing::ListingSummary;

/// "per month", "per night"… for a price unit.
pub fn price_unit_label(unit: &str) -> &'static str {
    match unit {
        "month" => "per month",
        "week" => "per week",
        "day" => "per day",
        "hour" => "per hour",
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
pub fn SourceBadge(#[prop(into)] source: String) -> impl IntoView {
    let (label, class) = match source.as_str() {
        "cocorico" => ("Cocorico", "shrink-0 rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900"),
        _ => ("Marketplace", "shrink-0 rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-900"),
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
pub fn ListingCard(listing: ListingSummary) -> impl IntoView {
    let href = format!("/properties/{}", listing.slug);
    let photo = listing.photo.clone();
    // Imported listings do not say how many bedrooms they have (0 there means unknown).
    let bedrooms = match (listing.bedrooms, listing.source.as_str()) {
        (0, "cocorico") => None,
        (0, _) => Some("Studio".to_owned()),
        (1, _) => Some("1 bedroom".to_owned()),
        (n, _) => Some(format!("{n} bedrooms")),
    };
    let facts = [Some(listing.city.clone()), bedrooms, Some(type_label(&listing.property_type).to_owned())];
    let facts = facts.into_iter().flatten().collect::<Vec<_>>().join(" · ");
    view! {
        <li class="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm transition hover:shadow-md">
            <a href=href class="block focus:outline-none focus-visible:ring-2 focus-visible:ring-emerald-600">
                {match photo {
                    Some(p) => view! { <img src=p.url alt=p.alt loading="lazy" class="aspect-[4/3] w-full object-cover" /> }.into_any(),
                    None => view! { <div class="flex aspect-[4/3] w-full items-center justify-center bg-slate-100 text-slate-400">"No photo"</div> }.into_any(),
                }}
                <div class="space-y-1 p-4">
                    <div class="flex items-start justify-between gap-2">
                        <h2 class="font-semibold leading-snug text-slate-900">{listing.title.clone()}</h2>
                        <SourceBadge source=listing.source.clone() />
                    </div>
                    <p class="text-sm text-slate-600">{facts}</p>
                    <p class="text-lg font-semibold text-emerald-800">
                        {listing.price.to_string()}
                        <span class="ml-1 text-sm font-normal text-slate-500">{price_unit_label(&listing.price_unit)}</span>
                    </p>
                </div>
            </a>
        </li>
    }
}
