//! `/admin/system-status`: the unified integrations panel. Rendered whole on
//! the server (it works without JavaScript; every button is a form that posts
//! and comes back here), then kept live in the browser by a short poll.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use std::time::Duration;

use super::counts::{ListingCountsPanel, TicketCountsPanel};
use super::drift::DriftPanel;
use super::integration_card::{Controls, IntegrationCardView};
use super::job_lines::JobLines;
use super::live::{keep_fresh, refresh_after};
use super::property_links::PropertyLinks;
use super::quarantine::QuarantinePanel;
use super::reconciliation::ReconciliationPanel;
use super::upstream_checks::UpstreamChecks;
use super::webhook_inbox::WebhookInbox;
use crate::api::system_status::{ReplayWebhookEvent, load_system_status};
use crate::components::http_status::set_http_status;
use crate::components::notice::ErrorNotice;
use crate::model::AppError;
use crate::model::system_status::SystemStatus;

/// How often the open panel asks for news.
const POLL_EVERY: Duration = Duration::from_secs(2);

/// The integrations panel (admins only).
#[component]
pub fn SystemStatusPage() -> impl IntoView {
    let status = Resource::new(|| (), |_| load_system_status());
    view! {
        <Title text="System status" />
        <Suspense fallback=|| view! { <p class="mt-6 text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match status.await {
                    Ok(snapshot) => view! { <Panel snapshot /> }.into_any(),
                    Err(AppError::Unauthorized) => view! { <Redirect path="/login?next=/admin/system-status" /> }.into_any(),
                    Err(AppError::Forbidden) => {
                        set_http_status(403);
                        view! { <div class="mt-6"><ErrorNotice title="Admins only" message="This panel is for the operations team." /></div> }.into_any()
                    }
                    Err(err) => view! { <div class="mt-6"><ErrorNotice title="Status could not be loaded" message=err.to_string() /></div> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The panel around a first snapshot, kept fresh while open.
#[component]
fn Panel(snapshot: SystemStatus) -> impl IntoView {
    let data = RwSignal::new(snapshot);
    let nudge = RwSignal::new(0u64);
    keep_fresh(data, POLL_EVERY, nudge, load_system_status);
    let replay = ServerAction::<ReplayWebhookEvent>::new();
    let controls = Controls::new();
    let mut versions = controls.versions();
    versions.push(replay.version().into());
    refresh_after(nudge, versions);

    let cards = Memo::new(move |_| data.with(|d| d.cards.clone()));
    let now = Memo::new(move |_| data.with(|d| d.generated_at));
    let inbox = Memo::new(move |_| data.with(|d| d.inbox.clone()));
    let reconciliation = Memo::new(move |_| data.with(|d| d.reconciliation.clone()));
    let tickets = Memo::new(move |_| data.with(|d| d.tickets.clone()));
    let listings = Memo::new(move |_| data.with(|d| d.listings));
    let own_jobs = Memo::new(move |_| data.with(|d| d.jobs.clone()));
    let header = view! {
        <div class="flex flex-wrap items-end justify-between gap-3">
            <div>
                <h1 class="text-2xl font-bold sm:text-3xl">"System status"</h1>
                <p class="mt-1 text-slate-600">"Every outside integration: its health, its runs, its inbox and its numbers."</p>
            </div>
            <p class="flex items-center gap-2 text-sm text-slate-500" data-testid="updated-at">
                <span class="relative flex h-2.5 w-2.5" aria-hidden="true">
                    <span class="absolute inline-flex h-full w-full animate-ping rounded-full bg-emerald-400 opacity-60"></span>
                    <span class="relative inline-flex h-2.5 w-2.5 rounded-full bg-emerald-500"></span>
                </span>
                {move || format!("Updated {}", now.get().format("%H:%M:%S UTC"))}
            </p>
        </div>
    }
    .into_any();
    let integrations = view! {
        <section class="mt-8" aria-labelledby="integrations-heading">
            <h2 id="integrations-heading" class="text-lg font-semibold">"Integrations"</h2>
            {move || controls.error().map(|message| view! {
                <p role="alert" class="mt-3 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900" data-testid="control-error">{message}</p>
            })}
            <ul class="mt-3 grid gap-4 lg:grid-cols-3" data-testid="integrations">
                <For each=move || cards.get() key=|card| card.platform let(card)>
                    {
                        let platform = card.platform;
                        let this = Memo::new(move |_| cards.with(|all| all.iter().find(|c| c.platform == platform).cloned()));
                        move || this.get().map(|card| view! { <IntegrationCardView card now=now.get_untracked() controls /> }.into_any())
                    }
                </For>
            </ul>
        </section>
    }
    .into_any();
    let own = view! {
        <section class="mt-8" aria-labelledby="own-jobs-heading" data-testid="own-jobs">
            <h2 id="own-jobs-heading" class="text-lg font-semibold">"Our own jobs"</h2>
            <p class="mt-1 text-sm text-slate-600">"Work the Marketplace does on its own books, on a schedule and on request."</p>
            <div class="max-w-xl rounded-xl border border-slate-200 bg-white px-5 pb-4 shadow-sm">
                {move || view! { <JobLines lines=own_jobs.get() now=now.get_untracked() controls title="Billing" /> }.into_any()}
            </div>
        </section>
    }
    .into_any();
    let counts = view! {
        <div class="mt-8 grid gap-4 lg:grid-cols-2">
            {move || view! { <TicketCountsPanel counts=tickets.get() /> }.into_any()}
            {move || view! { <ListingCountsPanel counts=listings.get() /> }.into_any()}
        </div>
    }
    .into_any();
    view! {
        {header}
        <UpstreamChecks />
        {integrations}
        {own}
        {counts}
        {move || view! { <ReconciliationPanel state=reconciliation.get() now=now.get_untracked() /> }.into_any()}
        <DriftPanel />
        <QuarantinePanel />
        {move || view! { <WebhookInbox events=inbox.get() now=now.get_untracked() replay /> }.into_any()}
        <PropertyLinks />
    }
}
