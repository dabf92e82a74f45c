//! `logs/integration/<platform>.log`: one JSON object per line for every
//! notable step of a sync, so operators can follow a run with `tail -f` or
//! ship the file to a log store. Secrets and personal data never go here.

use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::domain::Platform;

/// An append-only JSON-lines log for one platform's runs.
#[derive(Debug, Clone)]
pub struct Journal {
    path: PathBuf,
    platform: Platform,
    run_id: i64,
}

impl Journal {
    /// The journal of run `run_id`, in `dir/<platform>.log`.
    pub fn new(dir: &Path, platform: Platform, run_id: i64) -> Self {
        Self { path: dir.join(format!("{}.log", platform.as_str())), platform, run_id }
    }

    /// Appends one event with its fields. Failing to write the journal never
    /// fails the sync; it is reported through `tracing` instead.
    pub fn record(&self, event: &str, fields: Value) {
        let mut line = json!({
            "ts": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "platform": self.platform.as_str(),
            "run_id": self.run_id,
            "event": event,
        });
        if let (Some(target), Value::Object(extra)) = (line.as_object_mut(), fields) {
            target.extend(extra);
        }
        if let Err(err) = self.append(&line) {
            tracing::warn!(path = %self.path.display(), error = %err, "could not write the integration log");
        }
    }

    fn append(&self, line: &Value) -> std::io::Result<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut file = std::fs::OpenOptions::new().create(true).append(true).open(&self.path)?;
        writeln!(file, "{line}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_appended_as_one_json_object_per_line() {
        let dir = std::env::temp_dir().join(format!("journal-{}", uuid::Uuid::new_v4()));
        let journal = Journal::new(&dir, Platform::Condo, 7);
        journal.record("page_committed", json!({ "tickets": 50 }));
        journal.record("finished", json!({}));
        let text = std::fs::read_to_string(dir.join("condo.log")).unwrap();
        let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["event"], "page_committed");
        assert_eq!(lines[0]["tickets"], 50);
        assert_eq!(lines[1]["run_id"], 7);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
