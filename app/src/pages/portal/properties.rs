//! `/properties`: published listings, paginated.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::AppError;
use crate::api::listing::{ListingPage, list_listings};
use crate::components::http_status::set_http_status;
use crate::components::listing_card::ListingCard;
use crate::components::notice::{EmptyNotice, ErrorNotice};
use crate::components::pagination::Pagination;

/// The search results page.
#[component]
pub fn PropertiesPage() -> impl IntoView {
    let query = use_query_map();
    let params = move || {
        let q = query.read();
        (q.get("page"), q.get("per_page"))
    };
    let results = Resource::new(params, |(page, per_page)| list_listings(page, per_page));
    view! {
        <Title text="Properties to rent" />
        <h1 class="text-2xl font-bold sm:text-3xl">"Properties to rent"</h1>
        <p class="mt-1 text-slate-600">"Homes from Marketplace and our partners."</p>
        <Suspense fallback=|| view! { <p class="mt-8 text-slate-500">"Loading listings…"</p> }>
            {move || Suspend::new(async move { render_results(results.await) })}
        </Suspense>
    }
}

fn render_results(results: Result<ListingPage, AppError>) -> AnyView {
    match results {
        Ok(page) if page.items.is_empty() && page.total == 0 => {
            view! { <div class="mt-8"><EmptyNotice message="No properties are listed right now." /></div> }.into_any()
        }
        Ok(page) => {
            let cards = page.items.into_iter().map(|listing| view! { <ListingCard listing /> }).collect_view();
            let per_page = page.page.per_page;
            let href = move |n: u32| {
                if per_page == crate::api::listing::DEFAULT_PER_PAGE {
                    format!("/properties?page={n}")
                } else {
                    format!("/properties?page={n}&per_page={per_page}")
                }
            };
            view! {
                <ul class="mt-6 grid gap-6 sm:grid-cols-2 lg:grid-cols-3" data-testid="listing-grid">{cards}</ul>
                <Pagination page=page.page.page per_page total=page.total href />
            }
            .into_any()
        }
        Err(AppError::Validation(message)) => {
            set_http_status(400);
            view! {
                <div class="mt-8"><ErrorNotice title="That page address is not valid" message /></div>
                <p class="mt-4"><a class="text-emerald-800 underline" href="/properties">"Go to the first page"</a></p>
            }
            .into_any()
        }
        Err(err) => {
            set_http_status(err.status_code());
            view! { <div class="mt-8"><ErrorNotice title="Listings could not be loaded" message=err.to_string() /></div> }.into_any()
        }
    }
}
