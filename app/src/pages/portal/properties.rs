//! `/properties`: the portal's search. The filter form is a plain GET form,
//! so without JavaScript it reloads the page with the filters in the URL;
//! once hydrated it navigates in place, and every change of a filter updates
//! the results. Pagination links keep the filters.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[cfg(feature = "hydrate")]
use crate::api::listing::search_properties;
use crate::components::http_status::set_http_status;
use crate::components::listing_card::cards_html;
use crate::components::notice::{EmptyNotice, ErrorNotice};
use crate::components::pagination::Pagination;
use crate::domain::markup::push_escaped;
use crate::domain::{SearchParams, SearchQuery};
use crate::model::AppError;
use crate::model::listing::{DEFAULT_PER_PAGE, ListingPage};

/// A search and what it found.
type Outcome = Arc<(SearchParams, Result<ListingPage, AppError>)>;

/// The search results page.
///
/// The results of the request's own URL are not a resource: the server ran
/// that search before the render (`server::listing::prefetched_search`), so
/// the page renders in one pass with no suspense boundary, and hydration
/// receives only the counts (the cards are markup the browser already has).
/// In the browser, a change of the URL's filters (or arriving here from
/// another page) runs the search through the server function; the results
/// shown stay until the new ones arrive, and a late answer to filters that
/// have changed since is dropped.
#[component]
pub fn PropertiesPage() -> impl IntoView {
    let query = use_query_map();
    let params = Memo::new(move |_| {
        let query = query.read();
        SearchParams::from_lookup(|k| query.get(k))
    });
    let shown = RwSignal::new(first_outcome(&params.get_untracked()));
    let pending = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    Effect::watch(
        move || params.get(),
        move |wanted, _, _| {
            let wanted = wanted.clone();
            pending.set(true);
            leptos::task::spawn_local(async move {
                let result = search_properties(wanted.clone()).await;
                if params.try_with_untracked(|now| *now == wanted).unwrap_or(false) {
                    let _ = shown.try_set(Some(Arc::new((wanted, result))));
                    let _ = pending.try_set(false);
                }
            });
        },
        shown.with_untracked(Option::is_none),
    );
    // On the server the title is written once, from the request's query: the
    // head is rendered after the page, when a reactive read could find the
    // page's signals already gone. In the browser it follows the filters.
    #[cfg(feature = "ssr")]
    let title = TextProp::from(params.with_untracked(page_title));
    #[cfg(not(feature = "ssr"))]
    let title = TextProp::from(move || params.with(page_title));
    view! {
        <Title text=title />
        <h1 class="text-2xl font-bold sm:text-3xl">"Properties to rent"</h1>
        <p class="mt-1 text-slate-600">"Homes from Marketplace and our partners."</p>
        <FilterForm params />
        <p class="mt-4 text-sm text-slate-700" data-testid="term-summary">{move || params.with(scope_note)}</p>
        <section aria-label="Search results" class="mt-6" aria-busy=move || pending.get().to_string()>
            <p role="status" aria-live="polite" class="text-sm font-medium text-slate-700" data-testid="result-summary">
                {move || shown.with(|outcome| outcome.as_ref().map(|outcome| result_summary(&outcome.1)))}
            </p>
            {move || match shown.get() {
                Some(outcome) => render_results(&outcome.1, &outcome.0),
                None => view! { <p class="mt-8 text-slate-500">"Loading listings…"</p> }.into_any(),
            }}
        </section>
    }
}

/// What the page shows first. On the server: the search run before the
/// render, with its cards. In the browser, when hydrating: the same search's
/// counts, from the hydration data, without the cards, which the page's
/// markup has; arriving from another page: nothing yet.
fn first_outcome(params: &SearchParams) -> Option<Outcome> {
    #[cfg(feature = "ssr")]
    let found = crate::server::listing::prefetched_search(params).map(|found| found.0);
    #[cfg(not(feature = "ssr"))]
    let found: Option<Outcome> = None;
    let counts = SharedValue::new(|| found.as_ref().map(|found| without_cards(&found.1))).into_inner();
    // A page rendered for a request always finds its search (only the route
    // listing renders the page without one).
    #[cfg(feature = "ssr")]
    let found = found.or_else(|| {
        let missing = AppError::Internal("the search was not run before the page".to_owned());
        Some(Arc::new((params.clone(), Err(missing))))
    });
    found.or_else(|| counts.map(|counts| Arc::new((params.clone(), counts))))
}

/// A search's result without its cards: what hydration needs.
fn without_cards(result: &Result<ListingPage, AppError>) -> Result<ListingPage, AppError> {
    result
        .as_ref()
        .map(|page| ListingPage { items: Vec::new(), total: page.total, page: page.page })
        .map_err(Clone::clone)
}

/// The tab title: the city and page when there are some.
fn page_title(params: &SearchParams) -> String {
    let place = params.city.as_deref().map_or(String::new(), |c| format!(" in {c}"));
    match params.page.as_deref().filter(|p| *p != "1") {
        Some(page) => format!("Properties to rent{place} (page {page})"),
        None => format!("Properties to rent{place}"),
    }
}

