//! `/account`: a tenant's lease, invoices (paid, partly paid, overdue) and payments.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use crate::api::account::my_account;
use crate::components::notice::{EmptyNotice, ErrorNotice};
use crate::domain::InvoiceStatus;
use crate::model::AppError;
use crate::model::account::{AccountView, InvoiceView};

/// The tenant's page; others are sent where they belong.
#[component]
pub fn AccountPage() -> impl IntoView {
    let account = Resource::new(|| (), |_| my_account());
    view! {
        <Title text="My account" />
        <Suspense fallback=|| view! { <p class="text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match account.await {
                    Ok(view) => view! { <AccountBody account=view /> }.into_any(),
                    Err(AppError::Unauthorized) => view! { <Redirect path="/login?next=/account" /> }.into_any(),
                    Err(AppError::Forbidden) => view! { <Redirect path="/" /> }.into_any(),
                    Err(err) => view! { <ErrorNotice title="Your account could not be loaded" message=err.to_string() /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AccountBody(account: AccountView) -> impl IntoView {
    let lease = account.leases.first().cloned();
    view! {
        <h1 class="text-2xl font-bold sm:text-3xl">{format!("Hello, {}", account.display_name)}</h1>
        <div class="mt-6 grid gap-4 sm:grid-cols-2">
            <div class="rounded-xl border border-slate-200 bg-white p-5" data-testid="lease">
                <h2 class="font-semibold">"Your home"</h2>
                {match lease {
                    Some(l) => view! {
                        <p class="mt-2">{format!("{} — unit {}, {}", l.property_name, l.unit_label, l.city)}</p>
                        <p class="text-sm text-slate-600">{format!("Since {} · rent {} per month", l.starts_on.format("%-d %B %Y"), l.rent)}</p>
                    }.into_any(),
                    None => view! { <p class="mt-2 text-slate-600">"No lease on file."</p> }.into_any(),
                }}
            </div>
            <div class="rounded-xl border border-slate-200 bg-white p-5">
                <h2 class="font-semibold">"Left to pay"</h2>
                <p class="mt-2 text-2xl font-semibold" data-testid="balance">{account.balance.map_or("—".to_owned(), |b| b.to_string())}</p>
            </div>
        </div>
        <h2 class="mt-8 text-lg font-semibold">"Invoices"</h2>
        {if account.invoices.is_empty() {
            view! { <EmptyNotice message="No invoices yet." /> }.into_any()
        } else {
            view! { <InvoiceTable invoices=account.invoices.clone() /> }.into_any()
        }}
        <h2 class="mt-8 text-lg font-semibold">"Payments"</h2>
        <ul class="mt-2 divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white" data-testid="payments">
            {account.payments.into_iter().take(24).map(|p| view! {
                <li class="flex justify-between px-4 py-2 text-sm">
                    <span>{format!("{} · {}", p.received_at.format("%-d %b %Y"), p.method.replace('_', " "))}</span>
                    <span class="font-medium">
                        {p.amount.to_string()}
                        {p.refunded.map(|r| view! { <span class="ml-2 text-xs font-normal text-slate-500">{format!("{r} refunded")}</span> })}
                    </span>
                </li>
            }).collect_view()}
        </ul>
    }
}

#[component]
fn InvoiceTable(invoices: Vec<InvoiceView>) -> impl IntoView {
    view! {
        <div class="mt-2 overflow-x-auto rounded-xl border border-slate-200 bg-white">
            <table class="min-w-full text-sm" data-testid="invoices">
                <thead class="bg-slate-50 text-left text-slate-600">
                    <tr><th class="px-4 py-2">"Invoice"</th><th class="px-4 py-2">"Period"</th><th class="px-4 py-2">"Due"</th>
                        <th class="px-4 py-2 text-right">"Total"</th><th class="px-4 py-2 text-right">"Paid"</th><th class="px-4 py-2">"Status"</th></tr>
                </thead>
                <tbody class="divide-y divide-slate-100">
                    {invoices.into_iter().map(|i| view! {
                        <tr>
                            <td class="px-4 py-2 font-mono">{i.number.clone()}</td>
                            <td class="px-4 py-2">{i.period_start.format("%B %Y").to_string()}</td>
                            <td class="px-4 py-2">{i.due_on.format("%-d %b %Y").to_string()}</td>
                            <td class="px-4 py-2 text-right">
                                {i.total.to_string()}
                                {i.credited.map(|c| view! { <span class="block text-xs font-normal text-slate-500" data-testid="credited">{format!("{c} credited")}</span> })}
                            </td>
                            <td class="px-4 py-2 text-right">{i.paid.to_string()}</td>
                            <td class="px-4 py-2"><StatusBadge status=i.status past_due=i.past_due /></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn StatusBadge(status: InvoiceStatus, past_due: bool) -> impl IntoView {
    let class = match status {
        InvoiceStatus::Paid => "bg-emerald-100 text-emerald-900",
        InvoiceStatus::PartlyPaid => "bg-amber-100 text-amber-900",
        InvoiceStatus::Overdue => "bg-red-100 text-red-900",
        InvoiceStatus::Open | InvoiceStatus::Void => "bg-slate-200 text-slate-800",
    };
    let label = if past_due && status == InvoiceStatus::PartlyPaid { "Partly paid · overdue" } else { status.label() };
    view! { <span class=format!("rounded-full px-2 py-0.5 text-xs font-semibold {class}") data-status=format!("{status:?}")>{label}</span> }
}
