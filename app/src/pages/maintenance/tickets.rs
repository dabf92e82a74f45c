//! `/maintenance`: the signed-in landlord's tickets across their properties (admins: all;
//! tenants: those of the home they rent), with counts by status, filters in a plain GET
//! form (they work before hydration and without JavaScript), and pagination. Emergencies
//! and overdue tickets stand out.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

use crate::api::maintenance::list_maintenance;
use crate::api::session::whoami;
use crate::components::http_status::set_http_status;
use crate::components::notice::{EmptyNotice, ErrorNotice};
use crate::components::pagination::Pagination;
use crate::domain::{Role, TicketParams, TicketPriority, TicketQuery, TicketSort, TicketStatus};
use crate::model::AppError;
use crate::model::maintenance::{PropertyRef, TicketPage, TicketSummary};

/// The maintenance list.
#[component]
pub fn MaintenancePage() -> impl IntoView {
    let query = use_query_map();
    let params = move || {
        let q = query.read();
        TicketParams::from_lookup(|k| q.get(k))
    };
    let tickets = Resource::new(params, list_maintenance);
    let me = Resource::new(|| (), |_| whoami());
    view! {
        <Title text="Maintenance" />
        <div class="flex flex-wrap items-end justify-between gap-3">
            <h1 class="text-2xl font-bold sm:text-3xl">"Maintenance"</h1>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let tenant = me.await.ok().flatten().is_some_and(|u| u.role == Role::Tenant);
                    tenant.then(|| view! {
                        <a href="/maintenance/new" data-testid="report-problem" class="rounded-md bg-emerald-700 px-4 py-2 text-sm font-semibold text-white hover:bg-emerald-800">"Report a problem"</a>
                    })
                })}
            </Transition>
        </div>
        <p class="mt-1 text-slate-600">"Repair requests and their follow-up, as reported in Condo and here."</p>
        <Suspense fallback=|| view! { <p class="mt-8 text-slate-500">"Loading tickets…"</p> }>
            {move || Suspend::new(async move { render(tickets.await) })}
        </Suspense>
    }
}

fn render(result: Result<TicketPage, AppError>) -> AnyView {
    match result {
        Ok(page) => view! { <TicketList page /> }.into_any(),
        Err(AppError::Unauthorized) => view! { <Redirect path="/login?next=/maintenance" /> }.into_any(),
        Err(AppError::Forbidden) => view! { <Redirect path="/" /> }.into_any(),
        Err(AppError::Validation(message)) => {
            set_http_status(400);
            view! {
                <div class="mt-8"><ErrorNotice title="That filter is not valid" message /></div>
                <p class="mt-4"><a class="text-emerald-800 underline" href="/maintenance">"Show every ticket"</a></p>
            }
            .into_any()
        }
        Err(err) => {
            set_http_status(err.status_code());
            view! { <div class="mt-8"><ErrorNotice title="Tickets could not be loaded" message=err.to_string() /></div> }
                .into_any()
        }
    }
}

#[component]
fn TicketList(page: TicketPage) -> impl IntoView {
    let TicketPage { items, total, counts, query, properties } = page;
    let (current, per_page) = (query.page.page, query.page.per_page);
    let link_query = query.clone();
    let href = move |n: u32| with_query(&link_query.to_query_string(n));
    let body = if items.is_empty() {
        view! { <div class="mt-6"><EmptyNotice message="No tickets match these filters." /></div> }.into_any()
    } else {
        view! {
            <TicketTable items />
            <Pagination page=current per_page total href />
        }
        .into_any()
    };
    view! {
        <StatusCounts counts query=query.clone() />
        <Filters query properties />
        {body}
    }
}

fn with_query(query: &str) -> String {
    if query.is_empty() { "/maintenance".to_owned() } else { format!("/maintenance?{query}") }
}

