//! What a ticket's page adds for the people following it: how the sending of a request filed
//! here stands, the outcome of the last form, and the comment form (staff may keep a comment
//! internal; a tenant's is always seen by the building's staff).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

use crate::api::session::whoami;
use crate::domain::Role;
use crate::model::maintenance_request::{SendState, Sending};
use crate::pages::manage::{BUTTON, INPUT};

/// Where a request filed here stands with Condo.
#[component]
pub fn SendingBanner(sending: Option<Sending>, number: Option<i32>) -> impl IntoView {
    let sending = sending?;
    let (class, text) = match sending.state {
        SendState::Waiting => (
            "border-amber-200 bg-amber-50 text-amber-900",
            "Waiting for Condo: the request is stored here and is sent to the building's staff as soon as Condo answers.".to_owned(),
        ),
        SendState::Sent => (
            "border-emerald-200 bg-emerald-50 text-emerald-900",
            match number {
                Some(n) => format!("Sent to Condo: the building's staff have it as ticket #{n}."),
                None => "Sent to Condo: the building's staff have it.".to_owned(),
            },
        ),
        SendState::Refused => (
            "border-red-200 bg-red-50 text-red-900",
            format!(
                "Refused by Condo: {}. Nothing was sent; please call your landlord.",
                sending.reason.unwrap_or_else(|| "no reason given".into()).trim_end_matches('.')
            ),
        ),
    };
    let class = format!("mt-4 rounded-md border p-3 text-sm {class}");
    Some(
        view! { <p role="status" class=class data-testid="sending-state" data-state=format!("{:?}", sending.state).to_lowercase()>{text}</p> },
    )
}

/// The outcome of the form that led here (`?ok=` or `?error=`).
#[component]
pub fn FormOutcome() -> impl IntoView {
    let query = use_query_map();
    let q = query.read_untracked();
    let ok = match q.get("ok").as_deref() {
        Some("filed") => Some("Your request is stored. Its state below says when Condo has it."),
        Some("commented") => Some("Your comment is stored and follows the ticket to Condo."),
        _ => None,
    };
    let error = q.get("error").map(|_| match q.get("message").filter(|m| !m.trim().is_empty()) {
        Some(message) => format!("The comment was not added: {}.", message.trim_end_matches('.')),
        None => "The comment was not added. Try again shortly.".to_owned(),
    });
    view! {
        {ok.map(|m| view! { <p role="status" data-testid="form-ok" class="mt-4 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900">{m}</p> })}
        {error.map(|m| view! { <p role="alert" data-testid="form-error" class="mt-4 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900">{m}</p> })}
    }
}

/// The comment form of ticket `ticket_id`.
#[component]
pub fn CommentForm(ticket_id: Uuid) -> impl IntoView {
    let me = Resource::new(|| (), |_| whoami());
    let action = format!("/maintenance/{ticket_id}/comments");
    view! {
        <form method="post" action=action class="mt-4 grid gap-3 rounded-xl border border-slate-200 bg-white p-5" aria-label="Add a comment">
            <label class="text-sm font-medium">"Your comment"
                <textarea name="content" required rows="3" maxlength="2000" class=INPUT placeholder="A question, an update, when you are at home…"></textarea>
            </label>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let staff = me.await.ok().flatten().is_some_and(|u| u.role != Role::Tenant);
                    if staff {
                        view! {
                            <label class="flex items-start gap-2 text-sm">
                                <input type="checkbox" name="internal" class="mt-1" />
                                <span>"Internal: only the building's staff see it, not the tenant"</span>
                            </label>
                        }.into_any()
                    } else {
                        view! { <p class="text-xs text-slate-500">"The building's staff and your landlord see your comments."</p> }.into_any()
                    }
                })}
            </Transition>
            <div><button type="submit" class=BUTTON>"Add the comment"</button></div>
        </form>
    }
}
