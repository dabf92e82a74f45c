//! Running a job under its lease: the one way every trigger (the schedule,
//! "sync now", a webhook delivery, another job, the CLI and the scripts)
//! runs [`run_job`]. The lease is named after the job (`job_lease.job`).
//!
//! The lease is renewed every third of its lifetime while the run goes on. If
//! it cannot be renewed (the database is gone, or this server stalled past the
//! expiry and another one took over), the run is stopped and recorded as
//! failed, so two servers never work on the same job at once. When a lease is
//! taken over from a holder that crashed, the runs and "sync now" requests it
//! left behind are closed or queued again.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use std::time::{Duration, Instant};
use tokio::sync::watch;

use super::schedule::SchedulerSettings;
use crate::domain::Job;
use crate::server::jobs::{SyncContext, SyncSummary, run_job};
use crate::server::store::{job_lease, sync_request, sync_run, sync_state};

/// Who holds leases and for how long.
#[derive(Debug, Clone)]
pub struct JobLeaseOptions {
    /// This process's name in `job_lease.holder` (host, pid and a random part).
    pub holder: String,
    /// How long a lease lasts without renewal.
    pub ttl: Duration,
    /// Failures in a row after which the job pauses itself (0: never).
    pub pause_after_failures: i32,
    /// How long one run may take before it is cancelled as timed out.
    pub deadline: Duration,
}

impl JobLeaseOptions {
    /// Options from the scheduler settings, with a fresh holder name of `kind` (`serve`, `cli`).
    pub fn new(settings: &SchedulerSettings, kind: &str) -> Self {
        Self {
            holder: holder_id(kind),
            ttl: settings.lease_ttl,
            pause_after_failures: settings.pause_after_failures,
            deadline: settings.job_deadline,
        }
    }
}

/// A name unique to this process: `<kind>@<host>:<pid>:<random>`.
pub fn holder_id(kind: &str) -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into());
    let random = uuid::Uuid::new_v4().simple().to_string();
    format!("{kind}@{host}:{}:{}", std::process::id(), &random[..6])
}

/// Another server (or CLI run) holds the job.
#[derive(Debug, thiserror::Error)]
#[error("the {job} is already running elsewhere; try again when it is done")]
pub struct Busy {
    /// The job's display name.
    pub job: &'static str,
}

/// How a leased run went.
#[derive(Debug)]
pub struct LeasedRun {
    /// The `sync_run` row it made, if it got that far.
    pub run_id: Option<i64>,
    /// The summary, or the error (already recorded in `sync_run`).
    pub result: anyhow::Result<SyncSummary>,
    /// Whether this failure paused the job.
    pub paused: bool,
    /// Whether the run was stopped (shutdown or lost lease) rather than ending
    /// on its own: its tick is left for another server.
    pub interrupted: bool,
}

/// A lease this process holds on one job.
#[derive(Debug)]
pub struct JobLease {
    pool: PgPool,
    job: Job,
    options: JobLeaseOptions,
}

impl JobLease {
    /// Takes the job's lease, or `None` when someone else holds it.
    pub async fn acquire(pool: &PgPool, job: Job, options: &JobLeaseOptions) -> anyhow::Result<Option<Self>> {
        let acquired = job_lease::try_acquire(pool, job.as_str(), &options.holder, options.ttl)
            .await
            .with_context(|| format!("could not take the lease of {job}"))?;
        match acquired {
            Some(acquired) => Ok(Some(Self::adopt(pool.clone(), job, options.clone(), acquired).await)),
            None => Ok(None),
        }
    }

    /// Wraps a lease taken by the caller (in its own transaction, now
    /// committed) and cleans up after a crashed previous holder.
    pub async fn adopt(pool: PgPool, job: Job, options: JobLeaseOptions, acquired: job_lease::Acquired) -> Self {
        let lease = Self { pool, job, options };
        if let Some((previous, expired_at)) = acquired.taken_over_from {
            lease.clean_up_after(&previous, expired_at).await;
        }
        lease
    }

    /// The job this lease is for.
    pub fn job(&self) -> Job {
        self.job
    }

