//! Changes to a loaded source, made the way Cocorico's admin or an owner makes
//! them, so importer tests can observe approvals, edits, new and gone listings.

use rand::Rng;
use sqlx::mysql::MySqlPool;
use sqlx::{MySql, Transaction};

use super::dataset::ListingStatus;
use super::slug::slugify;

/// One translation of a [`NewListing`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTranslation {
    /// `en` or `fr`.
    pub locale: String,
    /// Title, 3 to 50 characters.
    pub title: String,
    /// Plain-text description.
    pub description: String,
}

/// A listing for [`insert_listing`]. It is always placed where Cocorico's
/// fixture listing is (9 Rue de la Lune, 75002 Paris) in the "Apartment" category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewListing {
    /// Owner; `None` takes the enabled user with the smallest id.
    pub owner_id: Option<i64>,
    /// Status.
    pub status: ListingStatus,
    /// Price in cents per time unit.
    pub price_cents: i64,
    /// Translations, one per locale.
    pub translations: Vec<NewTranslation>,
    /// Image file names, in display order.
    pub image_names: Vec<String>,
    /// Characteristics by English name ("Bedrooms"), each with the English
    /// name of its value ("2"), or `None` for a link without a value. A value
    /// its type does not have yet is added to the type, as an admin would.
    pub characteristics: Vec<(String, Option<String>)>,
}

impl Default for NewListing {
    /// Cocorico's fixture listing: published, 100.00 EUR, "Listing One" / "Annonce une".
    fn default() -> Self {
        let translation = |locale: &str, title: &str, description: &str| NewTranslation {
            locale: locale.into(),
            title: title.into(),
            description: description.into(),
        };
        NewListing {
            owner_id: None,
            status: ListingStatus::Published,
            price_cents: 10_000,
            translations: vec![
                translation("en", "Listing One", "Listing One Description"),
                translation("fr", "Annonce une", "Description de l'annonce une"),
            ],
            image_names: vec!["4f9b2c1de0a7b3c8e6f5a4d3c2b1a0f9e8d7c6b5.jpg".into()],
            characteristics: Vec::new(),
        }
    }
}

/// Sets a listing's status, as an admin approving (6 → 2), rejecting (6 → 3)
/// or an owner pausing (2 → 4) does. Bumps `updatedAt` like Doctrine's
/// Timestampable. Fails if the listing does not exist.
pub async fn set_listing_status(pool: &MySqlPool, listing_id: i64, status: ListingStatus) -> anyhow::Result<()> {
    let result = sqlx::query("UPDATE listing SET status = ?, updatedAt = UTC_TIMESTAMP() WHERE id = ?")
        .bind(status.code())
        .bind(listing_id)
        .execute(pool)
        .await?;
    anyhow::ensure!(result.rows_affected() == 1, "no listing {listing_id}");
    Ok(())
}

/// Changes the title of one translation and regenerates its slug. As in
/// Cocorico, `listing.updatedAt` is left alone: only the translation row
/// changes. Fails if the listing has no translation in `locale`.
pub async fn update_listing_title(pool: &MySqlPool, listing_id: i64, locale: &str, title: &str) -> anyhow::Result<()> {
    let sql = "UPDATE listing_translation SET title = ?, slug = ? \
               WHERE translatable_id = ? AND locale = ?";
    let result = sqlx::query(sql)
        .bind(title)
        .bind(slugify(&format!("{title} {listing_id}")))
        .bind(listing_id)
        .bind(locale)
        .execute(pool)
        .await?;
    anyhow::ensure!(result.rows_affected() == 1, "listing {listing_id} has no {locale:?} translation");
    Ok(())
}

/// Deletes a listing outright; its translations, images, category links and
/// location go with it (ON DELETE CASCADE). A soft delete is
/// `set_listing_status(…, ListingStatus::Deleted)`.
pub async fn delete_listing(pool: &MySqlPool, listing_id: i64) -> anyhow::Result<()> {
    let result = sqlx::query("DELETE FROM listing WHERE id = ?").bind(listing_id).execute(pool).await?;
    anyhow::ensure!(result.rows_affected() == 1, "no listing {listing_id}");
    Ok(())
}

/// Inserts a listing with a fresh random id, as the owner's listing form
/// would, and returns the id.
pub async fn insert_listing(pool: &MySqlPool, listing: &NewListing) -> anyhow::Result<i64> {
    let mut tx = pool.begin().await?;
    let owner = match listing.owner_id {
        Some(owner) => owner,
        None => sqlx::query_scalar::<_, i32>("SELECT id FROM `user` WHERE enabled = 1 ORDER BY id LIMIT 1")
            .fetch_one(&mut *tx)
            .await?
            .into(),
    };
    let id = free_listing_id(&mut tx).await?;
    let location = insert_location(&mut tx).await?;
    sqlx::query(
        "INSERT INTO listing (id, user_id, location_id, status, price, cancellation_policy, comment_count, \
         createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, 1, 0, UTC_TIMESTAMP(), UTC_TIMESTAMP())",
    )
    .bind(id)
    .bind(owner)
    .bind(location)
    .bind(listing.status.code())
    .bind(listing.price_cents)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE listing_location SET listing_id = ? WHERE id = ?")
        .bind(id)
        .bind(location)
        .execute(&mut *tx)
        .await?;
    insert_children(&mut tx, id, listing).await?;
    tx.commit().await?;
    Ok(id)
}

