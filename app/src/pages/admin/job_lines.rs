//! The lines under an integration card for its other jobs (the Kill Bill
//! reconciliation, webhook processing): what each does, its last run, its
//! next one, and "run now" / "resume".

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use super::format::{at, relative};
use super::integration_card::{BUTTON, Controls};
use crate::model::system_status::{Activity, JobLine, RunSummary, format_duration};

/// How a run was started, in words.
fn trigger_words(trigger: &str) -> &str {
    match trigger {
        "schedule" => "on schedule",
        "manual" => "by hand",
        "cli" => "from the command line",
        "webhook" => "on a delivery",
        "follow_up" => "asked by another job",
        "outbox" => "to send what was written here",
        other => other,
    }
}

/// "Succeeded 3 min ago on a delivery · 4 in, 4 out · took 120 ms".
fn last_run_words(run: &RunSummary, now: DateTime<Utc>) -> String {
    let outcome = if run.succeeded { "Succeeded" } else { "Failed" };
    let mut counts = format!("{} in, {} out", run.records_in, run.records_out);
    if run.records_failed > 0 {
        counts.push_str(&format!(", {} failed", run.records_failed));
    }
    let took = run.duration_ms.map_or(String::new(), |ms| format!(" · took {}", format_duration(ms)));
    format!("{outcome} {} {} · {counts}{took}", relative(run.started_at, now), trigger_words(&run.trigger))
}

/// The state pill of a line: what an admin should notice first.
fn state_of(line: &JobLine) -> (&'static str, &'static str, &'static str) {
    match (line.configured, &line.paused_reason, line.activity, &line.last_run) {
        (false, _, _, _) => ("Not configured", "not_configured", "bg-slate-100 text-slate-700"),
        (_, Some(_), _, _) => ("Paused", "paused", "bg-slate-100 text-slate-700"),
        (_, _, Activity::Running { .. }, _) => ("Running", "running", "bg-sky-100 text-sky-900"),
        (_, _, Activity::Queued, _) => ("Queued", "queued", "bg-sky-100 text-sky-900"),
        (_, _, _, Some(run)) if !run.succeeded => ("Failing", "failing", "bg-red-100 text-red-900"),
        (_, _, _, Some(_)) => ("OK", "ok", "bg-emerald-100 text-emerald-900"),
        (_, _, _, None) => ("No run yet", "pending", "bg-slate-100 text-slate-700"),
    }
}

/// A list of job lines under a small heading (a platform's other jobs, or our own).
#[component]
pub fn JobLines(
    lines: Vec<JobLine>,
    now: DateTime<Utc>,
    controls: Controls,
    #[prop(default = "Other jobs")] title: &'static str,
) -> impl IntoView {
    if lines.is_empty() {
        return ().into_any();
    }
    view! {
        <section class="mt-4 border-t border-slate-100 pt-3" aria-label=title>
            <h4 class="text-xs font-semibold uppercase tracking-wide text-slate-500">{title}</h4>
            <ul class="mt-2 space-y-3">
                {lines.into_iter().map(|line| view! { <JobLineView line now controls /> }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

#[component]
fn JobLineView(line: JobLine, now: DateTime<Utc>, controls: Controls) -> impl IntoView {
    let (state, state_key, tone) = state_of(&line);
    let job = line.job;
    let last = line.last_run.as_ref().map_or_else(|| "No run yet".to_owned(), |run| last_run_words(run, now));
    let next = match (line.next_run_at, &line.paused_reason) {
        (_, Some(_)) => "Paused".to_owned(),
        (Some(next), None) => format!("{} ({})", at(next), relative(next, now)),
        (None, None) => "Not planned".to_owned(),
    };
    let can_run = line.configured && line.paused_reason.is_none() && line.activity == Activity::Idle;
    let pending = controls.run_job.pending();
    view! {
        <li class="rounded-lg border border-slate-200 p-3" data-job=job.as_str() data-state=state_key>
            <div class="flex items-start justify-between gap-2">
                <div>
                    <p class="text-sm font-semibold text-slate-900">{job.display_name()}</p>
                    <p class="text-xs text-slate-600">{job.purpose()}</p>
                </div>
                <span class=format!("shrink-0 rounded-full px-2 py-0.5 text-xs font-semibold {tone}") data-testid="job-state">{state}</span>
            </div>
            <dl class="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-xs">
                <dt class="text-slate-500">"Last run"</dt>
                <dd data-testid="job-last-run">{last}</dd>
                <dt class="text-slate-500">"Schedule"</dt>
                <dd>{format!("{} · next: {next}", line.schedule)}</dd>
            </dl>
            {line.error.map(|error| view! {
                <details class="mt-2 rounded border border-red-200 bg-red-50 p-2 text-xs text-red-900" data-testid="job-error">
                    <summary class="cursor-pointer font-semibold">{error.message}</summary>
                    {error.detail.map(|detail| view! {
                        <pre class="mt-1 max-h-32 overflow-auto whitespace-pre-wrap break-words font-mono">{detail}</pre>
                    })}
                </details>
            })}
            {line.paused_reason.clone().map(|reason| view! {
                <p class="mt-2 text-xs text-slate-700" data-testid="job-paused-reason">
                    <span class="font-semibold">"Paused: "</span>{reason}
                </p>
            })}
            <div class="mt-2 flex gap-2">
                {if line.paused_reason.is_some() {
                    view! {
                        <ActionForm action=controls.resume_job>
                            <input type="hidden" name="job" value=job.as_str() />
                            <button type="submit" class=format!("{BUTTON} border border-slate-300 bg-white text-slate-800 hover:bg-slate-50") data-testid="job-resume">"Resume"</button>
                        </ActionForm>
                    }.into_any()
                } else {
                    view! {
                        <ActionForm action=controls.run_job>
                            <input type="hidden" name="job" value=job.as_str() />
                            <button type="submit" class=format!("{BUTTON} border border-emerald-700 bg-white text-emerald-800 hover:bg-emerald-50") disabled=move || !can_run || pending.get() data-testid="job-run-now">"Run now"</button>
                        </ActionForm>
                    }.into_any()
                }}
            </div>
        </li>
    }
}
