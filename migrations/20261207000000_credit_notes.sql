-- A credit note: a negative document against an issued invoice, with its own
-- number in its own gapless yearly series (CN-2026-000001), a reason and the
-- share of each invoice line it takes back. The invoice is never edited: its
-- credited_minor is written in the same transaction as each note, so what is
-- still due is total - credited - paid, one row away.
CREATE TABLE credit_note_sequence (
    year         integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 2999),
    last_number  integer NOT NULL CHECK (last_number >= 0)
);
CREATE TABLE credit_note (
    id            uuid PRIMARY KEY,
    number        text NOT NULL UNIQUE,
    invoice_id    uuid NOT NULL REFERENCES invoice (id),
    tenant_id     uuid NOT NULL REFERENCES app_user (id),
    amount_minor  bigint NOT NULL CHECK (amount_minor > 0),
    currency      char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    issued_on     date NOT NULL,
    reason        text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX credit_note_invoice_idx ON credit_note (invoice_id);
CREATE INDEX credit_note_tenant_idx ON credit_note (tenant_id, issued_on DESC);
-- Which invoice line each part of a note takes back (lines by position, as
-- the Kill Bill mirror adjusts the item of that line).
CREATE TABLE credit_note_part (
    credit_note_id uuid NOT NULL REFERENCES credit_note (id),
    line_position  integer NOT NULL CHECK (line_position >= 1),
    amount_minor   bigint NOT NULL CHECK (amount_minor > 0),
    PRIMARY KEY (credit_note_id, line_position)
);
ALTER TABLE invoice ADD COLUMN credited_minor bigint NOT NULL DEFAULT 0;
ALTER TABLE invoice ADD CONSTRAINT invoice_credited_within CHECK (credited_minor BETWEEN 0 AND total_minor);

-- Credit notes are mirrored to Kill Bill once, crash-safe like the other writes.
ALTER TABLE killbill_pending DROP CONSTRAINT killbill_pending_entity_check;
ALTER TABLE killbill_pending ADD CONSTRAINT killbill_pending_entity_check
    CHECK (entity IN ('invoice', 'payment', 'invoice_void', 'refund', 'credit_note'));
ALTER TABLE killbill_quarantine DROP CONSTRAINT killbill_quarantine_entity_check;
ALTER TABLE killbill_quarantine ADD CONSTRAINT killbill_quarantine_entity_check
    CHECK (entity IN ('account', 'account_profile', 'invoice', 'payment', 'invoice_void', 'refund', 'credit_note'));
