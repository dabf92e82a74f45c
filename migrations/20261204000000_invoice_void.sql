-- Voiding an invoice is a correction with a reason, mirrored to Kill Bill
-- once (`voidInvoice`), crash-safe like the other writes: the void is
-- recorded in killbill_pending before the request and mapped in
-- external_ref (entity 'invoice_void') after it.
ALTER TABLE invoice ADD COLUMN void_reason text
    CHECK (void_reason IS NULL OR length(void_reason) BETWEEN 1 AND 500);
ALTER TABLE killbill_pending DROP CONSTRAINT killbill_pending_entity_check;
ALTER TABLE killbill_pending ADD CONSTRAINT killbill_pending_entity_check
    CHECK (entity IN ('invoice', 'payment', 'invoice_void'));
-- What the mirror reads: each tenant's voided invoices.
CREATE INDEX invoice_voided_idx ON invoice (tenant_id) WHERE voided_at IS NOT NULL;