    /// Closes the runs a crashed holder left running and queues its request again.
    async fn clean_up_after(&self, previous: &str, expired_at: DateTime<Utc>) {
        tracing::warn!(job = %self.job, %previous, %expired_at, "took over the lease of a holder that stopped");
        let detail = format!("the lease of {previous} expired at {expired_at} without being released");
        let error = "The run was interrupted: the server running it stopped";
        match sync_run::fail_abandoned_runs(&self.pool, self.job, expired_at, error, &detail).await {
            Ok(n) if n > 0 => tracing::warn!(job = %self.job, runs = n, "closed runs left behind"),
            Ok(_) => {}
            Err(err) => tracing::error!(job = %self.job, error = %err, "could not close the runs left behind"),
        }
        if let Err(err) = sync_request::requeue_interrupted(&self.pool, self.job, &self.options.holder).await {
            tracing::error!(job = %self.job, error = %err, "could not queue the interrupted request again");
        }
    }

    /// Runs the job while renewing the lease. `stop` (a shutdown
    /// signal) interrupts the run; so does losing the lease. Failures count
    /// towards the automatic pause. The lease is kept: call [`JobLease::release`].
    pub async fn run(&self, ctx: &SyncContext, trigger: &str, stop: Option<watch::Receiver<bool>>) -> LeasedRun {
        self.run_work(stop, run_job(ctx, self.job, trigger)).await
    }

    /// Runs `work` (this job's run with arguments of its own, e.g. the rent
    /// run for a given month) as [`JobLease::run`] runs the job.
    pub async fn run_work(
        &self,
        stop: Option<watch::Receiver<bool>>,
        work: impl std::future::Future<Output = anyhow::Result<SyncSummary>>,
    ) -> LeasedRun {
        let before = match sync_run::latest_run_id(&self.pool, self.job).await {
            Ok(id) => id,
            Err(err) => {
                let result = Err(anyhow::Error::new(err).context("could not read the latest run"));
                return LeasedRun { run_id: None, result, paused: false, interrupted: false };
            }
        };
        let deadline = self.options.deadline;
        let interrupted = tokio::select! {
            result = work => Ok(result),
            () = tokio::time::sleep(deadline) => Ok(Err(self.time_out(before).await)),
            why = self.keep_alive() => Err(why),
            why = stopped(stop) => Err(why),
        };
        let run_id = match sync_run::first_run_after(&self.pool, self.job, before).await {
            Ok(found) => found.map(|(id, _)| id),
            Err(err) => {
                tracing::error!(job = %self.job, error = %err, "could not find the run just made");
                None
            }
        };
        let was_interrupted = interrupted.is_err();
        let result = match interrupted {
            Ok(result) => result,
            Err(why) => {
                tracing::warn!(job = %self.job, why, "run stopped");
                let error = format!("The run was stopped: {why}");
                if let Some(id) = run_id
                    && let Err(err) = sync_run::fail_running_run(&self.pool, id, &error, why).await
                {
                    tracing::error!(job = %self.job, error = %err, "could not record the stopped run");
                }
                Err(anyhow::anyhow!(error))
            }
        };
        let paused = match &result {
            Err(err) => self.pause_if_failing(run_id, err).await,
            Ok(_) => false,
        };
        LeasedRun { run_id, result, paused, interrupted: was_interrupted }
    }

    /// Records the run cancelled at its deadline as timed out (a failure: it
    /// counts towards the pause, and the next tick runs the job again).
    async fn time_out(&self, before: i64) -> anyhow::Error {
        let limit = super::schedule::describe_duration(self.options.deadline);
        let error = format!("Timed out: the run took longer than {limit} (MARKETPLACE_JOB_DEADLINE) and was cancelled");
        tracing::warn!(job = %self.job, limit, "run timed out");
        match sync_run::first_run_after(&self.pool, self.job, before).await {
            Ok(Some((id, _))) => {
                let detail = "cancelled at MARKETPLACE_JOB_DEADLINE";
                if let Err(err) = sync_run::fail_running_run(&self.pool, id, &error, detail).await {
                    tracing::error!(job = %self.job, error = %err, "could not record the timed-out run");
                }
            }
            Ok(None) => {}
            Err(err) => tracing::error!(job = %self.job, error = %err, "could not find the timed-out run"),
        }
        anyhow::anyhow!(error)
    }

