//! The scheduler inside `marketplace serve`: every tick it plans each
//! configured platform's next run, starts the "sync now" requests waiting in
//! `sync_request`, starts the syncs that are due, and runs the periodic tasks
//! other modules register (webhook processing).
//!
//! Every replica runs this loop. A job runs only under its lease (see
//! [`lease`]), and a scheduled tick is only run by the holder that finds it
//! still due once it holds the lease, then moves `sync_state.next_run_at` to
//! the next tick before releasing it: with N replicas each tick runs once, and
//! a tick whose holder crashed is run by another replica once the lease expires.

pub mod job_lease;
pub mod schedule;

use chrono::Utc;
use futures::future::BoxFuture;
use sqlx::PgPool;
use sqlx::postgres::PgListener;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::domain::Platform;
use crate::server::store::{job_lease as job_lease_rows, sync_request, sync_state};
use crate::server::sync::SyncContext;
pub use job_lease::{Busy, JobLease, JobLeaseOptions, LeasedRun, job_of, run_with_job_lease};
pub use schedule::{Schedule, SchedulerSettings};

/// Work done on every tick besides the syncs, given the database pool. Webhook
/// processing (`process_pending` of each source) registers here, in
/// `startup.rs`, with [`Scheduler::with_periodic`]. Tasks run on every replica
/// and must claim their own rows (e.g. `FOR UPDATE SKIP LOCKED`).
pub type PeriodicTask = Arc<dyn Fn(PgPool) -> BoxFuture<'static, anyhow::Result<()>> + Send + Sync>;

/// "Sync now" requests started per tick at most.
const REQUESTS_PER_TICK: usize = 3;

/// The scheduler of one server process.
pub struct Scheduler {
    ctx: SyncContext,
    settings: SchedulerSettings,
    options: JobLeaseOptions,
    periodic: Vec<(&'static str, PeriodicTask)>,
    /// Platforms this process is running now (so a tick does not try again).
    busy: Mutex<HashSet<Platform>>,
}

impl Scheduler {
    /// A scheduler for the configured platforms of `ctx`.
    pub fn new(ctx: SyncContext, settings: SchedulerSettings) -> Self {
        let options = JobLeaseOptions::new(&settings, "serve");
        Self { ctx, settings, options, periodic: Vec::new(), busy: Mutex::new(HashSet::new()) }
    }

