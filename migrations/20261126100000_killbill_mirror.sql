-- Kill Bill mirror: writes that were started but not yet confirmed.
-- A row is written before a create request is sent and removed once the
-- result is mapped in external_ref, so a later run knows it must look the
-- object up in Kill Bill (by its marker or external key) before sending again.
CREATE TABLE killbill_pending (
    entity      text NOT NULL CHECK (entity IN ('invoice', 'payment')),
    local_id    uuid NOT NULL,
    -- 'sent': the create request went out, its result is unknown;
    -- 'drafted': the DRAFT invoice exists (external_id known);
    -- 'marked': the invoice carries its mkt_invoice_id custom field.
    stage       text NOT NULL CHECK (stage IN ('sent', 'drafted', 'marked')),
    external_id text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (entity, local_id)
);
