//! One integration card: health and activity, the last run and its counts,
//! the error in plain words (technical detail folded), the history chart,
//! the platform's other jobs, and the sync now / pause / resume buttons.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use super::format::{at, at_with_relative, relative};
use super::job_lines::JobLines;
use crate::api::system_status::{PauseIntegration, RequestSyncNow, ResumeIntegration, ResumeJob, RunJobNow};
use crate::domain::Platform;
use crate::model::AppError;
use crate::model::system_status::IntegrationHealth;
use crate::model::system_status::{Activity, IntegrationCard, RunSummary, format_duration};

/// Badge colours of a health state.
fn badge(health: IntegrationHealth) -> &'static str {
    match health {
        IntegrationHealth::Ok => "bg-emerald-100 text-emerald-900 ring-emerald-600/20",
        IntegrationHealth::Delayed | IntegrationHealth::Pending => "bg-amber-100 text-amber-900 ring-amber-600/20",
        IntegrationHealth::Failing => "bg-red-100 text-red-900 ring-red-600/20",
        IntegrationHealth::Paused | IntegrationHealth::NotConfigured => "bg-slate-100 text-slate-700 ring-slate-500/20",
    }
}

/// The coloured stripe at the top of a card.
fn stripe(health: IntegrationHealth) -> &'static str {
    match health {
        IntegrationHealth::Ok => "bg-emerald-500",
        IntegrationHealth::Delayed | IntegrationHealth::Pending => "bg-amber-400",
        IntegrationHealth::Failing => "bg-red-500",
        IntegrationHealth::Paused | IntegrationHealth::NotConfigured => "bg-slate-300",
    }
}

/// Machine-readable health, for tests and styling hooks.
fn health_key(health: IntegrationHealth) -> &'static str {
    match health {
        IntegrationHealth::NotConfigured => "not_configured",
        IntegrationHealth::Pending => "pending",
        IntegrationHealth::Ok => "ok",
        IntegrationHealth::Delayed => "delayed",
        IntegrationHealth::Failing => "failing",
        IntegrationHealth::Paused => "paused",
    }
}

