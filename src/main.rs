//! `marketplace`: the server binary. Parses the command line and hands over
//! to the library code; nothing else happens here.

use anyhow::Context;
use clap::{Parser, Subcommand};

use marketplace::config::Config;
use marketplace::startup::Application;
use marketplace::telemetry;

/// The Marketplace server and its maintenance commands.
#[derive(Parser)]
#[command(name = "marketplace", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serves the web app and the JSON API (applies pending migrations first).
    Serve,
    /// Applies pending database migrations and exits.
    Migrate,
    /// Loads data sets.
    Seed {
        #[command(subcommand)]
        set: SeedSet,
    },
}

#[derive(Subcommand)]
enum SeedSet {
    /// The demo data: landlords, properties, units, tenants, leases, a year of invoices and payments, listings.
    Demo {
        /// Any day of the month the data is laid out around (default: today).
        #[arg(long)]
        anchor: Option<chrono::NaiveDate>,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = Config::from_env().context("reading configuration from the environment")?;
    telemetry::init(&config.log_format);
    match cli.command {
        Command::Serve => Application::build(config).await?.run_until_stopped().await,
        Command::Migrate => {
            let pool = app::server::db::connect(config.database_url.expose(), 2).await?;
            app::server::db::migrate(&pool).await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Seed { set: SeedSet::Demo { anchor } } => {
            let pool = app::server::db::connect(config.database_url.expose(), 2).await?;
            app::server::db::migrate(&pool).await?;
            let anchor = anchor.unwrap_or_else(|| chrono::Utc::now().date_naive());
            let report = app::server::seed::seed_demo(&pool, anchor).await?;
            tracing::info!(?report, "demo data seeded");
            Ok(())
        }
    }
}
