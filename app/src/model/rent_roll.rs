//! The landlord's rent roll: per property and month, rent due, paid and
//! outstanding, occupancy, and what is overdue by age.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One month of one property.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthFigures {
    /// `YYYY-MM`.
    pub period: String,
    /// Invoiced for the month (void invoices left out), in minor units.
    pub due_minor: i64,
    /// Paid against those invoices so far.
    pub paid_minor: i64,
    /// Left to pay on them.
    pub outstanding_minor: i64,
    /// Units of the property.
    pub units: i64,
    /// Units let on some day of the month.
    pub let_units: i64,
}

/// Overdue amounts by how late they are, in minor units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arrears {
    /// 1 to 30 days past the due day.
    pub up_to_30_minor: i64,
    /// 31 to 60 days.
    pub up_to_60_minor: i64,
    /// More than 60 days.
    pub over_60_minor: i64,
}

/// One property's roll.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PropertyRoll {
    /// Our id of the property.
    pub property_id: Uuid,
    /// Its name.
    pub name: String,
    /// The currency of its invoices (empty when it has none yet).
    pub currency: String,
    /// Its months, oldest first.
    pub months: Vec<MonthFigures>,
    /// What is overdue today.
    pub arrears: Arrears,
    /// Due and paid per month as an accessible SVG chart, drawn on the server.
    pub chart_svg: String,
}

/// The rent roll of the caller's properties.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RentRoll {
    /// The day arrears are counted at.
    pub as_of: NaiveDate,
    /// The months shown, `YYYY-MM`, oldest first.
    pub months: Vec<String>,
    /// One entry per property (and currency), by name.
    pub properties: Vec<PropertyRoll>,
}
