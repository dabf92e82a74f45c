//! `/properties/{slug}`: one listing with its photos and details.

use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::use_params_map;

use super::seo;
use crate::api::listing::get_listing;
use crate::components::http_status::set_http_status;
use crate::components::listing_card::{SourceBadge, price_unit_label, type_label};
use crate::components::notice::ErrorNotice;
use crate::model::AppError;
use crate::model::listing::{ListingDetail, ListingPageData, Photo};
use crate::pages::not_found::NotFoundContent;

/// The listing page.
#[component]
pub fn ListingPage() -> impl IntoView {
    let params = use_params_map();
    let listing = Resource::new(move || params.read().get("slug").unwrap_or_default(), get_listing);
    view! {
        <Suspense fallback=|| view! { <p class="text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move { render_listing(listing.await) })}
        </Suspense>
    }
}

fn render_listing(result: Result<ListingPageData, AppError>) -> AnyView {
    match result {
        Ok(data) => view! { <ListingView data /> }.into_any(),
        Err(AppError::NotFound) => {
            set_http_status(404);
            view! { <NotFoundContent what="listing" /> }.into_any()
        }
        Err(err) => {
            set_http_status(err.status_code());
            view! { <ErrorNotice title="This listing could not be loaded" message=err.to_string() /> }.into_any()
        }
    }
}

#[component]
fn ListingView(data: ListingPageData) -> impl IntoView {
    let ListingPageData { detail, site_url } = data;
    let s = detail.summary.clone();
    let description = seo::summary_text(&detail.description, 160);
    let canonical = seo::canonical_url(&site_url, &detail);
    let image = detail.photos.first().map(|p| seo::absolute_url(&site_url, &p.url));
    let json_ld = seo::script_safe_json(&seo::json_ld(&site_url, &detail));
    let map = seo::map_link(detail.latitude, detail.longitude);
    let facts = facts_of(&detail);
    let paragraphs: Vec<String> =
        detail.description.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect();
    let locality = format!("{} {}", detail.postal_code, s.city).trim().to_owned();
    let address =
        if detail.address_line.is_empty() { locality } else { format!("{}, {locality}", detail.address_line) };
    view! {
        <Title text=s.title.clone() />
        <Meta name="description" content=description.clone() />
        <Link rel="canonical" href=canonical.clone() />
        <Meta property="og:type" content="website" />
        <Meta property="og:site_name" content="Marketplace" />
        <Meta property="og:title" content=s.title.clone() />
        <Meta property="og:description" content=description.clone() />
        <Meta property="og:url" content=canonical />
        {image.clone().map(|url| view! { <Meta property="og:image" content=url /> })}
        <Meta name="twitter:card" content=if image.is_some() { "summary_large_image" } else { "summary" } />
        <Meta name="twitter:title" content=s.title.clone() />
        <Meta name="twitter:description" content=description />
        {image.map(|url| view! { <Meta name="twitter:image" content=url /> })}
        <script type="application/ld+json" inner_html=json_ld></script>
        <nav class="text-sm text-slate-500" aria-label="Breadcrumb">
            <a href="/properties" class="hover:underline">"Properties"</a>" / "{s.city.clone()}
        </nav>
        <article>
            <div class="mt-3 flex flex-wrap items-start justify-between gap-3">
                <h1 class="text-2xl font-bold sm:text-3xl">{s.title.clone()}</h1>
                <SourceBadge source=s.source.clone() />
            </div>
            <p class="mt-1 text-slate-600">{address}</p>
            <div class="mt-6 grid gap-8 lg:grid-cols-3">
                <div class="lg:col-span-2"><Gallery photos=detail.photos.clone() /></div>
                <aside class="space-y-4 rounded-xl border border-slate-200 bg-white p-5" aria-label="Price and details">
                    <p class="text-2xl font-semibold text-emerald-800" data-testid="listing-price">
                        {s.price.to_string()}
                        <span class="ml-1 text-base font-normal text-slate-500">{price_unit_label(&s.price_unit)}</span>
                    </p>
                    <dl class="grid grid-cols-2 gap-y-2 text-sm">
                        {facts.into_iter().map(|(k, v)| view! { <dt class="text-slate-500">{k}</dt><dd class="font-medium">{v}</dd> }).collect_view()}
                    </dl>
                    {(!detail.categories.is_empty()).then(|| view! {
                        <p class="text-sm text-slate-600">{detail.categories.join(", ")}</p>
                    })}
                    {detail.source_url.clone().map(|href| view! { <SourceLink href /> })}
                    {map.map(|href| {
                        let (lat, lon) = (detail.latitude.unwrap_or_default(), detail.longitude.unwrap_or_default());
                        view! {
                            <p class="text-sm">
                                <span class="text-slate-500">{format!("{lat:.5}, {lon:.5}")}</span>" "
                                <a href=href class="font-medium text-emerald-800 underline hover:text-emerald-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-emerald-600" rel="noopener noreferrer" data-testid="map-link">
                                    "View on OpenStreetMap"
                                </a>
                            </p>
                        }
                    })}
                </aside>
            </div>
            <section class="mt-8 max-w-3xl" aria-labelledby="about-heading">
                <h2 id="about-heading" class="text-lg font-semibold">"About this home"</h2>
                <div class="mt-2 space-y-3 text-slate-700" data-testid="listing-description">
                    {paragraphs.into_iter().map(|p| view! { <p class="whitespace-pre-line">{p}</p> }).collect_view()}
                </div>
            </section>
        </article>
    }
}

/// What is known of the home, in the order the page lists it; what the
/// source does not say is left out rather than shown as 0.
fn facts_of(detail: &ListingDetail) -> Vec<(&'static str, String)> {
    let s = &detail.summary;
    let count = |n: Option<i32>| n.map(|n| n.to_string());
    let facts = [
        ("Type", Some(type_label(&s.property_type).to_owned())),
        ("Bedrooms", count(s.bedrooms)),
        ("Bathrooms", count(detail.bathrooms)),
        ("Surface", detail.area_m2.map(|a| format!("{a} m²"))),
        ("Sleeps", detail.capacity.map(|c| if c == 1 { "1 guest".to_owned() } else { format!("{c} guests") })),
        ("Available from", Some(detail.available_from.map_or("Now".into(), |d| d.format("%-d %B %Y").to_string()))),
    ];
    facts.into_iter().filter_map(|(label, value)| value.map(|v| (label, v))).collect()
}

/// The link back to the listing's own page on Cocorico.
#[component]
fn SourceLink(
    /// The listing's page on Cocorico's site.
    href: String,
) -> impl IntoView {
    view! {
        <p class="text-sm">
            <a href=href class="font-medium text-emerald-800 underline hover:text-emerald-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-emerald-600" rel="noopener noreferrer" data-testid="source-link">
                "See this listing on Cocorico"
            </a>
        </p>
    }
}

/// A photo viewer: one large photo with previous/next buttons (which work
/// once the page is interactive) and every photo listed as a thumbnail.
#[component]
fn Gallery(photos: Vec<Photo>) -> impl IntoView {
    if photos.is_empty() {
        return view! { <div class="flex aspect-[4/3] items-center justify-center rounded-xl bg-slate-100 text-slate-400">"No photos yet"</div> }.into_any();
    }
    let count = photos.len();
    let (index, set_index) = signal(0usize);
    let stored = StoredValue::new(photos.clone());
    let current = move || stored.with_value(|p| p[index.get() % count].clone());
    let button = "rounded-full bg-white/90 px-3 py-1.5 text-sm font-medium shadow hover:bg-white disabled:opacity-50";
    view! {
        <figure class="relative overflow-hidden rounded-xl bg-slate-100">
            <img src=move || current().url alt=move || current().alt class="aspect-[4/3] w-full object-cover" data-testid="gallery-photo" fetchpriority="high" />
            <figcaption class="absolute bottom-2 left-2 rounded bg-black/60 px-2 py-0.5 text-xs text-white" data-testid="gallery-position">
                {move || format!("Photo {} of {count}", index.get() + 1)}
            </figcaption>
            <div class="absolute bottom-2 right-2 flex gap-2">
                <button type="button" class=button aria-label="Previous photo" on:click=move |_| set_index.update(|i| *i = (*i + count - 1) % count)>"‹"</button>
                <button type="button" class=button aria-label="Next photo" on:click=move |_| set_index.update(|i| *i = (*i + 1) % count)>"›"</button>
            </div>
        </figure>
        <ul class="mt-3 grid grid-cols-4 gap-2 sm:grid-cols-6">
            {photos.into_iter().enumerate().map(|(i, p)| view! {
                <li><button type="button" class="block w-full overflow-hidden rounded-md ring-emerald-600 focus-visible:ring-2" aria-label=format!("Show photo {}", i + 1) on:click=move |_| set_index.set(i)>
                    <img src=p.url alt=p.alt loading="lazy" class="aspect-square w-full object-cover" />
                </button></li>
            }).collect_view()}
        </ul>
    }.into_any()
}
