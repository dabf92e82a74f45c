//! The sections of the ticket page around its details: who handles it and what kind of
//! problem it is, its photos and documents, the conversation, and the status history.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::model::maintenance::{CategoryRef, StatusChange, TicketCommentView, TicketFileView};
use crate::model::maintenance_request::SendState;

/// A time as the ticket page writes it.
pub fn when(at: DateTime<Utc>) -> String {
    at.format("%-d %B %Y, %H:%M UTC").to_string()
}

/// A size in bytes, in words.
fn human_size(bytes: i32) -> String {
    let bytes = f64::from(bytes.max(0));
    match bytes {
        b if b >= 1024.0 * 1024.0 => format!("{:.1} MB", b / (1024.0 * 1024.0)),
        b if b >= 1024.0 => format!("{:.0} KB", b / 1024.0),
        b => format!("{b} bytes"),
    }
}

/// Who handles the ticket, its category and why its status is what it is.
#[component]
pub fn PeopleSection(
    assignee: Option<String>,
    executor: Option<String>,
    category: Option<CategoryRef>,
    status_reason: Option<String>,
) -> impl IntoView {
    let unknown = || "Not assigned".to_owned();
    let category = category.map(|c| if c.label.is_empty() { "Classified in Condo".to_owned() } else { c.label });
    view! {
        <section class="rounded-xl border border-slate-200 bg-white p-5">
            <h2 class="font-semibold">"Handling"</h2>
            <dl class="mt-2 grid grid-cols-2 gap-1 text-sm">
                <dt class="text-slate-600">"Responsible"</dt>
                <dd data-testid="ticket-assignee">{assignee.unwrap_or_else(unknown)}</dd>
                <dt class="text-slate-600">"Carried out by"</dt>
                <dd data-testid="ticket-executor">{executor.unwrap_or_else(unknown)}</dd>
                <dt class="text-slate-600">"Category"</dt>
                <dd data-testid="ticket-category">{category.unwrap_or_else(|| "None".to_owned())}</dd>
                {status_reason.map(|reason| view! {
                    <dt class="text-slate-600">"Status reason"</dt>
                    <dd data-testid="ticket-status-reason">{reason}</dd>
                })}
            </dl>
        </section>
    }
}

