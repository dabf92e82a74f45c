//! Records Kill Bill refused for good: held out of the mirror (which goes on
//! with everything else) until an admin retries or skips each.

use leptos::prelude::*;

use crate::api::quarantine::{RetryQuarantined, SkipQuarantined, list_quarantine};
use crate::model::quarantine::QuarantinedRecord;

/// The quarantine section of the admin panel.
#[component]
pub fn QuarantinePanel() -> impl IntoView {
    let retry = ServerAction::<RetryQuarantined>::new();
    let skip = ServerAction::<SkipQuarantined>::new();
    let records = Resource::new(move || (retry.version().get(), skip.version().get()), |_| list_quarantine());
    let error = move || {
        let failed = |v: Option<Result<(), crate::model::AppError>>| v.and_then(Result::err).map(|e| e.to_string());
        failed(retry.value().get()).or_else(|| failed(skip.value().get()))
    };
    view! {
        <section class="mt-8 rounded-xl border border-slate-200 bg-white p-5 shadow-sm" aria-labelledby="quarantine-heading" data-testid="quarantine">
            <h2 id="quarantine-heading" class="font-semibold">"Refused by Kill Bill"</h2>
            <p class="text-sm text-slate-600">
                "A record Kill Bill refuses for good is held here with its answer; the mirror goes on with every other record. Fix the record, then retry it; or skip it to leave it out of Kill Bill."
            </p>
            {move || error().map(|message| view! {
                <p role="alert" class="mt-3 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900">{message}</p>
            })}
            <Transition fallback=|| view! { <p class="mt-3 text-sm text-slate-500">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match records.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="mt-3 text-sm text-slate-600" data-testid="quarantine-empty">"Nothing is held back: Kill Bill took every record."</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <ul class="mt-3 divide-y divide-slate-100 rounded-lg border border-slate-200">
                                {list.into_iter().map(|r| view! { <Row record=r retry skip /> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(err) => view! { <p class="mt-3 text-sm text-red-800">{err.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Row(
    record: QuarantinedRecord,
    retry: ServerAction<RetryQuarantined>,
    skip: ServerAction<SkipQuarantined>,
) -> impl IntoView {
    let answer = match (record.http_status, record.code) {
        (Some(status), Some(code)) => format!("Kill Bill answered {status}, code {code}"),
        (Some(status), None) => format!("Kill Bill answered {status}"),
        _ => "Not sent".to_owned(),
    };
    let state = match record.state.as_str() {
        "retry" => "retried on the next run",
        "skipped" => "skipped",
        _ => "held",
    };
    let when = format!(
        "refused {} time{}, last on {}",
        record.attempts,
        if record.attempts == 1 { "" } else { "s" },
        record.last_refused_at.format("%-d %b %Y %H:%M UTC")
    );
    let held = record.state == "held";
    let (retry_id, skip_id) = (record.id.to_string(), record.id.to_string());
    let button =
        "rounded-md border border-slate-300 px-2.5 py-1 text-xs font-semibold text-slate-700 hover:bg-slate-50";
    view! {
        <li class="flex flex-wrap items-start justify-between gap-3 px-4 py-3 text-sm" data-state=record.state.clone() data-testid="quarantined">
            <div class="min-w-0 flex-1">
                <p class="font-medium">{record.label.clone()}<span class="font-normal text-slate-500">{format!(" · {}", record.tenant_name)}</span></p>
                <p class="mt-0.5 text-red-800">{record.message.clone()}</p>
                <p class="mt-0.5 text-xs text-slate-500">{format!("{answer} · {when} · {state}")}</p>
            </div>
            {held.then(move || view! {
                <div class="flex items-center gap-2">
                    <ActionForm action=retry>
                        <input type="hidden" name="id" value=retry_id.clone() />
                        <button type="submit" class=button>"Retry"</button>
                    </ActionForm>
                    <ActionForm action=skip>
                        <input type="hidden" name="id" value=skip_id.clone() />
                        <button type="submit" class=format!("{button} hover:border-red-300 hover:bg-red-50 hover:text-red-800")>"Skip"</button>
                    </ActionForm>
                </div>
            })}
        </li>
    }
}
