//! When each job is due, as configured by `MARKETPLACE_SCHEDULE_<JOB>`
//! (`MARKETPLACE_SCHEDULE_KILLBILL`, `..._KILLBILL_RECONCILIATION`, ...), and
//! the scheduler's other settings.
//!
//! A schedule is either a period (`6h`, `30m`, `2s`, `1d`: every so often,
//! counted from the last tick), a time of day (`daily@02:00`, UTC), a day of
//! the month (`monthly@1`, at 01:00 UTC, or `monthly@1T06:30`) or `off`.

use anyhow::{Context, bail};
use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};
use rand::Rng;
use std::time::Duration;

use crate::domain::Job;

/// How often one job runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// Never on its own; "sync now" and the CLI still work.
    Off,
    /// Every period, counted from the previous tick.
    Every(Duration),
    /// Once a day at this UTC time.
    Daily(NaiveTime),
    /// Once a month, on this day (1 to 28) at this UTC time.
    Monthly(u32, NaiveTime),
}

impl Schedule {
    /// Parses `off`, a period (`90s`, `30m`, `6h`, `1d`), `daily@HH:MM` or
    /// `monthly@D` / `monthly@DTHH:MM` (D from 1 to 28).
    pub fn parse(raw: &str) -> anyhow::Result<Self> {
        let raw = raw.trim();
        if raw.eq_ignore_ascii_case("off") {
            return Ok(Schedule::Off);
        }
        if let Some(rest) = raw.strip_prefix("monthly@") {
            let (day, time) = rest.split_once('T').unwrap_or((rest, "01:00"));
            let day: u32 = day
                .parse()
                .ok()
                .filter(|d| (1..=28).contains(d))
                .with_context(|| format!("`{day}` is not a day of the month from 1 to 28 (every month has it)"))?;
            let time = NaiveTime::parse_from_str(time, "%H:%M")
                .with_context(|| format!("`{time}` is not a time of day (HH:MM, UTC)"))?;
            return Ok(Schedule::Monthly(day, time));
        }
        if let Some(time) = raw.strip_prefix("daily@") {
            let time = NaiveTime::parse_from_str(time, "%H:%M")
                .with_context(|| format!("`{time}` is not a time of day (HH:MM, UTC)"))?;
            return Ok(Schedule::Daily(time));
        }
        let period = parse_duration(raw)?;
        if period < Duration::from_secs(1) {
            bail!("a schedule period must be at least 1 s, not `{raw}`");
        }
        Ok(Schedule::Every(period))
    }

    /// The time between two ticks (`None` when off).
    pub fn period(&self) -> Option<Duration> {
        match self {
            Schedule::Off => None,
            Schedule::Every(period) => Some(*period),
            Schedule::Daily(_) => Some(Duration::from_secs(24 * 3600)),
            Schedule::Monthly(..) => Some(Duration::from_secs(31 * 24 * 3600)),
        }
    }

    /// The first tick strictly after `now`, following the tick `previous`
    /// (the one that just ran; `None` for the very first). Ticks missed while
    /// no server was up are not made up for: one run catches up.
    pub fn next_after(&self, previous: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Schedule::Off => None,
            Schedule::Every(period) => {
                let period = chrono::Duration::from_std(*period).ok()?;
                let mut next = previous.unwrap_or(now) + period;
                if next <= now {
                    // Skip the ticks that were missed, keeping the phase.
                    let behind = (now - next).num_milliseconds() / period.num_milliseconds().max(1) + 1;
                    next += period * i32::try_from(behind).unwrap_or(i32::MAX);
                }
                Some(next)
            }
            Schedule::Daily(time) => {
                let today = now.date_naive().and_time(*time).and_utc();
                Some(if today > now { today } else { today + chrono::Duration::days(1) })
            }
            Schedule::Monthly(day, time) => {
                let at = |year: i32, month: u32| {
                    NaiveDate::from_ymd_opt(year, month, *day).map(|date| date.and_time(*time).and_utc())
                };
                let this_month = at(now.year(), now.month())?;
                if this_month > now {
                    return Some(this_month);
                }
                let (year, month) = if now.month() == 12 { (now.year() + 1, 1) } else { (now.year(), now.month() + 1) };
                at(year, month)
            }
        }
    }

    /// Words for the admin panel: "every 6 h", "daily at 02:00 UTC", "off".
    pub fn describe(&self) -> String {
        match self {
            Schedule::Off => "off".into(),
            Schedule::Daily(time) => format!("daily at {} UTC", time.format("%H:%M")),
            Schedule::Monthly(day, time) => format!("monthly on day {day} at {} UTC", time.format("%H:%M")),
            Schedule::Every(period) => format!("every {}", describe_duration(*period)),
        }
    }
}

