//! Setting the HTTP status of a server-rendered page (404, 400, …).

/// Sets the status of the response being rendered on the server. In the
/// browser there is no response to change, so this does nothing.
pub fn set_http_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = http::StatusCode::from_u16(code)
    {
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}