/// Photos as thumbnails linking to the full image, other files as links, and files too large
/// to keep here by name.
#[component]
pub fn FilesSection(files: Vec<TicketFileView>) -> impl IntoView {
    if files.is_empty() {
        return view! {
            <section class="mt-6 rounded-xl border border-slate-200 bg-white p-5">
                <h2 class="font-semibold">"Photos and documents"</h2>
                <p class="mt-2 text-sm text-slate-600">"None were added."</p>
            </section>
        }
        .into_any();
    }
    let (photos, others): (Vec<_>, Vec<_>) = files.into_iter().partition(|f| f.is_image);
    let (any_photo, any_other) = (!photos.is_empty(), !others.is_empty());
    let photos = photos
        .into_iter()
        .filter_map(|f| {
            let url = f.url?;
            let full = url.clone();
            Some(view! {
                <li>
                    <a href=full target="_blank" rel="noopener" class="block overflow-hidden rounded-lg border border-slate-200 hover:shadow-md focus:outline-none focus-visible:ring-2 focus-visible:ring-emerald-600" title=f.name.clone()>
                        <img src=url alt=f.name.clone() loading="lazy" class="aspect-square w-full bg-slate-100 object-cover" data-testid="ticket-photo" />
                    </a>
                    <p class="mt-1 truncate text-xs text-slate-600">{f.name}</p>
                </li>
            })
        })
        .collect_view();
    let others = others
        .into_iter()
        .map(|f| {
            let size = human_size(f.size_bytes);
            let kept = if f.url.is_some() { "" } else { ", too large to keep here" };
            let name = match f.url {
                Some(url) => {
                    view! { <a href=url class="text-emerald-800 underline" data-testid="ticket-file">{f.name}</a> }
                        .into_any()
                }
                None => view! { <span data-testid="ticket-file-not-kept">{f.name}</span> }.into_any(),
            };
            let kind = f.content_type.split('/').next().unwrap_or_default();
            let note = if ["image", "video", "audio"].contains(&kind) { kind } else { "document" };
            view! {
                <li class="flex flex-wrap items-baseline justify-between gap-2 px-4 py-2 text-sm">
                    <span>{name}</span>
                    <span class="text-slate-600">{format!("{note}, {size}{kept}")}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="mt-6 rounded-xl border border-slate-200 bg-white p-5" data-testid="ticket-files">
            <h2 class="font-semibold">"Photos and documents"</h2>
            {any_photo.then(|| view! { <ul class="mt-3 grid grid-cols-2 gap-3 sm:grid-cols-4">{photos}</ul> })}
            {any_other.then(|| view! { <ul class="mt-3 divide-y divide-slate-200 rounded-lg border border-slate-200">{others}</ul> })}
        </section>
    }
    .into_any()
}

/// The conversation, oldest first; staff see which comments the tenant sees.
#[component]
pub fn CommentsSection(comments: Vec<TicketCommentView>, marked: bool) -> impl IntoView {
    let body = if comments.is_empty() {
        view! { <p class="mt-2 text-sm text-slate-600">"No comments yet."</p> }.into_any()
    } else {
        let items = comments
            .into_iter()
            .map(|c| {
                let badge = marked.then(|| {
                    if c.for_residents {
                        view! { <span class="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-900">"Visible to the tenant"</span> }
                    } else {
                        view! { <span class="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900">"Internal"</span> }
                    }
                });
                let kind = if c.for_residents { "tenant" } else { "internal" };
                let sending = c.sending.and_then(|s| match s.state {
                    SendState::Waiting => Some(view! { <span class="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700" data-testid="comment-sending">"Waiting for Condo"</span> }.into_any()),
                    SendState::Refused => {
                        let why = format!("Not sent: {}", s.reason.unwrap_or_else(|| "refused by Condo".into()));
                        Some(view! { <span class="rounded-full bg-red-100 px-2 py-0.5 text-xs font-medium text-red-900" data-testid="comment-sending">{why}</span> }.into_any())
                    }
                    SendState::Sent => None,
                });
                view! {
                    <li class="px-4 py-3" data-testid="ticket-comment" data-visibility=kind>
                        <div class="flex flex-wrap items-center gap-2 text-sm">
                            <span class="font-medium">{c.author.unwrap_or_else(|| "Someone".to_owned())}</span>
                            <span class="text-slate-600">{when(c.at)}</span>
                            {badge}
                            {sending}
                        </div>
                        <p class="mt-1 whitespace-pre-line text-slate-800">{c.content}</p>
                    </li>
                }
            })
            .collect_view();
        view! { <ol class="mt-3 divide-y divide-slate-200 rounded-lg border border-slate-200">{items}</ol> }.into_any()
    };
    view! {
        <section class="mt-6 rounded-xl border border-slate-200 bg-white p-5" data-testid="ticket-comments">
            <h2 class="font-semibold">"Comments"</h2>
            {body}
        </section>
    }
}

/// Each status the ticket went through, with who changed it, why and when.
#[component]
pub fn HistorySection(history: Vec<StatusChange>) -> impl IntoView {
    let entries = history
        .into_iter()
        .map(|h| {
            let at = DateTime::parse_from_rfc3339(&h.at).map(|t| when(t.with_timezone(&Utc))).unwrap_or(h.at.clone());
            let from = h.from.map(|f| format!("from {}", f.label()));
            let by = h.by.map(|b| format!("by {b}"));
            let said = [from, by].into_iter().flatten().collect::<Vec<_>>().join(", ");
            view! {
                <li class="px-4 py-2 text-sm" data-testid="history-entry">
                    <div class="flex flex-wrap justify-between gap-2">
                        <span><span class="font-medium">{h.label}</span>
                            {(!said.is_empty()).then(|| view! { <span class="text-slate-600">{format!(" ({said})")}</span> })}
                        </span>
                        <span class="text-slate-600">{at}</span>
                    </div>
                    {h.reason.map(|r| view! { <p class="mt-1 text-slate-700">{format!("Reason: {r}")}</p> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <h2 class="mt-6 text-lg font-semibold">"Status history"</h2>
        <ol class="mt-2 divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white" data-testid="status-history">{entries}</ol>
    }
}

#[cfg(test)]
mod tests {
    use super::human_size;

    #[test]
    fn sizes_read_in_words() {
        assert_eq!(human_size(512), "512 bytes");
        assert_eq!(human_size(2048), "2 KB");
        assert_eq!(human_size(3 * 1024 * 1024 + 200_000), "3.2 MB");
    }
}
