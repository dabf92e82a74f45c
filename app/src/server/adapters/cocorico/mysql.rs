//! Reading approved listings out of Cocorico's MySQL database.
//!
//! Cocorico has no HTTP API (`shared/contracts/cocorico/NOTES.md` §1); the
//! faithful source is its database, read through a read-only account (§6.1).
//! A snapshot is one `REPEATABLE READ` read-only transaction, read page by
//! page in (`createdAt`, `id`) order, so a large site never comes back as one
//! giant result and every page sees the same state of the database.

use std::str::FromStr;
use std::time::Duration;

use sqlx::mysql::{MySqlConnectOptions, MySqlConnection, MySqlDatabaseError};
use sqlx::types::chrono::NaiveDateTime;
use sqlx::{ConnectOptions, Connection, MySql, QueryBuilder};

use super::wire::{
    CategoryRecord, CharacteristicRecord, CocoricoListing, ImageRecord, ListingRecord, PageCursor, TranslationRecord,
};
use super::{CocoricoError, CocoricoSource};
use crate::server::secret::Secret;

/// How long to wait for Cocorico's database to accept a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// [`CocoricoSource`] over one MySQL connection holding a read-only,
/// consistent-snapshot transaction.
#[derive(Debug)]
pub struct MySqlCocoricoSource {
    conn: MySqlConnection,
}

/// Sorts listings without `createdAt` first, as the paging key requires.
const EPOCH_SQL: &str = "TIMESTAMP '1000-01-01 00:00:00'";

