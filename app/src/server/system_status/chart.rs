//! The history chart of an integration, drawn as SVG on the server: one bar
//! per run (its duration; failed runs red and crossed), a line of the records
//! each run read, and a `<title>`/`<desc>` that say the same in words.

use chrono::{DateTime, Utc};
use std::fmt::Write;

use crate::domain::Platform;
use crate::domain::markup::escape;
use crate::model::system_status::format_duration;
use crate::server::store::sync_run::HistoryRow;

// Sized for a card about 320 px wide, so the labels keep their size on screen.
const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 150.0;
const LEFT: f64 = 40.0;
const RIGHT: f64 = 40.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 24.0;
/// Slots on the x axis: the chart always shows room for this many runs.
const SLOTS: usize = 30;

/// A run as the chart sees it.
struct Point {
    id: i64,
    started_at: DateTime<Utc>,
    duration_ms: i64,
    records: i64,
    status: &'static str,
    row: HistoryRow,
}

/// The chart of `runs` (oldest first; the last [`SLOTS`] are drawn). Runs
/// still in progress are measured up to `now`.
pub fn render_history(platform: Platform, runs: &[HistoryRow], now: DateTime<Utc>) -> String {
    let id = format!("history-{}", platform.as_str());
    let name = platform.display_name();
    let points: Vec<Point> = runs.iter().skip(runs.len().saturating_sub(SLOTS)).map(|r| point(r, now)).collect();
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{id}-title {id}-desc" class="h-auto w-full" data-runs="{}" data-failed="{}">"#,
        points.len(),
        points.iter().filter(|p| p.status == "failed").count()
    );
    let _ = write!(svg, r#"<title id="{id}-title">{}</title>"#, escape(&format!("{name}: the last {SLOTS} runs")));
    let _ = write!(svg, r#"<desc id="{id}-desc">{}</desc>"#, escape(&describe(&points)));
    if points.is_empty() {
        let _ = write!(
            svg,
            r##"<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="#64748b">No runs yet</text></svg>"##,
            WIDTH / 2.0,
            HEIGHT / 2.0
        );
        return svg;
    }
    draw_axes(&mut svg, &points);
    draw_bars(&mut svg, &points);
    draw_records(&mut svg, &points);
    svg.push_str("</svg>");
    svg
}

fn point(row: &HistoryRow, now: DateTime<Utc>) -> Point {
    let end = row.finished_at.unwrap_or(now);
    let status = match row.status.as_str() {
        "succeeded" => "succeeded",
        "failed" => "failed",
        _ => "running",
    };
    Point {
        id: row.id,
        started_at: row.started_at,
        duration_ms: (end - row.started_at).num_milliseconds().max(0),
        records: i64::from(row.records_in),
        status,
        row: row.clone(),
    }
}

/// The chart in one sentence or three, for screen readers.
fn describe(points: &[Point]) -> String {
    let Some((first, last)) = points.first().zip(points.last()) else {
        return "No run has been recorded yet.".to_owned();
    };
    let failed = points.iter().filter(|p| p.status == "failed").count();
    let longest = points.iter().map(|p| p.duration_ms).max().unwrap_or(0);
    let records: i64 = points.iter().map(|p| p.records).sum();
    format!(
        "{} runs from {} to {}. {} failed. The longest took {}. {} records read in all.",
        points.len(),
        first.started_at.format("%-d %b %H:%M"),
        last.started_at.format("%-d %b %H:%M"),
        if failed == 0 { "None".to_owned() } else { failed.to_string() },
        format_duration(longest),
        records
    )
}

fn slot_x(index: usize) -> f64 {
    LEFT + (WIDTH - LEFT - RIGHT) * (index as f64 + 0.5) / SLOTS as f64
}

fn plot_height() -> f64 {
    HEIGHT - TOP - BOTTOM
}

fn draw_axes(svg: &mut String, points: &[Point]) {
    let max_ms = points.iter().map(|p| p.duration_ms).max().unwrap_or(0);
    let max_records = points.iter().map(|p| p.records).max().unwrap_or(0);
    let base = HEIGHT - BOTTOM;
    let _ = write!(
        svg,
        r##"<g font-size="9" fill="#64748b" aria-hidden="true"><line x1="{LEFT}" y1="{base}" x2="{}" y2="{base}" stroke="#cbd5e1"/><line x1="{LEFT}" y1="{TOP}" x2="{}" y2="{TOP}" stroke="#f1f5f9"/><text x="{}" y="{}" text-anchor="end">{}</text><text x="{}" y="{base}" text-anchor="end">0</text><text x="{}" y="{}" text-anchor="start" fill="#0369a1">{}</text><text x="{}" y="{}">{}</text><text x="{}" y="{}" text-anchor="end">{}</text></g>"##,
        WIDTH - RIGHT,
        WIDTH - RIGHT,
        LEFT - 6.0,
        TOP + 4.0,
        escape(&format_duration(max_ms)),
        LEFT - 6.0,
        WIDTH - RIGHT + 6.0,
        TOP + 4.0,
        escape(&format!("{max_records} rec.")),
        LEFT,
        HEIGHT - 8.0,
        points[0].started_at.format("%-d %b %H:%M"),
        WIDTH - RIGHT,
        HEIGHT - 8.0,
        points[points.len() - 1].started_at.format("%-d %b %H:%M"),
    );
}

fn draw_bars(svg: &mut String, points: &[Point]) {
    let max_ms = points.iter().map(|p| p.duration_ms).max().unwrap_or(0).max(1) as f64;
    let bar = (WIDTH - LEFT - RIGHT) / SLOTS as f64 * 0.62;
    let base = HEIGHT - BOTTOM;
    for (i, p) in points.iter().enumerate() {
        let h = (p.duration_ms as f64 / max_ms * plot_height()).max(2.0);
        let (x, y) = (slot_x(i) - bar / 2.0, base - h);
        let fill = match p.status {
            "failed" => "#dc2626",
            "running" => "#f59e0b",
            _ => "#10b981",
        };
        let r = &p.row;
        let tip = format!(
            "Run {} · {} · {} · {} · {} in, {} out, {} failed, {} skipped",
            p.id,
            p.started_at.format("%-d %b %H:%M"),
            p.status,
            format_duration(p.duration_ms),
            r.records_in,
            r.records_out,
            r.records_failed,
            r.records_skipped
        );
        let _ = write!(
            svg,
            r#"<g class="run" data-status="{}"><title>{}</title><rect x="{x:.1}" y="{y:.1}" width="{bar:.1}" height="{h:.1}" rx="2" fill="{fill}"/>"#,
            p.status,
            escape(&tip)
        );
        if p.status == "failed" {
            let (cx, cy, d) = (slot_x(i), y - 6.0, 3.0);
            let _ = write!(
                svg,
                r##"<path class="failure-mark" d="M{:.1} {:.1}L{:.1} {:.1}M{:.1} {:.1}L{:.1} {:.1}" stroke="#b91c1c" stroke-width="2" stroke-linecap="round"/>"##,
                cx - d,
                cy - d,
                cx + d,
                cy + d,
                cx + d,
                cy - d,
                cx - d,
                cy + d
            );
        }
        svg.push_str("</g>");
    }
}

fn draw_records(svg: &mut String, points: &[Point]) {
    let max = points.iter().map(|p| p.records).max().unwrap_or(0).max(1) as f64;
    let base = HEIGHT - BOTTOM;
    let coords: Vec<(f64, f64)> =
        points.iter().enumerate().map(|(i, p)| (slot_x(i), base - p.records as f64 / max * plot_height())).collect();
    let path: Vec<String> = coords.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
    let _ = write!(
        svg,
        r##"<g aria-hidden="true"><polyline points="{}" fill="none" stroke="#0369a1" stroke-width="1.5" stroke-linejoin="round"/>"##,
        path.join(" ")
    );
    for (x, y) in coords {
        let _ = write!(svg, r##"<circle cx="{x:.1}" cy="{y:.1}" r="2.5" fill="#0369a1"/>"##);
    }
    svg.push_str("</g>");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(id: i64, status: &str, secs: i64, records: i32) -> HistoryRow {
        let started_at = DateTime::from_timestamp(1_790_000_000 + id * 3_600, 0).unwrap();
        HistoryRow {
            id,
            status: status.into(),
            started_at,
            finished_at: (status != "running").then(|| started_at + chrono::Duration::seconds(secs)),
            records_in: records,
            records_out: records,
            records_failed: 0,
            records_skipped: 0,
        }
    }

    #[test]
    fn failed_runs_are_red_and_crossed_and_counted_in_the_description() {
        let runs = vec![run(1, "succeeded", 2, 10), run(2, "failed", 1, 0), run(3, "succeeded", 4, 12)];
        let svg = render_history(Platform::KillBill, &runs, Utc::now());
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(r#"aria-labelledby="history-killbill-title history-killbill-desc""#));
        assert!(svg.contains("<title id=\"history-killbill-title\">Kill Bill: the last 30 runs</title>"));
        assert!(svg.contains("3 runs from"), "{svg}");
        assert!(svg.contains(". 1 failed."), "{svg}");
        assert_eq!(svg.matches(r#"data-status="failed""#).count(), 1);
        assert_eq!(svg.matches("failure-mark").count(), 1);
        assert_eq!(svg.matches(r#"data-status="succeeded""#).count(), 2);
        assert!(svg.contains("4.0 s"), "the longest run labels the axis");
    }

    #[test]
    fn only_the_last_thirty_runs_are_drawn_and_a_running_one_is_measured_up_to_now() {
        let mut runs: Vec<HistoryRow> = (1..=40).map(|i| run(i, "succeeded", 1, 5)).collect();
        runs.push(run(41, "running", 0, 0));
        let now = runs[40].started_at + chrono::Duration::seconds(90);
        let svg = render_history(Platform::Condo, &runs, now);
        assert!(svg.contains(r#"data-runs="30""#));
        assert!(!svg.contains("Run 11 ·") && svg.contains("Run 12 ·"));
        assert!(svg.contains("Run 41 · ") && svg.contains("running · 1 min 30 s"));
    }

    #[test]
    fn an_empty_history_says_so() {
        let svg = render_history(Platform::Cocorico, &[], Utc::now());
        assert!(svg.contains("No runs yet") && svg.contains("No run has been recorded yet."));
    }
}
