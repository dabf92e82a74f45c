//! Custom fields on invoices and their search (`CustomFieldResource`, `DefaultCustomFieldDao`).

use uuid::Uuid;

use super::model::{Audit, CustomField};
use super::{Counters, TenantData};
use crate::killbill::error::{KbError, KbResult};
use crate::killbill::notify::Event;

/// Object types of the spec's `CustomField.objectType` enum.
const OBJECT_TYPES: &[&str] = &[
    "ACCOUNT",
    "ACCOUNT_EMAIL",
    "BLOCKING_STATES",
    "BUNDLE",
    "CUSTOM_FIELD",
    "INVOICE",
    "PAYMENT",
    "TRANSACTION",
    "INVOICE_ITEM",
    "INVOICE_PAYMENT",
    "SUBSCRIPTION",
    "SUBSCRIPTION_EVENT",
    "SERVICE_BROADCAST",
    "PAYMENT_ATTEMPT",
    "PAYMENT_METHOD",
    "TAG",
    "TAG_DEFINITION",
    "TENANT",
    "TENANT_KVS",
];

impl TenantData {
    /// Attaches `(name, value)` pairs to an invoice. The same name and value twice on one object
    /// is refused (400 code 9000); every field must have a name and a value.
    pub fn add_invoice_custom_fields(
        &mut self,
        counters: &mut Counters,
        invoice_id: Uuid,
        pairs: Vec<(Option<String>, Option<String>)>,
        audit: &Audit,
    ) -> KbResult<Vec<Event>> {
        let account_id = self.invoice(invoice_id)?.account_id;
        let mut fields: Vec<CustomField> = Vec::new();
        for (name, value) in pairs {
            let name = non_empty(name, "CustomFieldJson name needs to be set")?;
            let value = non_empty(value, "CustomFieldJson value needs to be set")?;
            let field = CustomField {
                id: counters.new_id(),
                object_id: invoice_id,
                object_type: "INVOICE".to_string(),
                account_id,
                name,
                value,
                audit: audit.clone(),
            };
            if self.custom_fields.iter().chain(&fields).any(|f| same_field(f, &field)) {
                return Err(KbError::CustomFieldExists(field.id));
            }
            fields.push(field);
        }
        let events = fields.iter().map(|f| Event::custom_field_creation(account_id, f.id)).collect();
        for field in fields {
            self.custom_fields.insert(field.id, field);
        }
        Ok(events)
    }

    /// Custom fields of one object, oldest first.
    pub fn custom_fields_of(&self, object_id: Uuid) -> Vec<&CustomField> {
        self.custom_fields.iter().filter(|f| f.object_id == object_id).collect()
    }

    /// `GET /1.0/kb/customFields/search?objectType=&fieldName=[&fieldValue=]`: exact matches.
    pub fn search_custom_fields(
        &self,
        object_type: &str,
        name: &str,
        value: Option<&str>,
    ) -> KbResult<Vec<&CustomField>> {
        if !OBJECT_TYPES.contains(&object_type) {
            return Err(KbError::BadRequest(format!("No enum constant org.killbill.billing.ObjectType.{object_type}")));
        }
        Ok(self
            .custom_fields
            .iter()
            .filter(|f| f.object_type == object_type && f.name == name)
            .filter(|f| value.is_none_or(|v| f.value == v))
            .collect())
    }
}

fn same_field(a: &CustomField, b: &CustomField) -> bool {
    a.object_id == b.object_id && a.object_type == b.object_type && a.name == b.name && a.value == b.value
}

fn non_empty(text: Option<String>, message: &str) -> KbResult<String> {
    text.filter(|t| !t.is_empty()).ok_or_else(|| KbError::BadRequest(message.to_string()))
}