/// A random id in Cocorico's range that no listing has yet.
async fn free_listing_id(tx: &mut Transaction<'_, MySql>) -> anyhow::Result<i64> {
    loop {
        let id = rand::rng().random_range(10_000..=2_147_483_640i64);
        let taken = sqlx::query_scalar::<_, i32>("SELECT 1 FROM listing WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
        if taken.is_none() {
            return Ok(id);
        }
    }
}

/// Inserts the Paris coordinate and location rows; returns the location id.
async fn insert_location(tx: &mut Transaction<'_, MySql>) -> anyhow::Result<u64> {
    let (city, country, area, department): (i32, i32, i32, i32) = sqlx::query_as(
        "SELECT c.id, c.country_id, c.area_id, c.department_id FROM geo_city c \
         JOIN geo_city_translation t ON t.translatable_id = c.id WHERE t.locale = 'en' AND t.name = 'Paris'",
    )
    .fetch_one(&mut **tx)
    .await?;
    let coordinate = sqlx::query(
        "INSERT INTO geo_coordinate (country_id, area_id, department_id, city_id, lat, lng, zip, route, \
         street_number, address, createdAt, updatedAt) VALUES (?, ?, ?, ?, 48.8697174, 2.3509855, '75002', \
         'Rue de la Lune', '9', '9 Rue de la Lune, 75002 Paris, France', UTC_TIMESTAMP(), UTC_TIMESTAMP())",
    )
    .bind(country)
    .bind(area)
    .bind(department)
    .bind(city)
    .execute(&mut **tx)
    .await?
    .last_insert_id();
    let location = sqlx::query(
        "INSERT INTO listing_location (coordinate_id, country, city, zip, route, street_number) \
         VALUES (?, 'FR', 'Paris', '75002', 'rue de la Lune', '9')",
    )
    .bind(coordinate)
    .execute(&mut **tx)
    .await?;
    Ok(location.last_insert_id())
}

const INSERT_TRANSLATION: &str = "INSERT INTO listing_translation \
    (translatable_id, title, description, slug, locale) VALUES (?, ?, ?, ?, ?)";

/// Inserts the translations, images, the "Apartment" category link and the characteristics.
async fn insert_children(tx: &mut Transaction<'_, MySql>, id: i64, listing: &NewListing) -> anyhow::Result<()> {
    for translation in &listing.translations {
        sqlx::query(INSERT_TRANSLATION)
            .bind(id)
            .bind(&translation.title)
            .bind(&translation.description)
            .bind(slugify(&format!("{} {id}", translation.title)))
            .bind(&translation.locale)
            .execute(&mut **tx)
            .await?;
    }
    for (position, name) in listing.image_names.iter().enumerate() {
        sqlx::query("INSERT INTO listing_image (listing_id, name, position) VALUES (?, ?, ?)")
            .bind(id)
            .bind(name)
            .bind(position as i16 + 1)
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query(
        "INSERT INTO listing_listing_category (listing_id, listing_category_id) SELECT ?, translatable_id \
         FROM listing_category_translation WHERE locale = 'en' AND name = 'Apartment'",
    )
    .bind(id)
    .execute(&mut **tx)
    .await?;
    for (name, value) in &listing.characteristics {
        insert_characteristic(tx, id, name, value.as_deref()).await?;
    }
    Ok(())
}

/// Links the characteristic named `name` (in English) with the value named
/// `value` of its type, adding the value to the type if it has none by that name.
async fn insert_characteristic(
    tx: &mut Transaction<'_, MySql>,
    id: i64,
    name: &str,
    value: Option<&str>,
) -> anyhow::Result<()> {
    let (characteristic, kind): (i32, i32) = sqlx::query_as(
        "SELECT c.id, c.listing_characteristic_type_id FROM listing_characteristic c \
         JOIN listing_characteristic_translation t ON t.translatable_id = c.id WHERE t.locale = 'en' AND t.name = ?",
    )
    .bind(name)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| anyhow::anyhow!("no characteristic named {name:?}"))?;
    let value_id = match value {
        None => None,
        Some(value) => Some(value_of_type(tx, kind, value).await?),
    };
    sqlx::query(
        "INSERT INTO listing_listing_characteristic \
         (listing_id, listing_characteristic_id, listing_characteristic_value_id) VALUES (?, ?, ?)",
    )
    .bind(id)
    .bind(characteristic)
    .bind(value_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The id of the value named `name` of type `kind`, added (named so in every locale) if missing.
async fn value_of_type(tx: &mut Transaction<'_, MySql>, kind: i32, name: &str) -> anyhow::Result<u64> {
    let known: Option<i32> = sqlx::query_scalar(
        "SELECT v.id FROM listing_characteristic_value v JOIN listing_characteristic_value_translation t \
         ON t.translatable_id = v.id WHERE v.listing_characteristic_type_id = ? AND t.locale = 'en' AND t.name = ?",
    )
    .bind(kind)
    .bind(name)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(id) = known {
        return Ok(id as u64);
    }
    let position: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(MAX(position), 0) + 1 AS SIGNED) FROM listing_characteristic_value \
         WHERE listing_characteristic_type_id = ?",
    )
    .bind(kind)
    .fetch_one(&mut **tx)
    .await?;
    let value = sqlx::query(
        "INSERT INTO listing_characteristic_value (listing_characteristic_type_id, position) VALUES (?, ?)",
    )
    .bind(kind)
    .bind(position)
    .execute(&mut **tx)
    .await?
    .last_insert_id();
    for locale in ["en", "fr"] {
        sqlx::query(
            "INSERT INTO listing_characteristic_value_translation (translatable_id, name, locale) VALUES (?, ?, ?)",
        )
        .bind(value)
        .bind(name)
        .bind(locale)
        .execute(&mut **tx)
        .await?;
    }
    Ok(value)
}