/// An integration card.
#[component]
pub fn IntegrationCardView(card: IntegrationCard, now: DateTime<Utc>, controls: Controls) -> impl IntoView {
    let platform = card.platform;
    let activity = match card.activity {
        Activity::Idle => None,
        Activity::Queued => Some(("Queued", "queued".to_owned())),
        Activity::Running { since } => Some(("Running", format!("since {}", since.format("%H:%M:%S UTC")))),
    };
    let activity_key = match card.activity {
        Activity::Idle => "idle",
        Activity::Queued => "queued",
        Activity::Running { .. } => "running",
    };
    let next_run = card.next_run_at.map_or_else(
        || if card.health == IntegrationHealth::Paused { "Paused".to_owned() } else { "Not planned".to_owned() },
        |n| format!("{} ({})", at(n), relative(n, now)),
    );
    let chart_id = format!("chart-{}", platform.as_str());
    view! {
        <li class="flex flex-col overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm" data-platform=platform.as_str() data-health=health_key(card.health) data-activity=activity_key>
            <div class=format!("h-1.5 {}", stripe(card.health)) aria-hidden="true"></div>
            <div class="flex flex-1 flex-col p-5">
                <div class="flex items-start justify-between gap-2">
                    <div>
                        <h3 class="text-lg font-semibold">{platform.display_name()}</h3>
                        <p class="text-sm text-slate-600">{platform.purpose()}</p>
                    </div>
                    <span class=format!("shrink-0 rounded-full px-2.5 py-0.5 text-xs font-semibold ring-1 ring-inset {}", badge(card.health)) data-testid="health">
                        {card.health.label()}
                    </span>
                </div>
                {activity.map(|(label, detail)| view! {
                    <p class="mt-3 flex items-center gap-2 rounded-md bg-sky-50 px-3 py-2 text-sm text-sky-900" data-testid="activity" role="status">
                        <span class="h-3 w-3 animate-spin rounded-full border-2 border-sky-600 border-t-transparent" aria-hidden="true"></span>
                        <span class="font-semibold">{label}</span>
                        <span class="text-sky-700">{detail}</span>
                    </p>
                })}
                <dl class="mt-4 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
                    <dt class="text-slate-500">"Last success"</dt>
                    <dd data-testid="last-success">{at_with_relative(card.last_success_at, now, "Never")}</dd>
                    <dt class="text-slate-500">"Schedule"</dt>
                    <dd>{format!("{} · fresh within {} h", card.schedule, card.freshness_hours)}</dd>
                    <dt class="text-slate-500">"Next run"</dt>
                    <dd data-testid="next-run">{next_run}</dd>
                    <dt class="text-slate-500">"Failures in a row"</dt>
                    <dd>{card.consecutive_failures}</dd>
                </dl>
                {card.last_run.map(|run| view! { <LastRun run now /> })}
                {card.error.map(|error| view! {
                    <div class="mt-4 rounded-lg border border-red-200 bg-red-50 p-3 text-sm text-red-900" data-testid="error">
                        <p class="font-semibold" data-testid="error-message">{error.message}</p>
                        {error.detail.map(|detail| view! {
                            <details class="mt-2">
                                <summary class="cursor-pointer text-xs font-medium text-red-800 hover:underline">"Technical detail"</summary>
                                <pre class="mt-2 max-h-48 overflow-auto whitespace-pre-wrap break-words rounded bg-white/70 p-2 font-mono text-xs text-red-950">{detail}</pre>
                            </details>
                        })}
                    </div>
                })}
                {card.paused_reason.map(|reason| view! {
                    <p class="mt-4 rounded-lg border border-slate-200 bg-slate-50 p-3 text-sm text-slate-800" data-testid="paused-reason">
                        <span class="font-semibold">"Paused: "</span>{reason}
                    </p>
                })}
                <figure class="mt-4" data-testid="history">
                    <div id=chart_id inner_html=card.history_svg></div>
                    <figcaption class="mt-1 flex flex-wrap gap-x-3 gap-y-1 text-xs text-slate-500">
                        <span class="flex items-center gap-1"><span class="inline-block h-2.5 w-2.5 rounded-sm bg-emerald-500" aria-hidden="true"></span>"Duration"</span>
                        <span class="flex items-center gap-1"><span class="inline-block h-2.5 w-2.5 rounded-sm bg-red-600" aria-hidden="true"></span>"Failed run"</span>
                        <span class="flex items-center gap-1"><span class="inline-block h-0.5 w-3 bg-sky-700" aria-hidden="true"></span>"Records read"</span>
                    </figcaption>
                </figure>
                <JobLines lines=card.jobs now controls />
                <CardActions platform health=card.health activity=card.activity controls />
            </div>
        </li>
    }
}

/// The last finished run: when, how long, and its counts.
#[component]
fn LastRun(run: RunSummary, now: DateTime<Utc>) -> impl IntoView {
    let outcome = if run.succeeded { "succeeded" } else { "failed" };
    let duration = run.duration_ms.map_or("—".to_owned(), format_duration);
    let stat = |label: &'static str, value: i32, key: &'static str, tone: &'static str| {
        view! {
            <div class="rounded-md bg-slate-50 px-2 py-1.5 text-center" data-count=key>
                <dt class="text-[11px] uppercase tracking-wide text-slate-500">{label}</dt>
                <dd class=format!("text-base font-semibold tabular-nums {tone}")>{value}</dd>
            </div>
        }
    };
    let failed_tone = if run.records_failed > 0 { "text-red-700" } else { "text-slate-900" };
    view! {
        <div class="mt-4 border-t border-slate-100 pt-3" data-testid="last-run">
            <p class="text-sm text-slate-600">
                {format!("Last run {} {} · {} · took {}", outcome, relative(run.started_at, now), run.trigger, duration)}
            </p>
            <dl class="mt-2 grid grid-cols-4 gap-2" data-testid="counts">
                {stat("In", run.records_in, "in", "text-slate-900")}
                {stat("Out", run.records_out, "out", "text-slate-900")}
                {stat("Failed", run.records_failed, "failed", failed_tone)}
                {stat("Skipped", run.records_skipped, "skipped", "text-slate-900")}
            </dl>
        </div>
    }
}

/// The scheduler's controls, shared by every card (created once by the panel,
/// so a redraw of a card never drops a request in flight).
#[derive(Clone, Copy)]
pub struct Controls {
    pub sync_now: ServerAction<RequestSyncNow>,
    pub pause: ServerAction<PauseIntegration>,
    pub resume: ServerAction<ResumeIntegration>,
    pub run_job: ServerAction<RunJobNow>,
    pub resume_job: ServerAction<ResumeJob>,
}