/// Everything the scheduler reads from the environment (see `.env.example`).
#[derive(Debug, Clone, PartialEq)]
pub struct SchedulerSettings {
    /// `MARKETPLACE_SCHEDULER`: run scheduled jobs and "sync now" requests in this server (default on).
    pub enabled: bool,
    /// `MARKETPLACE_SCHEDULE_KILLBILL`: the mirror (default `daily@02:00`).
    pub killbill: Schedule,
    /// `MARKETPLACE_SCHEDULE_KILLBILL_RECONCILIATION` (default `daily@04:00`;
    /// each mirror run also asks for one).
    pub killbill_reconciliation: Schedule,
    /// `MARKETPLACE_SCHEDULE_KILLBILL_WEBHOOKS`: retries of the notifications
    /// left pending (default `1m`; a delivery asks for a run at once).
    pub killbill_webhooks: Schedule,
    /// `MARKETPLACE_SCHEDULE_CONDO`: the import (default `daily@03:00`, nightly).
    pub condo: Schedule,
    /// `MARKETPLACE_SCHEDULE_CONDO_WEBHOOKS` (default `1m`; a delivery asks for a run at once).
    pub condo_webhooks: Schedule,
    /// `MARKETPLACE_SCHEDULE_CONDO_OUTBOX`: retries of what is still to be sent to Condo
    /// (default `1m`; a new request or comment asks for a run at once).
    pub condo_outbox: Schedule,
    /// `MARKETPLACE_SCHEDULE_COCORICO`: the import (default `6h`).
    pub cocorico: Schedule,
    /// `MARKETPLACE_SCHEDULE_BILLING`: the rent run (default `monthly@1`, 01:00 UTC).
    pub billing: Schedule,
    /// `MARKETPLACE_SCHEDULE_RETENTION`: history pruning (default `daily@04:30`).
    pub retention: Schedule,
    /// `MARKETPLACE_SCHEDULE_JITTER`: the most a tick is delayed at random, so
    /// replicas and platforms do not all start at once (default `5m`, at most a
    /// tenth of the period).
    pub jitter: Duration,
    /// `MARKETPLACE_SCHEDULER_TICK`: how often due jobs and the queue are checked (default `5s`).
    pub tick: Duration,
    /// `MARKETPLACE_LEASE_TTL`: how long a job's lease lasts without renewal;
    /// a crashed holder's job is taken over after it (default `60s`).
    pub lease_ttl: Duration,
    /// `MARKETPLACE_PAUSE_AFTER_FAILURES`: failures in a row after which a job
    /// pauses itself (default 3; 0 never pauses).
    pub pause_after_failures: i32,
    /// `MARKETPLACE_JOB_DEADLINE`: how long one run may take; past it the
    /// run is cancelled, recorded as timed out and its lease released, so a
    /// hung upstream cannot hold a job forever (default `1h`).
    pub job_deadline: Duration,
}

