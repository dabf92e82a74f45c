//! The scheduler inside `marketplace serve`: every tick it plans each
//! configured job's next run, starts the requests waiting in `sync_request`
//! ("sync now", a webhook delivery, a job asking for another) and starts the
//! jobs that are due. Each job (see [`Job`]) has its own lease, schedule,
//! state and runs.
//!
//! Every replica runs this loop. A job runs only under its lease (see
//! [`job_lease`]), and a scheduled tick is only run by the holder that finds it
//! still due once it holds the lease, then moves `sync_state.next_run_at` to
//! the next tick before releasing it: with N replicas each tick runs once, and
//! a tick whose holder crashed is run by another replica once the lease expires.

pub mod job_lease;
pub mod schedule;

use chrono::Utc;
use sqlx::postgres::PgListener;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::domain::Job;
use crate::server::jobs::SyncContext;
use crate::server::store::{job_lease as job_lease_rows, sync_request, sync_state};
pub use job_lease::{Busy, JobLease, JobLeaseOptions, LeasedRun, run_with_job_lease};
pub use schedule::{Schedule, SchedulerSettings};

/// Requests started per tick at most.
const REQUESTS_PER_TICK: usize = 3;

/// The scheduler of one server process.
pub struct Scheduler {
    ctx: SyncContext,
    settings: SchedulerSettings,
    options: JobLeaseOptions,
    /// Jobs this process is running now (so a tick does not try again).
    busy: Mutex<HashSet<Job>>,
}

impl Scheduler {
    /// A scheduler for the jobs of the platforms `ctx` configures.
    pub fn new(ctx: SyncContext, settings: SchedulerSettings) -> Self {
        let options = JobLeaseOptions::new(&settings, "serve");
        Self { ctx, settings, options, busy: Mutex::new(HashSet::new()) }
    }

    /// This process's name in `job_lease.holder`.
    pub fn holder(&self) -> &str {
        &self.options.holder
    }

    /// Runs the loop in the background until `stop` turns true; then
    /// interrupts the runs in progress (recorded as failed, leases released).
    pub fn spawn(self, stop: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
        tokio::spawn(Arc::new(self).run(stop))
    }

    async fn run(self: Arc<Self>, mut stop: watch::Receiver<bool>) {
        tracing::info!(holder = %self.options.holder, tick = ?self.settings.tick, "scheduler started");
        for job in Job::ALL.into_iter().filter(|job| !self.ctx.settings.is_job_configured(*job)) {
            // No runs are planned for a job whose platform has no settings.
            if let Err(err) = sync_state::set_next_run(&self.ctx.pool, job, None).await {
                tracing::warn!(%job, error = %err, "could not clear the next run");
            }
        }
        let mut jobs = JoinSet::new();
        let mut interval = tokio::time::interval(self.settings.tick);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let for_jobs = stop.clone();
        let mut listener = self.listen().await;
        loop {
            let stopping = tokio::select! {
                _ = interval.tick() => false,
                () = announced(&mut listener) => false,
                _ = stop.wait_for(|s| *s) => true,
            };
            if stopping {
                break;
            }
            self.tick(&mut jobs, &for_jobs).await;
            while jobs.try_join_next().is_some() {}
        }
        while jobs.join_next().await.is_some() {}
        tracing::info!("scheduler stopped");
    }

    /// Listens for queued "sync now" requests; without it (no connection),
    /// requests wait for the next tick.
    async fn listen(&self) -> Option<PgListener> {
        let mut listener = match PgListener::connect_with(&self.ctx.pool).await {
            Ok(listener) => listener,
            Err(err) => {
                tracing::warn!(error = %err, "cannot listen for sync requests; they start on the next tick");
                return None;
            }
        };
        match listener.listen(sync_request::CHANNEL).await {
            Ok(()) => Some(listener),
            Err(err) => {
                tracing::warn!(error = %err, "cannot listen for sync requests; they start on the next tick");
                None
            }
        }
    }

