//! `GET /api/maintenance/{id}/files/{file_id}`: a ticket's photo or document, served from our
//! database (never a link to Condo), within the ticket's scope: admins all, landlords their
//! properties', tenants those of the units they rent now. Anything else is a 404, exactly like
//! a file that does not exist. Signed-in browsers reach it with their cookie (the ticket page's
//! thumbnails), machines with a Bearer token.
//!
//! The stored type is served with `nosniff` and a sandboxing policy; only raster images are
//! shown inline, everything else is a download. Answers may be cached by the browser only.

use app::domain::attachment::{ascii_file_name, clean_content_type, is_inline_image};
use app::model::AppError;
use app::server::auth::AuthUser;
use app::server::maintenance::find_ticket_file_of;
use app::server::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// The file route.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/maintenance/{id}/files/{file_id}", get(file))
}

async fn file(
    State(state): State<AppState>,
    user: AuthUser,
    Path((id, file_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let content = find_ticket_file_of(&state.pool, &user, &id, &file_id).await?;
    let content_type = clean_content_type(Some(&content.content_type));
    let disposition = content_disposition(is_inline_image(&content_type), &content.filename);
    let mut response = content.bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_str(&content_type).map_err(|_| AppError::NotFound)?);
    headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_str(&disposition).map_err(|_| AppError::NotFound)?);
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=3600"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
    Ok(response)
}

/// `inline` or `attachment`, with the name in ASCII and, for any other character, in
/// RFC 5987's UTF-8 form.
fn content_disposition(inline: bool, name: &str) -> String {
    let kind = if inline { "inline" } else { "attachment" };
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect();
    format!("{kind}; filename=\"{}\"; filename*=UTF-8''{encoded}", ascii_file_name(name))
}

#[cfg(test)]
mod tests {
    use super::content_disposition;

    #[test]
    fn the_disposition_names_the_file_safely() {
        assert_eq!(content_disposition(true, "leak.png"), "inline; filename=\"leak.png\"; filename*=UTF-8''leak.png");
        let odd = content_disposition(false, "отчёт \"1\".pdf");
        assert!(odd.starts_with("attachment; filename=\"_____ _1_.pdf\"; filename*=UTF-8''%D0%BE"), "{odd}");
        assert!(!odd.contains('\n') && odd.matches('"').count() == 2);
    }
}
