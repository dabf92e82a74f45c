-- Portal search under load: the page and the count are separate queries, so
-- each can use an index that answers it.
--
-- City and price together (the most common search) are one range scan; the
-- city-only index is a prefix of it.
CREATE INDEX listing_city_price_idx ON listing (lower(city), price_minor) WHERE published;
DROP INDEX IF EXISTS listing_city_idx;
-- The default order (newest first, NULLS LAST as the query says), so the first
-- page of an unfiltered search reads twelve rows.
CREATE INDEX listing_newest_idx ON listing (published_at DESC NULLS LAST, id) WHERE published;
