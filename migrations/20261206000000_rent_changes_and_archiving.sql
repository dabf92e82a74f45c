-- A lease's rent from a day on. The lease's own rent_minor holds from its
-- first day until the earliest change; each change holds until the next one.
-- Only days not yet invoiced can change (invoices are never rewritten).
CREATE TABLE lease_rent_change (
    lease_id    uuid NOT NULL REFERENCES lease (id),
    starts_on   date NOT NULL,
    rent_minor  bigint NOT NULL CHECK (rent_minor >= 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (lease_id, starts_on)
);

-- Archived properties and units are kept (invoices, leases and tickets point
-- at them) but leave the back office's lists and take no new unit or lease.
ALTER TABLE property ADD COLUMN archived_at timestamptz;
ALTER TABLE unit ADD COLUMN archived_at timestamptz;

-- A public listing of ours withdrawn because its unit was archived; restoring
-- the unit publishes it again.
ALTER TABLE listing ADD COLUMN withdrawn_with_unit boolean NOT NULL DEFAULT false;
