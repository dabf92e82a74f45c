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
    /// Runs one platform's sync now (or every configured one with `all`).
    Sync {
        /// `killbill`, `condo`, `cocorico` or `all`.
        platform: String,
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
        Command::Sync { platform } => sync(config, &platform).await,
        Command::Killbill { action } => killbill(config, &action).await,
        Command::Keys { action } => manage_keys(&config, &action),
        Command::Condo { action } => condo_links(config, action).await,
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

/// `marketplace sync <platform|all>`: the same code path and the same lease
/// as the scheduler; exits non-zero when a run fails or the job is running elsewhere.
async fn sync(config: Config, which: &str) -> anyhow::Result<()> {
    use app::domain::Platform;
    use app::server::scheduler::{JobLeaseOptions, run_with_job_lease};
    use app::server::sync::SyncContext;
    use std::io::IsTerminal;

    let platforms: Vec<Platform> = match which {
        "all" => Platform::ALL.into_iter().filter(|p| config.sync.is_configured(*p)).collect(),
        name => vec![
            Platform::parse(name)
                .with_context(|| format!("unknown platform `{name}` (killbill, condo, cocorico or all)"))?,
        ],
    };
    let pool = app::server::db::connect(config.database_url.expose(), 4).await?;
    app::server::db::migrate(&pool).await?;
    let ctx = SyncContext::new(pool, config.sync.clone())?.with_progress(std::io::stderr().is_terminal());
    let options = JobLeaseOptions::new(&config.scheduler, "cli");
    let mut failed = Vec::new();
    for platform in platforms {
        match run_with_job_lease(&ctx, platform, "cli", &options).await {
            Ok(summary) => tracing::info!(platform = %platform, ?summary, "sync finished"),
            Err(err) => {
                tracing::error!(platform = %platform, error = format!("{err:#}"), "sync failed");
                failed.push(platform.display_name());
            }
        }
    }
    if failed.is_empty() { Ok(()) } else { anyhow::bail!("sync failed for {}", failed.join(", ")) }
}

/// `marketplace condo links|link|unlink|link-demo`: prints one line per link or change.
async fn condo_links(config: Config, action: CondoAction) -> anyhow::Result<()> {
    use app::server::store::condo_import as links;
    use app::server::store::external_ref::LinkOutcome;

    let pool = app::server::db::connect(config.database_url.expose(), 2).await?;
    app::server::db::migrate(&pool).await?;
    match action {
        CondoAction::Links => {
            for l in links::list_condo_property_link_details(&pool).await? {
                println!("{}\t{}\t{}\t{}", l.condo_property_id, l.property_id, l.property_name, l.landlord_name);
            }
        }
        CondoAction::Link { condo_property_id, property } => {
            let local = resolve_property(&pool, &property).await?;
            match links::link_condo_property(&pool, local, condo_property_id.trim()).await? {
                LinkOutcome::Created => {
                    println!("linked {condo_property_id} to {local}; the next sync re-reads every ticket")
                }
                LinkOutcome::AlreadyLinked => println!("{condo_property_id} was already linked to {local}"),
                LinkOutcome::Conflict => {
                    anyhow::bail!("{condo_property_id} or {local} is already linked to something else; unlink it first")
                }
            }
        }
        CondoAction::Unlink { condo_property_id } => {
            if links::unlink_condo_property(&pool, condo_property_id.trim()).await? {
                println!("unlinked {condo_property_id}");
            } else {
                anyhow::bail!("{condo_property_id} is not linked");
            }
        }
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

/// Our property by id, or by its exact name when that names only one.
async fn resolve_property(pool: &sqlx::PgPool, property: &str) -> anyhow::Result<uuid::Uuid> {
    use app::server::store::property::{find_properties_by_name, find_property_scoped};
    if let Ok(id) = uuid::Uuid::parse_str(property.trim()) {
        find_property_scoped(pool, None, id).await?.with_context(|| format!("no property has the id {id}"))?;
        return Ok(id);
    }
    match find_properties_by_name(pool, property).await?.as_slice() {
        [one] => Ok(one.id),
        [] => anyhow::bail!("no property is named {property:?}"),
        many => anyhow::bail!("{} properties are named {property:?}; give the id", many.len()),
    }
}

/// `marketplace killbill webhook-url|register-callback|reconcile`.
async fn killbill(config: Config, action: &KillbillAction) -> anyhow::Result<()> {
    use app::server::adapters::killbill::{HttpKillBillClient, KillBillClient};
    use app::server::sync::SyncContext;
    use app::server::sync::killbill::reconcile;
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
            let report = reconcile::run(&ctx, "cli").await?;
            print!("{}", reconcile::render(&report));
            let drift = report.counts.total();
            if drift > 0 { anyhow::bail!("Kill Bill drifts from our books ({drift} differences)") } else { Ok(()) }
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
