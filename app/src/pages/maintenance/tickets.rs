//! `/maintenance`: where landlords land; tickets arrive with the Condo import.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use crate::api::AppError;
use crate::api::session::whoami;
use crate::domain::Role;

/// The landlord's maintenance page.
#[component]
pub fn MaintenancePage() -> impl IntoView {
    let me = Resource::new(|| (), |_| whoami());
    view! {
        <Title text="Maintenance" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(user)) if matches!(user.role, Role::Landlord | Role::Admin) => view! {
                        <h1 class="text-2xl font-bold sm:text-3xl">"Maintenance"</h1>
                        <p class="mt-2 text-slate-600">{format!("Signed in as {}. Tickets from your properties appear here once the maintenance import runs.", user.display_name)}</p>
                    }.into_any(),
                    Ok(Some(_)) | Err(AppError::Forbidden) => view! { <Redirect path="/" /> }.into_any(),
                    _ => view! { <Redirect path="/login?next=/maintenance" /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
