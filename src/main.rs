//! `marketplace`: the server binary. Parses the command line and hands over
//! to the library code; nothing else happens here.

// Outside tests a panic is a bug, not error handling: say what failed.
#![warn(clippy::unwrap_used)]

use anyhow::Context;
use clap::{Parser, Subcommand};

use marketplace::config::Config;
use marketplace::startup::Application;
use marketplace::telemetry;

/// Rendering a page allocates many small strings; mimalloc serves them from
/// per-thread pages and returns them without the locking and consolidation
/// passes of the system allocator (see BENCHMARKS.md, portal search).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Runs one job now, under its lease (or every job of the configured platforms with `all`).
    Sync {
        /// `killbill` (the mirror), `killbill-reconciliation`, `killbill-webhooks`, `condo`,
        /// `condo-webhooks`, `cocorico` or `all`.
        job: String,
    },
    /// Kill Bill push notifications and reconciliation.
    Killbill {
        #[command(subcommand)]
        action: KillbillAction,
    },
    /// Manages the token signing keys.
    Keys {
        #[command(subcommand)]
        action: KeysAction,
    },
    /// Links Condo properties to ours (the import matches them only through these links).
    Condo {
        #[command(subcommand)]
        action: CondoAction,
    },
    /// People: add (the first admin of a fresh install, too), list, disable, reset a password.
    Users {
        #[command(subcommand)]
        action: marketplace::cli::users::UsersAction,
    },
    /// Corrections: void an invoice, refund a payment.
    Ledger {
        #[command(subcommand)]
        action: marketplace::cli::ledger::LedgerAction,
    },
    /// The rent run.
    Billing {
        #[command(subcommand)]
        action: BillingAction,
    },
    /// Loads data sets.
    Seed {
        #[command(subcommand)]
        set: SeedSet,
    },
}

#[derive(Subcommand)]
enum KeysAction {
    /// Creates the key pair if there is none (private key in MARKETPLACE_KEYS_DIR, mode 0600).
    Generate,
    /// Adds a new signing key; tokens signed with the old ones still verify.
    Rotate,
}

#[derive(Subcommand)]
enum CondoAction {
    /// Lists the links.
    Links,
    /// Links a Condo property to one of ours (by id or exact name).
    Link {
        /// Condo's `Property.id`.
        condo_property_id: String,
        /// Our property's id or name.
        property: String,
    },
    /// Removes the link of a Condo property.
    Unlink {
        /// Condo's `Property.id`.
        condo_property_id: String,
    },
    /// Links Condo's properties to the demo properties (after `seed demo`); idempotent.
    LinkDemo,
}

#[derive(Subcommand)]
enum KillbillAction {
    /// Prints the push-notification URL (MARKETPLACE_PUBLIC_URL + the tenant's secret token).
    WebhookUrl,
    /// Registers that URL as the tenant's callback in Kill Bill (replaces any previous one).
    RegisterCallback,
    /// Compares our invoiced / paid / balance with Kill Bill's, stores and prints the report;
    /// exits non-zero on drift or when Kill Bill cannot be read.
    Reconcile,
}

#[derive(Subcommand)]
enum BillingAction {
    /// Issues the month's invoice of every lease holding its unit in the month that has none
    /// yet (under the job's lease); prints what it created and skipped.
    Run {
        /// The month, `YYYY-MM` (default: the current month, UTC).
        #[arg(long)]
        period: Option<String>,
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

/// Runs the command; the exit code says how it went (see `cli::exit`: drift
/// 2, temporary 75, other failures 1). Logs go to stderr, the command's own
/// output to stdout.
#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("error: reading configuration from the environment: {err:#}");
            return std::process::ExitCode::FAILURE;
        }
    };
    telemetry::init(&config.log_format);
    marketplace::cli::exit::finish(run(cli.command, config).await)
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => Application::build(config).await?.run_until_stopped().await,
        Command::Migrate => {
            let pool = app::server::db::connect(config.database_url.expose(), 2).await?;
            app::server::db::migrate(&pool).await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Sync { job } => sync(config, &job).await,
        Command::Killbill { action } => killbill(config, &action).await,
        Command::Keys { action } => manage_keys(&config, &action),
        Command::Condo { action } => condo_links(config, action).await,
        Command::Billing { action: BillingAction::Run { period } } => billing_run(config, period.as_deref()).await,
        Command::Users { action } => marketplace::cli::users::run(config, action).await,
        Command::Ledger { action } => marketplace::cli::ledger::run(config, action).await,
        Command::Seed { set: SeedSet::Demo { anchor } } => {
            let pool = app::server::db::connect(config.database_url.expose(), 2).await?;
            app::server::db::migrate(&pool).await?;
            let anchor = anchor.unwrap_or_else(|| chrono::Utc::now().date_naive());
            let password = std::env::var("MARKETPLACE_DEMO_PASSWORD").ok().filter(|p| !p.is_empty());
            let report = app::server::seed::seed_demo(&pool, anchor, password.as_deref()).await?;
            tracing::info!(?report, "demo data seeded");
            Ok(())
        }
    }
}

