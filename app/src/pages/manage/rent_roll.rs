//! `/manage/rent-roll`: per property, the last months' rent due, paid and
//! outstanding, occupancy, and what is overdue by age, with a chart.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{INPUT, ManageNav, money, refused};
use crate::api::manage::{manage_rent_roll, manage_role};
use crate::model::rent_roll::{PropertyRoll, RentRoll};

/// The rent roll page.
#[component]
pub fn ManageRentRollPage() -> impl IntoView {
    let query = use_query_map();
    let months = move || query.read().get("months").and_then(|m| m.parse().ok()).unwrap_or(6u32);
    let data = Resource::new(months, |months| async move {
        let role = manage_role().await?;
        Ok::<_, crate::model::AppError>((role, manage_rent_roll(Some(months)).await?))
    });
    view! {
        <Title text="Rent roll" />
        <Suspense fallback=|| view! { <p class="text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((role, roll)) => view! {
                        <ManageNav current="/manage/rent-roll" role />
                        <div class="flex flex-wrap items-end justify-between gap-3">
                            <div>
                                <h1 class="text-2xl font-bold">"Rent roll"</h1>
                                <p class="text-sm text-slate-600">{format!("Arrears as of {}.", roll.as_of.format("%-d %B %Y"))}</p>
                            </div>
                            <form method="get" action="/manage/rent-roll" class="flex items-end gap-2">
                                <label class="text-sm font-medium">"Months"
                                    <select name="months" class=INPUT>
                                        {[3u32, 6, 12, 24].into_iter().map(|m| view! { <option value=m.to_string() selected=m == months()>{m}</option> }).collect_view()}
                                    </select>
                                </label>
                                <button type="submit" class="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-semibold hover:bg-slate-50">"Show"</button>
                            </form>
                        </div>
                        <Roll roll />
                    }.into_any(),
                    Err(err) => refused(&err, "/manage/rent-roll"),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Roll(roll: RentRoll) -> impl IntoView {
    if roll.properties.is_empty() {
        return view! { <p class="mt-6 text-slate-600">"No property yet: add one on the Properties page."</p> }
            .into_any();
    }
    view! {
        <ul class="mt-6 grid gap-4 xl:grid-cols-2" data-testid="rent-roll">
            {roll.properties.into_iter().map(|property| view! { <PropertyCard property /> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn PropertyCard(property: PropertyRoll) -> impl IntoView {
    let currency = property.currency.clone();
    let latest = property.months.last().cloned();
    let occupancy = latest.map_or("—".to_owned(), |m| format!("{} of {} units let", m.let_units, m.units));
    let a = property.arrears;
    let bucket = |label: &'static str, minor: i64, key: &'static str| {
        let tone = if minor > 0 { "text-red-700" } else { "text-slate-900" };
        let amount = money(minor, &currency);
        view! {
            <div class="rounded-md bg-slate-50 px-2 py-1.5 text-center" data-arrears=key>
                <dt class="text-[11px] uppercase tracking-wide text-slate-500">{label}</dt>
                <dd class=format!("text-sm font-semibold tabular-nums {tone}")>{amount}</dd>
            </div>
        }
    };
    let rows = property.months.clone();
    let currency_rows = property.currency.clone();
    view! {
        <li class="rounded-xl border border-slate-200 bg-white p-5" data-property=property.property_id.to_string()>
            <div class="flex items-start justify-between gap-2">
                <h2 class="font-semibold">{property.name.clone()}</h2>
                <span class="text-sm text-slate-600" data-testid="occupancy">{occupancy}</span>
            </div>
            <h3 class="mt-3 text-xs font-semibold uppercase tracking-wide text-slate-500">"Overdue"</h3>
            <dl class="mt-1 grid grid-cols-3 gap-2">
                {bucket("1–30 days", a.up_to_30_minor, "30")}
                {bucket("31–60 days", a.up_to_60_minor, "60")}
                {bucket("Over 60 days", a.over_60_minor, "over")}
            </dl>
            <figure class="mt-4">
                <div inner_html=property.chart_svg></div>
                <figcaption class="mt-1 flex gap-3 text-xs text-slate-500">
                    <span class="flex items-center gap-1"><span class="inline-block h-2.5 w-2.5 rounded-sm bg-slate-300" aria-hidden="true"></span>"Due"</span>
                    <span class="flex items-center gap-1"><span class="inline-block h-2.5 w-2.5 rounded-sm bg-emerald-600" aria-hidden="true"></span>"Paid"</span>
                </figcaption>
            </figure>
            <table class="mt-3 min-w-full text-sm">
                <thead class="text-left text-xs text-slate-500">
                    <tr><th>"Month"</th><th class="text-right">"Due"</th><th class="text-right">"Paid"</th><th class="text-right">"Left"</th><th class="text-right">"Let"</th></tr>
                </thead>
                <tbody class="divide-y divide-slate-100">
                    {rows.into_iter().map(|m| view! {
                        <tr data-period=m.period.clone()>
                            <td class="py-1">{m.period.clone()}</td>
                            <td class="py-1 text-right tabular-nums">{money(m.due_minor, &currency_rows)}</td>
                            <td class="py-1 text-right tabular-nums">{money(m.paid_minor, &currency_rows)}</td>
                            <td class="py-1 text-right tabular-nums">{money(m.outstanding_minor, &currency_rows)}</td>
                            <td class="py-1 text-right tabular-nums">{format!("{}/{}", m.let_units, m.units)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </li>
    }
}
