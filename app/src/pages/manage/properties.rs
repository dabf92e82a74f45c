//! `/manage/properties`: the caller's properties and their units (with the
//! ids the lease form asks for), a search over them, a property and a unit
//! to add.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{BUTTON, INPUT, ManageNav, Outcome, outcome, refused, typed};
use crate::api::manage::{manage_properties, manage_role};
use crate::domain::Role;
use crate::model::property::{PropertyItem, UnitItem};

fn ok_words(code: &str) -> Option<&'static str> {
    match code {
        "property" => Some("The property is added."),
        "unit" => Some("The unit is added."),
        "edited" => Some("The property's name and address are saved."),
        "unit_edited" => Some("The unit is saved."),
        "property_archived" => Some(
            "The property is archived: it is out of the lists and takes no new unit or lease. Find it under \"Archived\".",
        ),
        "property_restored" => Some("The property is back in use."),
        "unit_archived" => Some("The unit is archived: it takes no new lease and its listing is off the portal."),
        "unit_restored" => Some("The unit is back in use."),
        _ => None,
    }
}

/// The properties page.
#[component]
pub fn ManagePropertiesPage() -> impl IntoView {
    let query = use_query_map();
    let filters = move || {
        let q = query.read();
        (
            q.get("q").unwrap_or_default(),
            q.get("archived").is_some_and(|a| a == "true"),
            q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1i64),
        )
    };
    let data = Resource::new(filters, |(words, archived, page)| async move {
        let role = manage_role().await?;
        let q = Some(words).filter(|w| !w.trim().is_empty());
        Ok::<_, crate::model::AppError>((role, manage_properties(q, archived, Some(page)).await?))
    });
    let (ok, error) = outcome(ok_words);
    view! {
        <Title text="Properties" />
        <Suspense fallback=|| view! { <p class="text-slate-500">"Loading…"</p> }>
            {move || Suspend::new({
                let error = error.clone();
                async move {
                    let (words, archived, page) = filters();
                    match data.await {
                        Ok((role, properties)) => { let more = properties.len() == 50; view! {
                            <ManageNav current="/manage/properties" role />
                            <h1 class="text-2xl font-bold">{if archived { "Archived properties" } else { "Properties" }}</h1>
                            <div class="mt-4"><Outcome ok error /></div>
                            <ListChoice archived />
                            <form method="get" action="/manage/properties" class="mb-4 flex items-end gap-2" role="search">
                                {archived.then(|| view! { <input type="hidden" name="archived" value="true" /> })}
                                <label class="text-sm font-medium">"Search"<input type="search" name="q" maxlength="100" placeholder="Name, street or city" class=INPUT value=words.clone() /></label>
                                <button type="submit" class="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-semibold hover:bg-slate-50">"Show"</button>
                            </form>
                            {(properties.is_empty() && !words.trim().is_empty()).then(|| view! {
                                <p class="mb-4 text-sm text-slate-600" data-testid="no-properties">"No property matches: change the search, or clear it."</p>
                            })}
                            {(properties.is_empty() && words.trim().is_empty() && archived).then(|| view! {
                                <p class="mb-4 text-sm text-slate-600" data-testid="no-archived">"No archived property."</p>
                            })}
                            <ul class="grid gap-4 lg:grid-cols-2" data-testid="properties">
                                {properties.into_iter().map(|(property, units)| if archived {
                                    view! { <ArchivedCard property /> }.into_any()
                                } else {
                                    view! { <PropertyCard property units /> }.into_any()
                                }).collect_view()}
                            </ul>
                            <Pages words=words.clone() archived page more=more />
                            {(!archived).then(|| view! { <NewPropertyForm role /> })}
                        }.into_any() }
                        Err(err) => refused(&err, "/manage/properties"),
                    }
                }
            })}
        </Suspense>
    }
}

/// Links to the pages before and after, keeping the search and the tab.
#[component]
fn Pages(words: String, archived: bool, page: i64, more: bool) -> impl IntoView {
    let words = crate::domain::form_encode(&words);
    let link = move |page: i64| {
        let tab = if archived { "&archived=true" } else { "" };
        format!("/manage/properties?q={words}{tab}&page={page}")
    };
    let (before, after) = (link(page - 1), link(page + 1));
    view! {
        <nav class="mt-3 mb-6 flex justify-between text-sm" aria-label="Pages">
            {(page > 1).then(|| view! { <a class="font-semibold text-emerald-800 hover:underline" href=before>"← Previous"</a> })}
            {more.then(|| view! { <a class="ml-auto font-semibold text-emerald-800 hover:underline" href=after>"Next →"</a> })}
        </nav>
    }
}

