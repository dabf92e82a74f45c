-- A payment given back, in part or in full, with its reason: a new document,
-- never an edit of the payment. The payment's refunded_minor is written in
-- the same transaction as each refund, so "paid" is one column away.
CREATE TABLE payment_refund (
    id            uuid PRIMARY KEY,
    payment_id    uuid NOT NULL REFERENCES payment (id),
    tenant_id     uuid NOT NULL REFERENCES app_user (id),
    amount_minor  bigint NOT NULL CHECK (amount_minor > 0),
    refunded_on   date NOT NULL,
    reason        text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_refund_payment_idx ON payment_refund (payment_id);
CREATE INDEX payment_refund_tenant_idx ON payment_refund (tenant_id);
ALTER TABLE payment ADD COLUMN refunded_minor bigint NOT NULL DEFAULT 0;
ALTER TABLE payment ADD CONSTRAINT payment_refunded_within CHECK (refunded_minor BETWEEN 0 AND amount_minor);

-- Refunds are mirrored to Kill Bill once, crash-safe like the other writes.
ALTER TABLE killbill_pending DROP CONSTRAINT killbill_pending_entity_check;
ALTER TABLE killbill_pending ADD CONSTRAINT killbill_pending_entity_check
    CHECK (entity IN ('invoice', 'payment', 'invoice_void', 'refund'));
ALTER TABLE killbill_quarantine DROP CONSTRAINT killbill_quarantine_entity_check;
ALTER TABLE killbill_quarantine ADD CONSTRAINT killbill_quarantine_entity_check
    CHECK (entity IN ('account', 'invoice', 'payment', 'invoice_void', 'refund'));
