//! The rent run's rules: a billing period is a calendar month (`YYYY-MM`),
//! and a lease that starts or ends inside it pays for the days it holds the
//! unit, rounded half up to the minor unit. A rent that changes inside a
//! month is paid in parts: each rent for the days it holds.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A calendar month billed at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BillingPeriod {
    year: i32,
    month: u32,
}

impl BillingPeriod {
    /// Parses `YYYY-MM` (years 2000 to 2999).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let bad = || format!("`{raw}` is not a month: write it YYYY-MM, e.g. 2026-12");
        let (year, month) = raw.split_once('-').ok_or_else(bad)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let month: u32 = month.parse().map_err(|_| bad())?;
        if !(2000..=2999).contains(&year) || !(1..=12).contains(&month) {
            return Err(bad());
        }
        Ok(Self { year, month })
    }

    /// The month a day falls in.
    pub fn of(day: NaiveDate) -> Self {
        Self { year: day.year(), month: day.month() }
    }

    /// Its first day.
    pub fn start(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or_default()
    }

    /// Its last day.
    pub fn end(&self) -> NaiveDate {
        self.next().start().pred_opt().unwrap_or_default()
    }

    /// The month after.
    pub fn next(&self) -> Self {
        if self.month == 12 { Self { year: self.year + 1, month: 1 } } else { Self { month: self.month + 1, ..*self } }
    }

    /// Its number of days.
    pub fn days(&self) -> i64 {
        (self.end() - self.start()).num_days() + 1
    }

    /// The year its invoices are numbered in.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The day rent falls due: the lease's due day of the month (1 to 28),
    /// or the lease's first day when it starts after that.
    pub fn due_on(&self, due_day: u32, starts_on: NaiveDate) -> NaiveDate {
        let due = NaiveDate::from_ymd_opt(self.year, self.month, due_day.clamp(1, 28)).unwrap_or(self.start());
        due.max(starts_on)
    }

    /// The days of this month a lease holds its unit (`ends_on` is the last
    /// day, inclusive), or `None` when it holds none of them.
    pub fn occupied(&self, starts_on: NaiveDate, ends_on: Option<NaiveDate>) -> Option<(NaiveDate, NaiveDate)> {
        let from = starts_on.max(self.start());
        let to = ends_on.map_or(self.end(), |end| end.min(self.end()));
        (from <= to).then_some((from, to))
    }
}

/// A monthly amount for `days` of a month of `month_days`, rounded half up
/// to the minor unit (the whole amount for a whole month).
pub fn prorate(monthly_minor: i64, days: i64, month_days: i64) -> i64 {
    if days >= month_days || month_days <= 0 {
        return monthly_minor;
    }
    let scaled = i128::from(monthly_minor) * i128::from(days.max(0));
    let month = i128::from(month_days);
    i64::try_from((2 * scaled + month) / (2 * month)).unwrap_or(i64::MAX)
}

/// Days of a month at one monthly rent, and what they cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RentPart {
    /// The first day.
    pub from: NaiveDate,
    /// The last day (included).
    pub to: NaiveDate,
    /// The monthly rent in force on those days.
    pub monthly_minor: i64,
    /// What those days cost: the monthly rent pro-rated.
    pub amount_minor: i64,
}

impl RentPart {
    /// How many days it covers.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }
}

/// The rent of the days `from..=to` of `period` for a lease whose rent is
/// `rent_minor` from its first day and `changes` (day, new monthly rent;
/// sorted by day) from each change on: one part per rent in force, each
/// pro-rated on its days (a whole month at one rent is that rent).
pub fn rent_parts(
    period: BillingPeriod,
    (from, to): (NaiveDate, NaiveDate),
    rent_minor: i64,
    changes: &[(NaiveDate, i64)],
) -> Vec<RentPart> {
    let in_force = |day: NaiveDate| changes.iter().rev().find(|(on, _)| *on <= day).map_or(rent_minor, |(_, r)| *r);
    let mut parts: Vec<RentPart> = Vec::new();
    let mut start = from;
    let mut rent = in_force(from);
    for (on, new_rent) in changes.iter().filter(|(on, _)| *on > from && *on <= to) {
        if *new_rent != rent {
            parts.push(RentPart {
                from: start,
                to: on.pred_opt().unwrap_or(*on),
                monthly_minor: rent,
                amount_minor: 0,
            });
            (start, rent) = (*on, *new_rent);
        }
    }
    parts.push(RentPart { from: start, to, monthly_minor: rent, amount_minor: 0 });
    for part in &mut parts {
        part.amount_minor = prorate(part.monthly_minor, part.days(), period.days());
    }
    parts
}

impl fmt::Display for BillingPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl TryFrom<String> for BillingPeriod {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, String> {
        Self::parse(&raw)
    }
}

