//! Structured logs with `tracing`, on stderr: JSON lines in production,
//! readable lines on a terminal. `RUST_LOG` refines the levels. Panics are logged as one
//! error event like any other (a panic in a request's task fails that
//! request only), with a backtrace when `RUST_BACKTRACE` asks for one.

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Installs the global subscriber once.
pub fn init(format: &LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info,hyper=warn"));
    // stderr: stdout is for what a command prints (a report, a URL, a list).
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(false).with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Pretty => builder.compact().try_init(),
    };
    std::panic::set_hook(Box::new(log_panic));
}

/// The panic hook: one `error` event with the message, where it happened
/// and the thread, instead of several unstructured lines on stderr.
fn log_panic(info: &std::panic::PanicHookInfo<'_>) {
    let message = info.payload_as_str().unwrap_or("(no message)");
    let location = info.location().map(ToString::to_string).unwrap_or_default();
    let thread = std::thread::current();
    let backtrace = std::backtrace::Backtrace::capture();
    if backtrace.status() == std::backtrace::BacktraceStatus::Captured {
        tracing::error!(panic = message, location, thread = thread.name(), %backtrace, "panicked");
    } else {
        tracing::error!(panic = message, location, thread = thread.name(), "panicked");
    }
}
