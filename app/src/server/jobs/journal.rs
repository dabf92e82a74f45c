//! `logs/integration/<platform>.log`: one JSON object per line for every
//! notable step of a sync, so operators can follow a run with `tail -f` or
//! ship the file to a log store. Secrets and personal data never go here.
//!
//! Files rotate by size: once `<platform>.log` reaches the limit it becomes
//! `<platform>.log.1` (the older ones shift up to `.log.<keep>`, the oldest is
//! deleted) and a new file starts. See [`Rotation`].

use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};

/// When journal files rotate: `MARKETPLACE_LOG_MAX_BYTES` (default 10 MB) and
/// `MARKETPLACE_LOG_KEEP`, the rotated files kept (default 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rotation {
    /// Size at which the file rotates.
    pub max_bytes: u64,
    /// Rotated files kept besides the current one (0: the file is truncated).
    pub keep: u32,
}

impl Default for Rotation {
    fn default() -> Self {
        Self { max_bytes: 10 * 1024 * 1024, keep: 5 }
    }
}

impl Rotation {
    /// Reads the two variables through `lookup`; unset ones keep their default.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        use anyhow::Context;
        let mut rotation = Self::default();
        if let Some(raw) = lookup("MARKETPLACE_LOG_MAX_BYTES").filter(|v| !v.trim().is_empty()) {
            rotation.max_bytes = raw
                .trim()
                .parse()
                .ok()
                .filter(|n| *n > 0)
                .with_context(|| format!("MARKETPLACE_LOG_MAX_BYTES is not a size in bytes: `{raw}`"))?;
        }
        if let Some(raw) = lookup("MARKETPLACE_LOG_KEEP").filter(|v| !v.trim().is_empty()) {
            rotation.keep =
                raw.trim().parse().with_context(|| format!("MARKETPLACE_LOG_KEEP is not a count: `{raw}`"))?;
        }
        Ok(rotation)
    }
}

use crate::domain::Platform;

/// An append-only JSON-lines log for one platform's runs.
#[derive(Debug, Clone)]
pub struct Journal {
    path: PathBuf,
    rotation: Rotation,
    platform: Platform,
    run_id: i64,
}

impl Journal {
    /// The journal of run `run_id`, in `dir/<platform>.log`, rotating as `rotation` says.
    pub fn new(dir: &Path, rotation: Rotation, platform: Platform, run_id: i64) -> Self {
        Self { path: dir.join(format!("{}.log", platform.as_str())), rotation, platform, run_id }
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
        append_line(&self.path, &format!("{line}\n"), self.rotation)
    }
}

/// Appends `text` to `path`, rotating the file first when it would pass the
/// limit. Writers (threads, and processes such as the CLI beside a server)
/// take turns through an exclusive lock on `.journal.lock` in the same
/// folder, so a rotation never splits or loses a line.
fn append_line(path: &Path, text: &str, rotation: Rotation) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let turn = std::fs::OpenOptions::new().create(true).append(true).open(dir.join(".journal.lock"))?;
    turn.lock()?;
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if size > 0 && size + text.len() as u64 > rotation.max_bytes {
        rotate(path, rotation.keep)?;
    }
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    file.write_all(text.as_bytes())
}

