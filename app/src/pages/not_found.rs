//! The 404 page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::components::http_status::set_http_status;

/// Shown for any unknown address, with status 404.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    set_http_status(404);
    view! { <NotFoundContent what="page" /> }
}

/// The body of a 404, reused when a known route finds nothing (e.g. an unknown slug).
#[component]
pub fn NotFoundContent(
    /// What was not found, as in "This {what} does not exist" (e.g. `page`, `listing`).
    #[prop(into)]
    what: String,
) -> impl IntoView {
    view! {
        <Title text="Not found" />
        <section class="mx-auto max-w-lg py-16 text-center" data-testid="not-found">
            <p class="text-sm font-semibold uppercase tracking-wide text-emerald-700">"404"</p>
            <h1 class="mt-2 text-3xl font-bold">{format!("This {what} does not exist")}</h1>
            <p class="mt-3 text-slate-600">"It may have been moved or taken down. These links still work:"</p>
            <div class="mt-6 flex justify-center gap-3">
                <A href="/" attr:class="rounded-md bg-emerald-700 px-4 py-2 text-white hover:bg-emerald-800">"Home"</A>
                <A href="/properties" attr:class="rounded-md border border-slate-300 bg-white px-4 py-2 hover:bg-slate-100">"Browse properties"</A>
            </div>
        </section>
    }
}
