//! Loads the portal benchmark's data set into the database at `DATABASE_URL`
//! (migrated first): `PORTAL_BENCH_LISTINGS` listings (default 100,000) over
//! 40 cities, a fifth of them imported from Cocorico (priced per day), one in
//! twenty unpublished. Deterministic: the same count gives the same rows.
//!
//! Run by `bench/portal/run.sh`; not part of the application.

use sqlx::PgPool;
use uuid::Uuid;

const CITIES: [&str; 40] = [
    "Lyon",
    "Paris",
    "Bordeaux",
    "Lille",
    "Nantes",
    "Marseille",
    "Toulouse",
    "Nice",
    "Strasbourg",
    "Montpellier",
    "Rennes",
    "Reims",
    "Grenoble",
    "Dijon",
    "Angers",
    "Nimes",
    "Brest",
    "Tours",
    "Limoges",
    "Amiens",
    "Metz",
    "Perpignan",
    "Besancon",
    "Orleans",
    "Rouen",
    "Caen",
    "Nancy",
    "Avignon",
    "Poitiers",
    "Pau",
    "Annecy",
    "La Rochelle",
    "Calais",
    "Cannes",
    "Antibes",
    "Chambery",
    "Valence",
    "Lorient",
    "Vannes",
    "Troyes",
];
const TYPES: [&str; 6] = ["apartment", "house", "studio", "room", "loft", "other"];
const ADJECTIVES: [&str; 8] = ["Bright", "Quiet", "Renovated", "Spacious", "Cosy", "Modern", "Charming", "Sunny"];
const WORDS: [&str; 24] = [
    "balcony",
    "garden",
    "fibre",
    "internet",
    "parking",
    "lift",
    "terrace",
    "view",
    "kitchen",
    "furnished",
    "metro",
    "tram",
    "school",
    "park",
    "quiet",
    "street",
    "bright",
    "cellar",
    "storage",
    "bike",
    "shops",
    "market",
    "river",
    "station",
];
const PHOTOS: [&str; 6] = [
    "/photos/living-room-1.svg",
    "/photos/kitchen-1.svg",
    "/photos/bedroom-1.svg",
    "/photos/bathroom-1.svg",
    "/photos/facade-1.svg",
    "/photos/balcony-1.svg",
];
const BATCH: usize = 5_000;

/// A small deterministic generator (xorshift64*), enough for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// One batch of rows, column by column (for `UNNEST`).
#[derive(Default)]
struct Columns {
    id: Vec<Uuid>,
    source: Vec<String>,
    external_id: Vec<Option<String>>,
    slug: Vec<String>,
    title: Vec<String>,
    description: Vec<String>,
    property_type: Vec<String>,
    bedrooms: Vec<Option<i32>>,
    bathrooms: Vec<Option<i32>>,
    area_m2: Vec<i32>,
    address_line: Vec<String>,
    city: Vec<String>,
    postal_code: Vec<String>,
    latitude: Vec<f64>,
    longitude: Vec<f64>,
    price_minor: Vec<i64>,
    price_unit: Vec<String>,
    available_in_days: Vec<Option<i32>>,
    photos: Vec<serde_json::Value>,
    published: Vec<bool>,
}

