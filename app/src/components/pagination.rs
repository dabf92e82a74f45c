//! Page links with counts; plain links, so they work before hydration and
//! give shareable URLs. Once hydrated, the router follows them in place.
//!
//! They are `<a>`, not the router's `<A>`: `<A>` marks every link to the
//! current path as `aria-current="page"`, and all page links share the path
//! (they differ only in the query), so each one would claim to be current.

use leptos::prelude::*;

const LINK: &str = "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-100";
const CURRENT: &str = "rounded-md border border-emerald-700 bg-emerald-700 px-3 py-1.5 text-sm text-white";

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
    let links = numbers
        .into_iter()
        .map(|n| {
            let current = n == page;
            let class = if current { CURRENT } else { LINK };
            view! { <a href=href(n) class=class aria-current=current.then_some("page")>{n}</a> }
        })
        .collect_view();
    let prev = (page > 1).then(|| view! { <a href=href(page - 1) class=LINK rel="prev">"← Previous"</a> });
    let next = (page < pages).then(|| view! { <a href=href(page + 1) class=LINK rel="next">"Next →"</a> });
    view! {
        <nav aria-label="Pagination" class="mt-8 flex flex-col items-center gap-3 sm:flex-row sm:justify-between">
            <p class="text-sm text-slate-600" data-testid="result-count">{summary}</p>
            <div class="flex flex-wrap items-center gap-1">{prev}{links}{next}</div>
        </nav>
    }
}
