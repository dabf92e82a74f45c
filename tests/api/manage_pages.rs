//! The back office's pages and their plain forms (no JavaScript): each form
//! answers 303 back to its page with the outcome, errors name the field and
//! keep what was typed, and the pages are for landlords and admins only.

use app::server::seed::demo_id;

use crate::helpers::spawn_app;
use crate::scoping::browser_session;

/// Posts a form as a browser would (same origin) and returns where it sends us.
async fn submit(client: &reqwest::Client, base: &str, path: &str, form: &[(&str, &str)]) -> String {
    let response =
        client.post(format!("{base}{path}")).header("Origin", base).form(form).send().await.expect("form post");
    assert_eq!(response.status(), 303, "{path}");
    response.headers()["location"].to_str().unwrap().to_owned()
}

/// GETs a page that must render (200) and returns its HTML; a failure shows
/// the status and the page's main part.
async fn page_of(client: &reqwest::Client, url: String) -> String {
    let response = client.get(&url).send().await.expect("page request");
    let status = response.status();
    let html = response.text().await.expect("page body");
    assert_eq!(status, 200, "{url}: {}", main_of(&html));
    html
}

/// The `<main>` part of a page (or its start), to show in a failed assertion.
fn main_of(html: &str) -> &str {
    let start = html.find("<main").unwrap_or(0);
    let end = html[start..].find("</main>").map_or(html.len().min(start + 4000), |e| start + e);
    &html[start..end]
}

