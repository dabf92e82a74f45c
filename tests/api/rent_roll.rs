//! The landlord's rent roll against the books: due, paid and outstanding per
//! property and month, occupancy, arrears by age, scoped to the landlord.

use app::server::seed::demo_id;
use serde_json::Value;

use crate::helpers::spawn_app;
use crate::scoping::browser_session;

#[tokio::test]
async fn the_rent_roll_adds_up_to_the_books() {
    let app = spawn_app(true).await;
    let landlord = app.token_of("landlord1@marketplace.test").await;
    let call = async |token: &str, months: &str| {
        let response = app.get_as(token, &format!("/api/manage/rent-roll?months={months}")).await;
        let status = response.status().as_u16();
        (status, response.json::<Value>().await.unwrap_or(Value::Null))
    };
    let (status, roll) = call(&landlord, "6").await;
    assert_eq!(status, 200, "{roll}");
    let months = roll["months"].as_array().unwrap();
    assert_eq!(months.len(), 6);
    let properties = roll["properties"].as_array().unwrap();
    let owned: i64 = sqlx::query_scalar("SELECT count(*) FROM property WHERE landlord_id = $1")
        .bind(demo_id("landlord1@marketplace.test"))
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(properties.len() as i64, owned, "the landlord's properties only");
    let mut checked = 0;
    for property in properties {
        let id: uuid::Uuid = property["property_id"].as_str().unwrap().parse().unwrap();
        for month in property["months"].as_array().unwrap() {
            let start = format!("{}-01", month["period"].as_str().unwrap());
            let (due, paid): (i64, i64) = sqlx::query_as(
                "SELECT COALESCE(sum(i.total_minor), 0)::bigint,
                        COALESCE(sum((SELECT COALESCE(sum(p.amount_minor), 0) FROM payment p WHERE p.invoice_id = i.id)), 0)::bigint
                 FROM invoice i JOIN lease l ON l.id = i.lease_id JOIN unit u ON u.id = l.unit_id
                 WHERE u.property_id = $1 AND i.period_start = $2::date AND i.voided_at IS NULL",
            )
            .bind(id)
            .bind(&start)
            .fetch_one(&app.pool)
            .await
            .unwrap();
            assert_eq!((month["due_minor"].as_i64(), month["paid_minor"].as_i64()), (Some(due), Some(paid)), "{start}");
            assert_eq!(month["outstanding_minor"].as_i64(), Some((due - paid).max(0)));
            assert!(month["let_units"].as_i64() <= month["units"].as_i64());
            checked += 1;
        }
        let late: i64 = sqlx::query_scalar(
            "SELECT COALESCE(sum(i.total_minor - COALESCE((SELECT sum(p.amount_minor) FROM payment p WHERE p.invoice_id = i.id), 0)), 0)::bigint
             FROM invoice i JOIN lease l ON l.id = i.lease_id JOIN unit u ON u.id = l.unit_id
             WHERE u.property_id = $1 AND i.voided_at IS NULL AND i.due_on < current_date
               AND i.total_minor > COALESCE((SELECT sum(p.amount_minor) FROM payment p WHERE p.invoice_id = i.id), 0)",
        )
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        let a = &property["arrears"];
        let buckets = a["up_to_30_minor"].as_i64().unwrap()
            + a["up_to_60_minor"].as_i64().unwrap()
            + a["over_60_minor"].as_i64().unwrap();
        assert_eq!(buckets, late, "the three ages add up to everything overdue");
        assert!(property["chart_svg"].as_str().unwrap().contains("<svg"));
    }
    assert!(checked > 0);
    assert!(
        properties
            .iter()
            .any(|p| p["arrears"]["over_60_minor"].as_i64() > Some(0)
                || p["arrears"]["up_to_30_minor"].as_i64() > Some(0)),
        "the demo's late payers show up"
    );

    assert_eq!(call(&landlord, "30").await.0, 400, "at most 24 months");
    let tenant = app.token_of("tenant1@marketplace.test").await;
    assert_eq!(call(&tenant, "6").await.0, 403);
    let page = browser_session(&app, "landlord1@marketplace.test").await;
    let html = page.get(format!("{}/manage/rent-roll", app.address)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(r#"data-testid="rent-roll""#) && html.contains("Overdue") && html.contains("role=\"img\""));
}
