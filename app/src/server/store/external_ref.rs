//! `external_ref`: which object on an outside platform a local thing is.
//! Unique both ways, so neither side can ever map twice.

use sqlx::PgExecutor;
use uuid::Uuid;

use crate::domain::Platform;

/// The outcome of linking a local id to an external one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkOutcome {
    /// The link was created.
    Created,
    /// The same link already existed.
    AlreadyLinked,
    /// One side is already linked to something else; nothing was written.
    Conflict,
}

/// Links `local_id` to `external_id` for an entity kind on a platform.
pub async fn link_external_id(
    db: impl PgExecutor<'_> + Copy,
    platform: Platform,
    entity: &str,
    local_id: Uuid,
    external_id: &str,
) -> Result<LinkOutcome, sqlx::Error> {
    let inserted = sqlx::query!(
        "INSERT INTO external_ref (platform, entity, local_id, external_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING",
        platform.as_str(),
        entity,
        local_id,
        external_id
    )
    .execute(db)
    .await?
    .rows_affected();
    if inserted == 1 {
        return Ok(LinkOutcome::Created);
    }
    let existing = find_external_id(db, platform, entity, local_id).await?;
    Ok(if existing.as_deref() == Some(external_id) { LinkOutcome::AlreadyLinked } else { LinkOutcome::Conflict })
}

/// The external id linked to a local one.
pub async fn find_external_id(
    db: impl PgExecutor<'_>,
    platform: Platform,
    entity: &str,
    local_id: Uuid,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT external_id FROM external_ref WHERE platform = $1 AND entity = $2 AND local_id = $3",
        platform.as_str(),
        entity,
        local_id
    )
    .fetch_optional(db)
    .await
}

/// Refreshes the planner's statistics of `external_ref` when a tenth of it
/// (and at least 500 rows) changed since they were last taken; returns
/// whether it did. A first mirror writes the whole table within minutes,
/// sooner than autovacuum looks at it, and until then every "not mapped yet"
/// lookup can be planned as a scan of all mappings of its kind (15–50 ms a
/// tenant's list instead of 0.2 ms).
pub async fn analyze_if_stale(db: impl PgExecutor<'_> + Copy) -> Result<bool, sqlx::Error> {
    let stale = sqlx::query_scalar!(
        r#"SELECT n_mod_since_analyze >= greatest(500, n_live_tup / 10) AS "stale!"
           FROM pg_stat_user_tables WHERE relid = 'external_ref'::regclass"#
    )
    .fetch_optional(db)
    .await?
    .unwrap_or(false);
    if stale {
        sqlx::query("ANALYZE external_ref").execute(db).await?;
    }
    Ok(stale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[sqlx::test(migrations = "../migrations")]
    async fn a_local_thing_and_an_external_one_map_to_each_other_once(pool: sqlx::PgPool) {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let kb = Platform::KillBill;
        assert_eq!(link_external_id(&pool, kb, "account", a, "kb-1").await.unwrap(), LinkOutcome::Created);
        assert_eq!(link_external_id(&pool, kb, "account", a, "kb-1").await.unwrap(), LinkOutcome::AlreadyLinked);
        assert_eq!(link_external_id(&pool, kb, "account", a, "kb-2").await.unwrap(), LinkOutcome::Conflict);
        assert_eq!(link_external_id(&pool, kb, "account", b, "kb-1").await.unwrap(), LinkOutcome::Conflict);
        assert_eq!(find_external_id(&pool, kb, "account", a).await.unwrap().as_deref(), Some("kb-1"));
        assert_eq!(find_external_id(&pool, kb, "account", b).await.unwrap(), None);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn the_same_ids_may_map_on_another_platform(pool: sqlx::PgPool) {
        let a = Uuid::from_u128(1);
        link_external_id(&pool, Platform::KillBill, "account", a, "x").await.unwrap();
        let outcome = link_external_id(&pool, Platform::Condo, "account", a, "x").await.unwrap();
        assert_eq!(outcome, LinkOutcome::Created);
    }
}
