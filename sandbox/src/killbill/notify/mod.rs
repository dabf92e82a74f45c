//! Push notifications: each event is POSTed to the tenant's callback at least once, in no
//! particular order (a small random delay each), sometimes twice, and retried a few times with
//! a short backoff when the receiver fails. Randomness comes from a seeded generator.

mod event;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

pub use event::Event;

/// How notifications are delivered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NotifyConfig {
    /// Each delivery waits a random 0..=`max_delay_ms` first, so events arrive unordered.
    pub max_delay_ms: u64,
    /// Probability (0..=1) that an event is delivered a second time.
    pub duplicate_rate: f64,
    /// Extra attempts after a failed delivery (non-2xx, connection error or timeout).
    pub retries: u32,
    /// Wait before the first retry; doubled at each further retry.
    pub retry_backoff_ms: u64,
    /// Timeout of one delivery attempt.
    pub timeout_ms: u64,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        Self { max_delay_ms: 20, duplicate_rate: 0.05, retries: 3, retry_backoff_ms: 50, timeout_ms: 2_000 }
    }
}

/// Delivery counters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationStats {
    /// Deliveries scheduled, duplicates included.
    pub scheduled: u64,
    /// Deliveries that were duplicates of another.
    pub duplicates: u64,
    /// Deliveries answered with a 2xx.
    pub delivered: u64,
    /// Attempts that failed (each retry counts).
    pub failed_attempts: u64,
    /// Deliveries given up after the last retry.
    pub dropped: u64,
}

#[derive(Debug, Default)]
struct Counters {
    scheduled: AtomicU64,
    duplicates: AtomicU64,
    delivered: AtomicU64,
    failed_attempts: AtomicU64,
    dropped: AtomicU64,
}

/// Sends events to callbacks in background tasks.
#[derive(Debug)]
pub struct Notifier {
    client: reqwest::Client,
    config: Mutex<NotifyConfig>,
    rng: Mutex<ChaCha8Rng>,
    counters: Counters,
}

/// One scheduled POST.
struct Delivery {
    url: String,
    body: serde_json::Value,
    delay: Duration,
    config: NotifyConfig,
}

impl Notifier {
    /// A notifier whose random choices follow `seed`.
    pub fn new(config: NotifyConfig, seed: u64) -> Self {
        Self {
            client: reqwest::Client::builder().user_agent("KillBill/1.0").build().expect("http client"),
            config: Mutex::new(config),
            rng: Mutex::new(ChaCha8Rng::seed_from_u64(seed)),
            counters: Counters::default(),
        }
    }

    /// Replaces the delivery settings.
    pub fn set_config(&self, config: NotifyConfig) {
        *self.config.lock().expect("notify config poisoned") = config;
    }

    /// Current delivery settings.
    pub fn config(&self) -> NotifyConfig {
        self.config.lock().expect("notify config poisoned").clone()
    }

    /// Schedules every event for `url`; returns at once.
    pub fn send(self: &Arc<Self>, url: &str, events: Vec<Event>) {
        let config = self.config();
        for event in events {
            for delivery in self.plan(url, &event, &config) {
                self.counters.scheduled.fetch_add(1, Ordering::Relaxed);
                tokio::spawn(Arc::clone(self).deliver(delivery));
            }
        }
    }

    /// Counters since start.
    pub fn stats(&self) -> NotificationStats {
        let c = &self.counters;
        NotificationStats {
            scheduled: c.scheduled.load(Ordering::Relaxed),
            duplicates: c.duplicates.load(Ordering::Relaxed),
            delivered: c.delivered.load(Ordering::Relaxed),
            failed_attempts: c.failed_attempts.load(Ordering::Relaxed),
            dropped: c.dropped.load(Ordering::Relaxed),
        }
    }

    /// Clears the counters.
    pub fn reset_stats(&self) {
        let c = &self.counters;
        for counter in [&c.scheduled, &c.duplicates, &c.delivered, &c.failed_attempts, &c.dropped] {
            counter.store(0, Ordering::Relaxed);
        }
    }

    /// One delivery, or two when the duplicate draw says so, each with its own delay.
    fn plan(&self, url: &str, event: &Event, config: &NotifyConfig) -> Vec<Delivery> {
        let mut rng = self.rng.lock().expect("notify rng poisoned");
        let rate = if config.duplicate_rate.is_nan() { 0.0 } else { config.duplicate_rate.clamp(0.0, 1.0) };
        let copies = if rng.random_bool(rate) { 2 } else { 1 };
        if copies == 2 {
            self.counters.duplicates.fetch_add(1, Ordering::Relaxed);
        }
        (0..copies)
            .map(|_| Delivery {
                url: url.to_string(),
                body: event.body(),
                delay: Duration::from_millis(rng.random_range(0..=config.max_delay_ms)),
                config: config.clone(),
            })
            .collect()
    }

    async fn deliver(self: Arc<Self>, delivery: Delivery) {
        tokio::time::sleep(delivery.delay).await;
        let mut backoff = Duration::from_millis(delivery.config.retry_backoff_ms);
        for attempt in 0..=delivery.config.retries {
            if attempt > 0 {
                tokio::time::sleep(backoff).await;
                backoff *= 2;
            }
            if self.attempt(&delivery).await {
                self.counters.delivered.fetch_add(1, Ordering::Relaxed);
                return;
            }
            self.counters.failed_attempts.fetch_add(1, Ordering::Relaxed);
        }
        tracing::warn!(url = %delivery.url, "push notification dropped after the last retry");
        self.counters.dropped.fetch_add(1, Ordering::Relaxed);
    }

    async fn attempt(&self, delivery: &Delivery) -> bool {
        let body = serde_json::to_vec(&delivery.body).expect("notification body serializes");
        let result = self
            .client
            .post(&delivery.url)
            .header("Content-Type", "application/json; charset=UTF-8")
            .timeout(Duration::from_millis(delivery.config.timeout_ms))
            .body(body)
            .send()
            .await;
        matches!(result, Ok(response) if response.status().is_success())
    }
}
