//! The id of the request being served (`x-request-id`), carried through the
//! task that serves it, so its log lines share it and the calls it makes to
//! Kill Bill and Condo send it on, and one request can be followed across
//! systems.

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The header the id travels in.
pub const HEADER: &str = "x-request-id";

/// Runs `work` as the request `id`.
pub async fn scope<F: std::future::Future>(id: String, work: F) -> F::Output {
    REQUEST_ID.scope(id, work).await
}

/// The id of the request this code serves, if it serves one.
pub fn current() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// `builder` with the current request's id, when there is one.
pub fn propagate(builder: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
    match current() {
        Some(id) => builder.header(HEADER, id),
        None => builder,
    }
}

/// An id a client sent, if it is a sane one to log and pass on (at most 64
/// letters, digits, `-`, `_` or `.`); else a new one.
pub fn accept_or_new(sent: Option<&str>) -> String {
    sent.filter(|id| {
        !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
    })
    .map_or_else(|| uuid::Uuid::new_v4().simple().to_string(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_id_is_seen_inside_its_scope_only() {
        assert_eq!(current(), None);
        let seen = scope("req-1".into(), async { current() }).await;
        assert_eq!(seen.as_deref(), Some("req-1"));
        assert_eq!(current(), None);
    }

    #[tokio::test]
    async fn calls_made_for_a_request_carry_its_id() {
        let client = reqwest::Client::new();
        let outside = propagate(client.get("http://127.0.0.1:9/")).build().unwrap();
        assert!(outside.headers().get(HEADER).is_none());
        let inside =
            scope("req-7".into(), async { propagate(client.get("http://127.0.0.1:9/")).build().unwrap() }).await;
        assert_eq!(inside.headers()[HEADER], "req-7");
    }

    #[test]
    fn only_sane_ids_are_kept() {
        assert_eq!(accept_or_new(Some("abc-123_x.y")), "abc-123_x.y");
        for bad in ["", "a b", "a\nb", &"x".repeat(65), "<script>"] {
            let id = accept_or_new(Some(bad));
            assert_ne!(id, bad);
            assert_eq!(id.len(), 32, "a new one");
        }
    }
}
