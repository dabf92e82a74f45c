//! Field access for `Ticket` rows.

use super::{Field, Rec, Tracked, boolean, instant, int, opt_text, relation, sender, text};
use crate::condo::data::Store;
use crate::condo::data::catalog::CLASSIFIERS;
use crate::condo::data::model::Ticket;
use std::borrow::Cow;

impl Store {
    /// Reads field `name` of ticket `index`.
    pub(crate) fn ticket_field(&self, index: u32, name: &str) -> Option<Field<'_>> {
        let t = &self.tickets[index as usize];
        let text: Option<Field<'_>> = ticket_text(t, name);
        text.or_else(|| ticket_state(t, name))
            .or_else(|| ticket_location(t, name))
            .or_else(|| ticket_relation(t, name))
            .or_else(|| match name {
                "meta" => Some(Field::Object(Cow::Borrowed(t.meta.as_ref().unwrap_or(&serde_json::Value::Null)))),
                "sourceMeta" => {
                    Some(Field::Object(Cow::Borrowed(t.source_meta.as_ref().unwrap_or(&serde_json::Value::Null))))
                }
                "sender" => sender(t.fingerprint.as_deref()),
                "createdBy" => relation(t.created_by.map(Rec::User)),
                _ => None,
            })
            .or_else(|| {
                let mut tracked = Tracked::of(t.id, t.v, t.created_at, t.updated_at);
                tracked.deleted_at = t.deleted_at;
                tracked.field(name)
            })
    }
}

fn ticket_text(t: &Ticket, name: &str) -> Option<Field<'static>> {
    match name {
        "number" => int(t.number),
        "title" => opt_text(t.title.clone()),
        "details" => text(t.details.clone()),
        "statusReason" => opt_text(t.status_reason.clone()),
        "clientName" => opt_text(t.client_name.clone()),
        "clientPhone" => opt_text(t.client_phone.clone()),
        "clientEmail" => opt_text(t.client_email.clone()),
        "customClassifier" | "kanbanColumn" => opt_text(None::<String>),
        _ => None,
    }
}

fn ticket_state(t: &Ticket, name: &str) -> Option<Field<'static>> {
    match name {
        "statusUpdatedAt" => instant(Some(t.status_updated_at)),
        "statusReopenedCounter" => int(t.status_reopened_counter),
        "priority" => int(t.priority),
        "isEmergency" => boolean(t.is_emergency),
        "isWarranty" => boolean(t.is_warranty),
        "isPayable" => boolean(t.is_payable),
        "isPaid" | "isInsurance" | "isAutoClassified" => boolean(false),
        "isResidentTicket" => boolean(t.is_resident_ticket),
        "canReadByResident" => boolean(t.can_read_by_resident),
        "deadline" => instant(t.deadline),
        "deferredUntil" => instant(t.deferred_until),
        "completedAt" => instant(t.completed_at),
        "lastCommentAt" => instant(t.last_comment_at),
        "lastResidentCommentAt" => instant(t.last_resident_comment_at),
        "sentToAuthoritiesAt" => instant(None),
        "isCompletedAfterDeadline" => boolean(matches!((t.completed_at, t.deadline), (Some(c), Some(d)) if c > d)),
        _ => None,
    }
}

fn ticket_location(t: &Ticket, name: &str) -> Option<Field<'static>> {
    let p = &t.placement;
    match name {
        "propertyAddress" => text(t.property_address.clone()),
        "sectionName" => opt_text(p.section_name.clone()),
        "sectionType" => opt_text(p.section_type),
        "floorName" => opt_text(p.floor_name.clone()),
        "unitName" => opt_text(p.unit_name.clone()),
        "unitType" => opt_text(p.unit_type),
        _ => None,
    }
}

fn ticket_relation(t: &Ticket, name: &str) -> Option<Field<'static>> {
    let rule = t.classifier.map(|c| &CLASSIFIERS[c as usize]);
    match name {
        "organization" => relation(Some(Rec::Organization(t.organization))),
        "property" => relation(Some(Rec::Property(t.property))),
        "status" => relation(Some(Rec::Status(t.status))),
        "classifier" => relation(t.classifier.map(Rec::Classifier)),
        "placeClassifier" => relation(rule.map(|r| Rec::Place(r.place))),
        "categoryClassifier" => relation(rule.map(|r| Rec::Category(r.category))),
        "problemClassifier" => relation(rule.and_then(|r| r.problem).map(Rec::Problem)),
        "source" => relation(Some(Rec::Source(t.source))),
        "contact" => relation(t.contact.map(Rec::Contact)),
        "assignee" => relation(t.assignee.map(Rec::User)),
        "executor" => relation(t.executor.map(Rec::User)),
        "client" => relation(t.client.map(Rec::User)),
        "related" | "qualityControlUpdatedBy" => relation(None),
        _ => None,
    }
}
