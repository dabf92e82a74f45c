-- What the Condo import brings of each ticket beyond its status and text: the people on it
-- (Condo's assignee, "responsible", and executor), why its status is what it is, and every
-- status change with who made it and when (Condo's TicketChange rows that change the status).
-- Comments and files go to maintenance_comment and maintenance_file; the classifier to
-- maintenance_ticket.category_id and maintenance_category.
ALTER TABLE maintenance_ticket
    ADD COLUMN assignee_name text,
    ADD COLUMN executor_name text,
    ADD COLUMN status_reason text;

-- One status change of a ticket as Condo recorded it. status_from/status_to are our status
-- types (NULL when Condo's status id was unknown at import; status_name_* then says what Condo
-- called it). The rows replace, for display, the {status, at} entries of status_history that
-- the import synthesized when it saw a ticket's status change.
CREATE TABLE maintenance_status_change (
    id               uuid PRIMARY KEY,
    ticket_id        uuid NOT NULL REFERENCES maintenance_ticket (id) ON DELETE CASCADE,
    external_id      text NOT NULL UNIQUE,
    status_from      text CHECK (status_from IN ('new_or_reopened', 'processing', 'completed', 'closed', 'canceled', 'deferred')),
    status_to        text CHECK (status_to IN ('new_or_reopened', 'processing', 'completed', 'closed', 'canceled', 'deferred')),
    status_name_from text,
    status_name_to   text,
    reason           text,
    changed_by_name  text,
    changed_at       timestamptz NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX maintenance_status_change_ticket_idx ON maintenance_status_change (ticket_id, changed_at);

-- Ticket files do not bump their ticket's updatedAt in Condo: the import reads the files
-- created since this mark (the createdAt of the newest one it read) on every run.
ALTER TABLE sync_state ADD COLUMN file_watermark text;

-- Tickets imported before this change have none of the above: the next run reads every
-- ticket again (unchanged ones are not rewritten) and brings their detail.
UPDATE sync_state SET watermark = NULL, updated_at = now() WHERE job = 'condo';