impl MySqlCocoricoSource {
    /// Connects with the read-only URL, limits each query to
    /// `statement_timeout` (enforced by the server, so a hung query ends and
    /// the run with it), and opens the snapshot transaction.
    pub async fn connect(url: &Secret, statement_timeout: Duration) -> Result<Self, CocoricoError> {
        let options = MySqlConnectOptions::from_str(url.expose())
            .map_err(|e| CocoricoError::InvalidUrl(redact(&e.to_string(), url)))?
            .disable_statement_logging();
        let mut conn = match tokio::time::timeout(CONNECT_TIMEOUT, options.connect()).await {
            Err(_) => return Err(CocoricoError::Unreachable(format!("no answer within {CONNECT_TIMEOUT:?}"))),
            Ok(Err(sqlx::Error::Database(e))) => return Err(CocoricoError::Refused(e.message().to_owned())),
            Ok(Err(e)) => return Err(CocoricoError::Unreachable(redact(&e.to_string(), url))),
            Ok(Ok(conn)) => conn,
        };
        limit_statements(&mut conn, statement_timeout).await?;
        sqlx::raw_sql("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            .execute(&mut conn)
            .await
            .map_err(CocoricoError::Query)?;
        sqlx::raw_sql("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
            .execute(&mut conn)
            .await
            .map_err(CocoricoError::Query)?;
        Ok(Self { conn })
    }

    /// The account the connection is logged in as (`CURRENT_USER()`), e.g. `cocorico_ro@%`.
    pub async fn current_user(&mut self) -> Result<String, CocoricoError> {
        sqlx::query_scalar::<_, String>("SELECT CURRENT_USER()")
            .fetch_one(&mut self.conn)
            .await
            .map_err(CocoricoError::Query)
    }

    /// Ends the snapshot and closes the connection.
    pub async fn close(mut self) -> Result<(), CocoricoError> {
        sqlx::raw_sql("ROLLBACK").execute(&mut self.conn).await.map_err(CocoricoError::Query)?;
        self.conn.close().await.map_err(CocoricoError::Query)
    }

    async fn listings(&mut self, after: Option<&PageCursor>, limit: u32) -> Result<Vec<ListingRecord>, sqlx::Error> {
        let floor = NaiveDateTime::parse_from_str("1000-01-01 00:00:00", "%Y-%m-%d %H:%M:%S").expect("valid literal");
        let (created, id) = match after {
            Some(cursor) => (cursor.created_at.unwrap_or(floor), cursor.id),
            None => (floor, i32::MIN),
        };
        let sql = format!(
            "SELECT l.id, l.status, CAST(l.price AS SIGNED) AS price_cents,
                    l.createdAt AS created_at, l.updatedAt AS updated_at,
                    ln.country, ln.city, ln.zip, ln.route, ln.street_number,
                    co.lat + 0E0 AS lat, co.lng + 0E0 AS lng, co.address AS formatted_address,
                    u.first_name AS owner_first_name
             FROM listing l
             LEFT JOIN listing_location ln ON ln.id = l.location_id
             LEFT JOIN geo_coordinate co ON co.id = ln.coordinate_id
             LEFT JOIN `user` u ON u.id = l.user_id
             WHERE l.status = 2
               AND (COALESCE(l.createdAt, {EPOCH_SQL}) > ? OR (COALESCE(l.createdAt, {EPOCH_SQL}) = ? AND l.id > ?))
             ORDER BY COALESCE(l.createdAt, {EPOCH_SQL}), l.id
             LIMIT ?"
        );
        sqlx::query_as::<_, ListingRecord>(sqlx::AssertSqlSafe(sql))
            .bind(created)
            .bind(created)
            .bind(id)
            .bind(limit)
            .fetch_all(&mut self.conn)
            .await
    }

    async fn children<T>(&mut self, select: &str, ids: &[i32], order: &str) -> Result<Vec<T>, sqlx::Error>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::mysql::MySqlRow> + Send + Unpin,
    {
        let mut query = QueryBuilder::<MySql>::new(select);
        query.push(" IN (");
        let mut separated = query.separated(", ");
        for id in ids {
            separated.push_bind(*id);
        }
        query.push(") ORDER BY ").push(order);
        query.build_query_as::<T>().fetch_all(&mut self.conn).await
    }
}

impl CocoricoSource for MySqlCocoricoSource {
    async fn approved_page(
        &mut self,
        after: Option<&PageCursor>,
        limit: u32,
    ) -> Result<Vec<CocoricoListing>, CocoricoError> {
        let listings = self.listings(after, limit).await.map_err(classify)?;
        if listings.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i32> = listings.iter().map(|l| l.id).collect();
        let translations: Vec<TranslationRecord> = self
            .children(
                "SELECT translatable_id AS listing_id, locale, title, description, slug \
                 FROM listing_translation WHERE translatable_id",
                &ids,
                "translatable_id, locale",
            )
            .await
            .map_err(classify)?;
        let images: Vec<ImageRecord> = self
            .children(
                "SELECT listing_id, name, position FROM listing_image WHERE listing_id",
                &ids,
                "listing_id, position, id",
            )
            .await
            .map_err(classify)?;
        let categories: Vec<CategoryRecord> = self
            .children(
                "SELECT llc.listing_id, c.id AS category_id, c.parent_id, ct.locale, ct.name \
                 FROM listing_listing_category llc \
                 JOIN listing_category c ON c.id = llc.listing_category_id \
                 JOIN listing_category_translation ct ON ct.translatable_id = c.id \
                 WHERE llc.listing_id",
                &ids,
                "llc.listing_id, llc.id, ct.locale",
            )
            .await
            .map_err(classify)?;
        let characteristics: Vec<CharacteristicRecord> = self
            .children(
                "SELECT llc.listing_id, llc.listing_characteristic_id AS characteristic_id, ct.locale, ct.name, \
                        vt.name AS value \
                 FROM listing_listing_characteristic llc \
                 JOIN listing_characteristic_translation ct ON ct.translatable_id = llc.listing_characteristic_id \
                 LEFT JOIN listing_characteristic_value_translation vt \
                   ON vt.translatable_id = llc.listing_characteristic_value_id AND vt.locale = ct.locale \
                 WHERE llc.listing_id",
                &ids,
                "llc.listing_id, llc.id, ct.locale",
            )
            .await
            .map_err(classify)?;
        Ok(assemble(listings, translations, images, categories, characteristics))
    }
}

/// Groups the child rows under their listing, keeping the listings' order.
fn assemble(
    listings: Vec<ListingRecord>,
    translations: Vec<TranslationRecord>,
    images: Vec<ImageRecord>,
    categories: Vec<CategoryRecord>,
    characteristics: Vec<CharacteristicRecord>,
) -> Vec<CocoricoListing> {
    let mut out: Vec<CocoricoListing> = listings
        .into_iter()
        .map(|listing| CocoricoListing {
            listing,
            translations: Vec::new(),
            images: Vec::new(),
            categories: Vec::new(),
            characteristics: Vec::new(),
        })
        .collect();
    let index: std::collections::HashMap<i32, usize> = out.iter().enumerate().map(|(i, l)| (l.listing.id, i)).collect();
    for t in translations {
        if let Some(&i) = index.get(&t.listing_id) {
            out[i].translations.push(t);
        }
    }
    for image in images {
        if let Some(&i) = index.get(&image.listing_id) {
            out[i].images.push(image);
        }
    }
    for c in categories {
        if let Some(&i) = index.get(&c.listing_id) {
            out[i].categories.push(c);
        }
    }
    for c in characteristics {
        if let Some(&i) = index.get(&c.listing_id) {
            out[i].characteristics.push(c);
        }
    }
    out
}

/// MariaDB's `max_statement_time` (seconds), or on MySQL, which does not
/// know it, `max_execution_time` (milliseconds, for reads).
async fn limit_statements(conn: &mut MySqlConnection, limit: Duration) -> Result<(), CocoricoError> {
    let mariadb = format!("SET SESSION max_statement_time = {:.3}", limit.as_secs_f64());
    match sqlx::raw_sql(sqlx::AssertSqlSafe(mariadb)).execute(&mut *conn).await {
        Ok(_) => Ok(()),
        Err(sqlx::Error::Database(e))
            if e.try_downcast_ref::<MySqlDatabaseError>().is_some_and(|e| e.number() == UNKNOWN_VARIABLE) =>
        {
            let mysql = format!("SET SESSION max_execution_time = {}", limit.as_millis().max(1));
            sqlx::raw_sql(sqlx::AssertSqlSafe(mysql)).execute(&mut *conn).await.map_err(CocoricoError::Query)?;
            Ok(())
        }
        Err(e) => Err(CocoricoError::Query(e)),
    }
}

/// `ER_UNKNOWN_SYSTEM_VARIABLE`.
const UNKNOWN_VARIABLE: u16 = 1193;
/// MariaDB's `ER_STATEMENT_TIMEOUT` and MySQL's `ER_QUERY_TIMEOUT`.
const STATEMENT_TIMEOUTS: [u16; 2] = [1969, 3024];

/// A lost connection mid-snapshot is "unreachable", a query stopped by the
/// time limit "timed out"; anything else is a query failure.
fn classify(error: sqlx::Error) -> CocoricoError {
    match &error {
        sqlx::Error::Database(e)
            if e.try_downcast_ref::<MySqlDatabaseError>().is_some_and(|e| STATEMENT_TIMEOUTS.contains(&e.number())) =>
        {
            CocoricoError::TimedOut(e.message().to_owned())
        }
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::PoolTimedOut => {
            CocoricoError::Unreachable(error.to_string())
        }
        sqlx::Error::Database(e) if e.try_downcast_ref::<MySqlDatabaseError>().is_some_and(|e| e.number() == 1142) => {
            CocoricoError::Refused(e.message().to_owned())
        }
        _ => CocoricoError::Query(error),
    }
}

/// Removes the URL (and so its password) from an error message.
/// Checks that Cocorico's database accepts the read-only account and answers a query.
pub async fn ping(url: &Secret) -> Result<(), CocoricoError> {
    let options = MySqlConnectOptions::from_str(url.expose())
        .map_err(|e| CocoricoError::InvalidUrl(redact(&e.to_string(), url)))?
        .disable_statement_logging();
    let mut conn = match tokio::time::timeout(CONNECT_TIMEOUT, options.connect()).await {
        Err(_) => return Err(CocoricoError::Unreachable(format!("no answer within {CONNECT_TIMEOUT:?}"))),
        Ok(Err(sqlx::Error::Database(e))) => return Err(CocoricoError::Refused(e.message().to_owned())),
        Ok(Err(e)) => return Err(CocoricoError::Unreachable(redact(&e.to_string(), url))),
        Ok(Ok(conn)) => conn,
    };
    sqlx::raw_sql("SELECT 1").execute(&mut conn).await.map_err(CocoricoError::Query)?;
    let _ = conn.close().await;
    Ok(())
}

fn redact(message: &str, url: &Secret) -> String {
    message.replace(url.expose(), "***")
}