    /// Renews the lease until it is lost; returns why.
    async fn keep_alive(&self) -> &'static str {
        let every = (self.options.ttl / 3).max(Duration::from_millis(100));
        let mut renewed = Instant::now();
        loop {
            tokio::time::sleep(every).await;
            match job_lease::renew(&self.pool, self.job.as_str(), &self.options.holder, self.options.ttl).await {
                Ok(true) => renewed = Instant::now(),
                Ok(false) => return "its lease was taken over by another server",
                Err(err) => {
                    tracing::warn!(job = %self.job, error = %err, "could not renew the lease");
                    if renewed.elapsed() >= self.options.ttl {
                        return "its lease could not be renewed (database unreachable)";
                    }
                }
            }
        }
    }

    /// Pauses the job when its failure streak reached the threshold.
    async fn pause_if_failing(&self, run_id: Option<i64>, err: &anyhow::Error) -> bool {
        let threshold = self.options.pause_after_failures;
        if threshold <= 0 {
            return false;
        }
        let error = match run_id {
            Some(id) => sync_run::error_of(&self.pool, id).await.ok().flatten(),
            None => None,
        }
        .unwrap_or_else(|| err.to_string());
        let reason = format!("Paused after {threshold} failures in a row. Last error: {error}");
        match sync_state::pause_if_failing(&self.pool, self.job, threshold, &reason).await {
            Ok(true) => {
                tracing::warn!(job = %self.job, threshold, "paused after repeated failures");
                true
            }
            Ok(false) => false,
            Err(err) => {
                tracing::error!(job = %self.job, error = %err, "could not pause the failing job");
                false
            }
        }
    }

    /// Gives the lease back.
    pub async fn release(self) {
        if let Err(err) = job_lease::release(&self.pool, self.job.as_str(), &self.options.holder).await {
            tracing::warn!(job = %self.job, error = %err, "could not release the lease; it will expire");
        }
    }
}

/// Resolves when `stop` turns true (never without one).
async fn stopped(stop: Option<watch::Receiver<bool>>) -> &'static str {
    if let Some(mut stop) = stop
        && stop.wait_for(|stopping| *stopping).await.is_ok()
    {
        return "the server is shutting down";
    }
    std::future::pending().await
}

/// Runs one job under its lease, as the CLI and the scripts do: fails with
/// [`Busy`] when the job is running elsewhere.
pub async fn run_with_job_lease(
    ctx: &SyncContext,
    job: Job,
    trigger: &str,
    options: &JobLeaseOptions,
) -> anyhow::Result<SyncSummary> {
    let lease = JobLease::acquire(&ctx.pool, job, options).await?.ok_or(Busy { job: job.display_name() })?;
    let run = lease.run(ctx, trigger, None).await;
    lease.release().await;
    if run.paused {
        tracing::warn!(job = %job, "the job paused itself; resume it on /admin/system-status");
    }
    run.result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(deadline: Duration) -> JobLeaseOptions {
        JobLeaseOptions { holder: holder_id("test"), ttl: Duration::from_secs(5), pause_after_failures: 0, deadline }
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_run_past_its_deadline_is_cancelled_recorded_as_timed_out_and_its_lease_freed(pool: PgPool) {
        let options = options(Duration::from_millis(300));
        let lease = JobLease::acquire(&pool, Job::Retention, &options).await.unwrap().expect("the lease");
        let hung = async {
            sync_run::start_run(&pool, Job::Retention, "cli").await?;
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok(SyncSummary::default())
        };
        let started = Instant::now();
        let run = lease.run_work(None, hung).await;
        assert!(started.elapsed() < Duration::from_secs(10), "cancelled at the deadline");
        let error = run.result.unwrap_err().to_string();
        assert!(error.starts_with("Timed out"), "{error}");
        assert!(!run.interrupted, "a timed-out run is a failure, not a run left for another server");
        let (status, recorded): (String, Option<String>) =
            sqlx::query_as("SELECT status, error FROM sync_run WHERE id = $1")
                .bind(run.run_id.expect("the run it made"))
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(status, "failed");
        assert!(recorded.unwrap_or_default().contains("MARKETPLACE_JOB_DEADLINE"));
        lease.release().await;

        let next = JobLease::acquire(&pool, Job::Retention, &options).await.unwrap().expect("the lease is free again");
        let quick = next.run_work(None, async { Ok(SyncSummary::default()) }).await;
        assert!(quick.result.is_ok(), "a run within the deadline is not touched");
        next.release().await;
    }
}
