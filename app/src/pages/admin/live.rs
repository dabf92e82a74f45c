//! Keeping a panel section fresh in the browser: a short poll while the page
//! is open, and an immediate fetch whenever an action asks for one. The
//! server-rendered page needs none of this; it is simply current on reload.

use leptos::prelude::*;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::model::AppError;

/// Fetches into `data` every `every`, and whenever `nudge` changes. Only a
/// changed value is written, so unchanged sections are not redrawn (an open
/// `<details>` stays open). One fetch at a time: a nudge that comes while one
/// is under way (an action finished during a poll) fetches again after it,
/// so what the action changed is never missed.
pub fn keep_fresh<T, Fut>(data: RwSignal<T>, every: Duration, nudge: RwSignal<u64>, fetch: fn() -> Fut)
where
    T: PartialEq + Send + Sync + 'static,
    Fut: Future<Output = Result<T, AppError>> + 'static,
{
    let in_flight = Arc::new(AtomicBool::new(false));
    let again = Arc::new(AtomicBool::new(false));
    Effect::new(move |previous: Option<()>| {
        nudge.track();
        if previous.is_none() {
            return;
        }
        if in_flight.swap(true, Ordering::AcqRel) {
            again.store(true, Ordering::Release);
            return;
        }
        let (in_flight, again) = (Arc::clone(&in_flight), Arc::clone(&again));
        leptos::task::spawn_local(async move {
            loop {
                if let Ok(fresh) = fetch().await
                    && data.try_with_untracked(|current| current != &fresh) == Some(true)
                {
                    data.try_set(fresh);
                }
                if !again.swap(false, Ordering::AcqRel) {
                    break;
                }
            }
            in_flight.store(false, Ordering::Release);
        });
    });
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(move || nudge.update(|n| *n += 1), every) {
            on_cleanup(move || handle.clear());
        }
    });
}

/// Bumps `nudge` each time one of the `versions` changes after the first run
/// (an action finished), so the data is fetched again at once.
pub fn refresh_after(nudge: RwSignal<u64>, versions: Vec<Signal<usize>>) {
    Effect::new(move |previous: Option<()>| {
        for version in &versions {
            version.track();
        }
        if previous.is_some() {
            nudge.update(|n| *n += 1);
        }
    });
}
