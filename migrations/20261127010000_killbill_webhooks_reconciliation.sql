-- Kill Bill push notifications and reconciliation.

-- What processing a webhook event concluded (the error column says why it failed).
ALTER TABLE webhook_event ADD COLUMN IF NOT EXISTS outcome text;

-- One reconciliation run: our invoiced / paid / balance against Kill Bill's.
CREATE TABLE killbill_reconciliation (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    trigger         text NOT NULL CHECK (trigger IN ('sync', 'cli', 'manual', 'schedule')),
    status          text NOT NULL CHECK (status IN ('succeeded', 'failed')),
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz NOT NULL DEFAULT now(),
    accounts        integer NOT NULL DEFAULT 0,
    missing         integer NOT NULL DEFAULT 0,
    amount_mismatch integer NOT NULL DEFAULT 0,
    status_mismatch integer NOT NULL DEFAULT 0,
    error           text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX killbill_reconciliation_latest ON killbill_reconciliation (finished_at DESC, id DESC);

-- Totals of a run per currency, in minor units, side by side.
CREATE TABLE killbill_reconciliation_total (
    reconciliation_id bigint NOT NULL REFERENCES killbill_reconciliation (id) ON DELETE CASCADE,
    currency          char(3) NOT NULL,
    accounts          integer NOT NULL,
    local_invoiced    bigint NOT NULL,
    killbill_invoiced bigint NOT NULL,
    local_paid        bigint NOT NULL,
    killbill_paid     bigint NOT NULL,
    local_balance     bigint NOT NULL,
    killbill_balance  bigint NOT NULL,
    PRIMARY KEY (reconciliation_id, currency)
);

-- The accounts that drift, with their figures and each drift found
-- (`drift` is a JSON array of {kind, object, local_id, killbill_id, local, killbill, detail}).
CREATE TABLE killbill_reconciliation_account (
    reconciliation_id   bigint NOT NULL REFERENCES killbill_reconciliation (id) ON DELETE CASCADE,
    tenant_id           uuid NOT NULL,
    killbill_account_id text,
    currency            char(3) NOT NULL,
    local_invoiced      bigint NOT NULL,
    killbill_invoiced   bigint NOT NULL,
    local_paid          bigint NOT NULL,
    killbill_paid       bigint NOT NULL,
    local_balance       bigint NOT NULL,
    killbill_balance    bigint NOT NULL,
    missing             integer NOT NULL,
    amount_mismatch     integer NOT NULL,
    status_mismatch     integer NOT NULL,
    drift               jsonb NOT NULL,
    checked_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (reconciliation_id, tenant_id)
);

CREATE TRIGGER killbill_reconciliation_touch BEFORE UPDATE ON killbill_reconciliation
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