impl Controls {
    /// The controls, each a form that also works without JavaScript.
    pub fn new() -> Self {
        Self {
            sync_now: ServerAction::new(),
            pause: ServerAction::new(),
            resume: ServerAction::new(),
            run_job: ServerAction::new(),
            resume_job: ServerAction::new(),
        }
    }

    /// The last refusal, if the latest use of a control failed.
    pub fn error(&self) -> Option<String> {
        fn failed<T>(value: Option<Result<T, AppError>>) -> Option<String> {
            value.and_then(Result::err).map(|e| e.to_string())
        }
        failed(self.sync_now.value().get())
            .or_else(|| failed(self.pause.value().get()))
            .or_else(|| failed(self.resume.value().get()))
            .or_else(|| failed(self.run_job.value().get()))
            .or_else(|| failed(self.resume_job.value().get()))
    }

    /// Each control's version, to refresh the panel when one finishes.
    pub fn versions(&self) -> Vec<Signal<usize>> {
        vec![
            self.sync_now.version().into(),
            self.pause.version().into(),
            self.resume.version().into(),
            self.run_job.version().into(),
            self.resume_job.version().into(),
        ]
    }
}

/// The classes every panel button shares.
pub const BUTTON: &str = "inline-flex items-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-semibold focus:outline-none focus-visible:ring-2 focus-visible:ring-emerald-600 focus-visible:ring-offset-2 disabled:cursor-not-allowed disabled:opacity-50";

/// Sync now, pause (with a reason) and resume.
#[component]
fn CardActions(platform: Platform, health: IntegrationHealth, activity: Activity, controls: Controls) -> impl IntoView {
    let configured = health != IntegrationHealth::NotConfigured;
    let paused = health == IntegrationHealth::Paused;
    let can_sync = configured && !paused && activity == Activity::Idle;
    let sync_title = match (configured, paused, activity) {
        (false, _, _) => "Not configured",
        (_, true, _) => "Resume it first",
        (_, _, Activity::Queued) => "A run is queued",
        (_, _, Activity::Running { .. }) => "A run is in progress",
        _ => "Queue a run now",
    };
    let pending = controls.sync_now.pending();
    view! {
        <div class="mt-4 flex flex-wrap items-start gap-2 border-t border-slate-100 pt-4">
            <ActionForm action=controls.sync_now>
                <input type="hidden" name="platform" value=platform.as_str() />
                <button type="submit" class=format!("{BUTTON} bg-emerald-700 text-white hover:bg-emerald-800") disabled=move || !can_sync || pending.get() title=sync_title data-testid="sync-now">
                    "Sync now"
                </button>
            </ActionForm>
            {if paused {
                view! {
                    <ActionForm action=controls.resume>
                        <input type="hidden" name="platform" value=platform.as_str() />
                        <button type="submit" class=format!("{BUTTON} border border-slate-300 bg-white text-slate-800 hover:bg-slate-50") data-testid="resume">"Resume"</button>
                    </ActionForm>
                }.into_any()
            } else if configured {
                view! {
                    <details class="group">
                        <summary class=format!("{BUTTON} cursor-pointer list-none border border-slate-300 bg-white text-slate-800 hover:bg-slate-50") data-testid="pause">"Pause…"</summary>
                        <ActionForm action=controls.pause>
                            <input type="hidden" name="platform" value=platform.as_str() />
                            <div class="mt-2 flex gap-2">
                                <label class="sr-only" for=format!("pause-reason-{}", platform.as_str())>"Why pause it?"</label>
                                <input id=format!("pause-reason-{}", platform.as_str()) type="text" name="reason" required maxlength="500" placeholder="Why? e.g. Condo maintenance window" class="w-56 rounded-md border border-slate-300 px-2 py-1.5 text-sm focus:border-emerald-600 focus:outline-none focus:ring-2 focus:ring-emerald-600/30" />
                                <button type="submit" class=format!("{BUTTON} bg-slate-800 text-white hover:bg-slate-900")>"Pause"</button>
                            </div>
                        </ActionForm>
                    </details>
                }.into_any()
            } else {
                ().into_any()
            }}
        </div>
    }
}
