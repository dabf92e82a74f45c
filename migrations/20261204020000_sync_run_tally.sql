-- What /metrics reports as counters: finished runs per job and outcome, with
-- their records and durations, summed as runs end. Kept apart from sync_run
-- so that pruning old runs never makes a counter go down, and so a scrape
-- reads a few rows instead of every run.
CREATE TABLE sync_run_tally (
    job              text NOT NULL,
    status           text NOT NULL CHECK (status IN ('succeeded', 'failed')),
    runs             bigint NOT NULL DEFAULT 0,
    records_in       bigint NOT NULL DEFAULT 0,
    records_out      bigint NOT NULL DEFAULT 0,
    records_failed   bigint NOT NULL DEFAULT 0,
    records_skipped  bigint NOT NULL DEFAULT 0,
    duration_seconds double precision NOT NULL DEFAULT 0,
    -- Runs per duration bucket: element i counts the runs that took more
    -- than bound i-1 and at most bound i, with the bounds of
    -- sync_run_duration_bucket(); the 11th counts those over an hour.
    duration_buckets bigint[] NOT NULL DEFAULT array_fill(0::bigint, ARRAY[11]),
    PRIMARY KEY (job, status)
);

-- The bucket (1 to 11) of a run that took `seconds`; the bounds are the
-- histogram's `le` values in /metrics (src/http/metrics.rs, SYNC_BUCKETS).
CREATE FUNCTION sync_run_duration_bucket(seconds double precision) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
    SELECT 1 + count(*)::integer
    FROM unnest('{1,5,15,30,60,120,300,600,1800,3600}'::double precision[]) AS bound
    WHERE bound < seconds
$$;

-- Adds a run that just ended (or was recorded ended) to its tally, once.
CREATE FUNCTION sync_run_tally_add() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    seconds double precision :=
        GREATEST(EXTRACT(EPOCH FROM COALESCE(NEW.finished_at, now()) - NEW.started_at), 0);
    bucket integer := sync_run_duration_bucket(seconds);
BEGIN
    INSERT INTO sync_run_tally (job, status) VALUES (NEW.job, NEW.status) ON CONFLICT DO NOTHING;
    UPDATE sync_run_tally
    SET runs = runs + 1,
        records_in = records_in + NEW.records_in,
        records_out = records_out + NEW.records_out,
        records_failed = records_failed + NEW.records_failed,
        records_skipped = records_skipped + NEW.records_skipped,
        duration_seconds = duration_seconds + seconds,
        duration_buckets[bucket] = duration_buckets[bucket] + 1
    WHERE job = NEW.job AND status = NEW.status;
    RETURN NULL;
END
$$;

CREATE TRIGGER sync_run_ended AFTER UPDATE OF status ON sync_run
    FOR EACH ROW WHEN (OLD.status = 'running' AND NEW.status <> 'running')
    EXECUTE FUNCTION sync_run_tally_add();
CREATE TRIGGER sync_run_recorded_ended AFTER INSERT ON sync_run
    FOR EACH ROW WHEN (NEW.status <> 'running')
    EXECUTE FUNCTION sync_run_tally_add();

-- The runs already there.
WITH ended AS (
    SELECT job, status, records_in, records_out, records_failed, records_skipped,
           GREATEST(EXTRACT(EPOCH FROM COALESCE(finished_at, started_at) - started_at), 0)::double precision AS seconds
    FROM sync_run WHERE status <> 'running'
)
INSERT INTO sync_run_tally (job, status, runs, records_in, records_out, records_failed, records_skipped,
                            duration_seconds, duration_buckets)
SELECT e.job, e.status, count(*), sum(e.records_in), sum(e.records_out), sum(e.records_failed),
       sum(e.records_skipped), sum(e.seconds),
       ARRAY(SELECT count(*) FILTER (WHERE sync_run_duration_bucket(x.seconds) = i)
             FROM generate_series(1, 11) AS i
             LEFT JOIN ended x ON x.job = e.job AND x.status = e.status
             GROUP BY i ORDER BY i)
FROM ended e GROUP BY e.job, e.status;
