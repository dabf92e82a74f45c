//! The Marketplace web app: pages and components (rendered on the server and
//! hydrated in the browser), the server functions they call, the shared domain
//! types, and — behind the one `ssr` gate — everything that touches the
//! database or the network.

// Outside tests a panic is a bug, not error handling: say what failed.
#![warn(clippy::unwrap_used)]
// Deep view types (the admin panel's cards) need more than the default 128.
#![recursion_limit = "256"]
#![warn(missing_docs)]

pub mod api;
pub mod app;
pub mod components;
pub mod domain;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod server;

/// Browser entry point: attaches the interactive app to the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
