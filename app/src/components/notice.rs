//! Inline messages: errors and empty states.

use leptos::prelude::*;

/// A red box explaining what went wrong.
#[component]
pub fn ErrorNotice(
    /// What failed, in a few words (shown in bold).
    #[prop(into)]
    title: String,
    /// Why, or what to do about it.
    #[prop(into)]
    message: String,
) -> impl IntoView {
    view! {
        <div role="alert" class="rounded-lg border border-red-200 bg-red-50 p-4 text-red-900">
            <p class="font-semibold">{title}</p>
            <p class="mt-1 text-sm">{message}</p>
        </div>
    }
}

/// A grey box for "nothing here yet".
#[component]
pub fn EmptyNotice(
    /// What is missing, e.g. "No invoices yet."
    #[prop(into)]
    message: String,
) -> impl IntoView {
    view! {
        <div class="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center text-slate-600">
            {message}
        </div>
    }
}
