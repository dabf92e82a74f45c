-- How a processed webhook event ended: `applied` (the row was written), `stale` (an
-- older or equal version than the one stored, ignored), `unlinked` (its property is not
-- linked to one of ours; the nightly import takes it once linked) or `rejected` (it
-- cannot be mapped; `error` says why). Pending and retried events have none.
ALTER TABLE webhook_event ADD COLUMN outcome text;

-- The maintenance list: newest changes first, across a landlord's properties.
CREATE INDEX maintenance_ticket_updated_idx ON maintenance_ticket (source_updated_at DESC, id) WHERE deleted_at IS NULL;
