-- The retention job prunes old history; it is a job like the others.
ALTER TABLE sync_run DROP CONSTRAINT sync_run_job_check;
ALTER TABLE sync_run ADD CONSTRAINT sync_run_job_check CHECK (job IN (
    'killbill', 'killbill_reconciliation', 'killbill_webhooks', 'condo', 'condo_webhooks', 'cocorico', 'billing',
    'retention'));
ALTER TABLE sync_state DROP CONSTRAINT sync_state_job_check;
ALTER TABLE sync_state ADD CONSTRAINT sync_state_job_check CHECK (job IN (
    'killbill', 'killbill_reconciliation', 'killbill_webhooks', 'condo', 'condo_webhooks', 'cocorico', 'billing',
    'retention'));
INSERT INTO sync_state (job, configured) VALUES ('retention', true);
ALTER TABLE sync_request DROP CONSTRAINT sync_request_job_check;
ALTER TABLE sync_request ADD CONSTRAINT sync_request_job_check CHECK (job IN (
    'killbill', 'killbill_reconciliation', 'killbill_webhooks', 'condo', 'condo_webhooks', 'cocorico', 'billing',
    'retention'));

-- What the pruning reads: finished runs by end, processed events by processing time.
CREATE INDEX sync_run_finished_idx ON sync_run (finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX webhook_event_processed_idx ON webhook_event (processed_at) WHERE processed_at IS NOT NULL;
