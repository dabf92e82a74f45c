//! The `sandbox killbill` command line: one `listening on http://ADDR` line, then it serves.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[tokio::test]
async fn the_command_line_prints_one_listening_line_and_serves_the_seeded_tenant() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sandbox"))
        .args(["killbill", "--listen", "127.0.0.1:0", "--api-key", "cli", "--api-secret", "pw"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("sandbox binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let base = line.trim().strip_prefix("listening on ").map(str::to_string);
    let status = match &base {
        Some(base) => reqwest::Client::new()
            .get(format!("{base}/1.0/kb/accounts/pagination"))
            .basic_auth("admin", Some("password"))
            .header("X-Killbill-ApiKey", "cli")
            .header("X-Killbill-ApiSecret", "pw")
            .send()
            .await
            .map(|r| r.status().as_u16()),
        None => Ok(0),
    };
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(base.as_deref().is_some_and(|b| b.starts_with("http://127.0.0.1:")), "first line: {line:?}");
    assert_eq!(status.unwrap(), 200);
}
