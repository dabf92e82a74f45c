//! `/admin/system-status`: one card per integration.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::AppError;
use crate::api::integration::{IntegrationHealth, IntegrationStatus, list_integrations};
use crate::components::http_status::set_http_status;
use crate::components::notice::ErrorNotice;
use leptos_router::components::Redirect;

/// The integrations panel.
#[component]
pub fn SystemStatusPage() -> impl IntoView {
    let statuses = Resource::new(|| (), |_| list_integrations());
    view! {
        <Title text="System status" />
        <h1 class="text-2xl font-bold sm:text-3xl">"System status"</h1>
        <p class="mt-1 text-slate-600">"Every outside integration, its health and its last run."</p>
        <Suspense fallback=|| view! { <p class="mt-6 text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match statuses.await {
                    Ok(list) => view! {
                        <ul class="mt-6 grid gap-4 md:grid-cols-3" data-testid="integrations">
                            {list.into_iter().map(|status| view! { <IntegrationCard status /> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(AppError::Unauthorized) => view! { <Redirect path="/login?next=/admin/system-status" /> }.into_any(),
                    Err(AppError::Forbidden) => {
                        set_http_status(403);
                        view! { <div class="mt-6"><ErrorNotice title="Admins only" message="This panel is for the operations team." /></div> }.into_any()
                    }
                    Err(err) => view! { <div class="mt-6"><ErrorNotice title="Status could not be loaded" message=err.to_string() /></div> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn IntegrationCard(status: IntegrationStatus) -> impl IntoView {
    let badge = match status.health {
        IntegrationHealth::Ok => "bg-emerald-100 text-emerald-900",
        IntegrationHealth::Delayed | IntegrationHealth::Pending => "bg-amber-100 text-amber-900",
        IntegrationHealth::Failing => "bg-red-100 text-red-900",
        IntegrationHealth::Paused | IntegrationHealth::NotConfigured => "bg-slate-200 text-slate-800",
    };
    let last_success =
        status.last_success_at.map_or("Never".to_owned(), |at| at.format("%Y-%m-%d %H:%M UTC").to_string());
    view! {
        <li class="rounded-xl border border-slate-200 bg-white p-5" data-platform=status.platform.as_str()>
            <div class="flex items-center justify-between gap-2">
                <h2 class="text-lg font-semibold">{status.platform.display_name()}</h2>
                <span class=format!("rounded-full px-2.5 py-0.5 text-xs font-semibold {badge}") data-testid="health">
                    {status.health.label()}
                </span>
            </div>
            <p class="mt-1 text-sm text-slate-600">{status.platform.purpose()}</p>
            <dl class="mt-4 grid grid-cols-2 gap-y-1 text-sm">
                <dt class="text-slate-500">"Last success"</dt><dd>{last_success}</dd>
                <dt class="text-slate-500">"Failures in a row"</dt><dd>{status.consecutive_failures}</dd>
            </dl>
            {status.last_error.map(|e| view! { <p class="mt-3 rounded bg-red-50 p-2 text-sm text-red-900">{e}</p> })}
            {status.paused_reason.map(|r| view! { <p class="mt-3 rounded bg-slate-100 p-2 text-sm">{format!("Paused: {r}")}</p> })}
        </li>
    }
}
