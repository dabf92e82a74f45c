//! Condo property links: which of our properties is which Condo property.
//! Listed with their imported tickets; added and removed with plain forms.

use leptos::prelude::*;

use crate::api::condo_link::{LinkCondoProperty, UnlinkCondoProperty, list_condo_links};
use crate::model::condo_link::{CondoLinks, PropertyLink};

/// The links section.
#[component]
pub fn PropertyLinks() -> impl IntoView {
    let link = ServerAction::<LinkCondoProperty>::new();
    let unlink = ServerAction::<UnlinkCondoProperty>::new();
    let links = Resource::new(move || (link.version().get(), unlink.version().get()), |_| list_condo_links());
    let error = move || {
        let failed = |v: Option<Result<(), crate::model::AppError>>| v.and_then(Result::err).map(|e| e.to_string());
        failed(link.value().get()).or_else(|| failed(unlink.value().get()))
    };
    view! {
        <section class="mt-8 rounded-xl border border-slate-200 bg-white p-5 shadow-sm" aria-labelledby="links-heading" data-testid="property-links">
            <h2 id="links-heading" class="font-semibold">"Condo property links"</h2>
            <p class="text-sm text-slate-600">
                "Condo's tickets and units come in only for linked properties; nothing is matched by name or address. A new link makes the next Condo run read every ticket again."
            </p>
            {move || error().map(|message| view! {
                <p role="alert" class="mt-3 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900" data-testid="link-error">{message}</p>
            })}
            <Transition fallback=|| view! { <p class="mt-3 text-sm text-slate-500">"Loading links…"</p> }>
                {move || Suspend::new(async move {
                    match links.await {
                        Ok(data) => view! { <LinkList data link unlink /> }.into_any(),
                        Err(err) => view! { <p class="mt-3 text-sm text-red-800">{err.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn LinkList(
    data: CondoLinks,
    link: ServerAction<LinkCondoProperty>,
    unlink: ServerAction<UnlinkCondoProperty>,
) -> impl IntoView {
    let input = "rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-emerald-600 focus:outline-none focus:ring-2 focus:ring-emerald-600/30";
    let has_choices = !data.unlinked.is_empty();
    view! {
        {if data.links.is_empty() {
            view! { <p class="mt-3 text-sm text-slate-600" data-testid="no-links">"No property is linked yet."</p> }.into_any()
        } else {
            view! {
                <ul class="mt-3 divide-y divide-slate-100 rounded-lg border border-slate-200" data-testid="links">
                    {data.links.into_iter().map(|l| view! { <LinkRow link=l unlink /> }).collect_view()}
                </ul>
            }.into_any()
        }}
        {has_choices.then(|| view! {
            <ActionForm action=link>
                <div class="mt-4 flex flex-wrap items-end gap-3">
                    <label class="flex flex-col text-sm font-medium">"Our property"
                        <select name="property_id" required class=format!("mt-1 {input}")>
                            {data.unlinked.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                        </select>
                    </label>
                    <label class="flex min-w-[18rem] flex-1 flex-col text-sm font-medium">"Condo property id"
                        <input type="text" name="condo_property_id" required placeholder="e.g. 9d1e5f7a-2b3c-4d5e-8f90-a1b2c3d4e5f6" class=format!("mt-1 font-mono {input}") />
                    </label>
                    <button type="submit" class="rounded-md bg-emerald-700 px-4 py-2 text-sm font-semibold text-white hover:bg-emerald-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-emerald-600 focus-visible:ring-offset-2">
                        "Link"
                    </button>
                </div>
            </ActionForm>
        })}
    }
}

#[component]
fn LinkRow(link: PropertyLink, unlink: ServerAction<UnlinkCondoProperty>) -> impl IntoView {
    let condo_id = link.condo_property_id.clone();
    view! {
        <li class="flex flex-wrap items-center justify-between gap-3 px-4 py-2.5 text-sm" data-condo-id=link.condo_property_id.clone()>
            <div>
                <p class="font-medium">{link.property_name.clone()}<span class="font-normal text-slate-500">{format!(" · {}", link.landlord_name)}</span></p>
                <p class="font-mono text-xs text-slate-500">{format!("Condo {}", link.condo_property_id)}</p>
            </div>
            <div class="flex items-center gap-3">
                <span class="text-slate-600">{format!("linked {}", link.linked_at.format("%-d %b %Y"))}</span>
                <ActionForm action=unlink>
                    <input type="hidden" name="condo_property_id" value=condo_id />
                    <button type="submit" class="rounded-md border border-slate-300 px-2.5 py-1 text-xs font-semibold text-slate-700 hover:border-red-300 hover:bg-red-50 hover:text-red-800">
                        "Remove"
                    </button>
                </ActionForm>
            </div>
        </li>
    }
}
