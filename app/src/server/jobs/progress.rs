//! A terminal progress bar for CLI syncs, drawn on stderr when
//! [`SyncContext::progress`](super::SyncContext) is set: a label, done / total
//! and the elapsed time. Shared by every platform; safe to tick from many
//! tasks, and redrawn at most ten times a second.

use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const WIDTH: usize = 30;
const REDRAW_EVERY: Duration = Duration::from_millis(100);

/// One progress bar; does nothing when disabled.
#[derive(Debug)]
pub struct Progress {
    label: String,
    unit: String,
    total: AtomicU64,
    done: AtomicU64,
    enabled: bool,
    started: Instant,
    last_draw: Mutex<Option<Instant>>,
}

impl Progress {
    /// A bar for `total` items (0 when not known yet) named `label`, counting `unit`.
    pub fn new(label: impl Into<String>, unit: impl Into<String>, total: u64, enabled: bool) -> Self {
        Self {
            label: label.into(),
            unit: unit.into(),
            total: AtomicU64::new(total),
            done: AtomicU64::new(0),
            enabled,
            started: Instant::now(),
            last_draw: Mutex::new(None),
        }
    }

    /// Changes the total (e.g. once a page count is known).
    pub fn set_total(&self, total: u64) {
        self.total.store(total, Ordering::Relaxed);
        self.draw(false);
    }

    /// Adds to the total (items discovered along the way).
    pub fn add_total(&self, more: u64) {
        self.total.fetch_add(more, Ordering::Relaxed);
        self.draw(false);
    }

    /// Counts `n` more items done.
    pub fn inc(&self, n: u64) {
        self.done.fetch_add(n, Ordering::Relaxed);
        self.draw(false);
    }

    /// Sets the number of items done (for jobs that keep their own count).
    pub fn set_done(&self, done: u64) {
        self.done.store(done, Ordering::Relaxed);
        self.draw(false);
    }

    /// Items done so far.
    pub fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    /// Draws the final state and ends the line.
    pub fn finish(&self) {
        if self.enabled && self.last_draw.lock().map(|d| d.is_some()).unwrap_or(false) {
            self.draw(true);
            eprintln!();
        }
    }

    fn draw(&self, force: bool) {
        if !self.enabled {
            return;
        }
        let Ok(mut last) = self.last_draw.lock() else { return };
        let now = Instant::now();
        if !force && last.is_some_and(|t| now.duration_since(t) < REDRAW_EVERY) {
            return;
        }
        *last = Some(now);
        let line = render(
            &self.label,
            &self.unit,
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
            self.started.elapsed(),
        );
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{line}\x1b[K");
        let _ = err.flush();
    }
}

/// One line of the bar, e.g. `Kill Bill [#####-----]  12/40 accounts  30%  4s`.
pub fn render(label: &str, unit: &str, done: u64, total: u64, elapsed: Duration) -> String {
    let secs = elapsed.as_secs();
    let time = if secs >= 60 { format!("{}m{:02}s", secs / 60, secs % 60) } else { format!("{secs}s") };
    if total == 0 {
        return format!("{label}  {done} {unit}  {time}");
    }
    let done = done.min(total);
    let filled = usize::try_from(done * WIDTH as u64 / total).unwrap_or(WIDTH);
    let percent = done * 100 / total;
    format!(
        "{label} [{}{}] {done}/{total} {unit} {percent:>3}%  {time}",
        "#".repeat(filled),
        "-".repeat(WIDTH - filled)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_shows_done_total_and_percent() {
        let line = render("Kill Bill", "accounts", 15, 60, Duration::from_secs(75));
        assert_eq!(line, format!("Kill Bill [{}{}] 15/60 accounts  25%  1m15s", "#".repeat(7), "-".repeat(23)));
        let full = render("Condo", "pages", 9, 4, Duration::from_secs(2));
        assert!(full.contains("4/4 pages 100%"), "{full}");
        assert_eq!(render("Cocorico", "listings", 3, 0, Duration::ZERO), "Cocorico  3 listings  0s");
    }

    #[test]
    fn a_disabled_bar_only_counts() {
        let bar = Progress::new("x", "items", 2, false);
        bar.inc(1);
        bar.inc(1);
        bar.finish();
        assert_eq!(bar.done(), 2);
    }
}