/// Properties in use or archived: two tabs.
#[component]
fn ListChoice(archived: bool) -> impl IntoView {
    let tab = |here: bool| {
        if here {
            "rounded-md bg-slate-200 px-3 py-1 text-sm font-semibold text-slate-900"
        } else {
            "rounded-md px-3 py-1 text-sm font-semibold text-emerald-800 hover:underline"
        }
    };
    view! {
        <nav class="mb-4 flex gap-2" aria-label="Which properties">
            <a href="/manage/properties" class=tab(!archived) aria-current=(!archived).then_some("page")>"In use"</a>
            <a href="/manage/properties?archived=true" class=tab(archived) aria-current=archived.then_some("page")>"Archived"</a>
        </nav>
    }
}

#[component]
fn PropertyCard(property: PropertyItem, units: Vec<UnitItem>) -> impl IntoView {
    let action = format!("/manage/properties/{}/units", property.id);
    let address =
        format!("{}, {} {} ({})", property.address_line, property.postal_code, property.city, property.country);
    let edit = property.clone();
    let archive = format!("/manage/properties/{}/archive", property.id);
    let (units, archived_units): (Vec<UnitItem>, Vec<UnitItem>) =
        units.into_iter().partition(|u| u.archived_at.is_none());
    view! {
        <li class="rounded-xl border border-slate-200 bg-white p-4" data-property=property.id.to_string()>
            <h2 class="font-semibold">{property.name}</h2>
            <p class="text-sm text-slate-600">{address}</p>
            <table class="mt-2 min-w-full text-sm">
                <thead class="text-left text-xs text-slate-500"><tr><th>"Unit"</th><th>"Bedrooms"</th><th>"Id (for a lease)"</th><th></th></tr></thead>
                <tbody>
                    {units.iter().map(|u| {
                        let archive = format!("/manage/units/{}/archive", u.id);
                        let label = format!("Archive unit {}", u.label);
                        view! {
                            <tr>
                                <td class="py-0.5">{u.label.clone()}</td><td>{u.bedrooms}</td>
                                <td class="font-mono text-xs text-slate-500">{u.id.to_string()}</td>
                                <td class="text-right">
                                    <details>
                                        <summary class="cursor-pointer text-xs font-semibold text-slate-600 hover:underline">"Archive…"</summary>
                                        <form method="post" action=archive class="mt-1 flex flex-col items-end gap-1" aria-label=label>
                                            <label class="flex items-center gap-1 text-xs"><input type="checkbox" name="confirm" value="yes" required />"No new lease for this unit"</label>
                                            <button type="submit" class="rounded-md bg-slate-800 px-2 py-1 text-xs font-semibold text-white hover:bg-slate-900">"Archive the unit"</button>
                                        </form>
                                    </details>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {(!archived_units.is_empty()).then(|| view! {
                <div class="mt-2 flex flex-wrap items-center gap-2 text-sm text-slate-500" data-testid="archived-units">
                    <span>"Archived units:"</span>
                    {archived_units.into_iter().map(|u| {
                        let restore = format!("/manage/units/{}/restore", u.id);
                        view! {
                            <form method="post" action=restore class="inline-flex items-center gap-1">
                                <span class="line-through">{u.label}</span>
                                <button type="submit" class="text-xs font-semibold text-emerald-800 hover:underline">"Bring back"</button>
                            </form>
                        }
                    }).collect_view()}
                </div>
            })}
            {(!units.is_empty()).then(|| view! {
                <div class="mt-2 flex flex-wrap items-start gap-x-3 gap-y-1 text-sm">
                    <span class="text-slate-600">"Edit a unit:"</span>
                    {units.into_iter().map(|unit| view! { <EditUnitForm unit /> }).collect_view()}
                </div>
            })}
            <EditPropertyForm property=edit />
            <details class="mt-2">
                <summary class="cursor-pointer text-sm font-semibold text-emerald-800 hover:underline">"Add a unit…"</summary>
                <form method="post" action=action class="mt-2 flex flex-wrap items-end gap-2">
                    <label class="text-xs font-medium">"Label"<input name="label" required maxlength="40" class=INPUT /></label>
                    <label class="text-xs font-medium">"Bedrooms"<input type="number" name="bedrooms" min="0" max="50" value="1" class=INPUT /></label>
                    <button type="submit" class=BUTTON>"Add"</button>
                </form>
            </details>
            <details class="mt-2">
                <summary class="cursor-pointer text-sm font-semibold text-slate-600 hover:underline">"Archive the property…"</summary>
                <form method="post" action=archive class="mt-2 flex flex-wrap items-end gap-2">
                    <p class="basis-full text-xs text-slate-600">"Its invoices, leases and tickets are kept. It leaves this list, takes no new unit or lease, and its listings leave the portal. Not possible while a lease holds one of its units."</p>
                    <label class="flex items-center gap-1 text-xs"><input type="checkbox" name="confirm" value="yes" required />"I confirm"</label>
                    <button type="submit" class="rounded-md bg-slate-800 px-3 py-1.5 text-xs font-semibold text-white hover:bg-slate-900">"Archive"</button>
                </form>
            </details>
        </li>
    }
}

/// An archived property: its address, when it was archived, and a button to bring it back.
#[component]
fn ArchivedCard(property: PropertyItem) -> impl IntoView {
    let restore = format!("/manage/properties/{}/restore", property.id);
    let address =
        format!("{}, {} {} ({})", property.address_line, property.postal_code, property.city, property.country);
    let when = property.archived_at.map(|at| format!("Archived on {}", at.format("%-d %B %Y"))).unwrap_or_default();
    view! {
        <li class="rounded-xl border border-slate-200 bg-slate-50 p-4" data-property=property.id.to_string()>
            <h2 class="font-semibold text-slate-700">{property.name}</h2>
            <p class="text-sm text-slate-600">{address}</p>
            <p class="mt-1 text-xs text-slate-500">{when}</p>
            <form method="post" action=restore class="mt-2">
                <input type="hidden" name="from" value="archived" />
                <button type="submit" class=BUTTON>"Bring back into use"</button>
            </form>
        </li>
    }
}

/// A unit's label, bedrooms, section and floor, to correct.
#[component]
fn EditUnitForm(unit: UnitItem) -> impl IntoView {
    let action = format!("/manage/units/{}/edit", unit.id);
    let label = format!("Edit unit {}", unit.label);
    let summary = unit.label.clone();
    view! {
        <details class="open:basis-full">
            <summary class="cursor-pointer font-semibold text-emerald-800 hover:underline">{summary}</summary>
            <form method="post" action=action class="mt-1 mb-2 grid gap-2 sm:grid-cols-2" aria-label=label>
                <label class="text-xs font-medium">"Label"<input name="label" required maxlength="40" class=INPUT value=unit.label /></label>
                <label class="text-xs font-medium">"Bedrooms"<input type="number" name="bedrooms" min="0" max="50" class=INPUT value=unit.bedrooms.to_string() /></label>
                <label class="text-xs font-medium">"Section"<input name="section" maxlength="40" class=INPUT value=unit.section.unwrap_or_default() /></label>
                <label class="text-xs font-medium">"Floor"<input name="floor" maxlength="20" class=INPUT value=unit.floor.unwrap_or_default() /></label>
                <div class="sm:col-span-2"><button type="submit" class=BUTTON>"Save the unit"</button></div>
            </form>
        </details>
    }
}

/// The name and address of a property, to correct.
#[component]
fn EditPropertyForm(property: PropertyItem) -> impl IntoView {
    let action = format!("/manage/properties/{}/edit", property.id);
    let label = format!("Edit {}", property.name);
    view! {
        <details class="mt-2">
            <summary class="cursor-pointer text-sm font-semibold text-emerald-800 hover:underline">"Edit the name or address…"</summary>
            <form method="post" action=action class="mt-2 grid gap-2 sm:grid-cols-2" aria-label=label>
                <label class="text-xs font-medium">"Name"<input name="name" required maxlength="120" class=INPUT value=property.name /></label>
                <label class="text-xs font-medium">"Street and number"<input name="address_line" required maxlength="200" class=INPUT value=property.address_line /></label>
                <label class="text-xs font-medium">"City"<input name="city" required maxlength="100" class=INPUT value=property.city /></label>
                <label class="text-xs font-medium">"Postal code"<input name="postal_code" required maxlength="20" class=INPUT value=property.postal_code /></label>
                <label class="text-xs font-medium">"Country (2 letters)"<input name="country" required maxlength="2" class=INPUT value=property.country /></label>
                <div class="sm:col-span-2"><button type="submit" class=BUTTON>"Save"</button></div>
            </form>
        </details>
    }
}

#[component]
fn NewPropertyForm(role: Role) -> impl IntoView {
    view! {
        <section class="mt-8 max-w-2xl rounded-xl border border-slate-200 bg-white p-5" aria-labelledby="new-property">
            <h2 id="new-property" class="font-semibold">"Add a property"</h2>
            <form method="post" action="/manage/properties" class="mt-4 grid gap-3 sm:grid-cols-2">
                <label class="text-sm font-medium">"Name"<input name="name" required class=INPUT value=typed("name") /></label>
                <label class="text-sm font-medium">"Street and number"<input name="address_line" required class=INPUT value=typed("address_line") /></label>
                <label class="text-sm font-medium">"City"<input name="city" required class=INPUT value=typed("city") /></label>
                <label class="text-sm font-medium">"Postal code"<input name="postal_code" required class=INPUT value=typed("postal_code") /></label>
                <label class="text-sm font-medium">"Country (2 letters)"<input name="country" required maxlength="2" class=INPUT value=typed("country") /></label>
                {(role == Role::Admin).then(|| view! {
                    <label class="text-sm font-medium">"Landlord id"<input name="landlord_id" required class=INPUT value=typed("landlord_id") /></label>
                })}
                <div class="sm:col-span-2"><button type="submit" class=BUTTON>"Add the property"</button></div>
            </form>
        </section>
    }
}
