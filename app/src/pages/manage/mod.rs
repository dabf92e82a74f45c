//! The back office (`/manage/...`) for admins and landlords: leases,
//! invoices and payments, properties and units, the rent roll, people (admins). Lists come
//! from server functions; every form is a plain post to the server that
//! comes back here with the outcome (`?ok=` or `?error=<field>&reason=`),
//! so everything works without JavaScript.

mod invoices;
mod leases;
mod people;
mod properties;
mod rent_roll;

pub use invoices::ManageInvoicesPage;
pub use leases::ManageLeasesPage;
pub use people::ManagePeoplePage;
pub use properties::ManagePropertiesPage;
pub use rent_roll::ManageRentRollPage;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::domain::Role;
use crate::model::AppError;

/// Classes of the inputs of every back-office form.
pub(crate) const INPUT: &str = "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-emerald-600 focus:outline-none focus:ring-2 focus:ring-emerald-600/30";
/// Classes of a form's main button.
pub(crate) const BUTTON: &str = "rounded-md bg-emerald-700 px-4 py-2 text-sm font-semibold text-white hover:bg-emerald-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-emerald-600 focus-visible:ring-offset-2";

/// The back office's tabs, the current one marked.
#[component]
pub(crate) fn ManageNav(current: &'static str, role: Role) -> impl IntoView {
    let tabs: Vec<(&str, &str)> = [
        ("/manage/leases", "Leases"),
        ("/manage/invoices", "Invoices"),
        ("/manage/properties", "Properties"),
        ("/manage/rent-roll", "Rent roll"),
        ("/manage/people", "People"),
    ]
    .into_iter()
    .filter(|(path, _)| *path != "/manage/people" || role == Role::Admin)
    .collect();
    view! {
        <nav class="mb-6 flex flex-wrap gap-2 border-b border-slate-200 pb-3" aria-label="Back office">
            {tabs.into_iter().map(|(path, label)| {
                let here = path == current;
                let class = if here {
                    "rounded-md bg-slate-900 px-3 py-1.5 text-sm font-semibold text-white"
                } else {
                    "rounded-md px-3 py-1.5 text-sm font-semibold text-slate-700 hover:bg-slate-100"
                };
                view! { <a href=path class=class aria-current=here.then_some("page")>{label}</a> }
            }).collect_view()}
        </nav>
    }
}

/// What a form's outcome in the address says, in words: `(ok, error)`.
pub(crate) fn outcome(ok_words: fn(&str) -> Option<&'static str>) -> (Option<&'static str>, Option<String>) {
    let query = use_query_map();
    let q = query.read_untracked();
    let ok = q.get("ok").as_deref().and_then(ok_words);
    let error = q.get("error").map(|field| {
        let field = field.replace('_', " ");
        let why = q.get("message").filter(|m| !m.trim().is_empty()).map(|m| format!(" ({})", m.trim_end_matches('.')));
        let why = why.unwrap_or_default();
        match q.get("reason").as_deref() {
            Some("conflict") => format!("Not done: {field} clashes with what is already recorded{why}."),
            Some("not_found") => "Not done: that record is not one of yours, or no longer exists.".to_owned(),
            Some("forbidden") => "Not done: you are not allowed to do that.".to_owned(),
            Some("invalid") => format!("Not done: check {field}{why}."),
            _ => "Not done: the server could not do it right now. Try again shortly.".to_owned(),
        }
    });
    (ok, error)
}

/// The outcome banners.
#[component]
pub(crate) fn Outcome(ok: Option<&'static str>, error: Option<String>) -> impl IntoView {
    view! {
        {ok.map(|message| view! {
            <p role="status" data-testid="form-ok" class="mb-4 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900">{message}</p>
        })}
        {error.map(|message| view! {
            <p role="alert" data-testid="form-error" class="mb-4 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900">{message}</p>
        })}
    }
}

/// A value typed in a form that came back with an error, to show it again.
pub(crate) fn typed(name: &str) -> String {
    use_query_map().read_untracked().get(name).unwrap_or_default()
}

/// Where an error sends the visitor: sign in, or a notice.
pub(crate) fn refused(err: &AppError, path: &str) -> AnyView {
    use crate::components::notice::ErrorNotice;
    use leptos_router::components::Redirect;
    match err {
        AppError::Unauthorized => view! { <Redirect path=format!("/login?next={path}") /> }.into_any(),
        AppError::Forbidden => {
            crate::components::http_status::set_http_status(403);
            view! { <ErrorNotice title="Landlords and admins only" message="The back office is for landlords and the operations team." /> }.into_any()
        }
        other => view! { <ErrorNotice title="This page could not be loaded" message=other.to_string() /> }.into_any(),
    }
}

/// An amount in minor units, in words ("1,234.50 EUR").
pub(crate) fn money(minor: i64, currency: &str) -> String {
    crate::domain::Money::from_parts(minor, currency).map_or_else(|_| format!("{minor} {currency}"), |m| m.to_string())
}
