//! `/manage/leases`: the caller's leases, a lease to create, a lease to end
//! (with a confirmation).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{BUTTON, INPUT, ManageNav, Outcome, money, outcome, refused, typed};
use crate::api::manage::{manage_leases, manage_properties, manage_role};
use crate::model::manage::{LeaseChargeItem, LeaseQuery, LeaseRecord, RentStep};
use crate::model::property::{PropertyItem, UnitItem};

fn ok_words(code: &str) -> Option<&'static str> {
    match code {
        "created" => Some("The lease is recorded. The next rent run bills it."),
        "ended" => Some("The lease ends on the day you gave."),
        "rent_changed" => Some("The new rent is recorded: the rent run bills it from that day."),
        "rent_change_cancelled" => Some("The rent change is withdrawn: the rent before it holds on."),
        "charge_added" => Some("The recurring charge is added: the next rent run bills it with the rent."),
        "charge_removed" => Some("The recurring charge is removed from the next rent run on."),
        _ => None,
    }
}

/// The leases page.
#[component]
pub fn ManageLeasesPage() -> impl IntoView {
    let query = use_query_map();
    let filters = move || {
        let q = query.read();
        (q.get("q").unwrap_or_default(), q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1i64))
    };
    let data = Resource::new(filters, |(words, page)| async move {
        let role = manage_role().await?;
        let q = Some(words).filter(|w| !w.trim().is_empty());
        let leases = manage_leases(LeaseQuery { q, page: Some(page), ..LeaseQuery::default() }).await?;
        let places = manage_properties(None, false, None).await?;
        Ok::<_, crate::model::AppError>((role, leases, places))
    });
    let (ok, error) = outcome(ok_words);
    view! {
        <Title text="Leases" />
        <Suspense fallback=|| view! { <p class="text-slate-500">"Loading…"</p> }>
            {move || Suspend::new({
                let error = error.clone();
                async move {
                    let (words, page) = filters();
                    match data.await {
                        Ok((role, leases, places)) => view! {
                            <ManageNav current="/manage/leases" role />
                            <h1 class="text-2xl font-bold">"Leases"</h1>
                            <div class="mt-4"><Outcome ok error /></div>
                            <NewLeaseForm places />
                            <form method="get" action="/manage/leases" class="mt-6 flex items-end gap-2" role="search">
                                <label class="text-sm font-medium">"Search"<input type="search" name="q" maxlength="100" placeholder="Property, tenant, e-mail…" class=INPUT value=words.clone() /></label>
                                <button type="submit" class="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-semibold hover:bg-slate-50">"Show"</button>
                            </form>
                            <LeaseTable leases words page />
                        }.into_any(),
                        Err(err) => refused(&err, "/manage/leases"),
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn LeaseTable(leases: Vec<LeaseRecord>, words: String, page: i64) -> impl IntoView {
    let more = leases.len() == 50;
    let empty = leases.is_empty();
    let searched = !words.trim().is_empty();
    let words = crate::domain::form_encode(&words);
    let link = move |page: i64| format!("/manage/leases?q={words}&page={page}");
    let (newer, older) = (link(page - 1), link(page + 1));
    view! {
        {(empty && searched).then(|| view! {
            <p class="mt-4 text-sm text-slate-600" data-testid="no-leases">"No lease matches: change the search, or clear it."</p>
        })}
        <div class="mt-4 overflow-x-auto rounded-xl border border-slate-200 bg-white">
            <table class="min-w-full text-sm" data-testid="leases">
                <thead class="bg-slate-50 text-left text-slate-600">
                    <tr>
                        <th class="px-3 py-2">"Property · unit"</th><th class="px-3 py-2">"Tenant"</th>
                        <th class="px-3 py-2">"From"</th><th class="px-3 py-2">"To"</th>
                        <th class="px-3 py-2 text-right">"Rent"</th><th class="px-3 py-2">"Change"</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100">
                    {leases.into_iter().map(|l| {
                        let action = format!("/manage/leases/{}/end", l.id);
                        let rent_action = format!("/manage/leases/{}/rent", l.id);
                        let charge_action = format!("/manage/leases/{}/charges", l.id);
                        let invoiced_words = l.invoiced_through.map_or_else(
                            || "Nothing is invoiced yet: the change can start on any day of the lease.".to_owned(),
                            |last| format!("Invoiced through {last}: months already invoiced keep their rent."),
                        );
                        view! {
                            <tr data-lease=l.id.to_string()>
                                <td class="px-3 py-2">{format!("{} · {}", l.property_name, l.unit_label)}</td>
                                <td class="px-3 py-2">{l.tenant_name}</td>
                                <td class="px-3 py-2 whitespace-nowrap">{l.start_on.to_string()}</td>
                                <td class="px-3 py-2 whitespace-nowrap">{l.end_on.map_or("open-ended".to_owned(), |d| d.to_string())}</td>
                                <td class="px-3 py-2 text-right whitespace-nowrap"><RentCell lease=l.id rent_minor=l.rent_minor currency=l.currency.clone() changes=l.rent_changes invoiced_through=l.invoiced_through />
                                    <ChargeList lease=l.id currency=l.currency charges=l.charges /></td>
                                <td class="px-3 py-2 space-y-2">
                                    <details>
                                        <summary class="cursor-pointer text-sm font-semibold text-slate-700 hover:underline">"Change the rent…"</summary>
                                        <form method="post" action=rent_action class="mt-2 flex flex-wrap items-end gap-2">
                                            <label class="text-xs font-medium">"From"
                                                <input type="date" name="from_on" required class=INPUT />
                                            </label>
                                            <label class="text-xs font-medium">"New monthly rent (minor units)"
                                                <input type="number" min="0" name="rent_minor" required class=INPUT />
                                            </label>
                                            <button type="submit" class="rounded-md bg-slate-800 px-3 py-1.5 text-xs font-semibold text-white hover:bg-slate-900">"Record the new rent"</button>
                                        </form>
                                        <p class="mt-1 text-xs text-slate-500">{invoiced_words}</p>
                                    </details>
                                    <details>
                                        <summary class="cursor-pointer text-sm font-semibold text-slate-700 hover:underline">"Add a recurring charge…"</summary>
                                        <form method="post" action=charge_action class="mt-2 flex flex-wrap items-end gap-2">
                                            <label class="text-xs font-medium">"What (on the invoice)"
                                                <input name="description" required maxlength="200" placeholder="Parking" class=INPUT />
                                            </label>
                                            <label class="text-xs font-medium">"Monthly amount (minor units)"
                                                <input type="number" min="0" name="amount_minor" required class=INPUT />
                                            </label>
                                            <button type="submit" class="rounded-md bg-slate-800 px-3 py-1.5 text-xs font-semibold text-white hover:bg-slate-900">"Add the charge"</button>
                                        </form>
                                    </details>
                                    <details>
                                        <summary class="cursor-pointer text-sm font-semibold text-slate-700 hover:underline">"End…"</summary>
                                        <form method="post" action=action class="mt-2 flex flex-wrap items-end gap-2">
                                            <label class="text-xs font-medium">"Move-out day"
                                                <input type="date" name="end_on" required class=INPUT />
                                            </label>
                                            <label class="flex items-center gap-1 text-xs">
                                                <input type="checkbox" name="confirm" value="yes" required />
                                                "I confirm: no rent after that day"
                                            </label>
                                            <button type="submit" class="rounded-md bg-slate-800 px-3 py-1.5 text-xs font-semibold text-white hover:bg-slate-900">"End the lease"</button>
                                        </form>
                                    </details>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <nav class="mt-3 flex justify-between text-sm" aria-label="Pages">
            {(page > 1).then(|| view! { <a class="font-semibold text-emerald-800 hover:underline" href=newer>"← Newer"</a> })}
            {more.then(|| view! { <a class="ml-auto font-semibold text-emerald-800 hover:underline" href=older>"Older →"</a> })}
        </nav>
    }
}

/// The rent a lease started at, then each change, a change not yet
/// invoiced with a button to withdraw it.
#[component]
fn RentCell(
    lease: uuid::Uuid,
    rent_minor: i64,
    currency: String,
    changes: Vec<RentStep>,
    invoiced_through: Option<chrono::NaiveDate>,
) -> impl IntoView {
    let cancel = format!("/manage/leases/{lease}/rent/cancel");
    view! {
        <span>{format!("{} / month", money(rent_minor, &currency))}</span>
        {changes.into_iter().map(|c| {
            let pending = invoiced_through.is_none_or(|last| c.from_on > last);
            let cancel = cancel.clone();
            view! {
                <div class="mt-1 text-xs text-slate-600" data-rent-change=c.from_on.to_string()>
                    {format!("{} from {}", money(c.rent_minor, &currency), c.from_on)}
                    {pending.then(|| view! {
                        <form method="post" action=cancel class="ml-1 inline">
                            <input type="hidden" name="from_on" value=c.from_on.to_string() />
                            <button type="submit" class="font-semibold text-red-700 hover:underline">"Withdraw"</button>
                        </form>
                    })}
                </div>
            }
        }).collect_view()}
    }
}

/// A lease's recurring charges, each with a button to take it off.
#[component]
fn ChargeList(lease: uuid::Uuid, currency: String, charges: Vec<LeaseChargeItem>) -> impl IntoView {
    view! {
        {charges.into_iter().map(|c| {
            let remove = format!("/manage/leases/{lease}/charges/{}/remove", c.id);
            let label = format!("Remove the charge {}", c.description);
            view! {
                <div class="mt-1 text-xs text-slate-600" data-charge=c.description.clone()>
                    {format!("+ {} {} / month", c.description, money(c.amount_minor, &currency))}
                    <details class="inline">
                        <summary class="ml-1 inline cursor-pointer font-semibold text-red-700 hover:underline">"Remove…"</summary>
                        <form method="post" action=remove class="mt-1 flex items-center justify-end gap-2" aria-label=label>
                            <label class="flex items-center gap-1"><input type="checkbox" name="confirm" value="yes" required />"Not billed from the next rent run"</label>
                            <button type="submit" class="rounded-md bg-red-700 px-2 py-1 font-semibold text-white hover:bg-red-800">"Remove"</button>
                        </form>
                    </details>
                </div>
            }
        }).collect_view()}
    }
}

#[component]
fn NewLeaseForm(places: Vec<(PropertyItem, Vec<UnitItem>)>) -> impl IntoView {
    let chosen = typed("unit_id");
    view! {
        <details class="max-w-2xl rounded-xl border border-slate-200 bg-white p-5" open=!typed("unit_id").is_empty()>
        <summary class="cursor-pointer font-semibold text-emerald-800">"Let a unit…"</summary>
        <section class="mt-3" aria-labelledby="new-lease">
            <h2 id="new-lease" class="font-semibold">"Let a unit"</h2>
            <p class="text-sm text-slate-600">"One lease per unit at a time. The tenant needs an account: an admin invites them."</p>
            <form method="post" action="/manage/leases" class="mt-4 grid gap-3 sm:grid-cols-2">
                <label class="text-sm font-medium">"Unit"
                    <select name="unit_id" required class=INPUT data-testid="lease-unit">
                        <option value="">"Choose a unit"</option>
                        {places.into_iter().map(|(property, units)| view! {
                            <optgroup label=property.name.clone()>
                                {units.into_iter().filter(|u| u.archived_at.is_none()).map(|u| {
                                    let id = u.id.to_string();
                                    let selected = id == chosen;
                                    view! { <option value=id selected=selected>{format!("{} · {}", property.name, u.label)}</option> }
                                }).collect_view()}
                            </optgroup>
                        }).collect_view()}
                    </select>
                </label>
                <label class="text-sm font-medium">"Tenant's e-mail"<input type="email" name="tenant_email" required class=INPUT value=typed("tenant_email") /></label>
                <label class="text-sm font-medium">"First day"<input type="date" name="start_on" required class=INPUT value=typed("start_on") /></label>
                <label class="text-sm font-medium">"Move-out day (optional)"<input type="date" name="end_on" class=INPUT value=typed("end_on") /></label>
                <label class="text-sm font-medium">"Monthly rent (minor units, e.g. 95000 = 950.00)"<input type="number" min="0" name="rent_minor" required class=INPUT value=typed("rent_minor") /></label>
                <label class="text-sm font-medium">"Currency"<input name="currency" required maxlength="3" class=INPUT value={let c = typed("currency"); if c.is_empty() { "EUR".to_owned() } else { c }} /></label>
                <label class="text-sm font-medium">"Rent due on day (1–28)"<input type="number" min="1" max="28" name="due_day" class=INPUT value={let d = typed("due_day"); if d.is_empty() { "1".to_owned() } else { d }} /></label>
                <label class="text-sm font-medium">"Deposit (minor units)"<input type="number" min="0" name="deposit_minor" class=INPUT value=typed("deposit_minor") /></label>
                <div class="sm:col-span-2"><button type="submit" class=BUTTON>"Record the lease"</button></div>
            </form>
        </section>
        </details>
    }
}
