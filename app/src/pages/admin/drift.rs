//! The drifting invoices under the reconciliation: each with ours, Kill
//! Bill's and the exact difference, and the two ways out as explicit actions
//! behind a confirmation (a disclosure that says what will be done, then the
//! button). Forms that work without JavaScript, like the quarantine's.

use leptos::prelude::*;

use crate::api::killbill_drift::{AcceptKillbillFigure, ReassertOurFigure, list_killbill_drift};
use crate::domain::Money;
use crate::model::AppError;
use crate::model::killbill_drift::{DriftResolved, InvoiceDrift, Way};

/// The drifting invoices section of the admin panel.
#[component]
pub fn DriftPanel() -> impl IntoView {
    let accept = ServerAction::<AcceptKillbillFigure>::new();
    let reassert = ServerAction::<ReassertOurFigure>::new();
    let drift = Resource::new(move || (accept.version().get(), reassert.version().get()), |_| list_killbill_drift());
    let outcome = move || {
        let last = |v: Option<Result<DriftResolved, AppError>>| v.map(|r| r.map(|d| d.done).map_err(|e| e.to_string()));
        last(accept.value().get()).or_else(|| last(reassert.value().get()))
    };
    view! {
        <section class="mt-8 rounded-xl border border-slate-200 bg-white p-5 shadow-sm" aria-labelledby="drift-heading" data-testid="drift">
            <h2 id="drift-heading" class="font-semibold">"Invoices Kill Bill changed"</h2>
            <p class="text-sm text-slate-600">
                "An invoice whose copy in Kill Bill differs from ours (adjusted in Kaui, say) is never overwritten on its own. Accept Kill Bill's figure into our ledger as a credit note, or re-assert ours in Kill Bill; both are recorded in the audit log."
            </p>
            {move || outcome().map(|result| match result {
                Ok(done) => view! { <p role="status" class="mt-3 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900" data-testid="drift-done">{done}</p> }.into_any(),
                Err(message) => view! { <p role="alert" class="mt-3 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900" data-testid="drift-error">{message}</p> }.into_any(),
            })}
            <Transition fallback=|| view! { <p class="mt-3 text-sm text-slate-500">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match drift.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="mt-3 text-sm text-slate-600" data-testid="drift-empty">"No invoice differs from its Kill Bill copy."</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <ul class="mt-3 divide-y divide-slate-100 rounded-lg border border-slate-200">
                                {list.into_iter().map(|d| view! { <Row drift=d accept reassert /> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(err) => view! { <p class="mt-3 text-sm text-red-800">{err.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

fn money(minor: Option<i64>, currency: &str) -> String {
    minor.map_or("-".to_owned(), |m| Money::from_parts(m, currency).map_or(m.to_string(), |m| m.to_string()))
}

#[component]
fn Row(
    drift: InvoiceDrift,
    accept: ServerAction<AcceptKillbillFigure>,
    reassert: ServerAction<ReassertOurFigure>,
) -> impl IntoView {
    let c = drift.currency.clone();
    let figures = match drift.kind.as_str() {
        "amount_mismatch" => format!(
            "Ours {} · Kill Bill {} · difference {}",
            money(drift.local_minor, &c),
            money(drift.killbill_minor, &c),
            money(drift.difference_minor, &c)
        ),
        _ => format!(
            "Ours {} · Kill Bill {}",
            drift.local_status.clone().unwrap_or_default(),
            drift.killbill_status.clone().unwrap_or_else(|| "missing".into())
        ),
    };
    let found = format!("found by the {} on {}", drift.found_by, drift.first_seen_at.format("%-d %b %Y %H:%M UTC"));
    let fields = (drift.invoice_id.to_string(), drift.local_minor.unwrap_or(0), drift.killbill_minor.unwrap_or(0));
    let (f1, f2) = (fields.clone(), fields);
    view! {
        <li class="px-4 py-3 text-sm" data-testid="drifting-invoice" data-invoice=drift.invoice_id.to_string() data-kind=drift.kind.clone()>
            <p class="font-medium">{format!("Invoice {}", drift.invoice_number)}<span class="font-normal text-slate-500">{format!(" · {}", drift.tenant_name)}</span></p>
            <p class="mt-0.5 tabular-nums" data-testid="drift-figures">{figures}</p>
            <p class="mt-0.5 text-xs text-slate-500">{format!("{} · {found}", drift.detail)}</p>
            <div class="mt-2 grid gap-2 sm:grid-cols-2">
                <Choice way=drift.accept.clone() title="Accept Kill Bill's figure">
                    <ActionForm action=accept>
                        <Hidden fields=f1 />
                        <button type="submit" class=CONFIRM>"Yes, record it in our ledger"</button>
                    </ActionForm>
                </Choice>
                <Choice way=drift.reassert.clone() title="Re-assert ours">
                    <ActionForm action=reassert>
                        <Hidden fields=f2 />
                        <button type="submit" class=CONFIRM>"Yes, send ours to Kill Bill"</button>
                    </ActionForm>
                </Choice>
            </div>
        </li>
    }
}

const CONFIRM: &str =
    "mt-2 rounded-md border border-slate-300 px-2.5 py-1 text-xs font-semibold text-slate-700 hover:bg-slate-50";

/// One way out: offered, it opens to say what it does, then the button;
/// otherwise why not.
#[component]
fn Choice(way: Way, title: &'static str, children: Children) -> impl IntoView {
    if way.offered {
        view! {
            <details class="rounded-md border border-slate-200 px-3 py-2" data-testid="drift-way">
                <summary class="cursor-pointer text-xs font-semibold text-emerald-800 hover:underline">{title}"…"</summary>
                <p class="mt-1 text-xs text-slate-600">{way.says}</p>
                {children()}
            </details>
        }
        .into_any()
    } else {
        view! {
            <div class="rounded-md bg-slate-50 px-3 py-2" data-testid="drift-way-closed">
                <p class="text-xs font-semibold text-slate-500">{title}</p>
                <p class="mt-1 text-xs text-slate-500">{way.says}</p>
            </div>
        }
        .into_any()
    }
}

#[component]
fn Hidden(fields: (String, i64, i64)) -> impl IntoView {
    view! {
        <input type="hidden" name="invoice_id" value=fields.0 />
        <input type="hidden" name="local_minor" value=fields.1.to_string() />
        <input type="hidden" name="killbill_minor" value=fields.2.to_string() />
    }
}
