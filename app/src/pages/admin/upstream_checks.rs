//! The upstream checks next to ours: whether a failure is on our side or on
//! a platform's, at a glance. Refreshed every few seconds while open.

use leptos::prelude::*;
use std::time::Duration;

use super::live::keep_fresh;
use crate::api::system_status::check_upstreams;
use crate::model::system_status::{CheckState, CheckTarget, UpstreamCheck};

/// How often the open panel checks again.
const CHECK_EVERY: Duration = Duration::from_secs(5);

/// The checks section.
#[component]
pub fn UpstreamChecks() -> impl IntoView {
    let checks = Resource::new(|| (), |_| check_upstreams());
    view! {
        <section class="mt-6" aria-labelledby="checks-heading">
            <h2 id="checks-heading" class="sr-only">"Reachability checks"</h2>
            <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Checking the platforms…"</p> }>
                {move || Suspend::new(async move {
                    checks.await.ok().map(|list| view! { <CheckList initial=list /> })
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn CheckList(initial: Vec<UpstreamCheck>) -> impl IntoView {
    let data = RwSignal::new(initial);
    keep_fresh(data, CHECK_EVERY, RwSignal::new(0), check_upstreams);
    view! {
        <ul class="grid gap-3 sm:grid-cols-2 lg:grid-cols-4" data-testid="upstream-checks">
            {move || data.get().into_iter().map(|check| view! { <CheckTile check /> }).collect_view()}
        </ul>
    }
}

#[component]
fn CheckTile(check: UpstreamCheck) -> impl IntoView {
    let (dot, tone, word) = match check.state {
        CheckState::Up => ("bg-emerald-500", "border-emerald-200", "Up"),
        CheckState::Down => ("bg-red-500", "border-red-300 bg-red-50", "Down"),
        CheckState::NotConfigured => ("bg-slate-300", "border-slate-200", "Not set up"),
    };
    let (side, key) = match check.target {
        CheckTarget::Ours => ("Ours", "ours".to_owned()),
        CheckTarget::Upstream(p) => ("Theirs", p.as_str().to_owned()),
    };
    let state_key = match check.state {
        CheckState::Up => "up",
        CheckState::Down => "down",
        CheckState::NotConfigured => "not_configured",
    };
    view! {
        <li class=format!("rounded-xl border bg-white p-4 shadow-sm {tone}") data-check=key data-state=state_key>
            <div class="flex items-center justify-between gap-2">
                <span class="text-xs font-semibold uppercase tracking-wide text-slate-500">{side}</span>
                <span class="flex items-center gap-1.5 text-sm font-semibold" data-testid="check-state">
                    <span class=format!("h-2.5 w-2.5 rounded-full {dot}") aria-hidden="true"></span>{word}
                </span>
            </div>
            <p class="mt-1 font-medium">{check.name}</p>
            <p class="text-sm text-slate-600" data-testid="check-message">
                {check.message}
                {check.latency_ms.map(|ms| view! { <span class="text-slate-400">{format!(" · {ms} ms")}</span> })}
            </p>
            {check.detail.map(|detail| view! {
                <details class="mt-1">
                    <summary class="cursor-pointer text-xs text-slate-500 hover:underline">"Technical detail"</summary>
                    <p class="mt-1 break-words font-mono text-xs text-slate-700">{detail}</p>
                </details>
            })}
        </li>
    }
}
