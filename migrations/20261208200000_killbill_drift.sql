-- The drift of each of our invoices from its Kill Bill copy, as last found by
-- the reconciliation or by the re-read after a push notification: both
-- figures and the exact difference, one row per drifting invoice, gone once
-- the two agree again. What the admin panel offers its two ways out for.
CREATE TABLE killbill_invoice_drift (
    invoice_id          uuid PRIMARY KEY REFERENCES invoice (id),
    tenant_id           uuid NOT NULL REFERENCES app_user (id),
    killbill_invoice_id text,
    kind                text NOT NULL CHECK (kind IN ('missing', 'amount_mismatch', 'status_mismatch')),
    currency            char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    -- Our figure (the total net of credit notes) and Kill Bill's (the
    -- invoice's amount), in minor units; Kill Bill's less ours.
    local_minor         bigint,
    killbill_minor      bigint,
    difference_minor    bigint,
    CHECK (difference_minor IS NULL OR difference_minor = killbill_minor - local_minor),
    -- For a status mismatch: ours (COMMITTED or VOID) and Kill Bill's.
    local_status        text,
    killbill_status     text,
    detail              text NOT NULL,
    -- Who found it with these figures first: 'reconciliation' or 'notification'.
    found_by            text NOT NULL CHECK (found_by IN ('reconciliation', 'notification')),
    first_seen_at       timestamptz NOT NULL DEFAULT now(),
    checked_at          timestamptz NOT NULL DEFAULT now(),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX killbill_invoice_drift_tenant_idx ON killbill_invoice_drift (tenant_id);
CREATE TRIGGER killbill_invoice_drift_touch BEFORE UPDATE ON killbill_invoice_drift
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- An admin's way out of one invoice's drift: 'accept' (Kill Bill's figure
-- goes into our ledger as a credit note already present there) or
-- 'reassert' (Kill Bill is sent what makes its figure ours again). A
-- re-assert is recorded 'sending' with its plan before its first request to
-- Kill Bill, so an interrupted one is finished, never sent again; at most one
-- is open per invoice. The figures acted on make a repeated request (a
-- double click) recognisable.
CREATE TABLE killbill_drift_resolution (
    id                  uuid PRIMARY KEY,
    invoice_id          uuid NOT NULL REFERENCES invoice (id),
    tenant_id           uuid NOT NULL REFERENCES app_user (id),
    action              text NOT NULL CHECK (action IN ('accept', 'reassert')),
    state               text NOT NULL CHECK (state IN ('sending', 'done')),
    -- Where a re-assert stands: 'planned', 'voided' (Kill Bill's copy is
    -- void, the new one not confirmed yet), 'reissued', 'adjusted'.
    stage               text NOT NULL,
    currency            char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    local_minor         bigint NOT NULL,
    killbill_minor      bigint NOT NULL,
    -- What is done, exactly: the note's parts and Kill Bill's adjustments it
    -- stands for, or the lines re-issued, or the adjustments sent.
    plan                jsonb NOT NULL,
    credit_note_id      uuid REFERENCES credit_note (id),
    -- Kill Bill's invoice that holds ours afterwards.
    killbill_invoice_id text,
    -- What was done, in words.
    outcome             text,
    actor_id            uuid REFERENCES app_user (id),
    actor               text NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    finished_at         timestamptz,
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX killbill_drift_resolution_one_open ON killbill_drift_resolution (invoice_id)
    WHERE state = 'sending';
CREATE INDEX killbill_drift_resolution_invoice_idx ON killbill_drift_resolution (invoice_id, created_at DESC);
CREATE TRIGGER killbill_drift_resolution_touch BEFORE UPDATE ON killbill_drift_resolution
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
