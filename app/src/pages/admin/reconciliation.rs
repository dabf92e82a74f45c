//! Kill Bill reconciliation: our totals and Kill Bill's side by side, drift
//! counts, and the drifting accounts in a drill-down.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use super::format::at_with_relative;
use crate::model::reconciliation::{Reconciliation, ReconciliationState};

/// The reconciliation section.
#[component]
pub fn ReconciliationPanel(state: ReconciliationState, now: DateTime<Utc>) -> impl IntoView {
    let body = match state {
        ReconciliationState::NotConfigured => {
            view! { <p class="mt-2 text-sm text-slate-600">"Kill Bill has no settings, so there is nothing to compare."</p> }
                .into_any()
        }
        ReconciliationState::Unavailable { reason, detail } => view! {
            <p class="mt-2 text-sm text-slate-600" data-testid="reconciliation-unavailable">{reason}</p>
            {detail.map(|detail| view! {
                <details class="mt-1">
                    <summary class="cursor-pointer text-xs text-slate-500 hover:underline">"Technical detail"</summary>
                    <pre class="mt-1 max-h-40 overflow-auto whitespace-pre-wrap break-words rounded bg-slate-50 p-2 font-mono text-xs text-slate-700">{detail}</pre>
                </details>
            })}
        }
        .into_any(),
        ReconciliationState::Ready { report } => view! { <Report report now /> }.into_any(),
    };
    view! {
        <section class="mt-8 rounded-xl border border-slate-200 bg-white p-5 shadow-sm" aria-labelledby="reconciliation-heading" data-testid="reconciliation">
            <h2 id="reconciliation-heading" class="font-semibold">"Kill Bill reconciliation"</h2>
            {body}
        </section>
    }
}

#[component]
fn Report(report: Reconciliation, now: DateTime<Utc>) -> impl IntoView {
    let drifting = report.drifting_accounts();
    let summary = if drifting == 0 {
        format!("All {} accounts agree.", report.accounts_checked)
    } else {
        format!("{drifting} of {} accounts drift.", report.accounts_checked)
    };
    view! {
        <p class="mt-1 text-sm text-slate-600">
            {format!("Checked {}. {summary}", at_with_relative(Some(report.checked_at), now, ""))}
        </p>
        <div class="mt-4 grid gap-4 lg:grid-cols-[2fr_1fr]">
            <table class="w-full text-sm" data-testid="reconciliation-totals">
                <thead class="text-left text-slate-500">
                    <tr><th class="py-1 font-medium">"Total"</th><th class="py-1 text-right font-medium">"Ours"</th><th class="py-1 text-right font-medium">"Kill Bill"</th><th class="py-1"><span class="sr-only">"Agreement"</span></th></tr>
                </thead>
                <tbody class="divide-y divide-slate-100">
                    {report.totals.into_iter().map(|t| {
                        let ok = t.matches();
                        view! {
                            <tr data-matches=ok.to_string()>
                                <td class="py-1.5">{t.label}</td>
                                <td class="py-1.5 text-right tabular-nums">{t.ours.to_string()}</td>
                                <td class=format!("py-1.5 text-right tabular-nums {}", if ok { "" } else { "font-semibold text-red-700" })>{t.killbill.to_string()}</td>
                                <td class="py-1.5 pl-2 text-right">{if ok { "✓" } else { "≠" }}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <ul class="space-y-1 text-sm" data-testid="drift-counts">
                {report.drift.into_iter().map(|d| view! {
                    <li class="flex justify-between rounded-md bg-slate-50 px-3 py-1.5">
                        <span>{d.label}</span>
                        <span class=format!("font-semibold tabular-nums {}", if d.accounts > 0 { "text-red-700" } else { "text-slate-900" })>{d.accounts}</span>
                    </li>
                }).collect_view()}
            </ul>
        </div>
        {(!report.drifting.is_empty()).then(|| view! {
            <details class="mt-4" data-testid="drifting-accounts">
                <summary class="cursor-pointer text-sm font-medium text-emerald-800 hover:underline">{format!("Show the {drifting} drifting accounts")}</summary>
                <div class="mt-2 overflow-x-auto">
                    <table class="min-w-full text-sm">
                        <thead class="bg-slate-50 text-left text-slate-500">
                            <tr><th class="px-3 py-2 font-medium">"Account"</th><th class="px-3 py-2 font-medium">"What differs"</th><th class="px-3 py-2 font-medium">"Ours → Kill Bill"</th></tr>
                        </thead>
                        <tbody class="divide-y divide-slate-100">
                            {report.drifting.into_iter().map(|a| view! {
                                <tr>
                                    <td class="px-3 py-2"><div>{a.name}</div><div class="font-mono text-xs text-slate-500">{a.external_key}</div></td>
                                    <td class="px-3 py-2">{a.issue}</td>
                                    <td class="px-3 py-2">
                                        {a.amounts.into_iter().map(|(label, ours, theirs)| view! {
                                            <div class="tabular-nums">{format!("{label}: {ours} → {}", theirs.map_or("missing".to_owned(), |m| m.to_string()))}</div>
                                        }).collect_view()}
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </details>
        })}
    }
}
