-- Maintenance requests filed here and the conversation around each ticket.
--
-- A request is a maintenance_ticket row (source 'condo', external_id NULL until
-- Condo has it) with the tenant who filed it; the photos and the comments live
-- beside it whether they were written here or imported from Condo. What still
-- has to reach Condo is queued in condo_outbox, one row per record, sent by the
-- condo_outbox job: stored first, sent after, so a Condo outage loses nothing.
-- Each record carries a marker Condo keeps ([mp:<our id>] in a ticket's details
-- or a comment's content, mp-<our id>.<ext> as a file's name) that the job looks
-- up before any resend, and the import maps back to our row: Condo has no
-- idempotency key for these writes, so this is what keeps them single.
ALTER TABLE maintenance_ticket
    ADD COLUMN requested_by   uuid REFERENCES app_user (id),
    ADD COLUMN category_id    text,
    ADD COLUMN visiting_hours text CHECK (length(visiting_hours) <= 200);
CREATE INDEX maintenance_ticket_requested_by_idx ON maintenance_ticket (requested_by, created_at DESC)
    WHERE requested_by IS NOT NULL;

-- Condo's ticket classifiers (place, category, problem), imported with the
-- tickets: what a tenant picks as the category of a request.
CREATE TABLE maintenance_category (
    id          text PRIMARY KEY,
    place       text,
    category    text,
    problem     text,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- A photo or document of a ticket. bytes is NULL for an imported file too large
-- to keep (size_bytes says how large it is).
CREATE TABLE maintenance_file (
    id            uuid PRIMARY KEY,
    ticket_id     uuid NOT NULL REFERENCES maintenance_ticket (id) ON DELETE CASCADE,
    external_id   text UNIQUE,
    filename      text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    content_type  text NOT NULL,
    size_bytes    integer NOT NULL CHECK (size_bytes >= 0),
    bytes         bytea,
    uploaded_by   uuid REFERENCES app_user (id),
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX maintenance_file_ticket_idx ON maintenance_file (ticket_id, created_at);

-- A comment on a ticket: for_residents is Condo's type 'resident' (the tenant
-- sees it), else 'organization' (staff only).
CREATE TABLE maintenance_comment (
    id            uuid PRIMARY KEY,
    ticket_id     uuid NOT NULL REFERENCES maintenance_ticket (id) ON DELETE CASCADE,
    external_id   text UNIQUE,
    for_residents boolean NOT NULL,
    content       text NOT NULL CHECK (length(content) BETWEEN 1 AND 10000),
    author_name   text,
    author_id     uuid REFERENCES app_user (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX maintenance_comment_ticket_idx ON maintenance_comment (ticket_id, created_at);

-- What is still to be written to Condo, and how its sending went. state:
-- waiting (not tried, or to be retried at next_attempt_at), sending (a request
-- may be on its way: look the marker up before sending again), sent, refused
-- (Condo said no for good: reason says why).
CREATE TABLE condo_outbox (
    id              uuid PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('ticket', 'file', 'comment')),
    ticket_id       uuid NOT NULL REFERENCES maintenance_ticket (id) ON DELETE CASCADE,
    state           text NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'sending', 'sent', 'refused')),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    reason          text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE INDEX condo_outbox_due_idx ON condo_outbox (next_attempt_at, created_at) WHERE state IN ('waiting', 'sending');
CREATE INDEX condo_outbox_ticket_idx ON condo_outbox (ticket_id);

-- The job that drains the outbox.
ALTER TABLE sync_run DROP CONSTRAINT sync_run_job_check;
ALTER TABLE sync_run ADD CONSTRAINT sync_run_job_check CHECK (job IN (
    'killbill', 'killbill_reconciliation', 'killbill_webhooks', 'condo', 'condo_webhooks', 'condo_outbox', 'cocorico',
    'billing', 'retention'));
ALTER TABLE sync_state DROP CONSTRAINT sync_state_job_check;
ALTER TABLE sync_state ADD CONSTRAINT sync_state_job_check CHECK (job IN (
    'killbill', 'killbill_reconciliation', 'killbill_webhooks', 'condo', 'condo_webhooks', 'condo_outbox', 'cocorico',
    'billing', 'retention'));
INSERT INTO sync_state (job, configured)
    SELECT 'condo_outbox', configured FROM sync_state WHERE job = 'condo';
ALTER TABLE sync_request DROP CONSTRAINT sync_request_job_check;
ALTER TABLE sync_request ADD CONSTRAINT sync_request_job_check CHECK (job IN (
    'killbill', 'killbill_reconciliation', 'killbill_webhooks', 'condo', 'condo_webhooks', 'condo_outbox', 'cocorico',
    'billing', 'retention'));
-- A request or comment written here asks for a run at once ('outbox').
ALTER TABLE sync_run DROP CONSTRAINT sync_run_trigger_check;
ALTER TABLE sync_run ADD CONSTRAINT sync_run_trigger_check
    CHECK (trigger IN ('schedule', 'manual', 'cli', 'webhook', 'follow_up', 'outbox'));
ALTER TABLE sync_request DROP CONSTRAINT sync_request_trigger_check;
ALTER TABLE sync_request ADD CONSTRAINT sync_request_trigger_check
    CHECK (trigger IN ('manual', 'webhook', 'follow_up', 'outbox'));
