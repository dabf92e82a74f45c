//! `/properties/{slug}`: one listing with its photos and details.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::AppError;
use crate::api::listing::{ListingDetail, Photo, get_listing};
use crate::components::http_status::set_http_status;
use crate::components::listing_card::{SourceBadge, price_unit_label};
use crate::components::notice::ErrorNotice;
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

fn render_listing(result: Result<ListingDetail, AppError>) -> AnyView {
    match result {
        Ok(detail) => view! { <ListingView detail /> }.into_any(),
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
fn ListingView(detail: ListingDetail) -> impl IntoView {
    let s = detail.summary.clone();
    let description = detail.description.chars().take(160).collect::<String>();
    let facts = [
        ("Type", s.property_type.clone()),
        ("Bedrooms", s.bedrooms.to_string()),
        ("Bathrooms", detail.bathrooms.to_string()),
        ("Surface", detail.area_m2.map_or("—".into(), |a| format!("{a} m²"))),
        ("Available from", detail.available_from.map_or("Now".into(), |d| d.format("%-d %B %Y").to_string())),
    ];
    view! {
        <Title text=s.title.clone() />
        <Meta name="description" content=description />
        <nav class="text-sm text-slate-500" aria-label="Breadcrumb">
            <A href="/properties" attr:class="hover:underline">"Properties"</A>" / "{s.city.clone()}
        </nav>
        <div class="mt-3 flex flex-wrap items-start justify-between gap-3">
            <h1 class="text-2xl font-bold sm:text-3xl">{s.title.clone()}</h1>
            <SourceBadge source=s.source.clone() />
        </div>
        <p class="mt-1 text-slate-600">{format!("{}, {} {}", detail.address_line, detail.postal_code, s.city)}</p>
        <div class="mt-6 grid gap-8 lg:grid-cols-3">
            <div class="lg:col-span-2"><Gallery photos=detail.photos.clone() /></div>
            <aside class="space-y-4 rounded-xl border border-slate-200 bg-white p-5">
                <p class="text-2xl font-semibold text-emerald-800">
                    {s.price.to_string()}
                    <span class="ml-1 text-base font-normal text-slate-500">{price_unit_label(&s.price_unit)}</span>
                </p>
                <dl class="grid grid-cols-2 gap-y-2 text-sm">
                    {facts.into_iter().map(|(k, v)| view! { <dt class="text-slate-500">{k}</dt><dd class="font-medium">{v}</dd> }).collect_view()}
                </dl>
            </aside>
        </div>
        <section class="mt-8 max-w-3xl">
            <h2 class="text-lg font-semibold">"About this home"</h2>
            <p class="mt-2 whitespace-pre-line text-slate-700">{detail.description.clone()}</p>
        </section>
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
            <img src=move || current().url alt=move || current().alt class="aspect-[4/3] w-full object-cover" data-testid="gallery-photo" />
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
