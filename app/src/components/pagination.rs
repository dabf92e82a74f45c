//! Page links with counts; plain links, so they work before hydration and
//! give shareable URLs.

use leptos::prelude::*;
use leptos_router::components::A;

/// "Showing 13–24 of 40" with previous/next and numbered page links.
#[component]
pub fn Pagination(
    /// Current 1-based page.
    page: u32,
    /// Items per page.
    per_page: u32,
    /// Total items.
    total: i64,
    /// Builds the link of a page number.
    href: impl Fn(u32) -> String + 'static,
) -> impl IntoView {
    let pages = u32::try_from(((total + i64::from(per_page) - 1) / i64::from(per_page)).max(1)).unwrap_or(1);
    let first = i64::from(page - 1) * i64::from(per_page) + 1;
    let last = (i64::from(page) * i64::from(per_page)).min(total);
    let summary = if total == 0 {
        "No results".to_owned()
    } else if first > total {
        format!("Page {page} is past the last page ({pages}); {total} results in all")
    } else {
        format!("Showing {first}–{last} of {total}")
    };
    let numbers: Vec<u32> = (1..=pages).filter(|n| *n == 1 || *n == pages || n.abs_diff(page) <= 2).collect();
    let base = "rounded-md border px-3 py-1.5 text-sm";
    let links = numbers
        .into_iter()
        .map(|n| {
            let current = n == page;
            let class = if current {
                format!("{base} border-emerald-700 bg-emerald-700 text-white")
            } else {
                format!("{base} border-slate-300 bg-white hover:bg-slate-100")
            };
            view! { <A href=href(n) attr:class=class attr:aria-current=current.then_some("page")>{n}</A> }
        })
        .collect_view();
    let prev = (page > 1).then(|| view! { <A href=href(page - 1) attr:class=format!("{base} border-slate-300 bg-white") attr:rel="prev">"← Previous"</A> });
    let next = (page < pages).then(|| view! { <A href=href(page + 1) attr:class=format!("{base} border-slate-300 bg-white") attr:rel="next">"Next →"</A> });
    view! {
        <nav aria-label="Pagination" class="mt-8 flex flex-col items-center gap-3 sm:flex-row sm:justify-between">
            <p class="text-sm text-slate-600" data-testid="result-count">{summary}</p>
            <div class="flex flex-wrap items-center gap-1">{prev}{links}{next}</div>
        </nav>
    }
}