    fn configured(&self) -> Vec<Job> {
        Job::ALL.into_iter().filter(|job| self.ctx.settings.is_job_configured(*job)).collect()
    }

    /// One pass: plan, start queued requests, start due jobs.
    async fn tick(self: &Arc<Self>, jobs: &mut JoinSet<()>, stop: &watch::Receiver<bool>) {
        for job in self.configured() {
            if let Err(err) = self.plan(job).await {
                tracing::warn!(%job, error = format!("{err:#}"), "could not plan the next run");
            }
        }
        for _ in 0..REQUESTS_PER_TICK {
            match self.claim_request().await {
                Ok(Some(claimed)) => {
                    let this = Arc::clone(self);
                    let stop = stop.clone();
                    jobs.spawn(async move { this.run_request(claimed, stop).await });
                }
                Ok(None) => break,
                Err(err) => {
                    tracing::warn!(error = format!("{err:#}"), "could not claim a request");
                    break;
                }
            }
        }
        for job in self.configured() {
            if self.is_due(job).await && self.mark_busy(job) {
                let this = Arc::clone(self);
                let stop = stop.clone();
                jobs.spawn(async move {
                    this.run_due(job, stop).await;
                    this.clear_busy(job);
                });
            }
        }
    }

    /// Gives a job without a planned tick its first one: at once when it
    /// never succeeded or its last success is a period old, else on schedule.
    /// A job whose schedule is off has none.
    async fn plan(&self, job: Job) -> anyhow::Result<()> {
        let state = sync_state::schedule_state(&self.ctx.pool, job).await?;
        let schedule = self.settings.schedule(job);
        let Some(period) = schedule.period() else {
            if state.next_run_at.is_some() {
                sync_state::set_next_run(&self.ctx.pool, job, None).await?;
            }
            return Ok(());
        };
        if state.paused || state.next_run_at.is_some() {
            return Ok(());
        }
        let now = Utc::now();
        let stale = state.last_success_at.is_none_or(|at| (now - at).to_std().is_ok_and(|age| age >= period));
        let first = if stale { Some(now) } else { self.settings.next_tick(job, state.last_success_at, now) };
        if let Some(first) = first
            && sync_state::plan_first_run(&self.ctx.pool, job, first).await?
        {
            tracing::info!(%job, next_run_at = %first, "next run planned");
        }
        Ok(())
    }

    async fn is_due(&self, job: Job) -> bool {
        match sync_state::schedule_state(&self.ctx.pool, job).await {
            Ok(state) => !state.paused && state.next_run_at.is_some_and(|at| at <= Utc::now()),
            Err(err) => {
                tracing::warn!(%job, error = %err, "could not read the schedule state");
                false
            }
        }
    }

    fn mark_busy(&self, job: Job) -> bool {
        self.busy.lock().map(|mut busy| busy.insert(job)).unwrap_or(false)
    }

    fn clear_busy(&self, job: Job) {
        if let Ok(mut busy) = self.busy.lock() {
            busy.remove(&job);
        }
    }

    /// Runs a due tick under the lease: checks it is still due once the lease
    /// is held, runs it, records which tick the run was for, plans the next
    /// tick, and releases the lease.
    async fn run_due(&self, job: Job, stop: watch::Receiver<bool>) {
        let lease = match JobLease::acquire(&self.ctx.pool, job, &self.options).await {
            Ok(Some(lease)) => lease,
            Ok(None) => return,
            Err(err) => {
                tracing::warn!(%job, error = format!("{err:#}"), "could not take the lease");
                return;
            }
        };
        let due = match sync_state::schedule_state(&self.ctx.pool, job).await {
            Ok(state) if !state.paused => state.next_run_at.filter(|at| *at <= Utc::now()),
            Ok(_) => None,
            Err(err) => {
                tracing::warn!(%job, error = %err, "could not read the schedule state");
                None
            }
        };
        let Some(due) = due else {
            // Another replica ran this tick between our check and the lease.
            lease.release().await;
            return;
        };
        tracing::info!(%job, tick = %due, "scheduled run starting");
        // The run records its tick with its end, so a finished run always has it.
        let ctx = self.ctx.clone().with_tick(due);
        let run = lease.run(&ctx, "schedule", Some(stop.clone())).await;
        // A run stopped by a shutdown or a lost lease leaves its tick due for
        // another server; otherwise the next tick is planned.
        if !run.interrupted {
            let next = self.settings.next_tick(job, Some(due), Utc::now());
            if let Err(err) = sync_state::set_next_run(&self.ctx.pool, job, next).await {
                tracing::error!(%job, error = %err, "could not plan the next run");
            }
        }
        log_outcome(job, "schedule", &run);
        lease.release().await;
    }

