//! `/maintenance/{id}`: one ticket with its unit, property, dates, who handles it, its photos
//! and documents, comments (tenants see only those meant for them) and status history. A
//! ticket the caller may not see is "not found", like one that does not exist.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_params_map;

use super::follow_up::{CommentForm, FormOutcome, SendingBanner};
use super::ticket_parts::{CommentsSection, FilesSection, HistorySection, PeopleSection, when};
use crate::api::maintenance::get_maintenance_ticket;
use crate::components::http_status::set_http_status;
use crate::components::notice::ErrorNotice;
use crate::model::AppError;
use crate::model::maintenance::TicketDetail;

/// The ticket page.
#[component]
pub fn MaintenanceTicketPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let ticket = Resource::new(id, get_maintenance_ticket);
    view! {
        <Suspense fallback=|| view! { <p class="text-slate-500">"Loading the ticket…"</p> }>
            {move || Suspend::new(async move {
                match ticket.await {
                    Ok(t) => view! { <TicketView ticket=t /> }.into_any(),
                    Err(AppError::Unauthorized) => {
                        let next = format!("/login?next=/maintenance/{}", id());
                        view! { <Redirect path=next /> }.into_any()
                    }
                    Err(AppError::NotFound) => {
                        set_http_status(404);
                        view! {
                            <Title text="Ticket not found" />
                            <ErrorNotice title="Ticket not found" message="It does not exist, or it is not one of your properties'." />
                            <p class="mt-4"><a href="/maintenance" class="text-emerald-800 underline">"Back to maintenance"</a></p>
                        }.into_any()
                    }
                    Err(err) => {
                        set_http_status(err.status_code());
                        view! { <ErrorNotice title="The ticket could not be loaded" message=err.to_string() /> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn TicketView(ticket: TicketDetail) -> impl IntoView {
    let s = ticket.summary;
    let heading = match s.number {
        Some(n) => format!("#{n} {}", s.title),
        None => s.title.clone(),
    };
    let unit = match &s.unit {
        Some(u) => {
            let place: Vec<String> = [
                ticket.section.as_ref().map(|x| format!("section {x}")),
                ticket.floor.as_ref().map(|x| format!("floor {x}")),
            ]
            .into_iter()
            .flatten()
            .collect();
            if place.is_empty() {
                format!("Unit {}", u.label)
            } else {
                format!("Unit {} ({})", u.label, place.join(", "))
            }
        }
        None => "Common areas".to_owned(),
    };
    let source = if s.source == "condo" { "Condo" } else { "Marketplace" };
    view! {
        <Title text=heading.clone() />
        <p><a href="/maintenance" class="text-sm text-emerald-800 underline">"← All tickets"</a></p>
        <h1 class="mt-2 text-2xl font-bold sm:text-3xl" data-testid="ticket-title">{heading}</h1>
        <FormOutcome />
        <SendingBanner sending=ticket.sending.clone() number=s.number />
        <div class="mt-3 flex flex-wrap gap-2 text-sm">
            <span class="rounded-full bg-slate-200 px-3 py-1" data-testid="ticket-status">{s.status.label()}</span>
            <span class="rounded-full bg-slate-100 px-3 py-1">{format!("{} priority", s.priority.label())}</span>
            {s.is_emergency.then(|| view! { <span class="rounded-full bg-red-700 px-3 py-1 font-semibold text-white">"Emergency"</span> })}
            {s.overdue.then(|| view! { <span class="rounded-full bg-amber-500 px-3 py-1 font-semibold text-white">"Overdue"</span> })}
        </div>
        <div class="mt-6 grid gap-4 md:grid-cols-3">
            <section class="rounded-xl border border-slate-200 bg-white p-5">
                <h2 class="font-semibold">"Where"</h2>
                <p class="mt-2" data-testid="ticket-property">{s.property.name.clone()}</p>
                <p class="text-sm text-slate-600">{format!("{}, {}", ticket.address, ticket.city)}</p>
                <p class="mt-2" data-testid="ticket-unit">{unit}</p>
            </section>
            <section class="rounded-xl border border-slate-200 bg-white p-5">
                <h2 class="font-semibold">"Dates"</h2>
                <dl class="mt-2 grid grid-cols-2 gap-1 text-sm">
                    <dt class="text-slate-600">"Opened"</dt><dd>{when(s.opened_at)}</dd>
                    <dt class="text-slate-600">"Last changed"</dt><dd>{when(s.updated_at)}</dd>
                    <dt class="text-slate-600">"Deadline"</dt>
                    <dd data-testid="ticket-deadline">{s.deadline_at.map_or_else(|| "None".to_owned(), when)}</dd>
                    <dt class="text-slate-600">"Source"</dt><dd>{format!("{source}, version {}", ticket.version)}</dd>
                </dl>
            </section>
            <PeopleSection
                assignee=ticket.assignee
                executor=ticket.executor
                category=ticket.category
                status_reason=ticket.status_reason
            />
        </div>
        <section class="mt-6 rounded-xl border border-slate-200 bg-white p-5">
            <h2 class="font-semibold">"Details"</h2>
            <p class="mt-2 whitespace-pre-line text-slate-800" data-testid="ticket-details">
                {if ticket.details.is_empty() { "No details were given.".to_owned() } else { ticket.details }}
            </p>
        </section>
        <FilesSection files=ticket.files />
        <CommentsSection comments=ticket.comments marked=ticket.internal_comments_shown />
        <CommentForm ticket_id=s.id />
        <HistorySection history=ticket.status_history />
    }
}