/// Which term the results show and how their prices compare (nothing for a
/// search whose parameters are invalid: the results say what is wrong).
fn scope_note(params: &SearchParams) -> String {
    SearchQuery::parse(params, DEFAULT_PER_PAGE).map(|q| q.scope_note()).unwrap_or_default()
}

/// What the live region announces after each search.
fn result_summary(result: &Result<ListingPage, AppError>) -> String {
    match result {
        Ok(page) if page.total == 1 => "1 property found".to_owned(),
        Ok(page) => format!("{} properties found", page.total),
        Err(_) => "The search could not be run".to_owned(),
    }
}

/// Inputs and selects of the filter form (`style/tailwind.css`).
const FIELD: &str = "filter-field";
const LABEL: &str = "block text-sm font-medium text-slate-700";

/// The filter form. Without JavaScript it is an ordinary GET form; hydrated,
/// it navigates without reloading, on submit and whenever a field changes, to
/// the address of the filters set (empty fields left out).
///
/// It is a plain `<form>` with its own submit handler rather than the
/// router's `<Form>` (which also handles POSTs, versions and errors this
/// form has no use for), and each list's options are written as text: only
/// the fields' values follow the URL (`prop:value`), so the options need no
/// reactive node of their own.
#[component]
fn FilterForm(params: Memo<SearchParams>) -> impl IntoView {
    let value = move |name: &'static str| move || params.with(|p| p.get(name).unwrap_or_default().to_owned());
    #[cfg(feature = "hydrate")]
    let navigate = leptos_router::hooks::use_navigate();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            let Ok(data) = leptos::form::form_data_from_event(&ev) else { return };
            let Ok(query) = leptos::web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data) else { return };
            ev.prevent_default();
            // The address keeps the filters set, not every empty field, as pagination does.
            let wanted = SearchParams::from_lookup(|k| query.get(k));
            let options = leptos_router::NavigateOptions { scroll: false, ..Default::default() };
            navigate(&wanted.properties_href(1), options);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let submit_on_change = move |ev: leptos::ev::Event| {
        use leptos::wasm_bindgen::JsCast;
        let form = event_target::<leptos::web_sys::Element>(&ev)
            .closest("form")
            .ok()
            .flatten()
            .and_then(|f| f.dyn_into::<leptos::web_sys::HtmlFormElement>().ok());
        if let Some(form) = form {
            let _ = form.request_submit();
        }
    };
    // `span` places a field in the form's grid (two columns on a phone).
    let text = move |name: &'static str, label: &'static str, kind: &'static str, span: &'static str| {
        let id = format!("filter-{name}");
        view! {
            <div class=span>
                <label for=id.clone() class=LABEL>{label}</label>
                <input id=id type=kind name=name class=FIELD value=value(name) prop:value=value(name) />
            </div>
        }
    };
    // A text field rather than `type=number`, so that a malformed amount in
    // the URL stays visible beside the message that names it; phones still
    // show their decimal keypad.
    let price = move |name: &'static str, label: &'static str| {
        let id = format!("filter-{name}");
        view! {
            <div>
                <label for=id.clone() class=LABEL>{label}</label>
                <input id=id type="text" name=name inputmode="decimal" pattern=PRICE_PATTERN
                    title="An amount such as 900 or 12.50" autocomplete="off"
                    class=FIELD value=value(name) prop:value=value(name) />
            </div>
        }
    };
    let choice = move |name: &'static str, label: &'static str, options: Choices, span: &'static str| {
        let id = format!("filter-{name}");
        // Written once: in the browser the selection then follows `prop:value`.
        let options = params.with_untracked(|p| options_html(options, p.get(name).unwrap_or_default()));
        view! {
            <div class=span>
                <label for=id.clone() class=LABEL>{label}</label>
                <select id=id name=name class=FIELD prop:value=value(name) inner_html=options></select>
            </div>
        }
    };
    let per_page = move || params.with(|p| p.per_page.clone());
    // The less used filters fold away; they are unfolded when the page
    // arrives with one of them set, and the fold says how many are.
    let more_set = |p: &SearchParams| MORE_FILTERS.iter().filter(|k| p.get(k).is_some()).count();
    let more_open = params.with_untracked(more_set) > 0;
    let more_summary = move || match params.with(more_set) {
        0 => String::new(),
        n => format!(" ({n} set)"),
    };
    view! {
        <div role="search" aria-label="Filter properties" class="mt-6 rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
            <form method="get" action="/properties" on:submit=on_submit on:change=submit_on_change>
                <div class="grid grid-cols-2 gap-4 lg:grid-cols-3">
                    {text("q", "Keywords", "search", "")}
                    {text("city", "City", "text", "")}
                    {choice("term", "Term", TERMS, "col-span-2 lg:col-span-1")}
                    {choice("sort", "Sort by", SORTS, "col-span-2 lg:col-span-1")}
                    {price("min_price", "Minimum price")}
                    {price("max_price", "Maximum price")}
                </div>
                <details class="mt-4" open=more_open data-testid="more-filters">
                    <summary class="cursor-pointer text-sm font-medium text-emerald-800 hover:text-emerald-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-emerald-600">
                        "More filters"{more_summary}
                    </summary>
                    <div class="mt-3 grid grid-cols-2 gap-4 lg:grid-cols-5">
                        {choice("bedrooms", "Bedrooms", BEDROOMS, "")}
                        {choice("type", "Type", TYPES, "")}
                        {text("available_from", "Available by", "date", "")}
                        {choice("source", "Listed on", SOURCES, "")}
                        {text("currency", "Currency (e.g. EUR, JPY)", "text", "col-span-2 lg:col-span-1")}
                    </div>
                </details>
                {move || per_page().map(|n| view! { <input type="hidden" name="per_page" value=n /> })}
                <div class="mt-4 flex flex-wrap items-center gap-3">
                    <button type="submit" class="rounded-md bg-emerald-700 px-4 py-2 text-sm font-semibold text-white hover:bg-emerald-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-emerald-600 focus-visible:ring-offset-2">
                        "Search"
                    </button>
                    <a href="/properties" class="text-sm text-emerald-800 underline hover:text-emerald-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-emerald-600">
                        "Clear filters"
                    </a>
                </div>
            </form>
        </div>
    }
}

