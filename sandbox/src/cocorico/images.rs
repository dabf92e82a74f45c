//! Cocorico's public image URLs, for the demo and the browser tests: the
//! database holds only file names, which Cocorico's site serves at
//! `/uploads/listings/images/{name}` and, resized, at
//! `/media/cache/{filter}/uploads/listings/images/{name}`. This server answers
//! those paths with a picture drawn from the name (the same name always
//! gives the same picture), so the importer's URLs load in a browser.
//!
//! `sandbox cocorico serve --listen 127.0.0.1:3190` prints `listening on http://ADDR`.

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::net::SocketAddr;

/// The routes of Cocorico's uploaded listing images.
pub fn router() -> Router {
    Router::new()
        .route("/uploads/listings/images/{name}", get(original))
        .route("/media/cache/{filter}/uploads/listings/images/{name}", get(resized))
}

/// Binds `listen` and serves the images until the process ends; calls
/// `ready` with the bound address first.
pub async fn serve(listen: SocketAddr, ready: impl FnOnce(SocketAddr)) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    ready(listener.local_addr()?);
    axum::serve(listener, router()).await?;
    Ok(())
}

async fn original(Path(name): Path<String>) -> Response {
    image(&name)
}

async fn resized(Path((_filter, name)): Path<(String, String)>) -> Response {
    image(&name)
}

/// Whether `name` is a file name Cocorico's `ImageNamer` could have made.
fn is_image_name(name: &str) -> bool {
    let extension = name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase());
    !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\'])
        && matches!(extension.as_deref(), Some("jpg" | "jpeg" | "png" | "gif" | "webp"))
}

fn image(name: &str) -> Response {
    if !is_image_name(name) {
        return (StatusCode::NOT_FOUND, "no such file").into_response();
    }
    ([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=86400")], picture(name))
        .into_response()
}

/// FNV-1a, to pick colours from a name.
fn hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// An 800×600 room: wall, floor, window and a sofa, coloured by the name.
fn picture(name: &str) -> String {
    let h = hash(name);
    let hue = |shift: u32| (h >> shift) % 360;
    let (wall, floor, sofa) = (hue(0), hue(12), hue(24));
    let window_x = 80 + (h >> 36) % 400;
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600" viewBox="0 0 800 600"><rect width="800" height="600" fill="hsl({wall},35%,88%)"/><rect y="420" width="800" height="180" fill="hsl({floor},30%,55%)"/><rect x="{window_x}" y="90" width="240" height="220" fill="#cfe8f7" stroke="#fff" stroke-width="14"/><rect x="120" y="330" width="560" height="120" rx="18" fill="hsl({sofa},40%,40%)"/><rect x="120" y="300" width="560" height="40" rx="12" fill="hsl({sofa},40%,48%)"/></svg>"##
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_image_file_names_are_served() {
        assert!(is_image_name("4f9b2c1de0a7b3c8e6f5a4d3c2b1a0f9e8d7c6b5.jpg"));
        assert!(is_image_name("default-listing.png"));
        for bad in ["", ".htaccess.png", "a/../b.jpg", "notes.txt", "noextension"] {
            assert!(!is_image_name(bad), "{bad}");
        }
    }

    #[test]
    fn the_same_name_draws_the_same_picture() {
        assert_eq!(picture("a.jpg"), picture("a.jpg"));
        assert_ne!(picture("a.jpg"), picture("b.jpg"));
        assert!(picture("a.jpg").contains(r#"width="800" height="600""#));
    }

    #[tokio::test]
    async fn the_importers_urls_load_over_http() {
        let (tx, rx) = tokio::sync::oneshot::channel();
        tokio::spawn(serve("127.0.0.1:0".parse().unwrap(), move |addr| {
            let _ = tx.send(addr);
        }));
        let base = format!("http://{}", rx.await.unwrap());
        let client = reqwest::Client::new();
        for path in [
            "/uploads/listings/images/4f9b2c1de0a7b3c8e6f5a4d3c2b1a0f9e8d7c6b5.jpg",
            "/media/cache/listing_large/uploads/listings/images/4f9b.png",
        ] {
            let response = client.get(format!("{base}{path}")).send().await.unwrap();
            assert_eq!(response.status(), 200, "{path}");
            assert_eq!(response.headers()["content-type"], "image/svg+xml");
            assert!(response.text().await.unwrap().starts_with("<svg"));
        }
        let missing = client.get(format!("{base}/uploads/listings/images/notes.txt")).send().await.unwrap();
        assert_eq!(missing.status(), 404);
    }
}
