-- A person's name and e-mail can be corrected. Each correction bumps
-- profile_version; the Kill Bill mirror records the version it last sent to
-- the tenant's account, so a changed profile is sent once (and a no-change
-- run sends nothing).
ALTER TABLE app_user ADD COLUMN profile_version integer NOT NULL DEFAULT 0 CHECK (profile_version >= 0);
CREATE TABLE killbill_account_profile (
    tenant_id  uuid PRIMARY KEY REFERENCES app_user (id),
    version    integer NOT NULL CHECK (version >= 0),
    sent_at    timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE killbill_quarantine DROP CONSTRAINT killbill_quarantine_entity_check;
ALTER TABLE killbill_quarantine ADD CONSTRAINT killbill_quarantine_entity_check
    CHECK (entity IN ('account', 'account_profile', 'invoice', 'payment', 'invoice_void', 'refund'));
