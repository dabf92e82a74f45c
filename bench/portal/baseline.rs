//! The portal benchmark's baseline: a minimal axum server that runs the same
//! search as the application (the `server::listing` service) on a pool of the
//! same size and writes the same data — JSON on `/api/properties`, plain
//! HTML cards on `/properties` — with nothing else (no Leptos, no middleware).
//!
//! `PORTAL_BASELINE_ADDR` (default 127.0.0.1:3199), `DATABASE_URL`,
//! `MARKETPLACE_DB_MAX_CONNECTIONS` (default 10). Run by `bench/portal/run.sh`.

use app::domain::SearchParams;
use app::domain::markup::escape;
use app::model::AppError;
use app::model::listing::{ListingResults, ListingSearch};
use app::server::listing;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use axum::{Json, Router};
use sqlx::PgPool;
use std::collections::HashMap;
use std::fmt::Write;

/// The same allocator as the server, so that the ratio measures the request
/// path and not the allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

type Raw = Query<HashMap<String, String>>;

async fn search(pool: &PgPool, raw: &HashMap<String, String>) -> Result<ListingSearch, AppError> {
    let query = listing::parse_search(&SearchParams::from_lookup(|k| raw.get(k).cloned()))?;
    listing::search(pool, &query).await
}

async fn api(State(pool): State<PgPool>, Query(raw): Raw) -> Result<Json<ListingResults>, AppError> {
    Ok(Json(search(&pool, &raw).await?.into()))
}

async fn page(State(pool): State<PgPool>, Query(raw): Raw) -> Result<Html<String>, AppError> {
    let ListingSearch { items, total, page: query_page, note, .. } = search(&pool, &raw).await?;
    let mut out = String::with_capacity(16 * 1024);
    out.push_str(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Properties to rent</title></head>",
    );
    let _ = write!(
        out,
        "<body><main><h1>Properties to rent</h1><p>{}</p><p role=\"status\">{total} properties found</p><ul>",
        escape(&note)
    );
    for d in &items {
        let s = &d.summary;
        let _ = write!(out, "<li><a href=\"/properties/{}\">", s.slug);
        if let Some(photo) = &s.photo {
            let _ = write!(out, "<img src=\"{}\" alt=\"{}\" loading=\"lazy\">", escape(&photo.url), escape(&photo.alt));
        }
        let _ = write!(
            out,
            "<h2>{}</h2><span>{}</span><p>{}{} · {}</p><p>{} per {}</p></a></li>",
            escape(&s.title),
            escape(&s.source),
            escape(&s.city),
            s.bedrooms.map_or(String::new(), |n| format!(" · {n} bedrooms")),
            escape(&s.property_type),
            s.price,
            escape(&s.price_unit)
        );
    }
    let _ =
        write!(out, "</ul><p>Page {} of {}</p></main></body></html>", query_page.page, query_page.page_count(total));
    Ok(Html(out))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("DATABASE_URL").map_err(|_| anyhow::anyhow!("DATABASE_URL is not set"))?;
    let size = std::env::var("MARKETPLACE_DB_MAX_CONNECTIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(10);
    let addr = std::env::var("PORTAL_BASELINE_ADDR").unwrap_or_else(|_| "127.0.0.1:3199".into());
    let pool = app::server::db::connect(&url, size).await?;
    let router = Router::new().route("/api/properties", get(api)).route("/properties", get(page)).with_state(pool);
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("baseline listening on {addr}");
    axum::serve(listener, router).await?;
    Ok(())
}