    /// Claims the oldest waiting request whose job is free, with its lease, in
    /// one transaction.
    async fn claim_request(&self) -> anyhow::Result<Option<Claimed>> {
        let busy: HashSet<Job> = self.busy.lock().map(|b| b.clone()).unwrap_or_default();
        let jobs: Vec<String> =
            self.configured().into_iter().filter(|job| !busy.contains(job)).map(|job| job.to_string()).collect();
        if jobs.is_empty() {
            return Ok(None);
        }
        let mut tx = self.ctx.pool.begin().await?;
        let Some(claimed) = sync_request::claim_next(&mut tx, &jobs).await? else {
            return Ok(None);
        };
        let Some(job) = Job::parse(&claimed.job) else {
            return Ok(None);
        };
        let holder = &self.options.holder;
        let Some(acquired) = job_lease_rows::try_acquire(&mut *tx, job.as_str(), holder, self.options.ttl).await?
        else {
            // The job was taken since the claim's check; the request waits.
            return Ok(None);
        };
        sync_request::mark_running(&mut *tx, claimed.id, holder).await?;
        tx.commit().await?;
        if !self.mark_busy(job) {
            tracing::warn!(%job, "already running here");
        }
        let lease = JobLease::adopt(self.ctx.pool.clone(), job, self.options.clone(), acquired).await;
        Ok(Some(Claimed { request_id: claimed.id, trigger: claimed.trigger, lease }))
    }

    /// Runs a claimed request and records how it ended.
    async fn run_request(&self, claimed: Claimed, stop: watch::Receiver<bool>) {
        let Claimed { request_id, trigger, lease } = claimed;
        let job = lease.job();
        tracing::info!(%job, request_id, %trigger, "requested run starting");
        let run = lease.run(&self.ctx, &trigger, Some(stop.clone())).await;
        let recorded = if run.interrupted {
            // Stopped by a shutdown: queued again for another server.
            sync_request::requeue_interrupted(&self.ctx.pool, job, "").await.map(drop)
        } else {
            let error = run.result.as_ref().err().map(ToString::to_string);
            sync_request::finish(&self.ctx.pool, request_id, run.run_id, error.as_deref()).await
        };
        if let Err(err) = recorded {
            tracing::error!(request_id, error = %err, "could not record the end of the request");
        }
        log_outcome(job, &trigger, &run);
        lease.release().await;
        self.clear_busy(job);
    }
}

/// A request this process claimed, with its job's lease.
struct Claimed {
    request_id: i64,
    /// The trigger of the run it makes (`manual`, `webhook`, `follow_up`).
    trigger: String,
    lease: JobLease,
}

/// Resolves when a request is announced (never without a listener). A lost
/// connection is re-established by the listener; meanwhile ticks go on.
async fn announced(listener: &mut Option<PgListener>) {
    match listener {
        Some(listener) => {
            if let Err(err) = listener.recv().await {
                tracing::warn!(error = %err, "lost the sync request listener; reconnecting");
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
        }
        None => std::future::pending().await,
    }
}

fn log_outcome(job: Job, trigger: &str, run: &LeasedRun) {
    match &run.result {
        Ok(summary) => tracing::info!(%job, trigger, ?summary, "job finished"),
        Err(err) => {
            tracing::warn!(%job, trigger, run_id = ?run.run_id, paused = run.paused,
                error = format!("{err:#}"), "job failed");
        }
    }
}
