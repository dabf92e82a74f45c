-- A record Kill Bill refuses for good (or that cannot be sent as it is) is
-- held here with the refusal instead of failing every run: the mirror goes
-- on with everything else and leaves held records alone until an admin asks
-- to retry them (state 'retry') or to skip them for good ('skipped').
CREATE TABLE killbill_quarantine (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity           text NOT NULL CHECK (entity IN ('account', 'invoice', 'payment', 'invoice_void')),
    local_id         uuid NOT NULL,
    tenant_id        uuid NOT NULL REFERENCES app_user (id),
    -- What it is, in words: "invoice 2026-000123".
    label            text NOT NULL,
    http_status      integer,
    code             bigint,
    message          text NOT NULL,
    state            text NOT NULL DEFAULT 'held' CHECK (state IN ('held', 'retry', 'skipped')),
    attempts         integer NOT NULL DEFAULT 1 CHECK (attempts >= 1),
    first_refused_at timestamptz NOT NULL DEFAULT now(),
    last_refused_at  timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (entity, local_id)
);
CREATE INDEX killbill_quarantine_tenant_idx ON killbill_quarantine (tenant_id);
