-- One job per purpose: the Kill Bill mirror, the Kill Bill reconciliation and
-- the processing of pending webhooks become jobs of their own, each with its
-- lease, schedule, state row and runs. A platform's main job keeps the
-- platform's name, so existing runs, states and requests keep their meaning.

ALTER TABLE sync_run ADD COLUMN job text;
UPDATE sync_run SET job = platform;
ALTER TABLE sync_run ALTER COLUMN job SET NOT NULL;
ALTER TABLE sync_run ADD CONSTRAINT sync_run_job_check CHECK (job IN (
    'killbill', 'killbill_reconciliation', 'killbill_webhooks', 'condo', 'condo_webhooks', 'cocorico'));
-- A run started by another job (the mirror asks for a reconciliation).
ALTER TABLE sync_run DROP CONSTRAINT sync_run_trigger_check;
ALTER TABLE sync_run ADD CONSTRAINT sync_run_trigger_check
    CHECK (trigger IN ('schedule', 'manual', 'cli', 'webhook', 'follow_up'));
DROP INDEX sync_run_tick_idx;
CREATE UNIQUE INDEX sync_run_tick_idx ON sync_run (job, scheduled_for) WHERE scheduled_for IS NOT NULL;
DROP INDEX sync_run_platform_idx;
CREATE INDEX sync_run_job_idx ON sync_run (job, started_at DESC);

ALTER TABLE sync_state RENAME COLUMN platform TO job;
ALTER TABLE sync_state DROP CONSTRAINT sync_state_platform_check;
ALTER TABLE sync_state ADD CONSTRAINT sync_state_job_check CHECK (job IN (
    'killbill', 'killbill_reconciliation', 'killbill_webhooks', 'condo', 'condo_webhooks', 'cocorico'));
INSERT INTO sync_state (job, configured)
SELECT j.job, s.configured
FROM (VALUES ('killbill_reconciliation', 'killbill'), ('killbill_webhooks', 'killbill'),
             ('condo_webhooks', 'condo')) AS j (job, main)
JOIN sync_state s ON s.job = j.main;

ALTER TABLE sync_request RENAME COLUMN platform TO job;
ALTER TABLE sync_request DROP CONSTRAINT sync_request_platform_check;
ALTER TABLE sync_request ADD CONSTRAINT sync_request_job_check CHECK (job IN (
    'killbill', 'killbill_reconciliation', 'killbill_webhooks', 'condo', 'condo_webhooks', 'cocorico'));
-- Who asked: an admin ("sync now"), a webhook delivery, or another job.
ALTER TABLE sync_request ADD COLUMN trigger text NOT NULL DEFAULT 'manual'
    CHECK (trigger IN ('manual', 'webhook', 'follow_up'));

-- Leases are named after the job itself.
DELETE FROM job_lease WHERE job LIKE 'sync:%' AND (released OR expires_at <= now());
UPDATE job_lease SET job = substr(job, 6) WHERE job LIKE 'sync:%';

-- A reconciliation is its own job now: it runs on its schedule, by hand, from
-- the CLI, or when the mirror asks for one (`follow_up`; `sync` was the old
-- inline run).
ALTER TABLE killbill_reconciliation DROP CONSTRAINT killbill_reconciliation_trigger_check;
ALTER TABLE killbill_reconciliation ADD CONSTRAINT killbill_reconciliation_trigger_check
    CHECK (trigger IN ('sync', 'cli', 'manual', 'schedule', 'follow_up'));
