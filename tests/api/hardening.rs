//! Defences every response and the sign-in form keep: `next` never leaves
//! our site, and security headers are on pages and JSON alike.

use crate::helpers::{DEMO_PASSWORD, spawn_app, spawn_app_with};

#[tokio::test]
async fn after_signing_in_next_never_leads_off_our_site() {
    let app = spawn_app(true).await;
    for hostile in ["/\t/evil.test", "//evil.test", "/\\evil.test", "https://evil.test", "/\r\nSet-Cookie: a=b"] {
        let response = app
            .client
            .post(format!("{}/login", app.address))
            .header("Origin", &app.address)
            .form(&[("email", "tenant1@marketplace.test"), ("password", DEMO_PASSWORD), ("next", hostile)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{hostile:?}: never a 500");
        assert_eq!(response.headers()["location"], "/account", "{hostile:?}");
    }
    let response = app
        .client
        .post(format!("{}/login", app.address))
        .header("Origin", &app.address)
        .form(&[("email", "tenant1@marketplace.test"), ("password", DEMO_PASSWORD), ("next", "/properties?city=Lyon")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["location"], "/properties?city=Lyon", "a local path is kept");
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_hsts_only_over_https() {
    let app = spawn_app(false).await;
    for path in ["/", "/login", "/api/health", "/no-such-page"] {
        let response = app.get(path).await;
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("form-action 'self'"), "{path}: {csp}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "strict-origin-when-cross-origin", "{path}");
        assert!(headers.get("strict-transport-security").is_none(), "{path}: not over plain http");
    }
    let secure = spawn_app_with(false, &[("MARKETPLACE_PUBLIC_URL", "https://marketplace.example.com")]).await;
    let response = secure.get("/").await;
    assert!(response.headers()["strict-transport-security"].to_str().unwrap().starts_with("max-age=63072000"));
}

#[tokio::test]
async fn a_page_allows_only_the_inline_scripts_carrying_its_own_nonce() {
    let app = spawn_app(true).await;
    let mut seen = Vec::new();
    for path in ["/", "/properties", "/login"] {
        let response = app.get(path).await;
        let csp = response.headers()["content-security-policy"].to_str().unwrap().to_owned();
        assert!(!csp.contains("unsafe-inline") && csp.contains("object-src 'none'"), "{path}: {csp}");
        let nonce = csp.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect("a nonce").to_owned();
        let html = response.text().await.unwrap();
        let inline_scripts = html.matches("<script").count();
        let with_nonce = html.matches(&format!("nonce=\"{nonce}\"")).count();
        assert!(inline_scripts > 0, "{path}: the hydration script");
        let data_blocks = html.matches("<script type=\"application/ld+json\"").count();
        assert!(with_nonce >= inline_scripts - data_blocks, "{path}: {with_nonce} of {inline_scripts} carry it");
        seen.push(nonce);
    }
    seen.dedup();
    assert_eq!(seen.len(), 3, "each response draws its own nonce");
    let api = app.get("/api/health").await;
    let csp = api.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.starts_with("script-src 'self' 'wasm-unsafe-eval';"), "not a page, no nonce: {csp}");
}

#[tokio::test]
async fn every_answer_carries_a_request_id_and_a_sane_one_sent_is_kept() {
    let app = spawn_app(false).await;
    let fresh = app.get("/api/health").await;
    let id = fresh.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id.len(), 32);
    assert_ne!(app.get("/api/health").await.headers()["x-request-id"].to_str().unwrap(), id, "one per request");
    let url = format!("{}/api/health", app.address);
    let kept = app.client.get(&url).header("x-request-id", "lb-1234.abc").send().await.unwrap();
    assert_eq!(kept.headers()["x-request-id"], "lb-1234.abc");
    let forged = app.client.get(&url).header("x-request-id", "a b<script>").send().await.unwrap();
    assert_eq!(forged.headers()["x-request-id"].len(), 32, "an odd id is replaced");
}

/// Sends the head of a sign-in POST whose body is `length` bytes long and
/// the first part of the body; the rest is for the caller to send (or not).
async fn start_slow_login(app: &crate::helpers::TestApp, length: usize, part: &[u8]) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let host = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let head = format!(
        "POST /api/auth/login HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Content-Length: {length}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(part).await.unwrap();
    stream
}

/// Everything the server answers on `stream` until it closes it.
async fn read_answer(mut stream: tokio::net::TcpStream) -> String {
    use tokio::io::AsyncReadExt;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer
}

#[tokio::test]
async fn a_request_not_finished_in_time_is_answered_503_and_frees_its_place() {
    let app = spawn_app_with(
        false,
        &[("MARKETPLACE_REQUEST_TIMEOUT", "400ms"), ("MARKETPLACE_MAX_CONCURRENT_REQUESTS", "1")],
    )
    .await;
    // A client announces a body and never sends most of it.
    let stalled = start_slow_login(&app, 200, b"{\"email\":").await;
    let answer = tokio::time::timeout(std::time::Duration::from_secs(10), read_answer(stalled))
        .await
        .expect("the server answers a stalled request itself");
    let head = answer.to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 503"), "{answer}");
    assert!(head.contains("retry-after: 1"), "{answer}");
    assert!(head.contains("x-content-type-options: nosniff"), "a timeout still carries the security headers");
    // Its place is free again.
    assert_eq!(app.get("/api/health").await.status(), 200);
}

#[tokio::test]
async fn requests_beyond_the_concurrency_limit_wait_for_a_place() {
    let app =
        spawn_app_with(false, &[("MARKETPLACE_REQUEST_TIMEOUT", "20s"), ("MARKETPLACE_MAX_CONCURRENT_REQUESTS", "1")])
            .await;
    let body = br#"{"email":"nobody@marketplace.test","password":"wrong"}"#;
    let mut slow = start_slow_login(&app, body.len(), &body[..10]).await;
    // Let the server take the slow request (and the only place) first.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let waiting = {
        let client = app.client.clone();
        let url = format!("{}/api/health", app.address);
        tokio::spawn(async move { client.get(url).send().await.unwrap().status() })
    };
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(!waiting.is_finished(), "the second request waits while the only place is taken");
    {
        use tokio::io::AsyncWriteExt;
        slow.write_all(&body[10..]).await.unwrap();
    }
    let answer = read_answer(slow).await;
    assert!(answer.starts_with("HTTP/1.1 401"), "the slow sign-in is answered: {answer}");
    assert_eq!(waiting.await.unwrap(), 200, "then the waiting request is served");
}

#[tokio::test]
async fn server_functions_answer_the_status_their_error_means() {
    let app = spawn_app(true).await;
    let call = |token: Option<String>, body: &'static str| {
        let request = app
            .client
            .post(format!("{}/api/maintenance/get", app.address))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .body(body);
        let request = match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        };
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let marked = response.headers().contains_key("serverfnerror");
            (status, marked, response.text().await.unwrap())
        }
    };
    let (status, marked, body) = call(None, "id=00000000-0000-0000-0000-000000000000").await;
    assert_eq!((status, marked), (401, true), "no session: {body}");
    assert!(body.contains("Unauthorized"), "the error itself is kept for the page: {body}");

    let token = app.token_of("tenant1@marketplace.test").await;
    let (status, _, body) = call(Some(token.clone()), "id=00000000-0000-0000-0000-000000000000").await;
    assert_eq!(status, 404, "a ticket that is not there: {body}");
    let (status, _, body) = call(Some(token.clone()), "ticket=1").await;
    assert_eq!(status, 400, "a missing argument: {body}");
    assert!(body.contains("Validation") && body.contains("`id`"), "names what is missing: {body}");

    // A JSON-encoded server function given a body that is not its arguments.
    let response = app
        .client
        .post(format!("{}/api/maintenance/list", app.address))
        .bearer_auth(&token)
        .header("Content-Type", "application/json")
        .body("{\"params\": 42")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400, "undecodable arguments: {}", response.text().await.unwrap());
}

