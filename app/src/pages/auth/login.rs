//! `/login`: a plain form posted to the server, so it works without
//! JavaScript; errors come back inline.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The sign-in page.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let error = move || {
        let q = query.read();
        match q.get("error").as_deref() {
            Some("invalid") => Some("The e-mail or the password is wrong.".to_owned()),
            Some("disabled") => Some("This account is disabled. Ask an administrator.".to_owned()),
            Some("throttled") => Some(format!(
                "Too many attempts. Try again in {} seconds.",
                q.get("wait").unwrap_or_else(|| "a few".into())
            )),
            Some(_) => Some("Signing in is not possible right now. Try again shortly.".to_owned()),
            None => None,
        }
    };
    // Initial values only: reactive ones would be re-applied on hydration and
    // wipe what the person typed before the page became interactive.
    let (email, next) = {
        let q = query.read_untracked();
        (q.get("email").unwrap_or_default(), q.get("next").unwrap_or_default())
    };
    let input = "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 shadow-sm focus:border-emerald-600 focus:outline-none focus:ring-2 focus:ring-emerald-600/30";
    view! {
        <Title text="Sign in" />
        <section class="mx-auto max-w-sm">
            <h1 class="text-2xl font-bold">"Sign in"</h1>
            <p class="mt-1 text-slate-600">"Tenants, landlords and staff sign in here."</p>
            {move || (query.read().get("notice").as_deref() == Some("password_set")).then(|| view! {
                <p role="status" data-testid="login-notice" class="mt-4 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900">"Your password is set. Sign in with it."</p>
            })}
            {move || error().map(|message| view! {
                <p role="alert" data-testid="login-error" class="mt-4 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900">{message}</p>
            })}
            <form method="post" action="/login" class="mt-6 space-y-4 rounded-xl border border-slate-200 bg-white p-6">
                <input type="hidden" name="next" value=next />
                <label class="block text-sm font-medium">"E-mail"
                    <input type="email" name="email" required autocomplete="username" class=input value=email />
                </label>
                <label class="block text-sm font-medium">"Password"
                    <input type="password" name="password" required autocomplete="current-password" class=input />
                </label>
                <button type="submit" class="w-full rounded-md bg-emerald-700 px-4 py-2 font-semibold text-white hover:bg-emerald-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-emerald-600 focus-visible:ring-offset-2">
                    "Sign in"
                </button>
            </form>
        </section>
    }
}