/// `x.log` becomes `x.log.1`, `x.log.1` becomes `x.log.2`, … up to `keep`.
fn rotate(path: &Path, keep: u32) -> std::io::Result<()> {
    let numbered = |n: u32| {
        let mut name = path.as_os_str().to_owned();
        name.push(format!(".{n}"));
        PathBuf::from(name)
    };
    if keep == 0 {
        return std::fs::remove_file(path);
    }
    match std::fs::remove_file(numbered(keep)) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => return Err(err),
        _ => {}
    }
    for n in (1..keep).rev() {
        match std::fs::rename(numbered(n), numbered(n + 1)) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => return Err(err),
            _ => {}
        }
    }
    std::fs::rename(path, numbered(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_appended_as_one_json_object_per_line() {
        let dir = std::env::temp_dir().join(format!("journal-{}", uuid::Uuid::new_v4()));
        let journal = Journal::new(&dir, Rotation::default(), Platform::Condo, 7);
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

    #[test]
    fn files_rotate_by_size_and_only_the_newest_are_kept() {
        let dir = std::env::temp_dir().join(format!("journal-rot-{}", uuid::Uuid::new_v4()));
        let path = dir.join("killbill.log");
        let rotation = Rotation { max_bytes: 100, keep: 2 };
        // 10 lines of 40 bytes: two lines per file, so five files were written.
        for i in 0..10 {
            append_line(&path, &format!("{{\"n\":{i},\"pad\":\"{}\"}}\n", "x".repeat(22)), rotation).unwrap();
        }
        let read = |p: &Path| std::fs::read_to_string(p).unwrap();
        let numbers = |text: String| -> Vec<u64> {
            text.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()["n"].as_u64().unwrap()).collect()
        };
        assert_eq!(numbers(read(&path)), vec![8, 9]);
        assert_eq!(numbers(read(&dir.join("killbill.log.1"))), vec![6, 7]);
        assert_eq!(numbers(read(&dir.join("killbill.log.2"))), vec![4, 5]);
        assert!(!dir.join("killbill.log.3").exists(), "only two rotated files are kept");
        for file in std::fs::read_dir(&dir).unwrap() {
            assert!(file.unwrap().metadata().unwrap().len() <= 100);
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn rotation_settings_are_validated() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(key, _)| *key == k).map(|(_, v)| (*v).to_owned())
        };
        let r = Rotation::from_lookup(vars(&[("MARKETPLACE_LOG_MAX_BYTES", "2048"), ("MARKETPLACE_LOG_KEEP", "1")]));
        assert_eq!(r.unwrap(), Rotation { max_bytes: 2048, keep: 1 });
        assert_eq!(Rotation::from_lookup(vars(&[])).unwrap(), Rotation::default());
        let err = Rotation::from_lookup(vars(&[("MARKETPLACE_LOG_MAX_BYTES", "10MB")])).unwrap_err();
        assert!(err.to_string().contains("MARKETPLACE_LOG_MAX_BYTES"));
        assert!(Rotation::from_lookup(vars(&[("MARKETPLACE_LOG_MAX_BYTES", "0")])).is_err());
    }

    #[test]
    fn with_nothing_kept_the_file_starts_over() {
        let dir = std::env::temp_dir().join(format!("journal-rot0-{}", uuid::Uuid::new_v4()));
        let path = dir.join("condo.log");
        let rotation = Rotation { max_bytes: 10, keep: 0 };
        append_line(&path, "first line\n", rotation).unwrap();
        append_line(&path, "second\n", rotation).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "second\n");
        let logs = std::fs::read_dir(&dir).unwrap().filter(|f| !f.as_ref().unwrap().file_name().eq(".journal.lock"));
        assert_eq!(logs.count(), 1);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn writers_at_once_lose_and_split_no_line_across_rotations() {
        let dir = std::env::temp_dir().join(format!("journal-race-{}", uuid::Uuid::new_v4()));
        let path = dir.join("condo.log");
        let rotation = Rotation { max_bytes: 2_000, keep: 50 };
        let writers: Vec<_> = (0..8)
            .map(|w| {
                let path = path.clone();
                std::thread::spawn(move || {
                    for i in 0..100 {
                        append_line(&path, &format!("{{\"w\":{w},\"i\":{i}}}\n"), rotation).unwrap();
                    }
                })
            })
            .collect();
        for writer in writers {
            writer.join().unwrap();
        }
        let mut seen = Vec::new();
        for file in std::fs::read_dir(&dir).unwrap() {
            let file = file.unwrap();
            if file.file_name().to_string_lossy().starts_with("condo.log") {
                for line in std::fs::read_to_string(file.path()).unwrap().lines() {
                    let v: Value = serde_json::from_str(line).unwrap();
                    seen.push((v["w"].as_u64().unwrap(), v["i"].as_u64().unwrap()));
                }
            }
        }
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 800, "every line once, whole");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