/// `marketplace sync <job|all>`: the same code path and the same lease as
/// the scheduler; exits non-zero when a run fails or the job is running elsewhere.
async fn sync(config: Config, which: &str) -> anyhow::Result<()> {
    use app::domain::Job;
    use app::server::jobs::SyncContext;
    use app::server::scheduler::{JobLeaseOptions, run_with_job_lease};
    use std::io::IsTerminal;

    let jobs: Vec<Job> = match which {
        // Every integration job; the rent run only when named.
        "all" => {
            Job::ALL.into_iter().filter(|job| job.platform().is_some() && config.sync.is_job_configured(*job)).collect()
        }
        name => vec![Job::parse(name).with_context(|| {
            let known: Vec<String> = Job::ALL.iter().map(|job| job.as_str().replace('_', "-")).collect();
            format!("unknown job `{name}` ({} or all)", known.join(", "))
        })?],
    };
    let pool = app::server::db::connect(config.database_url.expose(), 4).await?;
    app::server::db::migrate(&pool).await?;
    let ctx = SyncContext::new(pool, config.sync.clone())?.with_progress(std::io::stderr().is_terminal());
    let options = JobLeaseOptions::new(&config.scheduler, "cli");
    let mut failed: Vec<(&str, anyhow::Error)> = Vec::new();
    for job in jobs {
        match run_with_job_lease(&ctx, job, "cli", &options).await {
            Ok(summary) => tracing::info!(%job, ?summary, "job finished"),
            Err(err) => {
                tracing::error!(%job, error = format!("{err:#}"), "job failed");
                failed.push((job.display_name(), err));
            }
        }
    }
    let names: Vec<&str> = failed.iter().map(|(name, _)| *name).collect();
    let names = names.join(", ");
    // Only temporary failures (busy, an upstream down): the exit code says "try again".
    let temporary =
        failed.iter().all(|(_, err)| marketplace::cli::exit::code_of(err) == marketplace::cli::exit::TEMPORARY);
    match failed.into_iter().next() {
        None => Ok(()),
        Some((_, first)) if temporary => Err(first.context(format!("failed: {names}"))),
        Some(_) => anyhow::bail!("failed: {names}"),
    }
}

/// `marketplace billing run [--period YYYY-MM]`: the rent run for a month,
/// under the same lease as the scheduled one.
async fn billing_run(config: Config, period: Option<&str>) -> anyhow::Result<()> {
    use app::domain::{BillingPeriod, Job};
    use app::server::jobs::SyncContext;
    use app::server::jobs::billing::{Actor, run_period};
    use app::server::scheduler::{Busy, JobLease, JobLeaseOptions};

    let period = match period {
        Some(raw) => BillingPeriod::parse(raw).map_err(|e| anyhow::anyhow!(e))?,
        None => BillingPeriod::of(chrono::Utc::now().date_naive()),
    };
    let pool = app::server::db::connect(config.database_url.expose(), 4).await?;
    app::server::db::migrate(&pool).await?;
    let ctx = SyncContext::new(pool, config.sync.clone())?;
    let options = JobLeaseOptions::new(&config.scheduler, "cli");
    let lease =
        JobLease::acquire(&ctx.pool, Job::Billing, &options).await?.ok_or(Busy { job: Job::Billing.display_name() })?;
    let actor = Actor { user_id: None, name: "cli".into() };
    let run = lease.run_work(None, run_period(&ctx, period, "cli", &actor)).await;
    lease.release().await;
    let summary = run.result?;
    println!(
        "{period}: {} invoices created, {} leases already billed (run {})",
        summary.records_out, summary.records_skipped, summary.run_id
    );
    Ok(())
}

