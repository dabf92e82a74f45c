//! `/sitemap.xml` and `/robots.txt`: every published listing (ours and the
//! imported ones) for crawlers, with absolute URLs under `MARKETPLACE_PUBLIC_URL`.
//!
//! A sitemap holds at most 50,000 URLs; past that, `/sitemap.xml` becomes a
//! sitemap index of `/sitemaps/listings-{n}.xml` parts.

use app::domain::markup::escape;
use app::model::AppError;
use app::model::listing::SitemapEntry;
use app::server::listing::{count_published, sitemap_entries};
use app::server::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::SecondsFormat;
use std::fmt::Write;

/// URLs per sitemap file (the protocol's limit).
pub const URLS_PER_SITEMAP: i64 = 50_000;

/// The pages listed besides the listings.
const STATIC_PAGES: [&str; 2] = ["/", "/properties"];

/// What `public/robots.txt` says; the server adds the sitemap's absolute URL.
const ROBOTS: &str = include_str!("../../public/robots.txt");

/// The sitemap and robots routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sitemap.xml", get(sitemap))
        .route("/sitemaps/{file}", get(sitemap_part))
        .route("/robots.txt", get(robots))
}

async fn robots(State(state): State<AppState>) -> Response {
    let body = format!("{}\nSitemap: {}/sitemap.xml\n", ROBOTS.trim_end(), state.public_url);
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

async fn sitemap(State(state): State<AppState>) -> Result<Response, AppError> {
    let total = count_published(&state.pool).await?;
    if total + STATIC_PAGES.len() as i64 <= URLS_PER_SITEMAP {
        let entries = sitemap_entries(&state.pool, 0, URLS_PER_SITEMAP).await?;
        return Ok(xml(url_set(&state.public_url, true, &entries)));
    }
    let parts = (total + URLS_PER_SITEMAP - 1) / URLS_PER_SITEMAP;
    Ok(xml(sitemap_index(&state.public_url, parts)))
}

/// `/sitemaps/listings-{n}.xml`: the n-th (1-based) part of a large sitemap;
/// the first also lists the static pages.
async fn sitemap_part(State(state): State<AppState>, Path(file): Path<String>) -> Result<Response, AppError> {
    let n = file
        .strip_prefix("listings-")
        .and_then(|rest| rest.strip_suffix(".xml"))
        .and_then(|n| n.parse::<i64>().ok())
        .filter(|n| (1..=1_000_000).contains(n))
        .ok_or(AppError::NotFound)?;
    let entries = sitemap_entries(&state.pool, (n - 1) * URLS_PER_SITEMAP, URLS_PER_SITEMAP).await?;
    if entries.is_empty() && n > 1 {
        return Err(AppError::NotFound);
    }
    Ok(xml(url_set(&state.public_url, n == 1, &entries)))
}

fn xml(body: String) -> Response {
    ([(header::CONTENT_TYPE, "application/xml; charset=utf-8")], body).into_response()
}

/// A `<urlset>` of the listings (and the static pages when asked).
fn url_set(site: &str, with_static_pages: bool, entries: &[SitemapEntry]) -> String {
    let mut out = String::with_capacity(200 + entries.len() * 150);
    out.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    out.push_str("\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    if with_static_pages {
        for page in STATIC_PAGES {
            let _ = writeln!(out, "<url><loc>{}</loc></url>", escape(&format!("{site}{page}")));
        }
    }
    for entry in entries {
        let loc = escape(&format!("{site}/properties/{}", entry.slug));
        let lastmod = entry.updated_at.to_rfc3339_opts(SecondsFormat::Secs, true);
        let _ = writeln!(out, "<url><loc>{loc}</loc><lastmod>{lastmod}</lastmod></url>");
    }
    out.push_str("</urlset>\n");
    out
}

/// A `<sitemapindex>` of `parts` listing parts.
fn sitemap_index(site: &str, parts: i64) -> String {
    let mut out = String::new();
    out.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    out.push_str("\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for n in 1..=parts {
        let _ = writeln!(out, "<sitemap><loc>{}</loc></sitemap>", escape(&format!("{site}/sitemaps/listings-{n}.xml")));
    }
    out.push_str("</sitemapindex>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_escaped_and_absolute() {
        let entries = [SitemapEntry { slug: "flat-1".into(), updated_at: chrono::DateTime::UNIX_EPOCH }];
        let xml = url_set("https://homes.example/?a=1&b=<2>", true, &entries);
        assert!(xml.contains("<loc>https://homes.example/?a=1&amp;b=&lt;2&gt;/properties/flat-1</loc>"));
        assert!(xml.contains("<lastmod>1970-01-01T00:00:00Z</lastmod>"));
        assert_eq!(xml.matches("<url>").count(), 3);
    }

    #[test]
    fn a_large_sitemap_is_an_index_of_parts() {
        let index = sitemap_index("https://homes.example", 3);
        assert_eq!(index.matches("<sitemap>").count(), 3);
        assert!(index.contains("<loc>https://homes.example/sitemaps/listings-3.xml</loc>"));
    }
}
