//! The webhook inbox: the latest deliveries from Kill Bill and Condo, how
//! each proved its origin, where its processing stands, and a replay button.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use super::format::{at, relative};
use crate::api::system_status::ReplayWebhookEvent;
use crate::model::system_status::{EventState, InboxEvent};

fn state_badge(state: EventState) -> &'static str {
    match state {
        EventState::Processed => "bg-emerald-100 text-emerald-900",
        EventState::Pending => "bg-sky-100 text-sky-900",
        EventState::Retrying => "bg-amber-100 text-amber-900",
        EventState::GaveUp => "bg-red-100 text-red-900",
    }
}

/// The inbox table.
#[component]
pub fn WebhookInbox(
    events: Vec<InboxEvent>,
    now: DateTime<Utc>,
    replay: ServerAction<ReplayWebhookEvent>,
) -> impl IntoView {
    let body = if events.is_empty() {
        view! { <p class="p-5 text-sm text-slate-600">"No webhook delivery yet."</p> }.into_any()
    } else {
        view! {
            <div class="overflow-x-auto">
                <table class="min-w-full text-sm">
                    <thead class="bg-slate-50 text-left text-slate-500">
                        <tr>
                            <th class="px-4 py-2 font-medium">"Source"</th>
                            <th class="px-4 py-2 font-medium">"Received"</th>
                            <th class="px-4 py-2 font-medium">"Verified by"</th>
                            <th class="px-4 py-2 font-medium">"Processing"</th>
                            <th class="px-4 py-2 font-medium">"Error"</th>
                            <th class="px-4 py-2"><span class="sr-only">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody class="divide-y divide-slate-100">
                        {events.into_iter().map(|e| view! { <InboxRow event=e now replay /> }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="mt-8 overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm" aria-labelledby="inbox-heading" data-testid="webhook-inbox">
            <div class="border-b border-slate-100 px-5 py-4">
                <h2 id="inbox-heading" class="font-semibold">"Webhook inbox"</h2>
                <p class="text-sm text-slate-600">"Deliveries are stored first, then processed; a replay puts one back in the queue."</p>
            </div>
            {body}
        </section>
    }
}

#[component]
fn InboxRow(event: InboxEvent, now: DateTime<Utc>, replay: ServerAction<ReplayWebhookEvent>) -> impl IntoView {
    let tries = if event.attempts == 1 { "1 try".to_owned() } else { format!("{} tries", event.attempts) };
    view! {
        <tr data-event-id=event.id.to_string() data-state=format!("{:?}", event.state).to_lowercase()>
            <td class="px-4 py-2">
                <div class="font-medium">{event.source.display_name()}</div>
                <div class="max-w-[16rem] truncate font-mono text-xs text-slate-500" title=event.key.clone()>{event.key.clone()}</div>
            </td>
            <td class="whitespace-nowrap px-4 py-2" title=at(event.received_at)>{relative(event.received_at, now)}</td>
            <td class="whitespace-nowrap px-4 py-2">{event.verification}</td>
            <td class="whitespace-nowrap px-4 py-2">
                <span class=format!("rounded-full px-2 py-0.5 text-xs font-semibold {}", state_badge(event.state))>{event.state.label()}</span>
                <span class="ml-1 text-xs text-slate-500">{tries}</span>
                {event.outcome.clone().map(|o| view! { <div class="mt-0.5 text-xs text-slate-600" data-testid="outcome">{o}</div> })}
            </td>
            <td class="max-w-xs px-4 py-2 text-red-800"><span class="line-clamp-2" title=event.error.clone().unwrap_or_default()>{event.error.clone().unwrap_or_default()}</span></td>
            <td class="px-4 py-2 text-right">
                <ActionForm action=replay>
                    <input type="hidden" name="id" value=event.id.to_string() />
                    <button type="submit" class="rounded-md border border-slate-300 px-2.5 py-1 text-xs font-semibold text-slate-700 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-emerald-600">
                        "Replay"
                    </button>
                </ActionForm>
            </td>
        </tr>
    }
}
