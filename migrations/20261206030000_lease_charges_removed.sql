-- A recurring charge is taken off a lease from the next rent run on; the
-- row stays (with when it was removed) for the audit trail.
ALTER TABLE lease_charge ADD COLUMN removed_at timestamptz;
