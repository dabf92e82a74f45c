//! `/maintenance/new`: a tenant reports a problem in their home — category, description,
//! emergency, visiting hours, up to five photos. A plain multipart form (it works without
//! JavaScript) posted to `/maintenance/new`; the request is stored at once and sent to Condo
//! by the outbox, and its page says how that goes.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

use crate::api::maintenance_request::maintenance_request_form;
use crate::components::http_status::set_http_status;
use crate::components::notice::ErrorNotice;
use crate::model::AppError;
use crate::model::maintenance_request::RequestForm;
use crate::pages::manage::{BUTTON, INPUT, typed};

/// The request form.
#[component]
pub fn NewMaintenanceRequestPage() -> impl IntoView {
    let form = Resource::new(|| (), |_| maintenance_request_form());
    view! {
        <Title text="Report a problem" />
        <p class="text-sm"><a class="text-emerald-800 hover:underline" href="/maintenance">"← Maintenance"</a></p>
        <h1 class="mt-2 text-2xl font-bold sm:text-3xl">"Report a problem"</h1>
        <p class="mt-1 max-w-2xl text-slate-600">
            "Tell the building's maintenance team what is wrong. Your request goes to them through Condo; its page shows when it has been received and what they answer."
        </p>
        <Suspense fallback=|| view! { <p class="mt-8 text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match form.await {
                    Ok(form) => view! { <RequestFormView form /> }.into_any(),
                    Err(AppError::Unauthorized) => view! { <Redirect path="/login?next=/maintenance/new" /> }.into_any(),
                    Err(AppError::Forbidden) => {
                        set_http_status(403);
                        view! { <div class="mt-8"><ErrorNotice title="Tenants only" message="Requests are filed by the tenant who lives in the home. Landlords follow them on the maintenance page and answer in their comments." /></div> }.into_any()
                    }
                    Err(err) => {
                        set_http_status(err.status_code());
                        view! { <div class="mt-8"><ErrorNotice title="The form could not be loaded" message=err.to_string() /></div> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// Why the last try came back, in words (the service's own message).
fn refusal() -> Option<String> {
    let query = use_query_map();
    let q = query.read_untracked();
    let field = q.get("error")?;
    let message = q.get("message").filter(|m| !m.trim().is_empty());
    Some(match (q.get("reason").as_deref(), message) {
        (_, Some(message)) => format!("Not sent: {}", message.trim_end_matches('.')),
        (Some("invalid"), None) => format!("Not sent: check {}.", field.replace('_', " ")),
        _ => "Not sent: the request could not be stored right now. Try again shortly.".to_owned(),
    })
}

#[component]
fn RequestFormView(form: RequestForm) -> impl IntoView {
    if form.units.is_empty() {
        return view! { <div class="mt-8"><ErrorNotice title="No home to report for" message="You rent no home today. Requests can be filed for the homes you rent." /></div> }.into_any();
    }
    let sendable = form.units.iter().filter(|u| u.linked).count();
    let chosen = typed("category");
    let photos_hint = format!("Up to {} photos, JPEG, PNG or WebP, {} MiB each.", form.max_photos, form.max_photo_mib);
    let counter = format!("At most {} characters.", form.max_description);
    view! {
        {refusal().map(|message| view! {
            <p role="alert" data-testid="form-error" class="mt-6 max-w-2xl rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900">{message}</p>
        })}
        {(sendable == 0).then(|| view! {
            <p role="status" class="mt-6 max-w-2xl rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
                "Your building is not connected to Condo yet, so a request cannot be sent from here. Please call your landlord."
            </p>
        })}
        <form method="post" action="/maintenance/new" enctype="multipart/form-data" class="mt-6 grid max-w-2xl gap-5 rounded-xl border border-slate-200 bg-white p-6" aria-label="Maintenance request">
            <label class="text-sm font-medium">"Home"
                <select name="unit" class=INPUT required>
                    {form.units.into_iter().map(|u| {
                        let label = if u.linked { u.label } else { format!("{} (not connected to Condo)", u.label) };
                        view! { <option value=u.id.to_string() disabled=!u.linked>{label}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="text-sm font-medium">"What kind of problem"
                <select name="category" class=INPUT>
                    <option value="">"Not sure"</option>
                    {form.categories.into_iter().map(|c| {
                        let selected = c.id == chosen;
                        view! { <option value=c.id selected=selected>{c.label}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="text-sm font-medium">"What is wrong"
                <textarea name="description" required rows="6" maxlength=form.max_description class=INPUT placeholder="Where it is, since when, what you have already tried.">{typed("description")}</textarea>
                <span class="mt-1 block text-xs font-normal text-slate-500">{counter}</span>
            </label>
            <fieldset class="rounded-md border border-slate-200 p-3">
                <legend class="px-1 text-sm font-medium">"Is it an emergency?"</legend>
                <label class="flex items-start gap-2 text-sm">
                    <input type="checkbox" name="emergency" value="true" class="mt-1" />
                    <span>"Yes: water or gas leaking, no power or heating, a door or window that no longer locks, anything unsafe. Emergencies are handled first."</span>
                </label>
            </fieldset>
            <label class="text-sm font-medium">"When can someone come in? (optional)"
                <input name="visiting_hours" maxlength="200" class=INPUT value=typed("visiting_hours") placeholder="e.g. weekdays after 17:00, Saturday morning" />
            </label>
            <label class="text-sm font-medium">"Photos (optional)"
                <input type="file" name="photos" multiple accept="image/jpeg,image/png,image/webp" class="mt-1 block w-full text-sm file:mr-3 file:rounded-md file:border-0 file:bg-emerald-50 file:px-3 file:py-2 file:font-semibold file:text-emerald-800 hover:file:bg-emerald-100" />
                <span class="mt-1 block text-xs font-normal text-slate-500">{photos_hint}</span>
            </label>
            <div class="flex items-center gap-3">
                <button type="submit" class=BUTTON disabled=sendable == 0>"Send the request"</button>
                <a class="text-sm text-slate-600 hover:underline" href="/maintenance">"Cancel"</a>
            </div>
        </form>
    }.into_any()
}
