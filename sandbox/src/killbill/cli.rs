//! `sandbox killbill [flags]`: runs the emulator until SIGINT or SIGTERM. Once bound it prints
//! exactly one line, `listening on http://ADDR`, to stdout.

use std::io::Write;
use std::net::SocketAddr;

use clap::Parser;

use crate::killbill::config::{DEFAULT_LISTEN, KillBillConfig, TenantSeed};
use crate::killbill::faults::{FaultKind, Faults};
use crate::killbill::notify::NotifyConfig;
use crate::killbill::server;

/// Kill Bill 0.24 emulator.
#[derive(Debug, Parser)]
#[command(name = "sandbox killbill", about = "Kill Bill 0.24 REST API emulator")]
struct Cli {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = DEFAULT_LISTEN)]
    listen: SocketAddr,
    /// HTTP Basic user.
    #[arg(long, default_value = "admin")]
    admin_user: String,
    /// HTTP Basic password.
    #[arg(long, env = "KILLBILL_SANDBOX_ADMIN_PASSWORD", default_value = "password", hide_env_values = true)]
    admin_password: String,
    /// API key of a tenant to create at start (needs --api-secret).
    #[arg(long, env = "KILLBILL_SANDBOX_API_KEY", requires = "api_secret")]
    api_key: Option<String>,
    /// API secret of that tenant.
    #[arg(long, env = "KILLBILL_SANDBOX_API_SECRET", requires = "api_key", hide_env_values = true)]
    api_secret: Option<String>,
    /// Seed of every random choice.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Latency added to every request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Probability of an injected 5xx.
    #[arg(long, default_value_t = 0.0)]
    error_rate: f64,
    /// Status of injected errors.
    #[arg(long, default_value_t = 500)]
    error_status: u16,
    /// Probability of an injected hang.
    #[arg(long, default_value_t = 0.0)]
    timeout_rate: f64,
    /// How long an injected hang lasts, in milliseconds.
    #[arg(long, default_value_t = 30_000)]
    hang_ms: u64,
    /// Probability of dropping the connection after processing.
    #[arg(long, default_value_t = 0.0)]
    drop_after_processing_rate: f64,
    /// Fail exactly the N-th request (1-based).
    #[arg(long)]
    fail_nth_request: Option<u64>,
    /// How the N-th request fails: error, timeout or drop-after-processing.
    #[arg(long, value_enum, default_value = "error")]
    fail_nth_kind: CliFaultKind,
    /// Start "down": every request answers 503.
    #[arg(long)]
    down: bool,
    /// Largest random delay before a push notification, in milliseconds.
    #[arg(long, default_value_t = 20)]
    notify_max_delay_ms: u64,
    /// Probability that a push notification is sent twice.
    #[arg(long, default_value_t = 0.05)]
    notify_duplicate_rate: f64,
    /// Retries of a failed push notification.
    #[arg(long, default_value_t = 3)]
    notify_retries: u32,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum CliFaultKind {
    Error,
    Timeout,
    DropAfterProcessing,
}

impl Cli {
    fn into_config(self) -> KillBillConfig {
        let fail_nth_kind = match self.fail_nth_kind {
            CliFaultKind::Error => FaultKind::Error,
            CliFaultKind::Timeout => FaultKind::Timeout,
            CliFaultKind::DropAfterProcessing => FaultKind::DropAfterProcessing,
        };
        KillBillConfig {
            listen: self.listen,
            admin_user: self.admin_user,
            admin_password: self.admin_password,
            tenant: self.api_key.zip(self.api_secret).map(|(key, secret)| TenantSeed::new(key, secret)),
            faults: Faults {
                latency_ms: self.latency_ms,
                error_rate: self.error_rate,
                error_status: self.error_status,
                timeout_rate: self.timeout_rate,
                hang_ms: self.hang_ms,
                drop_after_processing_rate: self.drop_after_processing_rate,
                fail_nth_request: self.fail_nth_request,
                fail_nth_kind,
                down: self.down,
            },
            notify: NotifyConfig {
                max_delay_ms: self.notify_max_delay_ms,
                duplicate_rate: self.notify_duplicate_rate,
                retries: self.notify_retries,
                ..NotifyConfig::default()
            },
            seed: self.seed,
        }
    }
}

/// Parses `args` (without the program name), serves, and returns after SIGINT or SIGTERM.
pub fn run(args: Vec<String>) -> anyhow::Result<()> {
    let cli = Cli::parse_from(std::iter::once("sandbox killbill".to_string()).chain(args));
    let config = cli.into_config();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let running = server::spawn(config).await?;
        let mut stdout = std::io::stdout();
        writeln!(stdout, "listening on {}", running.base_url())?;
        stdout.flush()?;
        wait_for_signal().await?;
        running.shutdown().await;
        Ok(())
    })
}

async fn wait_for_signal() -> anyhow::Result<()> {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        result = tokio::signal::ctrl_c() => result?,
        _ = terminate.recv() => {}
    }
    Ok(())
}
