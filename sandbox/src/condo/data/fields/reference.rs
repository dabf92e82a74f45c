//! Field access for the rows around tickets: organizations, properties, people and catalogs.

use super::{Field, Rec, Tracked, boolean, int, opt_text, relation, text};
use crate::condo::data::Store;
use crate::condo::data::catalog::{self, CLASSIFIERS, CatalogRow, Locale};
use crate::condo::data::time::Millis;
use std::borrow::Cow;
use uuid::Uuid;

/// When Condo's migrations seeded the common catalog rows (2021-02-11).
const CATALOG_SEEDED_AT: Millis = 1_613_001_600_000;

impl Store {
    /// Reads field `name` of property `index`.
    pub(crate) fn property_field(&self, index: u32, name: &str) -> Option<Field<'_>> {
        let p = &self.properties[index as usize];
        let in_status = |kind: &str| {
            let status = catalog::status_by_type(kind);
            let n = self
                .tickets
                .iter()
                .filter(|t| t.property == index && t.deleted_at.is_none() && Some(t.status) == status);
            text(n.count().to_string())
        };
        match name {
            "name" => text(p.name.clone()),
            "type" => text("building"),
            "address" => text(p.address.clone()),
            "addressKey" => text(p.address_key.to_string()),
            "organization" => relation(Some(Rec::Organization(p.organization))),
            "unitsCount" => int(p.units_count),
            "uninhabitedUnitsCount" => int(p.uninhabited_units_count),
            "area" => text(p.area.clone()),
            "yearOfConstruction" => text(p.year_of_construction.clone()),
            "isApproved" => boolean(true),
            "map" => Some(Field::Object(Cow::Borrowed(&p.map))),
            "ticketsInWork" => in_status("processing"),
            "ticketsClosed" => in_status("closed"),
            "ticketsDeferred" => in_status("deferred"),
            _ => Tracked::of(p.id, p.v, p.created_at, p.updated_at).field(name),
        }
    }

    /// Reads field `name` of organization `index`.
    pub(crate) fn organization_field(&self, index: u32, name: &str) -> Option<Field<'_>> {
        let o = &self.organizations[index as usize];
        match name {
            "name" => text(o.name.clone()),
            "type" => text("MANAGING_COMPANY"),
            "country" => text("en"),
            "tin" => text(o.tin.clone()),
            "phone" => text(o.phone.clone()),
            "description" | "phoneNumberPrefix" | "importRemoteSystem" | "importId" => opt_text(None::<String>),
            "isApproved" => boolean(true),
            _ => Tracked::of(o.id, 1, o.created_at, o.updated_at).field(name),
        }
    }

    /// Reads field `name` of user `index`.
    pub(crate) fn user_field(&self, index: u32, name: &str) -> Option<Field<'_>> {
        let u = &self.users[index as usize];
        match name {
            "name" => text(u.name.clone()),
            "type" => text(u.kind.as_str()),
            "isAdmin" | "isSupport" | "isTwoFactorAuthenticationEnabled" => boolean(false),
            "phone" => opt_text(u.phone.clone()),
            "email" => opt_text(u.email.clone()),
            "locale" => opt_text(None::<String>),
            _ => Tracked::of(u.id, 1, u.created_at, u.created_at).field(name),
        }
    }

    /// Reads field `name` of contact `index`.
    pub(crate) fn contact_field(&self, index: u32, name: &str) -> Option<Field<'_>> {
        let c = &self.contacts[index as usize];
        match name {
            "name" => text(c.name.clone()),
            "phone" => text(c.phone.clone()),
            "email" => opt_text(c.email.clone()),
            "unitName" => text(c.unit_name.clone()),
            "unitType" => text(c.unit_type),
            "property" => relation(Some(Rec::Property(c.property))),
            "organization" => relation(Some(Rec::Organization(c.organization))),
            "isVerified" => boolean(false),
            _ => Tracked::of(c.id, 1, c.created_at, c.created_at).field(name),
        }
    }
}

/// Reads field `name` of a status, source, classifier or classifier part.
pub(super) fn catalog_field(rec: Rec, name: &str, locale: Locale) -> Option<Field<'static>> {
    let row: &CatalogRow = match rec {
        Rec::Status(i) => &catalog::STATUSES[i as usize],
        Rec::Source(i) => &catalog::SOURCES[i as usize],
        Rec::Place(i) => &catalog::PLACES[i as usize],
        Rec::Category(i) => &catalog::CATEGORIES[i as usize],
        Rec::Problem(i) => &catalog::PROBLEMS[i as usize],
        Rec::Classifier(i) => return classifier_field(i, name),
        _ => return None,
    };
    match name {
        "name" => text(locale.pick(&row.names)),
        "type" if !row.kind.is_empty() => text(row.kind),
        "isDefault" if matches!(rec, Rec::Source(_)) => boolean(true),
        "organization" => relation(None),
        _ => catalog_tracked(row.id).field(name),
    }
}

fn classifier_field(index: u8, name: &str) -> Option<Field<'static>> {
    let rule = &CLASSIFIERS[index as usize];
    match name {
        "place" => relation(Some(Rec::Place(rule.place))),
        "category" => relation(Some(Rec::Category(rule.category))),
        "problem" => relation(rule.problem.map(Rec::Problem)),
        "organization" => relation(None),
        _ => catalog_tracked(rule.id).field(name),
    }
}

fn catalog_tracked(id: &'static str) -> Tracked {
    let mut tracked = Tracked::of(Uuid::nil(), 1, CATALOG_SEEDED_AT, CATALOG_SEEDED_AT);
    tracked.id = Cow::Borrowed(id);
    tracked
}