/// One pill per status with its count; each links to that status with the other filters kept.
#[component]
fn StatusCounts(counts: Vec<(TicketStatus, i64)>, query: TicketQuery) -> impl IntoView {
    let all: i64 = counts.iter().map(|(_, n)| n).sum();
    let chosen = query.statuses.clone();
    let link = move |statuses: Vec<TicketStatus>| {
        let q = TicketQuery { statuses, ..query.clone() };
        with_query(&q.to_query_string(1))
    };
    let pill = "rounded-full border px-3 py-1 text-sm";
    let class_for = move |on: bool| {
        if on {
            format!("{pill} border-emerald-700 bg-emerald-700 text-white")
        } else {
            format!("{pill} border-slate-300 bg-white hover:bg-slate-100")
        }
    };
    let pills = TicketStatus::ALL
        .into_iter()
        .map(|status| {
            let n = counts.iter().find(|(s, _)| *s == status).map_or(0, |(_, n)| *n);
            let on = chosen.len() == 1 && chosen[0] == status;
            let href = link(vec![status]);
            view! {
                <li>
                    <a href=href class=class_for(on) data-status=status.as_str() aria-current=on.then_some("true")>
                        {status.label()}" "<span class="font-semibold" data-testid="status-count">{n}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <ul class="mt-6 flex flex-wrap gap-2" aria-label="Tickets by status" data-testid="status-counts">
            <li><a href=link(Vec::new()) class=class_for(chosen.is_empty()) aria-current=chosen.is_empty().then_some("true")>"All "<span class="font-semibold">{all}</span></a></li>
            {pills}
        </ul>
    }
}

/// The filter form: a plain GET form, so it works before hydration and without JavaScript.
#[component]
fn Filters(query: TicketQuery, properties: Vec<PropertyRef>) -> impl IntoView {
    let field = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";
    let status = query.statuses.first().copied();
    let priority = query.priorities.first().copied();
    let property = query.property.map(|p| p.to_string()).unwrap_or_default();
    let since = query.updated_since.map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_default();
    let sort = query.sort;
    let status_options = TicketStatus::ALL
        .into_iter()
        .map(|s| view! { <option value=s.as_str() selected=status == Some(s)>{s.label()}</option> })
        .collect_view();
    let priority_options = TicketPriority::ALL
        .into_iter()
        .map(|p| view! { <option value=p.as_str() selected=priority == Some(p)>{p.label()}</option> })
        .collect_view();
    let property_options = properties
        .into_iter()
        .map(|p| {
            let value = p.id.to_string();
            let chosen = value == property;
            view! { <option value=value selected=chosen>{p.name}</option> }
        })
        .collect_view();
    let sort_options = TicketSort::ALL
        .iter()
        .map(|(s, key)| view! { <option value=*key selected=*s == sort>{sort_label(*s)}</option> })
        .collect_view();
    view! {
        <form method="get" action="/maintenance" class="mt-6 grid gap-4 rounded-xl border border-slate-200 bg-white p-4 sm:grid-cols-3 lg:grid-cols-6" data-testid="ticket-filters">
            <label class="text-sm font-medium text-slate-700">"Status"
                <select name="status" class=field><option value="">"Any"</option>{status_options}</select>
            </label>
            <label class="text-sm font-medium text-slate-700">"Priority"
                <select name="priority" class=field><option value="">"Any"</option>{priority_options}</select>
            </label>
            <label class="text-sm font-medium text-slate-700">"Property"
                <select name="property" class=field><option value="">"All properties"</option>{property_options}</select>
            </label>
            <label class="text-sm font-medium text-slate-700">"Changed since"
                <input type="date" name="updated_since" value=since class=field />
            </label>
            <label class="text-sm font-medium text-slate-700">"Sort"
                <select name="sort" class=field>{sort_options}</select>
            </label>
            <div class="flex flex-col justify-end gap-1 text-sm">
                <label class="flex items-center gap-2">
                    <input type="checkbox" name="emergency" value="true" checked=query.emergency == Some(true) />"Emergencies only"
                </label>
                <label class="flex items-center gap-2">
                    <input type="checkbox" name="overdue" value="true" checked=query.overdue == Some(true) />"Overdue only"
                </label>
            </div>
            <div class="flex items-center gap-3 sm:col-span-3 lg:col-span-6">
                <button type="submit" class="rounded-md bg-emerald-700 px-4 py-2 text-sm font-semibold text-white hover:bg-emerald-800">"Apply filters"</button>
                <a href="/maintenance" class="text-sm text-emerald-800 underline">"Clear"</a>
            </div>
        </form>
    }
}

#[component]
fn TicketTable(items: Vec<TicketSummary>) -> impl IntoView {
    let rows = items.into_iter().map(|t| view! { <TicketRow ticket=t /> }).collect_view();
    view! {
        <div class="mt-6 overflow-x-auto rounded-xl border border-slate-200 bg-white">
            <table class="min-w-full text-sm" data-testid="tickets">
                <thead class="bg-slate-50 text-left text-slate-600">
                    <tr>
                        <th class="px-4 py-2">"Ticket"</th><th class="px-4 py-2">"Property"</th><th class="px-4 py-2">"Unit"</th>
                        <th class="px-4 py-2">"Status"</th><th class="px-4 py-2">"Priority"</th><th class="px-4 py-2">"Deadline"</th>
                        <th class="px-4 py-2">"Changed"</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100">{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
fn TicketRow(ticket: TicketSummary) -> impl IntoView {
    let row_class = if ticket.is_emergency {
        "bg-red-50"
    } else if ticket.overdue {
        "bg-amber-50"
    } else {
        ""
    };
    let number = ticket.number.map(|n| format!("#{n} ")).unwrap_or_default();
    let emergency = ticket.is_emergency.then(|| view! {
        <span class="ml-2 rounded bg-red-700 px-1.5 py-0.5 text-xs font-semibold text-white" data-testid="emergency">"Emergency"</span>
    });
    let overdue = ticket.overdue.then(|| view! {
        <span class="ml-2 rounded bg-amber-500 px-1.5 py-0.5 text-xs font-semibold text-white" data-testid="overdue">"Overdue"</span>
    });
    view! {
        <tr class=row_class data-testid="ticket-row" data-status=ticket.status.as_str()>
            <td class="px-4 py-2">
                <a href=ticket.url.clone() class="font-medium text-emerald-800 hover:underline">{number}{ticket.title.clone()}</a>
                {emergency}{overdue}
            </td>
            <td class="px-4 py-2" data-testid="ticket-property">{ticket.property.name.clone()}</td>
            <td class="px-4 py-2">{ticket.unit.as_ref().map_or_else(|| "Common areas".to_owned(), |u| u.label.clone())}</td>
            <td class="px-4 py-2" data-testid="ticket-status">{ticket.status.label()}</td>
            <td class="px-4 py-2">{ticket.priority.label()}</td>
            <td class="px-4 py-2">{ticket.deadline_at.map_or_else(|| "—".to_owned(), |d| d.format("%-d %b %Y").to_string())}</td>
            <td class="px-4 py-2 text-slate-600">{ticket.updated_at.format("%-d %b %Y %H:%M").to_string()}</td>
        </tr>
    }
}

fn sort_label(sort: TicketSort) -> &'static str {
    match sort {
        TicketSort::UpdatedDesc => "Recently changed",
        TicketSort::Updated => "Least recently changed",
        TicketSort::Priority => "Priority",
        TicketSort::Deadline => "Deadline",
        TicketSort::NumberDesc => "Newest number",
    }
}