#[tokio::test]
async fn protected_pages_are_refused_before_rendering() {
    let app = spawn_app(true).await;
    for (path, next) in [
        ("/admin/system-status", "/admin/system-status"),
        ("/account", "/account"),
        ("/maintenance", "/maintenance"),
        ("/manage/invoices?period=2026-11&page=2", "/manage/invoices%3Fperiod%3D2026-11%26page%3D2"),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 303, "{path}: a redirect browsers follow, not a 200");
        assert_eq!(response.headers()["location"], format!("/login?next={next}").as_str(), "{path}");
        assert!(response.text().await.unwrap().is_empty(), "{path}: nothing rendered");
    }
    let tenant = crate::scoping::browser_session(&app, "tenant1@marketplace.test").await;
    let page = tenant.get(format!("{}/admin/system-status", app.address)).send().await.unwrap();
    assert_eq!(page.status(), 403);
    let html = page.text().await.unwrap();
    assert!(html.contains("Admins only") && html.contains("href=\"/account\""), "says why and where to go: {html}");
    let landlord = crate::scoping::browser_session(&app, "landlord1@marketplace.test").await;
    assert_eq!(landlord.get(format!("{}/manage/rent-roll", app.address)).send().await.unwrap().status(), 200);
    assert_eq!(landlord.get(format!("{}/admin/system-status", app.address)).send().await.unwrap().status(), 403);
    assert_eq!(tenant.get(format!("{}/account", app.address)).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn behind_a_proxy_posts_must_come_from_the_public_origin_whatever_the_host() {
    let app = spawn_app_with(true, &[("MARKETPLACE_PUBLIC_URL", "https://marketplace.example/")]).await;
    let sign_in = |origin: &'static str| {
        app.client
            .post(format!("{}/login", app.address))
            .header("Origin", origin)
            .form(&[("email", "tenant1@marketplace.test"), ("password", DEMO_PASSWORD)])
            .send()
    };
    // The proxy rewrote Host to the internal address; the browser's Origin is the public one.
    let through_proxy = sign_in("https://marketplace.example").await.unwrap();
    assert_eq!(through_proxy.status(), 303, "our public origin");
    assert_eq!(through_proxy.headers()["location"], "/account");
    assert_eq!(sign_in("https://evil.example").await.unwrap().status(), 403, "another site");
    assert_eq!(sign_in("http://marketplace.example").await.unwrap().status(), 403, "the scheme counts");
}

