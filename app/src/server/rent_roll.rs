//! The rent roll of the caller's properties (admins: every one): the last
//! months' due, paid and outstanding rent, occupancy, and arrears by age,
//! with a small chart per property drawn on the server.

use chrono::{Months, NaiveDate};
use sqlx::PgPool;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use uuid::Uuid;

use crate::domain::BillingPeriod;
use crate::domain::markup::escape;
use crate::model::AppError;
use crate::model::rent_roll::{Arrears, MonthFigures, PropertyRoll, RentRoll};
use crate::server::auth::AuthUser;
use crate::server::store::rent_roll as store;

/// The roll of the `months` months up to the one of `today` (1 to 24).
pub async fn load(pool: &PgPool, user: &AuthUser, months: u32, today: NaiveDate) -> Result<RentRoll, AppError> {
    let scope = user.landlord_scope()?;
    if !(1..=24).contains(&months) {
        return Err(AppError::Validation("months: from 1 to 24".into()));
    }
    let last = BillingPeriod::of(today).start();
    let first = last.checked_sub_months(Months::new(months - 1)).unwrap_or(last);
    let periods: Vec<String> = (0..months)
        .filter_map(|k| first.checked_add_months(Months::new(k)))
        .map(|d| BillingPeriod::of(d).to_string())
        .collect();
    let money = store::list_months(pool, scope, first, last).await?;
    let occupancy = store::list_occupancy(pool, scope, first, last).await?;
    let arrears = store::list_arrears(pool, scope, today).await?;

    // Properties with units, then any with invoices but no unit left (should not happen).
    let mut names: BTreeMap<Uuid, String> = money.iter().map(|m| (m.property_id, m.property_name.clone())).collect();
    let mut rolls: Vec<PropertyRoll> = Vec::new();
    let mut keys: Vec<(Uuid, String)> = money.iter().map(|m| (m.property_id, m.currency.clone())).collect();
    for o in &occupancy {
        if !keys.iter().any(|(p, _)| *p == o.property_id) {
            keys.push((o.property_id, String::new()));
        }
    }
    keys.dedup();
    let property_names = crate::server::store::property::list_properties_scoped(pool, scope).await?;
    for p in property_names {
        names.entry(p.id).or_insert(p.name);
    }
    for (property_id, currency) in keys {
        let months = periods
            .iter()
            .map(|period| {
                let start = BillingPeriod::parse(period).map(|p| p.start()).unwrap_or(first);
                let m = money
                    .iter()
                    .find(|m| m.property_id == property_id && m.currency == currency && m.period_start == start);
                let o = occupancy.iter().find(|o| o.property_id == property_id && o.month == start);
                let (due, paid) = m.map_or((0, 0), |m| (m.due_minor, m.paid_minor));
                MonthFigures {
                    period: period.clone(),
                    due_minor: due,
                    paid_minor: paid,
                    outstanding_minor: (due - paid).max(0),
                    units: o.map_or(0, |o| o.units),
                    let_units: o.map_or(0, |o| o.let_units),
                }
            })
            .collect::<Vec<_>>();
        let late = arrears.iter().find(|a| a.property_id == property_id && a.currency == currency);
        let name = names.get(&property_id).cloned().unwrap_or_default();
        let chart_svg = chart(property_id, &name, &months);
        rolls.push(PropertyRoll {
            property_id,
            name,
            currency,
            chart_svg,
            arrears: late.map_or(Arrears::default(), |a| Arrears {
                up_to_30_minor: a.up_to_30_minor,
                up_to_60_minor: a.up_to_60_minor,
                over_60_minor: a.over_60_minor,
            }),
            months,
        });
    }
    rolls.sort_by(|a, b| a.name.cmp(&b.name).then(a.currency.cmp(&b.currency)));
    Ok(RentRoll { as_of: today, months: periods, properties: rolls })
}

/// Due (grey) and paid (green) per month, scaled to the largest month.
fn chart(id: Uuid, name: &str, months: &[MonthFigures]) -> String {
    const W: f64 = 320.0;
    const H: f64 = 110.0;
    const BASE: f64 = 92.0;
    let top = months.iter().map(|m| m.due_minor.max(m.paid_minor)).max().unwrap_or(0).max(1) as f64;
    let slot = W / months.len().max(1) as f64;
    let bar = (slot * 0.35).max(2.0);
    let unpaid = months.iter().filter(|m| m.outstanding_minor > 0).count();
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg viewBox="0 0 {W} {H}" width="100%" role="img" aria-labelledby="roll-{id}-title roll-{id}-desc" class="text-slate-400">"#
    );
    let _ = write!(
        svg,
        r#"<title id="roll-{id}-title">Rent due and paid per month, {}</title><desc id="roll-{id}-desc">{} months; {unpaid} with rent left to pay.</desc>"#,
        escape(name),
        months.len()
    );
    for (k, m) in months.iter().enumerate() {
        let x = k as f64 * slot + slot * 0.1;
        let due_h = m.due_minor as f64 / top * (BASE - 8.0);
        let paid_h = m.paid_minor as f64 / top * (BASE - 8.0);
        let _ = write!(
            svg,
            r##"<rect x="{x:.1}" y="{:.1}" width="{bar:.1}" height="{due_h:.1}" fill="#cbd5e1" data-period="{}" data-due="{}"/><rect x="{:.1}" y="{:.1}" width="{bar:.1}" height="{paid_h:.1}" fill="#059669" data-paid="{}"/><text x="{:.1}" y="{}" font-size="9" fill="#475569" text-anchor="middle">{}</text>"##,
            BASE - due_h,
            m.period,
            m.due_minor,
            x + bar,
            BASE - paid_h,
            m.paid_minor,
            x + bar,
            H - 4.0,
            &m.period[5..]
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_names_its_property_and_counts_unpaid_months() {
        let month = |period: &str, due, paid| MonthFigures {
            period: period.into(),
            due_minor: due,
            paid_minor: paid,
            outstanding_minor: due - paid,
            units: 2,
            let_units: 2,
        };
        let svg = chart(Uuid::nil(), "Rue <Neuve>", &[month("2026-11", 1000, 1000), month("2026-12", 1000, 400)]);
        assert!(svg.contains("Rue &lt;Neuve&gt;"), "escaped");
        assert!(svg.contains("2 months; 1 with rent left to pay."));
        assert_eq!(svg.matches("data-due=").count(), 2);
    }
}
