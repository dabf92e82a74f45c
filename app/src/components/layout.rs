//! The frame of every page: header with navigation, main area, footer.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::session::whoami;
use crate::domain::Role;
use crate::model::session::SessionUser;

/// Wraps a page in the site header and footer. The `data-hydrated` flag on
/// the root turns true once the browser has taken over the page.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    view! {
        <div id="app" class="flex min-h-screen flex-col" data-hydrated=move || hydrated.get().to_string()>
            <a href="#main" class="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:px-3 focus:py-2">
                "Skip to content"
            </a>
            <Header />
            <main id="main" class="mx-auto w-full max-w-6xl flex-1 px-4 py-8 sm:px-6">{children()}</main>
            <footer class="border-t border-slate-200 bg-white">
                <div class="mx-auto max-w-6xl px-4 py-6 text-sm text-slate-500 sm:px-6">
                    "Marketplace — properties, leases, invoices and maintenance in one place."
                </div>
            </footer>
        </div>
    }
}

#[component]
fn Header() -> impl IntoView {
    let link = "rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-emerald-50 hover:text-emerald-800 aria-[current=page]:bg-emerald-100 aria-[current=page]:text-emerald-900";
    // A visitor without a session gets the "Sign in" link at once: no
    // resource, no suspense, nothing to wait for. Whether the request has a
    // session is known on the server without I/O, and travels with the page
    // so that hydration builds the same header. Only a signed-in user's
    // links wait for their name to be read.
    let signed_in = SharedValue::new(has_session).into_inner();
    let session_links = if signed_in {
        let me = Resource::new(|| (), |_| whoami());
        view! {
            <Transition fallback=|| ()>
                {move || Suspend::new(async move { view! { <SessionLinks user=me.await.ok().flatten() link /> } })}
            </Transition>
        }
        .into_any()
    } else {
        view! { <SessionLinks user=None link /> }.into_any()
    };
    view! {
        <header class="border-b border-slate-200 bg-white">
            <nav class="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-2 px-4 py-3 sm:px-6" aria-label="Main">
                <A href="/" attr:class="flex items-center gap-2 text-lg font-semibold text-emerald-800">
                    <img src="/favicon.svg" alt="" class="h-7 w-7" />
                    "Marketplace"
                </A>
                <div class="flex flex-wrap items-center gap-1">
                    <A href="/properties" attr:class=link>"Properties"</A>
                    {session_links}
                </div>
            </nav>
        </header>
    }
}

/// Whether the request being rendered carries a valid session (always false
/// in the browser, where the value comes from the server while hydrating).
fn has_session() -> bool {
    #[cfg(feature = "ssr")]
    {
        crate::server::auth::current_user().ok().flatten().is_some()
    }
    #[cfg(not(feature = "ssr"))]
    {
        false
    }
}

/// The links that depend on who is signed in, and the sign-in / sign-out control.
#[component]
fn SessionLinks(user: Option<SessionUser>, link: &'static str) -> impl IntoView {
    let Some(user) = user else {
        return view! { <a href="/login" class=link>"Sign in"</a> }.into_any();
    };
    let own = match user.role {
        Role::Admin => ("/admin/system-status", "System status"),
        Role::Landlord => ("/maintenance", "Maintenance"),
        Role::Tenant => ("/account", "My account"),
    };
    let books = matches!(user.role, Role::Admin | Role::Landlord);
    view! {
        <A href=own.0 attr:class=link>{own.1}</A>
        {(user.role == Role::Tenant).then(|| view! { <A href="/maintenance" attr:class=link>"Maintenance"</A> })}
        {books.then(|| view! { <A href="/manage/leases" attr:class=link>"Back office"</A> })}
        <span class="px-2 text-sm text-slate-500" data-testid="signed-in-as">{format!("{} ({})", user.display_name, user.role)}</span>
        <form method="post" action="/logout">
            <button type="submit" class=link>"Sign out"</button>
        </form>
    }
    .into_any()
}
