//! `/set-password/:token`: the page an invitation or a password-reset link
//! opens. A plain form posted to the server (works without JavaScript); a
//! used or expired link says so instead of showing the form.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::session::set_password_link_usable;

/// The set-password page.
#[component]
pub fn SetPasswordPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let token = params.read_untracked().get("token").unwrap_or_default();
    let usable = Resource::new(move || params.read().get("token").unwrap_or_default(), set_password_link_usable);
    let error = move || match query.read().get("error").as_deref() {
        Some("mismatch") => Some("The two passwords differ. Type the same one twice."),
        Some("weak") => Some("Choose a password of at least 12 characters."),
        Some("expired") => Some("This link was used already or has expired. Ask for a new one."),
        Some(_) => Some("The password could not be set right now. Try again shortly."),
        None => None,
    };
    let input = "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 shadow-sm focus:border-emerald-600 focus:outline-none focus:ring-2 focus:ring-emerald-600/30";
    view! {
        <Title text="Choose your password" />
        // The token is in the address: no other site it links to should see it
        // (`same-origin` still sends our own origin with the form, as the
        // cross-site check needs; `no-referrer` would send `Origin: null`).
        <Meta name="referrer" content="same-origin" />
        <section class="mx-auto max-w-sm">
            <h1 class="text-2xl font-bold">"Choose your password"</h1>
            <Suspense fallback=|| view! { <p class="mt-4 text-slate-500">"Checking the link…"</p> }>
                {move || Suspend::new({
                    let token = token.clone();
                    async move {
                        match usable.await {
                            Ok(true) => view! {
                                <p class="mt-1 text-slate-600">"At least 12 characters. You will sign in with it next."</p>
                                {error().map(|message| view! {
                                    <p role="alert" data-testid="set-password-error" class="mt-4 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900">{message}</p>
                                })}
                                <form method="post" action=format!("/set-password/{token}") class="mt-6 space-y-4 rounded-xl border border-slate-200 bg-white p-6">
                                    <label class="block text-sm font-medium">"New password"
                                        <input type="password" name="password" required minlength="12" autocomplete="new-password" class=input />
                                    </label>
                                    <label class="block text-sm font-medium">"The same password again"
                                        <input type="password" name="confirm" required minlength="12" autocomplete="new-password" class=input />
                                    </label>
                                    <button type="submit" class="w-full rounded-md bg-emerald-700 px-4 py-2 font-semibold text-white hover:bg-emerald-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-emerald-600 focus-visible:ring-offset-2">
                                        "Set my password"
                                    </button>
                                </form>
                            }.into_any(),
                            Ok(false) => view! {
                                <p role="alert" data-testid="set-password-expired" class="mt-4 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
                                    "This link was used already or has expired. Ask whoever invited you, or an administrator, for a new one."
                                </p>
                                <p class="mt-4 text-sm"><a class="font-semibold text-emerald-800 hover:underline" href="/login">"Go to the sign-in page"</a></p>
                            }.into_any(),
                            Err(err) => view! {
                                <p role="alert" class="mt-4 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900">{err.to_string()}</p>
                            }.into_any(),
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}