impl Default for SchedulerSettings {
    fn default() -> Self {
        let at = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default();
        Self {
            enabled: true,
            killbill: Schedule::Daily(at(2, 0)),
            killbill_reconciliation: Schedule::Daily(at(4, 0)),
            killbill_webhooks: Schedule::Every(Duration::from_secs(60)),
            condo: Schedule::Daily(at(3, 0)),
            condo_webhooks: Schedule::Every(Duration::from_secs(60)),
            condo_outbox: Schedule::Every(Duration::from_secs(60)),
            cocorico: Schedule::Every(Duration::from_secs(6 * 3600)),
            billing: Schedule::Monthly(1, at(1, 0)),
            retention: Schedule::Daily(at(4, 30)),
            jitter: Duration::from_secs(300),
            tick: Duration::from_secs(5),
            lease_ttl: Duration::from_secs(60),
            pause_after_failures: 3,
            job_deadline: Duration::from_secs(3600),
        }
    }
}

impl SchedulerSettings {
    /// Reads the settings through `lookup`; unset or empty variables keep their default.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let get = |key: &str| lookup(key).filter(|v| !v.trim().is_empty());
        let mut s = Self::default();
        if let Some(raw) = get("MARKETPLACE_SCHEDULER") {
            s.enabled = match raw.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => true,
                "0" | "false" | "no" | "off" => false,
                _ => bail!("MARKETPLACE_SCHEDULER must be on or off, not `{raw}`"),
            };
        }
        for job in Job::ALL {
            let key = format!("MARKETPLACE_SCHEDULE_{}", job.as_str().to_ascii_uppercase());
            if let Some(raw) = get(&key) {
                *s.schedule_mut(job) = Schedule::parse(&raw).with_context(|| format!("{key} is not a schedule"))?;
            }
        }
        for (key, slot) in [
            ("MARKETPLACE_SCHEDULE_JITTER", &mut s.jitter),
            ("MARKETPLACE_SCHEDULER_TICK", &mut s.tick),
            ("MARKETPLACE_LEASE_TTL", &mut s.lease_ttl),
            ("MARKETPLACE_JOB_DEADLINE", &mut s.job_deadline),
        ] {
            if let Some(raw) = get(key) {
                *slot = parse_duration(&raw).with_context(|| format!("{key} is not a duration"))?;
            }
        }
        if s.tick.is_zero() || s.lease_ttl < Duration::from_secs(1) {
            bail!("MARKETPLACE_SCHEDULER_TICK must be above 0 and MARKETPLACE_LEASE_TTL at least 1 s");
        }
        if s.job_deadline < Duration::from_secs(1) {
            bail!("MARKETPLACE_JOB_DEADLINE must be at least 1 s");
        }
        if let Some(raw) = get("MARKETPLACE_PAUSE_AFTER_FAILURES") {
            s.pause_after_failures = raw
                .trim()
                .parse()
                .ok()
                .filter(|n: &i32| *n >= 0)
                .with_context(|| format!("MARKETPLACE_PAUSE_AFTER_FAILURES is not a count: `{raw}`"))?;
        }
        Ok(s)
    }

    /// The schedule of one job.
    pub fn schedule(&self, job: Job) -> Schedule {
        match job {
            Job::KillbillMirror => self.killbill,
            Job::KillbillReconciliation => self.killbill_reconciliation,
            Job::KillbillWebhooks => self.killbill_webhooks,
            Job::CondoImport => self.condo,
            Job::CondoWebhooks => self.condo_webhooks,
            Job::CondoOutbox => self.condo_outbox,
            Job::CocoricoImport => self.cocorico,
            Job::Billing => self.billing,
            Job::Retention => self.retention,
        }
    }

    fn schedule_mut(&mut self, job: Job) -> &mut Schedule {
        match job {
            Job::KillbillMirror => &mut self.killbill,
            Job::KillbillReconciliation => &mut self.killbill_reconciliation,
            Job::KillbillWebhooks => &mut self.killbill_webhooks,
            Job::CondoImport => &mut self.condo,
            Job::CondoWebhooks => &mut self.condo_webhooks,
            Job::CondoOutbox => &mut self.condo_outbox,
            Job::CocoricoImport => &mut self.cocorico,
            Job::Billing => &mut self.billing,
            Job::Retention => &mut self.retention,
        }
    }

    /// The next tick after `previous`, delayed by a random jitter of at most
    /// `jitter` and a tenth of the period.
    pub fn next_tick(&self, job: Job, previous: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let schedule = self.schedule(job);
        let next = schedule.next_after(previous, now)?;
        let cap = self.jitter.min(schedule.period()? / 10);
        let jitter_ms = u64::try_from(cap.as_millis()).unwrap_or(u64::MAX);
        let delay = if jitter_ms == 0 { 0 } else { rand::thread_rng().gen_range(0..=jitter_ms) };
        Some(next + chrono::Duration::milliseconds(i64::try_from(delay).unwrap_or(0)))
    }

    /// How old a last success may be before the job shows as delayed: two
    /// periods of its schedule (48 h when it is off).
    pub fn freshness(&self, job: Job) -> chrono::Duration {
        let period = self.schedule(job).period().unwrap_or(Duration::from_secs(24 * 3600));
        chrono::Duration::from_std(period * 2).unwrap_or(chrono::Duration::hours(48))
    }
}

