//! Connecting to PostgreSQL and applying the migrations.

use sqlx::PgPool;
use sqlx::migrate::Migrator;
use sqlx::postgres::PgPoolOptions;
use std::time::Duration;

/// Every migration in `migrations/`, embedded in the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations");

/// Opens a pool of at most `max_connections`.
pub async fn connect(database_url: &str, max_connections: u32) -> Result<PgPool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .connect(database_url)
        .await
}

/// Applies pending migrations. Safe when several replicas start at once:
/// the migrator holds a PostgreSQL advisory lock while it works.
pub async fn migrate(pool: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    MIGRATOR.run(pool).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::store::database::migrations_applied;

    #[sqlx::test(migrations = false)]
    async fn replicas_migrating_at_once_all_succeed(pool: PgPool) {
        assert!(!migrations_applied(&pool).await.unwrap());
        let runs = (0..4).map(|_| {
            let pool = pool.clone();
            tokio::spawn(async move { migrate(&pool).await })
        });
        for run in runs {
            run.await.unwrap().unwrap();
        }
        assert!(migrations_applied(&pool).await.unwrap());
        let states: i64 = sqlx::query_scalar("SELECT count(*) FROM sync_state").fetch_one(&pool).await.unwrap();
        assert_eq!(states, crate::domain::Job::ALL.len() as i64, "one state row per job: the migrations ran once");
    }
}