#[tokio::test]
async fn json_errors_are_rfc_9457_problems() {
    let app = spawn_app(true).await;
    let token = app.token_of("landlord1@marketplace.test").await;
    let missing = app.get_as(&token, &format!("/api/maintenance/{}", uuid::Uuid::nil())).await;
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.headers()["content-type"], "application/problem+json");
    let body: serde_json::Value = missing.json().await.unwrap();
    assert_eq!(body["type"], "about:blank");
    assert_eq!(body["title"], "Not Found");
    assert_eq!(body["status"], 404);
    assert_eq!(body["code"], "not_found");
    assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()));
    assert_eq!(body["error"]["code"], "not_found", "the shape earlier clients read is kept");
    let bad = app.get_as(&token, "/api/maintenance?sort=random").await;
    let body: serde_json::Value = bad.json().await.unwrap();
    assert_eq!((body["status"].as_u64(), body["title"].as_str()), (Some(400), Some("Bad Request")));
    assert!(body["detail"].as_str().unwrap().contains("sort"), "{body}");
}

/// Pages with data keep rendering while other servers of the same process
/// start: a server lists its page routes once per process, since listing
/// them switches resource loading off process-wide for a moment, and a page
/// caught in that moment would wait until the request timeout's 503.
#[tokio::test]
async fn pages_render_while_other_servers_of_the_process_start() {
    let app = spawn_app_with(true, &[("MARKETPLACE_REQUEST_TIMEOUT", "5s")]).await;
    let config = app.config.clone();
    let starting = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(async move {
            for _ in 0..40 {
                marketplace::startup::Application::build(config.clone()).await.expect("build a server");
            }
        });
    });
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let askers: Vec<_> = (0..12)
        .map(|_| {
            let (client, url, done) = (app.client.clone(), format!("{}/properties", app.address), done.clone());
            tokio::spawn(async move {
                let (mut pages, mut failed) = (0, Vec::new());
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    pages += 1;
                    match client.get(&url).send().await.map(|r| r.status()) {
                        Ok(status) if status == 200 => {}
                        other => failed.push(format!("{other:?}")),
                    }
                }
                (pages, failed)
            })
        })
        .collect();
    while !starting.is_finished() {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let (mut pages, mut failed) = (0, Vec::new());
    for asker in askers {
        let (asked, refused) = asker.await.expect("the asking task");
        pages += asked;
        failed.extend(refused);
    }
    starting.join().expect("the servers started");
    assert!(pages >= 8, "pages were asked for while the servers started");
    assert!(failed.is_empty(), "{} of {pages} pages failed: {failed:?}", failed.len());
}

/// A static file served while pages render never takes a page's headers:
/// each page keeps the policy with its own nonce, and files carry the plain
/// policy.
#[tokio::test]
async fn static_files_served_beside_renders_never_take_a_pages_headers() {
    let site = std::env::temp_dir().join(format!("mkt-site-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(site.join("photos")).unwrap();
    std::fs::write(site.join("photos/door.svg"), r#"<svg xmlns="http://www.w3.org/2000/svg"/>"#).unwrap();
    let root = site.to_string_lossy().into_owned();
    let app = spawn_app_with(true, &[("MARKETPLACE_SITE_ROOT", root.as_str())]).await;
    let csp = |r: &reqwest::Response| {
        r.headers().get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
    };
    for round in 0..30 {
        let page = app.client.get(format!("{}/properties", app.address)).send();
        let files: Vec<_> = (0..6).map(|_| app.client.get(format!("{}/photos/door.svg", app.address)).send()).collect();
        let page = tokio::spawn(page);
        let files: Vec<_> = files.into_iter().map(tokio::spawn).collect();
        let page = page.await.unwrap().unwrap();
        let policy = csp(&page);
        let html = page.text().await.unwrap();
        let nonce = policy.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).unwrap_or_default();
        assert!(!nonce.is_empty(), "round {round}: the page's policy has its nonce: {policy}");
        assert!(html.contains(&format!("nonce=\"{nonce}\"")), "round {round}: its scripts carry that nonce");
        for file in files {
            let file = file.await.unwrap().unwrap();
            assert_eq!(file.status(), 200);
            assert!(!csp(&file).contains("nonce"), "round {round}: a file took a page's policy: {}", csp(&file));
        }
    }
}