/// `marketplace condo links|link|unlink|link-demo`: prints one line per link or change.
async fn condo_links(config: Config, action: CondoAction) -> anyhow::Result<()> {
    use app::server::condo_link;

    let pool = app::server::db::connect(config.database_url.expose(), 2).await?;
    app::server::db::migrate(&pool).await?;
    match action {
        CondoAction::Links => {
            for l in condo_link::list_links(&pool).await?.links {
                println!("{}\t{}\t{}\t{}", l.condo_property_id, l.property_id, l.property_name, l.landlord_name);
            }
        }
        CondoAction::Link { condo_property_id, property } => {
            let linked = condo_link::link(&pool, &property, &condo_property_id, None).await?;
            let local = linked.property_id;
            if linked.created {
                println!("linked {condo_property_id} to {local}; the next sync re-reads every ticket");
            } else {
                println!("{condo_property_id} was already linked to {local}");
            }
        }
        CondoAction::Unlink { condo_property_id } => match condo_link::unlink(&pool, &condo_property_id, None).await {
            Ok(()) => println!("unlinked {condo_property_id}"),
            Err(app::model::AppError::NotFound) => anyhow::bail!("{condo_property_id} is not linked"),
            Err(err) => return Err(err.into()),
        },
        CondoAction::LinkDemo => {
            let settings = config
                .sync
                .condo
                .clone()
                .context("Condo is not configured (CONDO_URL, CONDO_IDENTITY, CONDO_PASSWORD)")?;
            let client = app::server::adapters::condo::HttpCondoClient::new(settings)?;
            let report = app::server::seed::condo::link_demo_properties(&pool, &client).await?;
            println!(
                "{} links created, {} already there, {} conflicts, {} Condo properties left unlinked",
                report.created,
                report.existing,
                report.conflicts.len(),
                report.unlinked.len()
            );
            for conflict in &report.conflicts {
                println!("conflict: {conflict}");
            }
        }
    }
    Ok(())
}

/// `marketplace killbill webhook-url|register-callback|reconcile`.
async fn killbill(config: Config, action: &KillbillAction) -> anyhow::Result<()> {
    use app::domain::Job;
    use app::server::adapters::killbill::{HttpKillBillClient, KillBillClient};
    use app::server::jobs::SyncContext;
    use app::server::jobs::killbill::reconcile;
    use app::server::scheduler::{JobLeaseOptions, run_with_job_lease};
    use app::server::store::killbill_reconciliation;
    use app::server::webhooks::killbill::webhook_url;

    let settings = config.sync.killbill.clone().context("Kill Bill is not configured (see .env.example)")?;
    match action {
        KillbillAction::WebhookUrl => {
            println!("{}", webhook_url(&config.public_url, &settings));
            Ok(())
        }
        KillbillAction::RegisterCallback => {
            let url = webhook_url(&config.public_url, &settings);
            let client = HttpKillBillClient::new(&settings).context("building the Kill Bill client")?;
            client.register_callback(&url).await.context("registering the callback with Kill Bill")?;
            tracing::info!(public_url = %config.public_url, "Kill Bill callback registered");
            Ok(())
        }
        KillbillAction::Reconcile => {
            let pool = app::server::db::connect(config.database_url.expose(), 4).await?;
            app::server::db::migrate(&pool).await?;
            let progress = std::io::IsTerminal::is_terminal(&std::io::stderr());
            let ctx = SyncContext::new(pool, config.sync.clone())?.with_progress(progress);
            let options = JobLeaseOptions::new(&config.scheduler, "cli");
            run_with_job_lease(&ctx, Job::KillbillReconciliation, "cli", &options).await?;
            let stored = killbill_reconciliation::latest_report(&ctx.pool).await?;
            let report = stored.context("the reconciliation stored no report")?.report;
            print!("{}", reconcile::render(&report));
            let drift = report.counts.total();
            if drift > 0 { Err(marketplace::cli::exit::Drift(drift.into()).into()) } else { Ok(()) }
        }
    }
}

/// `marketplace keys generate|rotate`; the public key is written for other services.
fn manage_keys(config: &Config, action: &KeysAction) -> anyhow::Result<()> {
    use app::server::auth::{KeyStore, keys};
    match action {
        KeysAction::Generate => {
            if !keys::ensure_signing_key(&config.keys_dir)? {
                tracing::info!(dir = %config.keys_dir.display(), "a signing key exists already");
            }
        }
        KeysAction::Rotate => {
            let kid = keys::add_signing_key(&config.keys_dir)?;
            tracing::info!(%kid, "new signing key; earlier keys still verify");
        }
    }
    let store = KeyStore::load(&config.keys_dir)?;
    keys::write_public_pem(&store, &config.public_key_path)?;
    tracing::info!(kid = store.signing_kid(), public_key = %config.public_key_path.display(), "keys ready");
    Ok(())
}