impl Columns {
    fn push(&mut self, i: u64, rng: &mut Rng) {
        let imported = i % 5 == 4;
        let kind = rng.pick(&TYPES);
        let city = CITIES[rng.below(CITIES.len() as u64) as usize];
        let bedrooms = if kind == "studio" || kind == "room" { 0 } else { 1 + rng.below(5) as i32 };
        let area = 18 + rng.below(160) as i32;
        let words: Vec<&str> = (0..30 + rng.below(40)).map(|_| rng.pick(&WORDS)).collect();
        let photo_count = 1 + rng.below(4) as usize;
        let first = rng.below(PHOTOS.len() as u64) as usize;
        let photos: Vec<serde_json::Value> = (0..photo_count)
            .map(|k| {
                let url = PHOTOS[(first + k) % PHOTOS.len()];
                serde_json::json!({ "url": url, "alt": format!("Photo {} of {photo_count}", k + 1) })
            })
            .collect();
        self.id.push(Uuid::from_u128(0xbe_0000_0000 + u128::from(i)));
        self.source.push(if imported { "cocorico" } else { "local" }.to_owned());
        self.external_id.push(imported.then(|| (1_000_000 + i).to_string()));
        self.slug.push(format!("bench-home-{i}"));
        self.title.push(format!("{} {kind} in {city}", rng.pick(&ADJECTIVES)));
        self.description.push(words.join(" "));
        self.property_type.push(kind.to_owned());
        // Imported listings often do not say (Cocorico characteristics left out).
        let known = !imported || rng.below(2) == 0;
        self.bedrooms.push(known.then_some(bedrooms));
        self.bathrooms.push(known.then(|| 1 + rng.below(2) as i32));
        self.area_m2.push(area);
        self.address_line.push(format!("{} rue {}", 1 + rng.below(120), rng.pick(&WORDS)));
        self.city.push(city.to_owned());
        self.postal_code.push(format!("{:05}", 1000 + rng.below(94_000)));
        self.latitude.push(43.0 + rng.below(7_000) as f64 / 1000.0);
        self.longitude.push(-1.5 + rng.below(9_000) as f64 / 1000.0);
        // Monthly rents of 300 to 3,000 EUR; Cocorico prices per day, 30 to 300 EUR.
        let price = if imported { 3_000 + rng.below(27_000) } else { 30_000 + rng.below(270_000) };
        self.price_minor.push((price / 500 * 500) as i64);
        self.price_unit.push(if imported { "day" } else { "month" }.to_owned());
        self.available_in_days.push((rng.below(3) > 0).then(|| rng.below(120) as i32));
        self.photos.push(serde_json::Value::Array(photos));
        self.published.push(rng.below(20) != 0);
    }
}

async fn insert(pool: &PgPool, c: &Columns, first: u64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO listing (id, source, external_id, slug, title, description, property_type, bedrooms, bathrooms,
             area_m2, address_line, city, postal_code, country, latitude, longitude, price_minor, currency, price_unit,
             available_from, photos, published, published_at)
         SELECT id, source, external_id, slug, title, description, property_type, bedrooms, bathrooms, area_m2,
                address_line, city, postal_code, 'FR', latitude, longitude, price_minor, 'EUR', price_unit,
                CASE WHEN days IS NULL THEN NULL ELSE current_date + days END, photos, published,
                CASE WHEN published THEN now() - make_interval(secs => $21 + n) END
         FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[],
                     $9::int[], $10::int[], $11::text[], $12::text[], $13::text[], $14::float8[], $15::float8[],
                     $16::bigint[], $17::text[], $18::int[], $19::jsonb[], $20::bool[])
              WITH ORDINALITY AS t(id, source, external_id, slug, title, description, property_type, bedrooms,
                   bathrooms, area_m2, address_line, city, postal_code, latitude, longitude, price_minor, price_unit,
                   days, photos, published, n)",
    )
    .bind(&c.id)
    .bind(&c.source)
    .bind(&c.external_id)
    .bind(&c.slug)
    .bind(&c.title)
    .bind(&c.description)
    .bind(&c.property_type)
    .bind(&c.bedrooms)
    .bind(&c.bathrooms)
    .bind(&c.area_m2)
    .bind(&c.address_line)
    .bind(&c.city)
    .bind(&c.postal_code)
    .bind(&c.latitude)
    .bind(&c.longitude)
    .bind(&c.price_minor)
    .bind(&c.price_unit)
    .bind(&c.available_in_days)
    .bind(&c.photos)
    .bind(&c.published)
    .bind(first as f64)
    .execute(pool)
    .await?;
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("DATABASE_URL").map_err(|_| anyhow::anyhow!("DATABASE_URL is not set"))?;
    let count: u64 = std::env::var("PORTAL_BENCH_LISTINGS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let pool = app::server::db::connect(&url, 4).await?;
    app::server::db::migrate(&pool).await?;
    let started = std::time::Instant::now();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut first = 0;
    while first < count {
        let mut columns = Columns::default();
        for i in first..(first + BATCH as u64).min(count) {
            columns.push(i, &mut rng);
        }
        insert(&pool, &columns, first).await?;
        first += BATCH as u64;
    }
    sqlx::query("VACUUM ANALYZE listing").execute(&pool).await?;
    let published: i64 = sqlx::query_scalar("SELECT count(*) FROM listing WHERE published").fetch_one(&pool).await?;
    println!("loaded {count} listings ({published} published) in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}
