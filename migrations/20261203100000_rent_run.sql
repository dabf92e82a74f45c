-- The rent run: one invoice per active lease per month, numbered without gaps
-- per year, and one active lease per unit at a time.

-- A lease holds its unit from starts_on to ends_on, both included (ends_on is
-- the move-out day). Two leases of one unit never share a day.
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE lease DROP CONSTRAINT lease_check;
ALTER TABLE lease ADD CONSTRAINT lease_ends_after_start CHECK (ends_on IS NULL OR ends_on >= starts_on);
ALTER TABLE lease ADD CONSTRAINT lease_one_per_unit_at_a_time
    EXCLUDE USING gist (unit_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&);
-- The day of the month rent falls due (at most 28, so every month has it).
ALTER TABLE lease ADD COLUMN due_day smallint NOT NULL DEFAULT 1 CHECK (due_day BETWEEN 1 AND 28);

-- What a lease is charged every month besides the rent (parking, service charges).
CREATE TABLE lease_charge (
    id            uuid PRIMARY KEY,
    lease_id      uuid NOT NULL REFERENCES lease (id),
    description   text NOT NULL CHECK (length(description) BETWEEN 1 AND 200),
    amount_minor  bigint NOT NULL CHECK (amount_minor >= 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX lease_charge_lease_idx ON lease_charge (lease_id);
CREATE TRIGGER lease_charge_touch BEFORE UPDATE ON lease_charge FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- The last invoice number given in each year. Taken in the transaction that
-- writes the invoices, so a rolled-back run gives its numbers back: numbers
-- are gapless per year and never reused.
CREATE TABLE invoice_sequence (
    year         integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 2999),
    last_number  integer NOT NULL CHECK (last_number >= 0)
);

-- Every change made through the back office, the API or the CLI: who, what,
-- on which record, before and after. Append-only.
CREATE TABLE audit_log (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    actor_id     uuid REFERENCES app_user (id) ON DELETE SET NULL,
    actor        text NOT NULL,
    action       text NOT NULL,
    entity       text NOT NULL,
    entity_id    text,
    before       jsonb,
    after        jsonb
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, at DESC);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- The rent run is a job of the Marketplace itself (no outside platform).
ALTER TABLE sync_run ALTER COLUMN platform DROP NOT NULL;
ALTER TABLE sync_run DROP CONSTRAINT sync_run_job_check;
ALTER TABLE sync_run ADD CONSTRAINT sync_run_job_check CHECK (job IN (
    'killbill', 'killbill_reconciliation', 'killbill_webhooks', 'condo', 'condo_webhooks', 'cocorico', 'billing'));
ALTER TABLE sync_state DROP CONSTRAINT sync_state_job_check;
ALTER TABLE sync_state ADD CONSTRAINT sync_state_job_check CHECK (job IN (
    'killbill', 'killbill_reconciliation', 'killbill_webhooks', 'condo', 'condo_webhooks', 'cocorico', 'billing'));
INSERT INTO sync_state (job, configured) VALUES ('billing', true);
ALTER TABLE sync_request DROP CONSTRAINT sync_request_job_check;
ALTER TABLE sync_request ADD CONSTRAINT sync_request_job_check CHECK (job IN (
    'killbill', 'killbill_reconciliation', 'killbill_webhooks', 'condo', 'condo_webhooks', 'cocorico', 'billing'));