/// Parses `1500ms`, `90s`, `30m`, `6h`, `1d` (a bare number is seconds).
pub fn parse_duration(raw: &str) -> anyhow::Result<Duration> {
    let raw = raw.trim();
    let split = raw.find(|c: char| !c.is_ascii_digit()).unwrap_or(raw.len());
    let (number, unit) = raw.split_at(split);
    let n: u64 = number.parse().with_context(|| format!("`{raw}` does not start with a whole number"))?;
    let secs = match unit.trim() {
        "ms" => return Ok(Duration::from_millis(n)),
        "" | "s" => 1,
        "m" | "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        other => bail!("unknown unit `{other}` in `{raw}` (ms, s, m, h or d)"),
    };
    Ok(Duration::from_secs(n.saturating_mul(secs)))
}

/// `90 s`, `30 min`, `2 h`, `1 d`: a duration as people write it.
pub(crate) fn describe_duration(d: Duration) -> String {
    let secs = d.as_secs();
    match secs {
        0 => format!("{} ms", d.as_millis()),
        s if s % 86_400 == 0 => format!("{} d", s / 86_400),
        s if s % 3600 == 0 => format!("{} h", s / 3600),
        s if s % 60 == 0 => format!("{} min", s / 60),
        s => format!("{s} s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 27, h, m, s).unwrap()
    }

    #[test]
    fn schedules_parse_and_describe_themselves() {
        assert_eq!(Schedule::parse("6h").unwrap(), Schedule::Every(Duration::from_secs(21_600)));
        assert_eq!(Schedule::parse("2s").unwrap().describe(), "every 2 s");
        assert_eq!(Schedule::parse("daily@02:30").unwrap().describe(), "daily at 02:30 UTC");
        assert_eq!(Schedule::parse("OFF").unwrap(), Schedule::Off);
        for bad in ["", "6 hours", "daily@25:00", "0s", "h", "-1h"] {
            assert!(Schedule::parse(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn periodic_ticks_follow_the_previous_one_and_skip_missed_ones() {
        let every = Schedule::Every(Duration::from_secs(3600));
        assert_eq!(every.next_after(Some(at(10, 0, 0)), at(10, 0, 5)), Some(at(11, 0, 0)));
        // Down for three hours: the next tick keeps the phase, no backlog.
        assert_eq!(every.next_after(Some(at(10, 0, 0)), at(13, 30, 0)), Some(at(14, 0, 0)));
        assert_eq!(every.next_after(None, at(9, 0, 0)), Some(at(10, 0, 0)));
        assert_eq!(Schedule::Off.next_after(None, at(9, 0, 0)), None);
    }

    #[test]
    fn monthly_ticks_fall_on_the_day_of_the_month() {
        let monthly = Schedule::parse("monthly@1").unwrap();
        assert_eq!(monthly.describe(), "monthly on day 1 at 01:00 UTC");
        let dec = |d, h| Utc.with_ymd_and_hms(2026, 12, d, h, 0, 0).unwrap();
        assert_eq!(monthly.next_after(None, dec(1, 0)), Some(dec(1, 1)));
        assert_eq!(
            monthly.next_after(Some(dec(1, 1)), dec(1, 1)),
            Some(Utc.with_ymd_and_hms(2027, 1, 1, 1, 0, 0).unwrap())
        );
        assert_eq!(
            Schedule::parse("monthly@15T06:30").unwrap(),
            Schedule::Monthly(15, NaiveTime::from_hms_opt(6, 30, 0).unwrap())
        );
        for bad in ["monthly@0", "monthly@29", "monthly@1T25:00", "monthly@"] {
            assert!(Schedule::parse(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn daily_ticks_fall_on_the_time_of_day() {
        let nightly = Schedule::parse("daily@03:00").unwrap();
        assert_eq!(nightly.next_after(None, at(2, 0, 0)), Some(at(3, 0, 0)));
        assert_eq!(nightly.next_after(Some(at(3, 0, 0)), at(3, 0, 0)), Some(at(3, 0, 0) + chrono::Duration::days(1)));
    }

    #[test]
    fn jitter_is_bounded_by_a_tenth_of_the_period() {
        let settings = SchedulerSettings {
            cocorico: Schedule::Every(Duration::from_secs(10)),
            jitter: Duration::from_secs(300),
            ..SchedulerSettings::default()
        };
        for _ in 0..200 {
            let next = settings.next_tick(Job::CocoricoImport, Some(at(10, 0, 0)), at(10, 0, 1)).unwrap();
            assert!(next >= at(10, 0, 10) && next <= at(10, 0, 11), "{next}");
        }
    }

    #[test]
    fn freshness_is_two_periods() {
        let settings = SchedulerSettings::default();
        assert_eq!(settings.freshness(Job::CocoricoImport), chrono::Duration::hours(12));
        assert_eq!(settings.freshness(Job::KillbillMirror), chrono::Duration::hours(48));
    }

    #[test]
    fn settings_come_from_the_environment_and_bad_values_name_the_variable() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(key, _)| *key == k).map(|(_, v)| (*v).to_owned())
        };
        let s = SchedulerSettings::from_lookup(vars(&[
            ("MARKETPLACE_SCHEDULE_COCORICO", "2s"),
            ("MARKETPLACE_LEASE_TTL", "3s"),
            ("MARKETPLACE_PAUSE_AFTER_FAILURES", "5"),
            ("MARKETPLACE_SCHEDULER", "off"),
            ("MARKETPLACE_SCHEDULE_KILLBILL_WEBHOOKS", "off"),
        ]))
        .unwrap();
        assert_eq!(s.killbill_webhooks, Schedule::Off);
        assert_eq!(s.schedule(Job::CondoWebhooks), Schedule::Every(Duration::from_secs(60)));
        assert_eq!(s.cocorico, Schedule::Every(Duration::from_secs(2)));
        assert_eq!(s.lease_ttl, Duration::from_secs(3));
        assert_eq!(s.pause_after_failures, 5);
        assert!(!s.enabled);
        let err = SchedulerSettings::from_lookup(vars(&[("MARKETPLACE_SCHEDULE_CONDO", "nightly")])).unwrap_err();
        assert!(format!("{err:#}").contains("MARKETPLACE_SCHEDULE_CONDO"));
        assert!(SchedulerSettings::from_lookup(vars(&[("MARKETPLACE_PAUSE_AFTER_FAILURES", "-1")])).is_err());
    }
}
