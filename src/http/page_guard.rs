//! Protected pages are refused before anything is rendered: a visitor
//! without a session gets 303 to `/login?next=…`, a signed-in user without
//! the role gets 403 and a page saying why. The same rules hold inside the
//! pages' server functions; this makes the first answer honest for browsers
//! without JavaScript, for monitors and for crawlers.

use app::domain::Role;
use app::server::auth::AuthUser;
use app::server::auth::extractor::authenticate;
use app::server::state::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

/// Who may open a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Audience {
    /// Anyone signed in.
    SignedIn,
    /// Landlords and admins.
    BackOffice,
    /// Admins only.
    Admins,
}

/// The audience of a page path, or `None` for a public one.
fn audience(path: &str) -> Option<Audience> {
    let under = |prefix: &str| path == prefix || path.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('/'));
    if under("/admin") || under("/manage/people") {
        Some(Audience::Admins)
    } else if under("/manage") {
        Some(Audience::BackOffice)
    } else if under("/account") || under("/maintenance") {
        Some(Audience::SignedIn)
    } else {
        None
    }
}

fn admits(audience: Audience, user: &AuthUser) -> bool {
    match audience {
        Audience::SignedIn => true,
        Audience::BackOffice => matches!(user.role, Role::Admin | Role::Landlord),
        Audience::Admins => user.role == Role::Admin,
    }
}

/// Refuses a protected page to whoever may not see it.
pub async fn guard_pages(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let Some(audience) = audience(request.uri().path()) else { return next.run(request).await };
    let (parts, body) = request.into_parts();
    // A Bearer token that does not verify counts as no session here.
    let user = authenticate(&parts, &state).ok().flatten();
    match user {
        None => {
            let next = parts.uri.path_and_query().map_or("/", |p| p.as_str());
            let location = format!("/login?next={}", query_value(next));
            let mut response = StatusCode::SEE_OTHER.into_response();
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            response
        }
        Some(user) if !admits(audience, &user) => forbidden(audience),
        Some(_) => next.run(Request::from_parts(parts, body)).await,
    }
}

/// `value` percent-encoded for a query string (letters, digits, `-._~/`
/// kept as they are).
fn query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The 403 page: what the page is for, and where to go instead.
fn forbidden(audience: Audience) -> Response {
    let (title, why) = match audience {
        Audience::Admins => ("Admins only", "This page is for the operations team."),
        Audience::BackOffice => {
            ("Landlords and admins only", "The back office is for landlords and the operations team.")
        }
        Audience::SignedIn => ("Signed-in users only", "Please sign in to see this page."),
    };
    let page = format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Marketplace</title><link rel="icon" href="/favicon.svg" type="image/svg+xml"><link rel="stylesheet" href="/pkg/marketplace.css"></head>
<body class="min-h-screen bg-slate-50 text-slate-900 antialiased">
<main class="mx-auto max-w-xl px-4 py-16 sm:px-6">
<p class="text-sm font-semibold text-emerald-800"><a href="/" class="hover:underline">Marketplace</a></p>
<h1 class="mt-4 text-2xl font-bold" data-testid="forbidden-title">{title}</h1>
<p class="mt-2 text-slate-700">{why} Your account does not have access to it.</p>
<p class="mt-6 flex gap-4 text-sm"><a href="/account" class="font-medium text-emerald-800 hover:underline">Go to your account</a>
<a href="/" class="font-medium text-emerald-800 hover:underline">Home</a></p>
</main></body></html>"#
    );
    (StatusCode::FORBIDDEN, Html(page)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_address_is_encoded_whole() {
        assert_eq!(
            query_value("/manage/invoices?period=2026-11&page=2"),
            "/manage/invoices%3Fperiod%3D2026-11%26page%3D2"
        );
    }

    #[test]
    fn each_protected_path_has_its_audience_and_lookalikes_do_not() {
        assert_eq!(audience("/admin/system-status"), Some(Audience::Admins));
        assert_eq!(audience("/manage/people"), Some(Audience::Admins));
        assert_eq!(audience("/manage"), Some(Audience::BackOffice));
        assert_eq!(audience("/manage/rent-roll"), Some(Audience::BackOffice));
        assert_eq!(audience("/maintenance/abc"), Some(Audience::SignedIn));
        assert_eq!(audience("/account"), Some(Audience::SignedIn));
        for public in ["/", "/properties", "/properties/a-flat", "/login", "/administration", "/manager", "/accounts"] {
            assert_eq!(audience(public), None, "{public}");
        }
    }
}
