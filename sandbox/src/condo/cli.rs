//! `sandbox condo [flags]`: runs the emulator until SIGINT or SIGTERM.
//!
//! Prints exactly one line, `listening on http://ADDR`, once the port is bound.

use super::config::CondoConfig;
use super::data::catalog::Locale;
use clap::Parser;
use clap::error::ErrorKind;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Flags of `sandbox condo`; unset flags keep [`CondoConfig::default`] values.
#[derive(Debug, Parser)]
#[command(name = "sandbox condo", about = "Condo GraphQL API emulator (POST /admin/api)")]
struct Args {
    /// Loopback address to listen on.
    #[arg(long, default_value = "127.0.0.1:3190")]
    listen: SocketAddr,
    /// Condo's schema.graphql (default: ../shared/contracts/condo/schema.graphql).
    #[arg(long)]
    schema: Option<PathBuf>,
    /// Seed of the data set and of random faults (default 42).
    #[arg(long)]
    seed: Option<u64>,
    /// Number of organizations (default 3).
    #[arg(long)]
    organizations: Option<usize>,
    /// Number of properties (default 12).
    #[arg(long)]
    properties: Option<usize>,
    /// Number of tickets (default 400).
    #[arg(long)]
    tickets: Option<usize>,
    /// Share of soft-deleted tickets (default 0.03).
    #[arg(long)]
    deleted_ratio: Option<f64>,
    /// Latency added to every GraphQL request, in milliseconds.
    #[arg(long)]
    latency_ms: Option<u64>,
    /// Probability of an injected 5xx answer.
    #[arg(long)]
    error_rate: Option<f64>,
    /// Status of injected errors (default 503).
    #[arg(long)]
    error_status: Option<u16>,
    /// Probability of hanging before answering.
    #[arg(long)]
    timeout_rate: Option<f64>,
    /// How long a hang lasts, in milliseconds (default 60000).
    #[arg(long)]
    hang_ms: Option<u64>,
    /// Probability of closing the connection after processing, unanswered.
    #[arg(long)]
    drop_rate: Option<f64>,
    /// GraphQL request numbers (1-based, comma-separated) answered with an injected error.
    #[arg(long, value_delimiter = ',')]
    fail_nth: Vec<u64>,
    /// Start "down": connections are closed unanswered.
    #[arg(long)]
    down: bool,
    /// Phone of the staff account.
    #[arg(long, env = "CONDO_SANDBOX_PHONE")]
    phone: Option<String>,
    /// Email of the service account.
    #[arg(long, env = "CONDO_SANDBOX_EMAIL")]
    email: Option<String>,
    /// Password of both accounts.
    #[arg(long, env = "CONDO_SANDBOX_PASSWORD", hide_env_values = true)]
    password: Option<String>,
    /// Locale when a request names none: ru, en or es (default ru).
    #[arg(long)]
    locale: Option<String>,
    /// Sign-in attempts per hour per IP, phone or email; 0 disables the limit (default 10).
    #[arg(long)]
    sign_in_limit: Option<u32>,
    /// Session lifetime in seconds (default: until expired through the control API).
    #[arg(long)]
    token_ttl_secs: Option<u64>,
    /// Secret for signing webhook bodies (default: unsigned).
    #[arg(long, env = "CONDO_SANDBOX_WEBHOOK_SECRET", hide_env_values = true)]
    webhook_secret: Option<String>,
}

impl Args {
    fn into_config(self) -> anyhow::Result<CondoConfig> {
        let mut config = CondoConfig { listen: self.listen, ..CondoConfig::default() };
        config.schema_path = self.schema.unwrap_or(config.schema_path);
        let data = &mut config.data;
        data.seed = self.seed.unwrap_or(data.seed);
        data.organizations = self.organizations.unwrap_or(data.organizations);
        data.properties = self.properties.unwrap_or(data.properties);
        data.tickets = self.tickets.unwrap_or(data.tickets);
        data.deleted_ratio = self.deleted_ratio.unwrap_or(data.deleted_ratio);
        let faults = &mut config.faults;
        faults.latency_ms = self.latency_ms.unwrap_or(faults.latency_ms);
        faults.error_rate = self.error_rate.unwrap_or(faults.error_rate);
        faults.error_status = self.error_status.unwrap_or(faults.error_status);
        faults.timeout_rate = self.timeout_rate.unwrap_or(faults.timeout_rate);
        faults.hang_ms = self.hang_ms.unwrap_or(faults.hang_ms);
        faults.drop_rate = self.drop_rate.unwrap_or(faults.drop_rate);
        faults.fail_nth = self.fail_nth;
        faults.down = self.down;
        let credentials = &mut config.credentials;
        credentials.phone = self.phone.unwrap_or_else(|| credentials.phone.clone());
        credentials.email = self.email.unwrap_or_else(|| credentials.email.clone());
        credentials.password = self.password.unwrap_or_else(|| credentials.password.clone());
        if let Some(tag) = self.locale {
            config.default_locale =
                Locale::parse(&tag).ok_or_else(|| anyhow::anyhow!("unknown locale {tag:?} (use ru, en or es)"))?;
        }
        config.sign_in_limit = self.sign_in_limit.map_or(config.sign_in_limit, |n| (n > 0).then_some(n));
        config.token_ttl = self.token_ttl_secs.map(Duration::from_secs);
        config.webhook_secret = self.webhook_secret;
        Ok(config)
    }
}

/// Command-line entry point: `sandbox condo [args…]`.
pub fn cli_main(args: Vec<String>) -> anyhow::Result<()> {
    let args = match Args::try_parse_from(std::iter::once("sandbox condo".to_owned()).chain(args)) {
        Ok(args) => args,
        Err(help) if matches!(help.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            help.print()?;
            return Ok(());
        }
        Err(error) => return Err(error.into()),
    };
    let config = args.into_config()?;
    anyhow::ensure!(
        config.schema_path.is_file(),
        "Condo's schema is missing at {}; pass --schema PATH to point at schema.graphql",
        config.schema_path.display()
    );
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(async {
        let condo = super::spawn(config).await?;
        let mut stdout = std::io::stdout();
        writeln!(stdout, "listening on {}", condo.base_url())?;
        stdout.flush()?;
        wait_for_stop().await?;
        condo.shutdown().await;
        Ok(())
    })
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
async fn wait_for_stop() -> anyhow::Result<()> {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        result = tokio::signal::ctrl_c() => result?,
        _ = terminate.recv() => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Args;
    use clap::Parser;

    #[test]
    fn flags_override_the_defaults_and_zero_disables_the_sign_in_limit() {
        let args = Args::try_parse_from([
            "condo",
            "--tickets",
            "50000",
            "--properties",
            "200",
            "--sign-in-limit",
            "0",
            "--fail-nth",
            "2,5",
        ])
        .unwrap();
        let config = args.into_config().unwrap();
        assert_eq!((config.data.tickets, config.data.properties), (50_000, 200));
        assert_eq!(config.sign_in_limit, None);
        assert_eq!(config.faults.fail_nth, vec![2, 5]);
        assert_eq!(config.listen.port(), 3190);
    }
}
