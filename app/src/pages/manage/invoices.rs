//! `/manage/invoices`: the caller's invoices by month and tenant, with what
//! is paid and left, a payment to record against an open one, and the void
//! of one with nothing paid.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{BUTTON, INPUT, ManageNav, Outcome, money, outcome, refused};
use crate::api::manage::{manage_invoices, manage_role};
use crate::model::manage::{InvoiceItem, InvoicePaymentLine, InvoiceQuery};

fn ok_words(code: &str) -> Option<&'static str> {
    match code {
        "paid" => Some("The payment is recorded. The tenant sees it now; the next Kill Bill mirror sends it."),
        "voided" => Some("The invoice is void. Its number stays taken; the next Kill Bill mirror voids it there too."),
        "credited" => Some(
            "The credit note is issued: the invoice has that much less to pay. The next Kill Bill mirror adjusts it there too.",
        ),
        "refunded" => Some(
            "The refund is recorded: the invoice has that much more left to pay. The next Kill Bill mirror refunds it there too.",
        ),
        _ => None,
    }
}

/// The void form's refusals, in words (other errors read as on every page).
fn void_refusal(field: &str) -> Option<String> {
    match field {
        "refund_first" => Some("Not done: this invoice has payments on it. Refund them first, then void it.".into()),
        "already_void" => Some("Not done: the invoice is already void.".into()),
        "reason" => Some("Not done: say why the invoice is voided (up to 500 characters).".into()),
        "confirm" => Some("Not done: tick the confirmation to void the invoice.".into()),
        _ => None,
    }
}