/// The filters folded under "More filters".
const MORE_FILTERS: [&str; 5] = ["bedrooms", "type", "available_from", "source", "currency"];

/// What the price fields take: the amounts `Money::parse_major` reads (the
/// currency's decimals are checked by the search, which names the field).
const PRICE_PATTERN: &str = r"[0-9]+(\.[0-9]+)?";

/// The choices of each list: (value in the URL, what the visitor reads).
type Choices = &'static [(&'static str, &'static str)];
const TERMS: Choices = &[
    ("", "Long-term, per month"),
    ("night", "Short stay, per night"),
    ("hour", "Short stay, per hour"),
    ("week", "Per week"),
    ("any", "Every term (no price order)"),
];
const BEDROOMS: Choices =
    &[("", "Any"), ("1", "1 or more"), ("2", "2 or more"), ("3", "3 or more"), ("4", "4 or more")];
const TYPES: Choices = &[
    ("", "Any type"),
    ("apartment", "Apartment"),
    ("house", "House"),
    ("studio", "Studio"),
    ("room", "Room"),
    ("loft", "Loft"),
    ("other", "Other"),
];
const SOURCES: Choices = &[("", "Everywhere"), ("local", "Marketplace"), ("cocorico", "Cocorico")];
const SORTS: Choices =
    &[("", "Newest first"), ("price", "Price, lowest first"), ("price_desc", "Price, highest first")];

/// The `<option>`s of a list as markup, the one whose value is `selected`
/// marked so (what a browser shows before, or without, hydration).
fn options_html(options: Choices, selected: &str) -> String {
    let mut out = String::with_capacity(options.len() * 48);
    for (value, text) in options {
        out.push_str("<option value=\"");
        push_escaped(&mut out, value);
        out.push_str(if *value == selected { "\" selected>" } else { "\">" });
        push_escaped(&mut out, text);
        out.push_str("</option>");
    }
    out
}

fn render_results(result: &Result<ListingPage, AppError>, params: &SearchParams) -> AnyView {
    match result {
        Ok(page) if page.total == 0 && params.has_filters() => view! {
            <div class="mt-4"><EmptyNotice message="No properties match these filters. Try a wider price range or another city." /></div>
        }
        .into_any(),
        Ok(page) if page.total == 0 => {
            view! { <div class="mt-4"><EmptyNotice message="No properties are listed right now." /></div> }.into_any()
        }
        Ok(page) => {
            let cards = cards_html(&page.items);
            let params = params.clone();
            let href = move |n: u32| params.properties_href(n);
            view! {
                <ul class="mt-4 grid gap-6 sm:grid-cols-2 lg:grid-cols-3" data-testid="listing-grid" inner_html=cards />
                <Pagination page=page.page.page per_page=page.page.per_page total=page.total href />
            }
            .into_any()
        }
        Err(AppError::Validation(message)) => {
            let message = message.clone();
            set_http_status(400);
            view! {
                <div class="mt-4"><ErrorNotice title="That page address is not valid" message /></div>
                <p class="mt-4"><a class="text-emerald-800 underline" href="/properties">"Start a new search"</a></p>
            }
            .into_any()
        }
        Err(err) => {
            set_http_status(err.status_code());
            view! { <div class="mt-4"><ErrorNotice title="Listings could not be loaded" message=err.to_string() /></div> }
                .into_any()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_options_mark_the_chosen_one_and_escape_their_text() {
        let html = options_html(&[("", "Any"), ("a&b", "<Both>")], "a&b");
        assert_eq!(html, r#"<option value="">Any</option><option value="a&amp;b" selected>&lt;Both&gt;</option>"#);
        assert!(!options_html(SORTS, "").contains(r#"value="price" selected"#));
        assert!(options_html(SORTS, "").starts_with(r#"<option value="" selected>Newest first"#));
        assert_eq!(options_html(TERMS, "night").matches(" selected").count(), 1);
    }
}
