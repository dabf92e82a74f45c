//! What the imports hold: Condo tickets by status, Cocorico listings by state.

use leptos::prelude::*;

use crate::model::system_status::{ListingCounts, TicketCounts};

/// A bar that shows one count's share of the total.
fn share_bar(value: i64, total: i64, colour: &'static str) -> impl IntoView {
    let percent = if total > 0 { value as f64 * 100.0 / total as f64 } else { 0.0 };
    view! {
        <div class="h-1.5 w-full rounded-full bg-slate-100" aria-hidden="true">
            <div class=format!("h-1.5 rounded-full {colour}") style=format!("width: {percent:.1}%")></div>
        </div>
    }
}

/// Imported Condo tickets per status.
#[component]
pub fn TicketCountsPanel(counts: TicketCounts) -> impl IntoView {
    let live: i64 = counts.by_status.iter().map(|(_, n)| n).sum();
    view! {
        <section class="rounded-xl border border-slate-200 bg-white p-5 shadow-sm" aria-labelledby="tickets-heading" data-testid="ticket-counts">
            <div class="flex items-baseline justify-between">
                <h2 id="tickets-heading" class="font-semibold">"Condo tickets by status"</h2>
                <span class="text-sm text-slate-500">{format!("{live} live · {} deleted", counts.deleted)}</span>
            </div>
            <ul class="mt-3 space-y-2">
                {counts.by_status.into_iter().map(|(label, n)| view! {
                    <li class="text-sm">
                        <div class="flex justify-between"><span>{label}</span><span class="font-semibold tabular-nums">{n}</span></div>
                        {share_bar(n, live, "bg-sky-500")}
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

/// Imported Cocorico listings, published or not.
#[component]
pub fn ListingCountsPanel(counts: ListingCounts) -> impl IntoView {
    let total = counts.published + counts.unpublished;
    view! {
        <section class="rounded-xl border border-slate-200 bg-white p-5 shadow-sm" aria-labelledby="listings-heading" data-testid="listing-counts">
            <div class="flex items-baseline justify-between">
                <h2 id="listings-heading" class="font-semibold">"Cocorico listings by state"</h2>
                <span class="text-sm text-slate-500">{format!("{total} imported")}</span>
            </div>
            <ul class="mt-3 space-y-2">
                <li class="text-sm">
                    <div class="flex justify-between"><span>"Published on the portal"</span><span class="font-semibold tabular-nums" data-testid="published">{counts.published}</span></div>
                    {share_bar(counts.published, total, "bg-emerald-500")}
                </li>
                <li class="text-sm">
                    <div class="flex justify-between"><span>"Unpublished (no longer approved on Cocorico)"</span><span class="font-semibold tabular-nums" data-testid="unpublished">{counts.unpublished}</span></div>
                    {share_bar(counts.unpublished, total, "bg-slate-400")}
                </li>
            </ul>
        </section>
    }
}