/// The invoices page.
#[component]
pub fn ManageInvoicesPage() -> impl IntoView {
    let query = use_query_map();
    let filters = move || {
        let q = query.read();
        (
            q.get("period").unwrap_or_default(),
            q.get("q").unwrap_or_default(),
            q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1i64),
        )
    };
    let data = Resource::new(filters, |(period, words, page)| async move {
        let role = manage_role().await?;
        let period = Some(period).filter(|p| !p.is_empty());
        let q = Some(words).filter(|w| !w.trim().is_empty());
        let invoices = manage_invoices(InvoiceQuery { period, q, page: Some(page), tenant_id: None }).await?;
        Ok::<_, crate::model::AppError>((role, invoices))
    });
    let (ok, error) = outcome(ok_words);
    let error = query.read_untracked().get("error").as_deref().and_then(void_refusal).or(error);
    view! {
        <Title text="Invoices" />
        <Suspense fallback=|| view! { <p class="text-slate-500">"Loading…"</p> }>
            {move || Suspend::new({
                let error = error.clone();
                async move {
                    let (period, words, page) = filters();
                    match data.await {
                        Ok((role, invoices)) => view! {
                            <ManageNav current="/manage/invoices" role />
                            <h1 class="text-2xl font-bold">"Invoices"</h1>
                            <div class="mt-4"><Outcome ok error /></div>
                            <form method="get" action="/manage/invoices" class="mt-2 flex items-end gap-2">
                                <label class="text-sm font-medium">"Month"<input type="month" name="period" class=INPUT value=period.clone() /></label>
                                <label class="text-sm font-medium">"Search"<input type="search" name="q" maxlength="100" placeholder="Number or tenant" class=INPUT value=words.clone() /></label>
                                <button type="submit" class="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-semibold hover:bg-slate-50">"Show"</button>
                            </form>
                            <InvoiceTable invoices period words page />
                        }.into_any(),
                        Err(err) => refused(&err, "/manage/invoices"),
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn InvoiceTable(invoices: Vec<InvoiceItem>, period: String, words: String, page: i64) -> impl IntoView {
    let more = invoices.len() == 50;
    let empty = invoices.is_empty();
    let words = crate::domain::form_encode(&words);
    let link = move |page: i64| format!("/manage/invoices?period={period}&q={words}&page={page}");
    let (newer, older) = (link(page - 1), link(page + 1));
    view! {
        {empty.then(|| view! {
            <p class="mt-4 text-sm text-slate-600" data-testid="no-invoices">"No invoice matches: change the month or the search, or clear them."</p>
        })}
        <div class="mt-4 overflow-x-auto rounded-xl border border-slate-200 bg-white">
            <table class="min-w-full text-sm" data-testid="manage-invoices">
                <thead class="bg-slate-50 text-left text-slate-600">
                    <tr>
                        <th class="px-3 py-2">"Invoice"</th><th class="px-3 py-2">"Tenant"</th><th class="px-3 py-2">"Month"</th>
                        <th class="px-3 py-2">"Due"</th><th class="px-3 py-2 text-right">"Total"</th>
                        <th class="px-3 py-2 text-right">"Left to pay"</th><th class="px-3 py-2">"State"</th><th class="px-3 py-2">"Actions"</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100">
                    {invoices.into_iter().map(|i| {
                        let open = i.outstanding_minor > 0;
                        let voidable = i.state == "open";
                        let action = format!("/manage/invoices/{}/payments", i.id);
                        let pay_label = format!("Payment on invoice {}", i.number);
                        view! {
                            <tr data-invoice=i.number.clone() data-state=i.state.clone()>
                                <td class="px-3 py-2 font-mono text-xs">{i.number.clone()}</td>
                                <td class="px-3 py-2">{i.tenant_name}</td>
                                <td class="px-3 py-2">{i.period}</td>
                                <td class="px-3 py-2 whitespace-nowrap">{i.due_on.to_string()}</td>
                                <td class="px-3 py-2 text-right whitespace-nowrap">
                                    {money(i.total_minor, &i.currency)}
                                    {(i.credited_minor > 0).then(|| view! {
                                        <span class="block text-xs text-slate-500">{format!("credited −{}", money(i.credited_minor, &i.currency))}</span>
                                    })}
                                </td>
                                <td class="px-3 py-2 text-right whitespace-nowrap">{money(i.outstanding_minor, &i.currency)}</td>
                                <td class="px-3 py-2">{i.state.replace('_', " ")}</td>
                                <td class="px-3 py-2">
                                    {open.then(|| view! {
                                        <details>
                                            <summary class="cursor-pointer text-sm font-semibold text-emerald-800 hover:underline">"Record…"</summary>
                                            <form method="post" action=action class="mt-2 grid gap-2" aria-label=pay_label>
                                                <label class="text-xs font-medium">"Amount (minor units)"<input type="number" min="1" name="amount_minor" required class=INPUT /></label>
                                                <label class="text-xs font-medium">"Received on"<input type="date" name="received_on" required class=INPUT /></label>
                                                <label class="text-xs font-medium">"Method"
                                                    <select name="method" class=INPUT>
                                                        <option value="bank_transfer">"Bank transfer"</option>
                                                        <option value="card">"Card"</option>
                                                        <option value="direct_debit">"Direct debit"</option>
                                                        <option value="cash">"Cash"</option>
                                                    </select>
                                                </label>
                                                <label class="text-xs font-medium">"Reference"<input name="reference" required maxlength="100" class=INPUT /></label>
                                                <button type="submit" class=BUTTON>"Record the payment"</button>
                                            </form>
                                        </details>
                                    })}
                                    {open.then(|| view! { <CreditForm id=i.id number=i.number.clone() left=i.outstanding_minor /> })}
                                    {voidable.then(|| view! { <VoidForm id=i.id number=i.number.clone() /> })}
                                    {i.credit_notes.into_iter().map(|n| view! {
                                        <p class="mt-1 text-xs text-slate-600" data-credit-note=n.number.clone()>
                                            {format!("Credit note {}: −{} on {} ({})", n.number, money(n.amount_minor, &i.currency), n.issued_on, n.reason)}
                                        </p>
                                    }).collect_view()}
                                    {i.payments.into_iter().map(|p| view! { <RefundForm payment=p currency=i.currency.clone() /> }).collect_view()}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <nav class="mt-3 flex justify-between text-sm" aria-label="Pages">
            {(page > 1).then(|| view! { <a class="font-semibold text-emerald-800 hover:underline" href=newer>"← Newer"</a> })}
            {more.then(|| view! { <a class="ml-auto font-semibold text-emerald-800 hover:underline" href=older>"Older →"</a> })}
        </nav>
    }
}

/// A payment received, and a refund of what is left of it: an amount, a
/// reason and a confirmation.
#[component]
fn RefundForm(payment: InvoicePaymentLine, currency: String) -> impl IntoView {
    let action = format!("/manage/payments/{}/refunds", payment.id);
    let left = payment.amount_minor - payment.refunded_minor;
    let label = format!("Refund payment {}", payment.reference);
    let received =
        format!("{} on {} ({})", money(payment.amount_minor, &currency), payment.received_on, payment.reference);
    let refunded =
        (payment.refunded_minor > 0).then(|| format!(", {} refunded", money(payment.refunded_minor, &currency)));
    view! {
        <details class="mt-1" data-payment=payment.reference.clone()>
            <summary class="cursor-pointer text-xs text-slate-600 hover:underline">{received}{refunded}</summary>
            {(left > 0).then(|| view! {
                <form method="post" action=action class="mt-2 grid gap-2" aria-label=label>
                    <label class="text-xs font-medium">{format!("Refund (minor units, up to {left})")}<input type="number" min="1" max=left.to_string() name="amount_minor" required class=INPUT /></label>
                    <label class="text-xs font-medium">"Reason"<input name="reason" required maxlength="500" class=INPUT /></label>
                    <label class="flex items-center gap-2 text-xs">
                        <input type="checkbox" name="confirm" value="yes" required />
                        "I confirm: this money is given back"
                    </label>
                    <button type="submit" class="rounded-md bg-slate-800 px-3 py-1.5 text-xs font-semibold text-white hover:bg-slate-900">"Record the refund"</button>
                </form>
            })}
        </details>
    }
}

/// A credit note against an invoice with something still due: an amount
/// (at most what is due), a reason and a confirmation.
#[component]
fn CreditForm(id: uuid::Uuid, number: String, left: i64) -> impl IntoView {
    let action = format!("/manage/invoices/{id}/credit-notes");
    let label = format!("Credit note on invoice {number}");
    view! {
        <details class="mt-1">
            <summary class="cursor-pointer text-sm font-semibold text-slate-700 hover:underline">"Credit…"</summary>
            <form method="post" action=action class="mt-2 grid gap-2" aria-label=label>
                <p class="text-xs text-slate-600">"A credit note takes part of the invoice back with a number of its own; the invoice itself is not changed."</p>
                <label class="text-xs font-medium">{format!("Amount (minor units, up to {left})")}<input type="number" min="1" max=left.to_string() name="amount_minor" required class=INPUT /></label>
                <label class="text-xs font-medium">"Reason"<input name="reason" required maxlength="500" class=INPUT /></label>
                <label class="flex items-center gap-2 text-xs">
                    <input type="checkbox" name="confirm" value="yes" required />
                    "I confirm: the tenant owes this much less"
                </label>
                <button type="submit" class="rounded-md bg-slate-800 px-3 py-1.5 text-xs font-semibold text-white hover:bg-slate-900">"Issue the credit note"</button>
            </form>
        </details>
    }
}

/// Voiding an invoice with nothing paid: a reason and a confirmation.
#[component]
fn VoidForm(id: uuid::Uuid, number: String) -> impl IntoView {
    let void_action = format!("/manage/invoices/{id}/void");
    let void_label = format!("Void invoice {number}");
    view! {
        <details class="mt-1">
            <summary class="cursor-pointer text-sm font-semibold text-red-800 hover:underline">"Void…"</summary>
            <form method="post" action=void_action class="mt-2 grid gap-2" aria-label=void_label>
                <p class="text-xs text-slate-600">"Nothing is paid on it. The invoice keeps its number and stays listed as void."</p>
                <label class="text-xs font-medium">"Reason"<input name="reason" required maxlength="500" class=INPUT /></label>
                <label class="flex items-center gap-2 text-xs">
                    <input type="checkbox" name="confirm" value="yes" required />
                    "I confirm: this invoice is cancelled"
                </label>
                <button type="submit" class="rounded-md bg-red-700 px-4 py-2 text-sm font-semibold text-white hover:bg-red-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-red-600 focus-visible:ring-offset-2">"Void the invoice"</button>
            </form>
        </details>
    }
}