impl From<BillingPeriod> for String {
    fn from(period: BillingPeriod) -> String {
        period.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn periods_parse_and_know_their_days() {
        let feb = BillingPeriod::parse("2028-02").unwrap();
        assert_eq!((feb.start(), feb.end(), feb.days()), (day(2028, 2, 1), day(2028, 2, 29), 29));
        assert_eq!(BillingPeriod::parse("2026-12").unwrap().next().to_string(), "2027-01");
        for bad in ["2026-13", "2026-00", "26-12", "2026/12", "2026-1", "", "1999-12", "2026-12-01"] {
            assert!(BillingPeriod::parse(bad).is_err(), "{bad:?} must be refused");
        }
        assert_eq!(BillingPeriod::of(day(2026, 11, 30)).to_string(), "2026-11");
    }

    #[test]
    fn a_lease_pays_for_the_days_it_holds_the_unit() {
        let nov = BillingPeriod::parse("2026-11").unwrap();
        assert_eq!(nov.occupied(day(2026, 1, 1), None), Some((day(2026, 11, 1), day(2026, 11, 30))));
        assert_eq!(nov.occupied(day(2026, 11, 16), None), Some((day(2026, 11, 16), day(2026, 11, 30))));
        assert_eq!(nov.occupied(day(2026, 1, 1), Some(day(2026, 11, 10))), Some((day(2026, 11, 1), day(2026, 11, 10))));
        assert_eq!(nov.occupied(day(2026, 12, 1), None), None);
        assert_eq!(nov.occupied(day(2026, 1, 1), Some(day(2026, 10, 31))), None);
        // 15 of 30 days of 1,000.01: half, rounded half up.
        assert_eq!(prorate(100_001, 15, 30), 50_001);
        assert_eq!(prorate(90_000, 30, 30), 90_000);
        assert_eq!(prorate(90_000, 1, 31), 2_903);
        assert_eq!(prorate(0, 10, 30), 0);
    }

    #[test]
    fn a_rent_change_inside_a_month_is_paid_in_parts() {
        let mar = BillingPeriod::parse("2027-03").unwrap();
        let whole = (mar.start(), mar.end());
        // No change: the whole month at the lease's rent.
        let one = rent_parts(mar, whole, 75_000, &[]);
        assert_eq!(
            one,
            vec![RentPart { from: day(2027, 3, 1), to: day(2027, 3, 31), monthly_minor: 75_000, amount_minor: 75_000 }]
        );
        // A change on the 15th: 14 days at 750.00, 17 at 780.00.
        let changes = [(day(2027, 3, 15), 78_000)];
        let two = rent_parts(mar, whole, 75_000, &changes);
        assert_eq!(two.len(), 2);
        assert_eq!((two[0].to, two[0].days(), two[0].amount_minor), (day(2027, 3, 14), 14, prorate(75_000, 14, 31)));
        assert_eq!((two[1].from, two[1].days(), two[1].amount_minor), (day(2027, 3, 15), 17, prorate(78_000, 17, 31)));
        // The month after: the new rent, whole.
        let apr = BillingPeriod::parse("2027-04").unwrap();
        assert_eq!(rent_parts(apr, (apr.start(), apr.end()), 75_000, &changes)[0].amount_minor, 78_000);
        // A change on the first day of the month, or before it: one part.
        let from_first = [(day(2027, 3, 1), 80_000)];
        assert_eq!(rent_parts(mar, whole, 75_000, &from_first)[0].amount_minor, 80_000);
        // Two changes in a month, the second back to the same rent as the first part: three parts.
        let back_and_forth = [(day(2027, 3, 10), 90_000), (day(2027, 3, 20), 75_000)];
        let three = rent_parts(mar, whole, 75_000, &back_and_forth);
        assert_eq!(three.iter().map(RentPart::days).collect::<Vec<_>>(), vec![9, 10, 12]);
        // A change to the rent already in force makes no part.
        assert_eq!(rent_parts(mar, whole, 75_000, &[(day(2027, 3, 10), 75_000)]).len(), 1);
        // A lease moving in on the 10th with a change on the 20th: the parts cover its days only.
        let late = rent_parts(mar, (day(2027, 3, 10), mar.end()), 75_000, &[(day(2027, 3, 20), 78_000)]);
        assert_eq!(late.iter().map(RentPart::days).sum::<i64>(), 22);
        assert_eq!(late[0].from, day(2027, 3, 10));
    }

    #[test]
    fn rent_falls_due_on_the_due_day_or_the_first_day_of_the_lease() {
        let nov = BillingPeriod::parse("2026-11").unwrap();
        assert_eq!(nov.due_on(5, day(2025, 1, 1)), day(2026, 11, 5));
        assert_eq!(nov.due_on(5, day(2026, 11, 16)), day(2026, 11, 16));
        assert_eq!(nov.due_on(31, day(2025, 1, 1)), day(2026, 11, 28), "due days stop at 28");
    }
}