    /// Registers a task run on every tick (see [`PeriodicTask`]).
    pub fn with_periodic(mut self, name: &'static str, task: PeriodicTask) -> Self {
        self.periodic.push((name, task));
        self
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
        for platform in Platform::ALL.into_iter().filter(|p| !self.ctx.settings.is_configured(*p)) {
            // No runs are planned for a platform without settings.
            if let Err(err) = sync_state::set_next_run(&self.ctx.pool, platform, None).await {
                tracing::warn!(platform = %platform, error = %err, "could not clear the next run");
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

    fn configured(&self) -> Vec<Platform> {
        Platform::ALL.into_iter().filter(|p| self.ctx.settings.is_configured(*p)).collect()
    }

    /// One pass: plan, start queued requests, start due jobs, periodic tasks.
    async fn tick(self: &Arc<Self>, jobs: &mut JoinSet<()>, stop: &watch::Receiver<bool>) {
        for platform in self.configured() {
            if let Err(err) = self.plan(platform).await {
                tracing::warn!(platform = %platform, error = format!("{err:#}"), "could not plan the next run");
            }
        }
        for _ in 0..REQUESTS_PER_TICK {
            match self.claim_request().await {
                Ok(Some((request_id, lease))) => {
                    let this = Arc::clone(self);
                    let stop = stop.clone();
                    jobs.spawn(async move { this.run_request(request_id, lease, stop).await });
                }
                Ok(None) => break,
                Err(err) => {
                    tracing::warn!(error = format!("{err:#}"), "could not claim a sync request");
                    break;
                }
            }
        }
        for platform in self.configured() {
            if self.is_due(platform).await && self.mark_busy(platform) {
                let this = Arc::clone(self);
                let stop = stop.clone();
                jobs.spawn(async move {
                    this.run_due(platform, stop).await;
                    this.clear_busy(platform);
                });
            }
        }
        for (name, task) in &self.periodic {
            if let Err(err) = task(self.ctx.pool.clone()).await {
                tracing::warn!(task = name, error = format!("{err:#}"), "periodic task failed");
            }
        }
    }

    /// Gives a platform without a planned tick its first one: at once when it
    /// never succeeded or its last success is a period old, else on schedule.
    /// A platform whose schedule is off has none.
    async fn plan(&self, platform: Platform) -> anyhow::Result<()> {
        let state = sync_state::schedule_state(&self.ctx.pool, platform).await?;
        let schedule = self.settings.schedule(platform);
        let Some(period) = schedule.period() else {
            if state.next_run_at.is_some() {
                sync_state::set_next_run(&self.ctx.pool, platform, None).await?;
            }
            return Ok(());
        };
        if state.paused || state.next_run_at.is_some() {
            return Ok(());
        }
        let now = Utc::now();
        let stale = state.last_success_at.is_none_or(|at| (now - at).to_std().is_ok_and(|age| age >= period));
        let first = if stale { Some(now) } else { self.settings.next_tick(platform, state.last_success_at, now) };
        if let Some(first) = first
            && sync_state::plan_first_run(&self.ctx.pool, platform, first).await?
        {
            tracing::info!(platform = %platform, next_run_at = %first, "next run planned");
        }
        Ok(())
    }

    async fn is_due(&self, platform: Platform) -> bool {
        match sync_state::schedule_state(&self.ctx.pool, platform).await {
            Ok(state) => !state.paused && state.next_run_at.is_some_and(|at| at <= Utc::now()),
            Err(err) => {
                tracing::warn!(platform = %platform, error = %err, "could not read the schedule state");
                false
            }
        }
    }

    fn mark_busy(&self, platform: Platform) -> bool {
        self.busy.lock().map(|mut busy| busy.insert(platform)).unwrap_or(false)
    }

    fn clear_busy(&self, platform: Platform) {
        if let Ok(mut busy) = self.busy.lock() {
            busy.remove(&platform);
        }
    }

    /// Runs a due tick under the lease: checks it is still due once the lease
    /// is held, runs it, records which tick the run was for, plans the next
    /// tick, and releases the lease.
    async fn run_due(&self, platform: Platform, stop: watch::Receiver<bool>) {
        let lease = match JobLease::acquire(&self.ctx.pool, platform, &self.options).await {
            Ok(Some(lease)) => lease,
            Ok(None) => return,
            Err(err) => {
                tracing::warn!(platform = %platform, error = format!("{err:#}"), "could not take the lease");
                return;
            }
        };
        let due = match sync_state::schedule_state(&self.ctx.pool, platform).await {
            Ok(state) if !state.paused => state.next_run_at.filter(|at| *at <= Utc::now()),
            Ok(_) => None,
            Err(err) => {
                tracing::warn!(platform = %platform, error = %err, "could not read the schedule state");
                None
            }
        };
        let Some(due) = due else {
            // Another replica ran this tick between our check and the lease.
            lease.release().await;
            return;
        };
        tracing::info!(platform = %platform, tick = %due, "scheduled run starting");
        // The run records its tick with its end, so a finished run always has it.
        let ctx = self.ctx.clone().with_tick(due);
        let run = lease.run(&ctx, "schedule", Some(stop.clone())).await;
        // A run stopped by a shutdown or a lost lease leaves its tick due for
        // another server; otherwise the next tick is planned.
        if !run.interrupted {
            let next = self.settings.next_tick(platform, Some(due), Utc::now());
            if let Err(err) = sync_state::set_next_run(&self.ctx.pool, platform, next).await {
                tracing::error!(platform = %platform, error = %err, "could not plan the next run");
            }
        }
        log_outcome(platform, "schedule", &run);
        lease.release().await;
    }

    /// Claims the oldest waiting request whose job is free, with its lease, in
    /// one transaction.
    async fn claim_request(&self) -> anyhow::Result<Option<(i64, JobLease)>> {
        let busy: HashSet<Platform> = self.busy.lock().map(|b| b.clone()).unwrap_or_default();
        let platforms: Vec<String> =
            self.configured().into_iter().filter(|p| !busy.contains(p)).map(|p| p.as_str().to_owned()).collect();
        if platforms.is_empty() {
            return Ok(None);
        }
        let mut tx = self.ctx.pool.begin().await?;
        let Some(claimed) = sync_request::claim_next(&mut tx, &platforms).await? else {
            return Ok(None);
        };
        let Some(platform) = Platform::parse(&claimed.platform) else {
            return Ok(None);
        };
        let holder = &self.options.holder;
        let Some(acquired) = job_lease_rows::try_acquire(&mut *tx, &job_of(platform), holder, self.options.ttl).await?
        else {
            // The job was taken since the claim's check; the request waits.
            return Ok(None);
        };
        sync_request::mark_running(&mut *tx, claimed.id, holder).await?;
        tx.commit().await?;
        if !self.mark_busy(platform) {
            tracing::warn!(platform = %platform, "already running here");
        }
        let lease = JobLease::adopt(self.ctx.pool.clone(), platform, self.options.clone(), acquired).await;
        Ok(Some((claimed.id, lease)))
    }

    /// Runs a claimed "sync now" request and records how it ended.
    async fn run_request(&self, request_id: i64, lease: JobLease, stop: watch::Receiver<bool>) {
        let platform = lease.platform();
        tracing::info!(platform = %platform, request_id, "sync now starting");
        let run = lease.run(&self.ctx, "manual", Some(stop.clone())).await;
        let recorded = if run.interrupted {
            // Stopped by a shutdown: queued again for another server.
            sync_request::requeue_interrupted(&self.ctx.pool, platform, "").await.map(drop)
        } else {
            let error = run.result.as_ref().err().map(ToString::to_string);
            sync_request::finish(&self.ctx.pool, request_id, run.run_id, error.as_deref()).await
        };
        if let Err(err) = recorded {
            tracing::error!(request_id, error = %err, "could not record the end of the request");
        }
        log_outcome(platform, "manual", &run);
        lease.release().await;
        self.clear_busy(platform);
    }
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

fn log_outcome(platform: Platform, trigger: &str, run: &LeasedRun) {
    match &run.result {
        Ok(summary) => tracing::info!(platform = %platform, trigger, ?summary, "sync finished"),
        Err(err) => {
            tracing::warn!(platform = %platform, trigger, run_id = ?run.run_id, paused = run.paused,
                error = format!("{err:#}"), "sync failed");
        }
    }
}