#[tokio::test]
async fn a_landlord_lets_and_bills_from_the_pages_without_javascript() {
    let app = spawn_app(true).await;
    let base = app.address.clone();
    let landlord = browser_session(&app, "landlord1@marketplace.test").await;
    let admin = browser_session(&app, "admin@marketplace.test").await;

    let page = page_of(&landlord, format!("{base}/manage/properties")).await;
    assert!(page.contains(r#"data-testid="properties""#) && page.contains("Add a property"), "the page renders");
    assert!(!page.contains(r#"href="/manage/people""#), "People is for admins");

    // An admin invites a tenant from the people page.
    let to =
        submit(&admin, &base, "/manage/people", &[("email", "pia@example.com"), ("role", "tenant"), ("name", "Pia")])
            .await;
    assert!(to.starts_with("/manage/people?ok=invited&link="), "{to}");
    let page = page_of(&admin, format!("{base}{to}")).await;
    assert!(page.contains("The invitation is sent.") && page.contains(r#"data-testid="invitation-link""#));

    // The landlord adds a property, a unit, and lets it.
    let to = submit(
        &landlord,
        &base,
        "/manage/properties",
        &[
            ("name", "Rue Neuve"),
            ("address_line", "2 rue Neuve"),
            ("city", "Lyon"),
            ("postal_code", "69002"),
            ("country", "XYZ"),
        ],
    )
    .await;
    assert!(to.contains("error=country&reason=invalid") && to.contains("name=Rue%20Neuve"), "{to}");
    let page = page_of(&landlord, format!("{base}{to}")).await;
    assert!(
        page.contains("Not done: check country (a two-letter ISO 3166 code, like FR).")
            && page.contains(r#"value="Rue Neuve""#),
        "typed values come back: {}",
        main_of(&page)
    );
    let fields = [
        ("name", "Rue Neuve"),
        ("address_line", "2 rue Neuve"),
        ("city", "Lyon"),
        ("postal_code", "69002"),
        ("country", "FR"),
    ];
    assert_eq!(submit(&landlord, &base, "/manage/properties", &fields).await, "/manage/properties?ok=property");
    let property: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM property WHERE name = 'Rue Neuve'").fetch_one(&app.pool).await.unwrap();
    let units = format!("/manage/properties/{property}/units");
    assert_eq!(
        submit(&landlord, &base, &units, &[("label", "2B"), ("bedrooms", "1")]).await,
        "/manage/properties?ok=unit"
    );
    let edit = format!("/manage/properties/{property}/edit");
    let renamed = [
        ("name", "Rue Neuve Nord"),
        ("address_line", "2 rue Neuve"),
        ("city", "Lyon"),
        ("postal_code", "69002"),
        ("country", "FR"),
    ];
    assert_eq!(submit(&landlord, &base, &edit, &renamed).await, "/manage/properties?ok=edited");
    let page = page_of(&landlord, format!("{base}/manage/properties")).await;
    assert!(
        page.contains("Rue Neuve Nord") && page.contains("2 rue Neuve, 69002 Lyon (FR)"),
        "the card reads the new name"
    );
    let unit: uuid::Uuid = sqlx::query_scalar("SELECT id FROM unit WHERE property_id = $1")
        .bind(property)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let unit = unit.to_string();
    let unit_edit = format!("/manage/units/{unit}/edit");
    let two_rooms = [("label", "2B"), ("bedrooms", "2"), ("floor", "2")];
    assert_eq!(submit(&landlord, &base, &unit_edit, &two_rooms).await, "/manage/properties?ok=unit_edited");
    let bedrooms: i32 = sqlx::query_scalar("SELECT bedrooms FROM unit WHERE id = $1::uuid")
        .bind(&unit)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(bedrooms, 2);
    let lease = |currency: &'static str| {
        vec![
            ("unit_id", unit.clone()),
            ("tenant_email", "pia@example.com".to_owned()),
            ("start_on", "2026-12-01".to_owned()),
            ("rent_minor", "80000".to_owned()),
            ("currency", currency.to_owned()),
            ("due_day", "3".to_owned()),
        ]
    };
    let as_form = |v: &Vec<(&'static str, String)>| v.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    let form = as_form(&lease("EURO"));
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let to = submit(&landlord, &base, "/manage/leases", &form).await;
    assert!(to.contains("error=currency&reason=invalid") && to.contains("rent_minor=80000"), "{to}");
    let form = as_form(&lease("EUR"));
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(submit(&landlord, &base, "/manage/leases", &form).await, "/manage/leases?ok=created");
    let again = submit(&landlord, &base, "/manage/leases", &form).await;
    assert!(again.contains("error=unit_id&reason=conflict"), "{again}");
    let page = page_of(&landlord, format!("{base}/manage/leases")).await;
    assert!(
        page.contains("Rue Neuve Nord · 2B") && page.contains("I confirm"),
        "the lease is listed with its end form"
    );
    let stranger = [
        ("unit_id", unit.as_str()),
        ("tenant_email", "nobody@example.com"),
        ("start_on", "2027-06-01"),
        ("rent_minor", "1"),
        ("currency", "EUR"),
    ];
    assert!(submit(&landlord, &base, "/manage/leases", &stranger).await.contains("error=tenant_email"));

    // Billed by the rent run, then partly paid from the invoices page.
    let token = app.token_of("admin@marketplace.test").await;
    let run = app
        .client
        .post(format!("{base}/api/manage/billing/run"))
        .bearer_auth(token)
        .json(&serde_json::json!({ "period": "2026-12" }))
        .send()
        .await
        .unwrap();
    assert_eq!(run.status(), 200);
    let invoice: uuid::Uuid =
        sqlx::query_scalar("SELECT i.id FROM invoice i JOIN lease l ON l.id = i.lease_id WHERE l.unit_id = $1::uuid")
            .bind(&unit)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let pay = format!("/manage/invoices/{invoice}/payments");
    let payment =
        [("amount_minor", "30000"), ("received_on", "2026-12-02"), ("method", "cash"), ("reference", "CASH-1")];
    assert_eq!(submit(&landlord, &base, &pay, &payment).await, "/manage/invoices?ok=paid");
    let too_much =
        [("amount_minor", "60000"), ("received_on", "2026-12-02"), ("method", "cash"), ("reference", "CASH-2")];
    assert!(submit(&landlord, &base, &pay, &too_much).await.contains("error=amount_minor&reason=conflict"));
    let page = page_of(&landlord, format!("{base}/manage/invoices?period=2026-12")).await;
    assert!(page.contains(r#"data-state="partly_paid""#), "the invoice reads partly paid");

    // Ending it needs the confirmation.
    let lease: uuid::Uuid = sqlx::query_scalar("SELECT id FROM lease WHERE unit_id = $1::uuid")
        .bind(&unit)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let end = format!("/manage/leases/{lease}/end");
    assert!(submit(&landlord, &base, &end, &[("end_on", "2027-01-31")]).await.contains("error=confirm"));
    let ended = submit(&landlord, &base, &end, &[("end_on", "2027-01-31"), ("confirm", "yes")]).await;
    assert_eq!(ended, "/manage/leases?ok=ended");
}

#[tokio::test]
async fn the_back_office_is_for_landlords_and_admins() {
    let app = spawn_app(true).await;
    let tenant = browser_session(&app, "tenant1@marketplace.test").await;
    let page = tenant.get(format!("{}/manage/leases", app.address)).send().await.unwrap();
    assert_eq!(page.status(), 403);
    assert!(page.text().await.unwrap().contains("Landlords and admins only"));
    let form = tenant
        .post(format!("{}/manage/properties", app.address))
        .header("Origin", &app.address)
        .form(&[("name", "x")])
        .send()
        .await
        .unwrap();
    assert!(form.headers()["location"].to_str().unwrap().contains("reason=forbidden"));
    let landlord = browser_session(&app, "landlord1@marketplace.test").await;
    let people = landlord.get(format!("{}/manage/people", app.address)).send().await.unwrap();
    assert_eq!(people.status(), 403, "people are for admins");
    let anonymous = app
        .client
        .post(format!("{}/manage/leases", app.address))
        .header("Origin", &app.address)
        .form(&[("x", "y")])
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.headers()["location"], "/login?next=/manage/leases");
    let other: uuid::Uuid = sqlx::query_scalar("SELECT id FROM property WHERE landlord_id <> $1 LIMIT 1")
        .bind(demo_id("landlord1@marketplace.test"))
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let to = landlord
        .post(format!("{}/manage/properties/{other}/units", app.address))
        .header("Origin", &app.address)
        .form(&[("label", "Z")])
        .send()
        .await
        .unwrap();
    assert!(to.headers()["location"].to_str().unwrap().contains("reason=not_found"));
}

#[tokio::test]
async fn an_invoice_is_voided_from_its_page_and_refusals_read_in_words() {
    let app = spawn_app(true).await;
    let base = app.address.clone();
    let landlord = browser_session(&app, "landlord1@marketplace.test").await;
    let pick = |paid: bool| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_as::<_, (uuid::Uuid, String)>(
                "SELECT i.id, i.number FROM invoice i JOIN lease l ON l.id = i.lease_id JOIN unit u ON u.id = l.unit_id
                 JOIN property pr ON pr.id = u.property_id
                 WHERE pr.landlord_id = $1 AND i.voided_at IS NULL
                   AND EXISTS (SELECT 1 FROM payment p WHERE p.invoice_id = i.id) = $2
                 ORDER BY i.issued_on DESC, i.number LIMIT 1",
            )
            .bind(demo_id("landlord1@marketplace.test"))
            .bind(paid)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let (unpaid, number) = pick(false).await;
    let path = format!("/manage/invoices/{unpaid}/void");
    let page = page_of(&landlord, format!("{base}/manage/invoices")).await;
    assert!(page.contains(&format!(r#"action="{path}""#)), "an unpaid invoice offers a void");

    let unconfirmed = submit(&landlord, &base, &path, &[("reason", "a duplicate")]).await;
    assert_eq!(
        unconfirmed, "/manage/invoices?error=confirm&reason=invalid&message=tick%20the%20confirmation",
        "a destructive action is confirmed"
    );
    let yes = ("confirm", "yes");
    let no_reason = submit(&landlord, &base, &path, &[("reason", ""), yes]).await;
    assert_eq!(no_reason, "/manage/invoices?error=reason&reason=invalid&message=from%201%20to%20500%20characters");
    let done = submit(&landlord, &base, &path, &[("reason", "a duplicate"), yes]).await;
    assert_eq!(done, "/manage/invoices?ok=voided");
    let page = page_of(&landlord, format!("{base}{done}")).await;
    assert!(page.contains("The invoice is void."), "the outcome in words");
    assert!(page.contains(&format!(r#"data-invoice="{number}" data-state="void""#)), "listed as void");
    assert!(!page.contains(&format!(r#"action="{path}""#)), "and no longer offers a void");

    let again = submit(&landlord, &base, &path, &[("reason", "again"), yes]).await;
    let page = page_of(&landlord, format!("{base}{again}")).await;
    assert!(page.contains("the invoice is already void"), "{again}");
    let (paid, _) = pick(true).await;
    let refused = submit(&landlord, &base, &format!("/manage/invoices/{paid}/void"), &[("reason", "x"), yes]).await;
    let page = page_of(&landlord, format!("{base}{refused}")).await;
    assert!(page.contains("Refund them first, then void it."), "{refused}");
}

#[tokio::test]
async fn units_and_properties_are_archived_and_rents_changed_from_the_pages() {
    let app = spawn_app(true).await;
    let base = app.address.clone();
    let landlord = browser_session(&app, "landlord1@marketplace.test").await;
    let token = app.token_of("landlord1@marketplace.test").await;
    let place = serde_json::json!({ "name": "Cour Verte", "address_line": "5 rue Verte", "city": "Lyon",
                                    "postal_code": "69003", "country": "FR" });
    let made = |path: String, body: serde_json::Value| {
        let (client, token) = (app.client.clone(), token.clone());
        async move {
            let response = client.post(path).bearer_auth(token).json(&body).send().await.unwrap();
            assert_eq!(response.status(), 201);
            response.json::<serde_json::Value>().await.unwrap()["id"].as_str().unwrap().to_owned()
        }
    };
    let property = made(format!("{base}/api/manage/properties"), place).await;
    let unit =
        made(format!("{base}/api/manage/properties/{property}/units"), serde_json::json!({ "label": "V-1" })).await;

    // A unit is archived after a confirmation, then listed apart with a way back.
    let archive = format!("/manage/units/{unit}/archive");
    assert!(submit(&landlord, &base, &archive, &[]).await.contains("error=confirm&reason=invalid"));
    assert_eq!(submit(&landlord, &base, &archive, &[("confirm", "yes")]).await, "/manage/properties?ok=unit_archived");
    let page = page_of(&landlord, format!("{base}/manage/properties?ok=unit_archived")).await;
    assert!(page.contains("The unit is archived"), "the outcome in words");
    assert!(
        page.contains(r#"data-testid="archived-units""#)
            && page.contains(&format!(r#"action="/manage/units/{unit}/restore""#))
    );
    let leases = page_of(&landlord, format!("{base}/manage/leases")).await;
    assert!(!leases.contains(&format!(r#"value="{unit}""#)), "an archived unit is not offered for a lease");

    // The property goes to the archived list and comes back from it.
    let to = submit(&landlord, &base, &format!("/manage/properties/{property}/archive"), &[("confirm", "yes")]).await;
    assert_eq!(to, "/manage/properties?ok=property_archived");
    let page = page_of(&landlord, format!("{base}/manage/properties")).await;
    assert!(!page.contains(&format!(r#"data-property="{property}""#)), "out of the list in use");
    let archived = page_of(&landlord, format!("{base}/manage/properties?archived=true")).await;
    assert!(archived.contains("Archived properties") && archived.contains(&format!(r#"data-property="{property}""#)));
    let restore = format!("/manage/properties/{property}/restore");
    assert_eq!(
        submit(&landlord, &base, &restore, &[("from", "archived")]).await,
        "/manage/properties?ok=property_restored"
    );

    // A rent change on days already invoiced is refused, and the page says why.
    let (lease, invoiced): (String, String) = sqlx::query_as(
        "SELECT l.id::text, greatest(i.period_start, l.starts_on)::text FROM lease l
         JOIN invoice i ON i.lease_id = l.id JOIN unit u ON u.id = l.unit_id
         JOIN property p ON p.id = u.property_id WHERE p.landlord_id = $1 ORDER BY i.period_end DESC LIMIT 1",
    )
    .bind(demo_id("landlord1@marketplace.test"))
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let change = format!("/manage/leases/{lease}/rent");
    let to = submit(&landlord, &base, &change, &[("from_on", &invoiced), ("rent_minor", "1")]).await;
    let page = page_of(&landlord, format!("{base}{to}")).await;
    assert!(page.contains("Not done: from on clashes with what is already recorded (the rent up to"), "{to}");
    assert!(page.contains("is already invoiced, and invoices are not rewritten"), "{to}");
}
