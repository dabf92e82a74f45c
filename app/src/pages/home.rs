//! `/`: what the Marketplace is, and where to go.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;

/// The landing page.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="" />
        <Meta name="description" content="Find a home to rent, follow maintenance, and run a rental business from one place." />
        <section class="rounded-2xl bg-gradient-to-br from-emerald-700 to-teal-800 px-6 py-14 text-white sm:px-12">
            <h1 class="max-w-2xl text-3xl font-bold sm:text-4xl">"Homes to rent, and everything that comes after."</h1>
            <p class="mt-4 max-w-2xl text-emerald-50">
                "Marketplace keeps properties, leases, rent invoices, payments and maintenance tickets in one place, "
                "and publishes our homes beside our partners' listings."
            </p>
            <div class="mt-8 flex flex-wrap gap-3">
                <A href="/properties" attr:class="rounded-md bg-white px-5 py-2.5 font-semibold text-emerald-800 hover:bg-emerald-50">"Browse properties"</A>
                <A href="/admin/system-status" attr:class="rounded-md border border-white/60 px-5 py-2.5 font-semibold hover:bg-white/10">"System status"</A>
            </div>
        </section>
        <section class="mt-10 grid gap-4 sm:grid-cols-3">
            <Feature title="Tenants" text="Search homes by city, price and size; see your lease, invoices and payments." />
            <Feature title="Landlords" text="Follow every maintenance ticket across your properties as it moves." />
            <Feature title="Finance and operations" text="Invoices and payments mirrored to the ledger; every integration's health on one panel." />
        </section>
    }
}

#[component]
fn Feature(title: &'static str, text: &'static str) -> impl IntoView {
    view! {
        <div class="rounded-xl border border-slate-200 bg-white p-5">
            <h2 class="font-semibold text-slate-900">{title}</h2>
            <p class="mt-2 text-sm text-slate-600">{text}</p>
        </div>
    }
}
