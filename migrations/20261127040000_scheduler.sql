-- The scheduler: one lease per job so that each tick runs once across
-- replicas, and the queue of "sync now" requests any replica picks up.

-- A job's lease. Taken with an atomic upsert that only succeeds when the
-- current lease has expired (or was released); renewed while the job runs.
CREATE TABLE job_lease (
    job          text PRIMARY KEY,
    holder       text NOT NULL,
    acquired_at  timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    released     boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- "Sync now": queued by the panel or the API, run by whichever replica claims
-- it (FOR UPDATE SKIP LOCKED), never inside the request.
CREATE TABLE sync_request (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    platform      text NOT NULL CHECK (platform IN ('killbill', 'condo', 'cocorico')),
    requested_by  uuid REFERENCES app_user (id) ON DELETE SET NULL,
    requested_at  timestamptz NOT NULL DEFAULT now(),
    status        text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    attempts      integer NOT NULL DEFAULT 0,
    holder        text,
    started_at    timestamptz,
    finished_at   timestamptz,
    run_id        bigint REFERENCES sync_run (id),
    error         text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
-- At most one waiting request per platform: pressing "sync now" twice queues one run.
CREATE UNIQUE INDEX sync_request_one_queued_idx ON sync_request (platform) WHERE status = 'queued';
CREATE INDEX sync_request_open_idx ON sync_request (requested_at) WHERE status IN ('queued', 'running');

-- The scheduled tick a run was made for (NULL for runs by hand); one run per tick.
ALTER TABLE sync_run ADD COLUMN scheduled_for timestamptz;
CREATE UNIQUE INDEX sync_run_tick_idx ON sync_run (platform, scheduled_for) WHERE scheduled_for IS NOT NULL;

CREATE TRIGGER job_lease_touch BEFORE UPDATE ON job_lease FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER sync_request_touch BEFORE UPDATE ON sync_request FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
