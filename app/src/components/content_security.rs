//! The Content Security Policy. Scripts run only from our origin or, inline,
//! when they carry the nonce drawn for this response (Leptos puts it on its
//! hydration and streaming scripts); WebAssembly may be compiled (the
//! hydrated app is WebAssembly); nothing may frame our pages, no plugin
//! loads, forms and `<base>` stay on our origin.

/// The policy, with `script-src` allowing `nonce` when a page drew one
/// (answers that are not rendered pages carry no inline script at all).
pub fn policy(nonce: Option<&str>) -> String {
    let scripts = match nonce {
        Some(nonce) => format!("script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'"),
        None => "script-src 'self' 'wasm-unsafe-eval'".to_owned(),
    };
    format!("{scripts}; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
}

/// Puts the policy with this render's nonce on the page being rendered on
/// the server. In the browser there is no response, so this does nothing.
pub fn apply_to_page() {
    #[cfg(feature = "ssr")]
    if let Some(nonce) = leptos::nonce::use_nonce()
        && let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
        && let Ok(value) = http::HeaderValue::from_str(&policy(Some(&nonce)))
    {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_need_the_nonce_and_framing_is_refused() {
        let page = policy(Some("abc123"));
        assert!(page.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'"), "{page}");
        assert!(!page.contains("unsafe-inline"));
        assert!(page.contains("frame-ancestors 'none'") && page.contains("object-src 'none'"));
        assert!(!policy(None).contains("nonce"));
    }
}
