//! `/manage/people` (admins): people with their state, searchable, and an
//! invitation to send.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{BUTTON, INPUT, ManageNav, Outcome, outcome, refused, typed};
use crate::api::manage::{manage_people, manage_role};
use crate::model::people::{AccountState, PeopleQuery, Person};

fn ok_words(code: &str) -> Option<&'static str> {
    match code {
        "invited" => Some("The invitation is sent."),
        "profile" => Some("The e-mail and name are saved. A tenant's Kill Bill account follows on the next mirror."),
        _ => None,
    }
}

/// The people page.
#[component]
pub fn ManagePeoplePage() -> impl IntoView {
    let query = use_query_map();
    let filters = move || {
        let q = query.read();
        (q.get("q").unwrap_or_default(), q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1i64))
    };
    let data = Resource::new(filters, |(q, page)| async move {
        let role = manage_role().await?;
        let people =
            manage_people(PeopleQuery { role: None, q: Some(q).filter(|q| !q.is_empty()), page: Some(page) }).await?;
        Ok::<_, crate::model::AppError>((role, people))
    });
    let (ok, error) = outcome(ok_words);
    // Shown only when no SMTP server is set: the mail went to a file.
    let link = typed("link");
    view! {
        <Title text="People" />
        <Suspense fallback=|| view! { <p class="text-slate-500">"Loading…"</p> }>
            {move || Suspend::new({
                let (error, link) = (error.clone(), link.clone());
                async move {
                    let (q, page) = filters();
                    match data.await {
                        Ok((role, people)) => view! {
                            <ManageNav current="/manage/people" role />
                            <h1 class="text-2xl font-bold">"People"</h1>
                            <div class="mt-4"><Outcome ok error /></div>
                            {(!link.is_empty()).then(|| view! {
                                <p class="mb-4 break-all rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900" data-testid="invitation-link">
                                    "No mail server is set, so pass this single-use link on yourself: " <a class="font-mono underline" href=link.clone()>{link.clone()}</a>
                                </p>
                            })}
                            <form method="get" action="/manage/people" class="flex items-end gap-2">
                                <label class="text-sm font-medium">"Search"<input type="search" name="q" class=INPUT value=q.clone() placeholder="name or e-mail" /></label>
                                <button type="submit" class="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-semibold hover:bg-slate-50">"Search"</button>
                            </form>
                            <InviteForm />
                            <PeopleTable people q page />
                        }.into_any(),
                        Err(err) => refused(&err, "/manage/people"),
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn PeopleTable(people: Vec<Person>, q: String, page: i64) -> impl IntoView {
    let more = people.len() == 50;
    let link = move |page: i64| format!("/manage/people?q={q}&page={page}");
    let (before, after) = (link(page - 1), link(page + 1));
    view! {
        <div class="mt-4 overflow-x-auto rounded-xl border border-slate-200 bg-white">
            <table class="min-w-full text-sm" data-testid="people">
                <thead class="bg-slate-50 text-left text-slate-600">
                    <tr><th class="px-3 py-2">"Name"</th><th class="px-3 py-2">"E-mail"</th><th class="px-3 py-2">"Role"</th><th class="px-3 py-2">"State"</th><th class="px-3 py-2">"Id"</th><th class="px-3 py-2">"Correct"</th></tr>
                </thead>
                <tbody class="divide-y divide-slate-100">
                    {people.into_iter().map(|p| {
                        let state = match p.state {
                            AccountState::Invited => "No password yet",
                            AccountState::Active => "Active",
                            AccountState::Disabled => "Disabled",
                        };
                        let action = format!("/manage/people/{}/edit", p.id);
                        let label = format!("Correct {}", p.email);
                        let (email, name) = (p.email.clone(), p.name.clone());
                        view! {
                            <tr data-person=p.email.clone()>
                                <td class="px-3 py-2">{p.name}</td><td class="px-3 py-2">{p.email.clone()}</td>
                                <td class="px-3 py-2">{p.role}</td><td class="px-3 py-2">{state}</td>
                                <td class="px-3 py-2 font-mono text-xs text-slate-500">{p.id.to_string()}</td>
                                <td class="px-3 py-2">
                                    <details>
                                        <summary class="cursor-pointer text-sm font-semibold text-emerald-800 hover:underline">"Edit…"</summary>
                                        <form method="post" action=action class="mt-2 grid gap-2" aria-label=label>
                                            <label class="text-xs font-medium">"E-mail"<input type="email" name="email" required class=INPUT value=email /></label>
                                            <label class="text-xs font-medium">"Name"<input name="name" required maxlength="100" class=INPUT value=name /></label>
                                            <button type="submit" class=BUTTON>"Save"</button>
                                        </form>
                                    </details>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <nav class="mt-3 flex justify-between text-sm" aria-label="Pages">
            {(page > 1).then(|| view! { <a class="font-semibold text-emerald-800 hover:underline" href=before>"← Previous"</a> })}
            {more.then(|| view! { <a class="ml-auto font-semibold text-emerald-800 hover:underline" href=after>"Next →"</a> })}
        </nav>
    }
}

#[component]
fn InviteForm() -> impl IntoView {
    view! {
        <section class="mb-6 max-w-xl rounded-xl border border-slate-200 bg-white p-5" aria-labelledby="invite">
            <h2 id="invite" class="font-semibold">"Invite someone"</h2>
            <p class="text-sm text-slate-600">"They get a single-use link, valid 7 days, to choose their password."</p>
            <form method="post" action="/manage/people" class="mt-4 grid gap-3 sm:grid-cols-2">
                <label class="text-sm font-medium">"E-mail"<input type="email" name="email" required class=INPUT value=typed("email") /></label>
                <label class="text-sm font-medium">"Name"<input name="name" class=INPUT value=typed("name") /></label>
                <label class="text-sm font-medium">"Role"
                    <select name="role" class=INPUT>
                        <option value="tenant">"Tenant"</option>
                        <option value="landlord">"Landlord"</option>
                        <option value="admin">"Admin"</option>
                    </select>
                </label>
                <div class="flex items-end"><button type="submit" class=BUTTON>"Send the invitation"</button></div>
            </form>
        </section>
    }
}
